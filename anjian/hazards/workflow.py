"""The hazard workflow: one declaration of every step, who may take it, and what it records.

States (ARCHITECTURE.md): 待认领 reported → 整改中 rectifying → 待验收 submitted → 已销号 closed,
and back from 待验收 to 整改中 when verification fails. ``STEPS`` is the only place that says
which role may do what from which state; services, views, the API and the to-do list all
ask :func:`check`. Tests enumerate the table (tests/hazards/test_workflow.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from anjian.accounts.roles import Role
from anjian.hazards.models import Level, Status

if TYPE_CHECKING:
    from anjian.accounts.models import User
    from anjian.hazards.models import Hazard

ALL_OPEN = frozenset({Status.REPORTED, Status.RECTIFYING, Status.SUBMITTED})
SUPERVISORS = frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP})
UNIT = frozenset({Role.UNIT_STAFF})
BOTH_LEVELS = frozenset({Level.GENERAL, Level.MAJOR})
MAJOR_ONLY = frozenset({Level.MAJOR})


@dataclass(frozen=True)
class Step:
    name: str
    label: str  # Chinese, for buttons, timelines and messages
    sources: frozenset[Status]  # states the step may start from
    target: Status | None  # state after the step; None: the state does not change
    roles: frozenset[Role]
    levels: frozenset[Level]
    records: tuple[str, ...]  # what the event of this step must carry (besides actor and time)


STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        # 签字认领: the unit signs for the hazard (16号令 第十五条: the unit rectifies).
        Step("claim", "签字认领", frozenset({Status.REPORTED}), Status.RECTIFYING, UNIT, BOTH_LEVELS, ()),
        # 整改完成: the unit reports it rectified, with evidence.
        Step(
            "submit",
            "提交整改",
            frozenset({Status.RECTIFYING}),
            Status.SUBMITTED,
            UNIT,
            BOTH_LEVELS,
            ("note", "attachments"),
        ),
        # 验收销号: the verifier passes it (closes) …
        Step(
            "verify_pass",
            "验收通过并销号",
            frozenset({Status.SUBMITTED}),
            Status.CLOSED,
            SUPERVISORS,
            BOTH_LEVELS,
            ("note", "attachments"),
        ),
        # … or sends it back with a reason.
        Step(
            "verify_fail",
            "验收不通过",
            frozenset({Status.SUBMITTED}),
            Status.RECTIFYING,
            SUPERVISORS,
            BOTH_LEVELS,
            ("note",),
        ),
        # 延期: requested with a reason by the unit, decided by a supervisor.
        Step(
            "extend_request",
            "申请延期",
            frozenset({Status.REPORTED, Status.RECTIFYING}),
            None,
            UNIT | SUPERVISORS,
            BOTH_LEVELS,
            ("note", "new_deadline"),
        ),
        Step(
            "extend_decide",
            "审批延期",
            frozenset({Status.REPORTED, Status.RECTIFYING}),
            None,
            SUPERVISORS,
            BOTH_LEVELS,
            ("extension", "approved"),
        ),
        # 治理方案 (16号令 第十五条, six contents) for a major hazard.
        Step(
            "plan",
            "制定治理方案",
            frozenset({Status.REPORTED, Status.RECTIFYING}),
            None,
            UNIT | SUPERVISORS,
            MAJOR_ONLY,
            ("plan",),
        ),
        # 挂牌督办 (16号令 第二十条) and its lifting.
        Step(
            "supervise",
            "挂牌督办",
            ALL_OPEN,
            None,
            frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT}),
            MAJOR_ONLY,
            ("until",),
        ),
        Step(
            "lift",
            "摘牌",
            ALL_OPEN | {Status.CLOSED},
            None,
            frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT}),
            MAJOR_ONLY,
            (),
        ),
        # 三方签字确认 of a major hazard's rectification, before it may close.
        Step(
            "sign",
            "签字确认",
            frozenset({Status.SUBMITTED}),
            None,
            UNIT | SUPERVISORS | {Role.EXPERT},
            MAJOR_ONLY,
            ("party",),
        ),
    ]
}

# Which roles may sign for which party of the 三方签字确认.
SIGNOFF_ROLES: dict[str, frozenset[Role]] = {
    "unit_principal": UNIT,
    "group_leader": frozenset({Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.EXPERT}),
    "supervisor": frozenset({Role.TOWNSHIP, Role.DEPARTMENT}),
}


class StepDenied(Exception):
    """A step that may not be taken now by this actor; the message is for the user (Chinese)."""


def check(step_name: str, actor: User, hazard: Hazard) -> Step:
    """The step if ``actor`` may take it on ``hazard`` now, else StepDenied with the reason.

    Scope (whether the actor can see the hazard at all) is checked before this, by the
    caller fetching the hazard through the selectors: out of scope is a 404, not a reason.
    """
    step = STEPS[step_name]
    if actor.role not in step.roles:
        raise StepDenied(f"{actor.get_role_display()}不能{step.label}")
    if actor.role == Role.UNIT_STAFF and actor.unit_id != hazard.unit_id:
        raise StepDenied(f"只有本单位人员才能{step.label}")
    if hazard.level not in step.levels:
        raise StepDenied(f"只有重大隐患需要{step.label}")
    if hazard.status not in step.sources:
        raise StepDenied(f"隐患当前为“{hazard.get_status_display()}”，不能{step.label}")
    return step


def available(actor: User, hazard: Hazard) -> list[Step]:
    """The steps ``actor`` could take on ``hazard`` now (for buttons and the to-do list)."""
    out = []
    for name in STEPS:
        try:
            out.append(check(name, actor, hazard))
        except StepDenied:
            continue
    return out

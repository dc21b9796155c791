from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from anjian.core.models import AuditEntry
from anjian.enforcement.models import ActionKind, PenaltyStage
from anjian.enforcement.selectors import action_list, interview_list
from anjian.enforcement.services import (
    ActionData,
    EnforcementError,
    InterviewData,
    PermissionDenied,
    action_create,
    inspection_case_closable,
    interview_create,
    penalty_record,
)
from anjian.hazards.models import Hazard, Status

from .conftest import DAY, make_hazard


def penalty(county: Any, hazards: list[Hazard] | None = None, **kw: Any):
    data = ActionData(
        unit=county.units["chem_a"],
        kind=ActionKind.PENALTY,
        date=DAY,
        hazards=hazards or [],
        cause="未按规定设置防火堤",
        legal_basis="《中华人民共和国安全生产法》第一百零二条",
        fine=kw.pop("fine", Decimal("30000")),
        **kw,
    )
    return action_create(actor=county.users["department"], data=data)


def test_penalty_create_sets_amounts_history_and_audit(county: Any, inspection: Any, hazards: list[Hazard]) -> None:
    action = penalty(county, hazards, inspection=inspection)
    assert action.fine_initial == action.fine_current == Decimal("30000")
    assert action.org == county.yingji
    assert action.number.startswith("ZF4306262026")
    assert set(action.hazards.all()) == set(hazards)
    assert [e.stage for e in action.penalty_events.all()] == [PenaltyStage.DECIDED]
    assert AuditEntry.objects.filter(action="enforcement.create", object_id=str(action.pk)).exists()


def test_penalty_history_changes_current_amount_only_where_allowed(county: Any) -> None:
    action = penalty(county)
    actor = county.users["department"]
    penalty_record(
        actor=actor,
        action=action,
        stage=PenaltyStage.RECONSIDERED,
        date=DAY + dt.timedelta(days=30),
        amount=Decimal("20000"),
        note="复议决定变更",
    )
    penalty_record(actor=actor, action=action, stage=PenaltyStage.PAID, date=DAY + dt.timedelta(days=40))
    action.refresh_from_db()
    assert action.fine_initial == Decimal("30000")
    assert action.fine_current == Decimal("20000")
    assert [e.stage for e in action.penalty_events.all()] == ["decided", "reconsidered", "paid"]
    with pytest.raises(EnforcementError):
        penalty_record(actor=actor, action=action, stage=PenaltyStage.PAID, date=DAY, amount=Decimal("1"))


def test_fine_only_for_penalty_and_hazards_of_same_unit(county: Any) -> None:
    actor = county.users["county_admin"]
    with pytest.raises(EnforcementError) as exc:
        action_create(
            actor=actor,
            data=ActionData(unit=county.units["chem_a"], kind=ActionKind.ORDER_RECTIFY, date=DAY, fine=Decimal("100")),
        )
    assert "fine" in exc.value.errors
    other = make_hazard(county.units["fire_b"], 9)
    with pytest.raises(EnforcementError) as exc:
        action_create(
            actor=actor,
            data=ActionData(unit=county.units["chem_a"], kind=ActionKind.ORDER_RECTIFY, date=DAY, hazards=[other]),
        )
    assert "hazards" in exc.value.errors


def test_roles_and_scope(county: Any) -> None:
    data = ActionData(unit=county.units["chem_a"], kind=ActionKind.ORDER_RECTIFY, date=DAY)
    with pytest.raises(PermissionDenied):
        action_create(actor=county.users["township"], data=data)
    # 住建局 does not supervise hazardous chemicals.
    with pytest.raises(EnforcementError):
        action_create(actor=county.users["zhujian"], data=data)
    with pytest.raises(EnforcementError):
        action_create(actor=county.users["other_county_admin"], data=data)
    action = action_create(actor=county.users["county_admin"], data=data)
    assert list(action_list(county.users["township"])) == [action]
    assert list(action_list(county.users["zhujian"])) == []
    assert list(action_list(county.users["other_county_admin"])) == []


def test_case_closable_only_when_every_hazard_closed(county: Any, inspection: Any, hazards: list[Hazard]) -> None:
    assert not inspection_case_closable(inspection)
    Hazard.objects.filter(pk=hazards[0].pk).update(status=Status.CLOSED)
    assert not inspection_case_closable(inspection)
    Hazard.objects.filter(pk=hazards[1].pk).update(status=Status.CLOSED)
    assert inspection_case_closable(inspection)


def test_interview_scope_through_units_distinct(county: Any) -> None:
    actor = county.users["county_admin"]
    interview = interview_create(
        actor=actor,
        data=InterviewData(
            kind="interview",
            date=DAY,
            units=[county.units["chem_a"], county.units["build_a"]],
            persons=2,
            reason="连续两次检查发现重大隐患",
        ),
    )
    assert interview.number.startswith("YT4306262026")
    assert list(interview_list(actor)) == [interview]  # once, though two units match
    assert list(interview_list(county.users["township"])) == [interview]
    assert list(interview_list(county.users["township_b"])) == []
    assert list(interview_list(county.users["other_county_admin"])) == []
    with pytest.raises(EnforcementError):
        interview_create(actor=actor, data=InterviewData(kind="interview", date=DAY, units=[county.units["other"]]))

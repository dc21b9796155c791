"""The demo county's hidden hazards (anjian load-demo --hazards N): deterministic, told through
the services, every actor in scope, dates consistent with the event chains.

A small county (``--units 200 --hazards 160``) is loaded once for the class, in a transaction
rolled back afterwards; determinism loads it twice more in its own test.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import User
from anjian.accounts.roles import Role
from anjian.core.scope import scope_q
from anjian.demo import hazards as demo_hazards
from anjian.hazards.models import (
    Attachment,
    AttachmentKind,
    Extension,
    ExtensionStatus,
    Hazard,
    HazardEvent,
    Level,
    Signoff,
    SignoffParty,
    Source,
    Status,
    Supervision,
)
from anjian.hazards.selectors import criteria_for, overdue_q
from anjian.hazards.services import signoff_round
from anjian.regions.services import builtin_rows, divisions_import
from anjian.units.models import Unit

ARGS = ("--units", "200", "--hazards", "160")
# The sectors whose units may have major hazards, and the industries of the criteria they cite.
MAJOR_INDUSTRIES = {
    "hazardous_chemicals": {"化工和危险化学品"},
    "fireworks": {"烟花爆竹"},
    "industry_trade": {"通用"},
    "metallurgy": {"通用"},
}


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        Hazard.objects.order_by("number").values_list(
            "number",
            "unit__name",
            "description",
            "status",
            "level",
            "source",
            "found_on",
            "deadline",
            "rectified_on",
            "closed_on",
            "reported_by__username",
            "criterion__item",
            "event_count",
        )
    )


@pytest.fixture(scope="class")
def county(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock(), transaction.atomic():
        divisions_import(list(builtin_rows("430626")))  # 平江县 only: fast
        yield load(*ARGS)
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestDemoHazards:
    def test_output_and_counts(self, county):
        assert "演示隐患 160 条" in county
        assert Hazard.objects.count() == 160
        assert not Hazard.objects.exclude(region_code__startswith="430626").exists()

    def test_the_event_chains_verify(self, county):
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        assert "未发现篡改" in out.getvalue()

    def test_every_state_level_and_source(self, county):
        statuses = Counter(Hazard.objects.values_list("status", flat=True))
        assert set(statuses) == set(Status.values)
        assert statuses[Status.CLOSED] > 0.6 * 160  # most older ones are closed
        levels = Counter(Hazard.objects.values_list("level", flat=True))
        assert 0 < levels[Level.MAJOR] < 0.1 * 160
        assert set(Hazard.objects.values_list("source", flat=True)) == set(Source.values)
        assert Hazard.objects.filter(overdue_q()).exists()
        assert Hazard.objects.filter(on_the_spot=True, status=Status.CLOSED).exists()
        assert HazardEvent.objects.filter(kind="verify_fail").exists()
        assert set(Extension.objects.values_list("status", flat=True)) == set(ExtensionStatus.values)

    def test_found_over_15_months_up_to_today(self, county):
        today = timezone.localdate()
        days = [(today - d).days for d in Hazard.objects.values_list("found_on", flat=True)]
        assert min(days) >= 0 and max(days) <= demo_hazards.SPAN_DAYS
        assert max(days) > 300 and min(days) < 10

    def test_dates_tell_one_story_with_the_events(self, county):
        today = timezone.localdate()
        events: dict[int, list[HazardEvent]] = defaultdict(list)
        for event in HazardEvent.objects.order_by("hazard_id", "seq"):
            events[event.hazard_id].append(event)
        for h in Hazard.objects.all():
            chain = events[h.pk]
            assert chain[0].kind == "report" and chain[-1].data["status"] == h.status, h.number
            approved = [e for e in chain if e.kind == "extend_decide" and e.data["approved"]]
            expected = approved[-1].data["deadline"] if approved else chain[0].data["deadline"]
            assert expected == h.deadline.isoformat(), h.number
            assert h.found_on <= today and h.deadline >= h.found_on
            if h.status in (Status.SUBMITTED, Status.CLOSED) and not h.on_the_spot:
                submits = [e for e in chain if e.kind == "submit"]
                assert submits[-1].data["rectified_on"] == h.rectified_on.isoformat(), h.number
            if h.status == Status.CLOSED:
                assert h.found_on <= h.rectified_on <= h.closed_on <= today, h.number
                assert chain[-1].kind in ("verify_pass", "correct_on_spot")
            else:
                assert h.closed_on is None
            if h.status in (Status.REPORTED, Status.RECTIFYING):
                assert h.rectified_on is None
        # Older closed hazards were closed in the past, not all on the day of loading.
        closed_on = set(Hazard.objects.filter(status=Status.CLOSED).values_list("closed_on", flat=True))
        assert len(closed_on) > 20

    def test_major_hazards_cite_a_criterion_of_their_sector(self, county):
        majors = Hazard.objects.filter(level=Level.MAJOR).select_related("sector", "criterion")
        assert majors.exists()
        for h in majors:
            assert h.criterion is not None
            assert h.criterion.industry in MAJOR_INDUSTRIES[h.sector.code], h.number
            assert criteria_for(h.found_on).filter(pk=h.criterion_id).exists()
            assert all(h.plan.get(k) for k in ("goal", "measures", "funds", "people", "time_limit", "safety"))
            if h.status == Status.CLOSED:
                parties = set(h.signoffs.filter(round=signoff_round(h)).values_list("party", flat=True))
                assert parties == set(SignoffParty.values), h.number
        assert not Hazard.objects.filter(level=Level.GENERAL, criterion__isnull=False).exists()
        assert not Hazard.objects.exclude(sector__code__in=MAJOR_INDUSTRIES).filter(level=Level.MAJOR).exists()

    def test_some_majors_are_under_supervision_with_signatures(self, county):
        supervised = Supervision.objects.filter(lifted_on__isnull=True).select_related("hazard")
        assert supervised.exists()
        today = timezone.localdate()
        for s in supervised:
            assert s.hazard.level == Level.MAJOR and s.hazard.status != Status.CLOSED
            assert s.hazard.found_on <= s.placed_on <= today < s.until
        assert Signoff.objects.filter(hazard__status=Status.SUBMITTED, hazard__supervisions__isnull=False).exists()

    def test_every_actor_had_the_hazard_in_scope(self, county):
        by_actor: dict[int, set[int]] = defaultdict(set)
        for hazard_id, actor_id in HazardEvent.objects.exclude(actor=None).values_list("hazard_id", "actor_id"):
            by_actor[actor_id].add(hazard_id)
        # Only the system's morning scan (run by load-demo) acts without an account.
        assert set(HazardEvent.objects.filter(actor=None).values_list("kind", flat=True)) <= {"overdue", "escalate"}
        for actor in User.objects.filter(pk__in=by_actor).select_related("org"):
            visible = set(Hazard.objects.filter(scope_q(actor, Hazard.SCOPE)).values_list("pk", flat=True))
            assert by_actor[actor.pk] <= visible, actor.username

    def test_steps_are_taken_by_the_right_people(self, county):
        for h in Hazard.objects.select_related("reported_by", "verifier_org"):
            role = h.reported_by.role
            assert (
                role
                in {
                    Source.INSPECTION: {Role.COUNTY_ADMIN, Role.DEPARTMENT, Role.TOWNSHIP},
                    Source.PUBLIC: {Role.COUNTY_ADMIN, Role.TOWNSHIP},
                    Source.GRID: {Role.GRID_WORKER},
                    Source.SELF_CHECK: {Role.UNIT_STAFF},
                }[h.source]
            )
        # Claims and submissions by the unit's own staff; verifications by the verifying organisation.
        for e in HazardEvent.objects.filter(kind__in=("claim", "submit")).select_related("actor", "hazard"):
            assert e.actor.role == Role.UNIT_STAFF and e.actor.unit_id == e.hazard.unit_id
        for e in HazardEvent.objects.filter(kind__in=("verify_pass", "verify_fail")).select_related("actor", "hazard"):
            assert e.actor.org_id == e.hazard.verifier_org_id, e.hazard.number

    def test_extra_people_cannot_sign_in_and_demo_accounts_are_untouched(self, county):
        extra = User.objects.exclude(username__startswith="demo_")
        assert extra.exists() and not any(u.has_usable_password() for u in extra)
        assert User.objects.filter(username__startswith="demo_").count() == 9

    def test_demo_accounts_have_work_waiting(self, county):
        from anjian.web import todo

        for username in ("demo_admin", "demo_unit"):
            items = {i.key for i in todo.items(User.objects.get(username=username))}
            assert "overdue" in items, username
        assert {"claim", "rectify"} <= {i.key for i in todo.items(User.objects.get(username="demo_unit"))}
        assert {"verify", "extension"} <= {i.key for i in todo.items(User.objects.get(username="demo_admin"))}

    def test_photos_are_few_files(self, county):
        assert (
            Attachment.objects.filter(kind=AttachmentKind.VERIFIED).count()
            >= Hazard.objects.filter(status=Status.CLOSED, on_the_spot=False).count()
        )
        files = set(Attachment.objects.values_list("file", flat=True))
        assert len(files) <= 10 < Attachment.objects.count()

    def test_a_second_load_adds_no_hazards(self, county):
        out = load("--force", *ARGS)
        assert "单位 0 个" in out
        assert Hazard.objects.count() == 160


def test_two_loads_give_the_same_hazards(db):
    divisions_import(list(builtin_rows("430626")))
    with transaction.atomic():
        load("--units", "120", "--hazards", "60")
        first = snapshot()
        transaction.set_rollback(True)
    assert Hazard.objects.count() == 0
    load("--units", "120", "--hazards", "60")
    assert snapshot() == first
    assert len(first) == 60


def test_by_default_three_hazards_for_every_four_units(db):
    divisions_import(list(builtin_rows("430626")))
    out = load("--units", "40")
    assert "演示隐患 30 条" in out and Hazard.objects.count() == 30


def test_hazards_0_skips_them(db):
    divisions_import(list(builtin_rows("430626")))
    out = load("--units", "60", "--hazards", "0")
    assert Hazard.objects.count() == 0 and Unit.objects.count() == 60
    assert "未生成隐患" in out


def test_the_plan_is_pure_and_seeded():
    units = [
        demo_hazards.UnitFacts(
            i, f"单位{i}", sector, code, "430626101", 1, 2, i % 3 == 0, "ABCD"[i % 4], "normal", "张三"
        )
        for i, (sector, code) in enumerate(
            [("hazardous_chemicals", "5265"), ("commerce", "5212"), ("industry_trade", "3484"), ("education", "8321")]
            * 10
        )
    ]
    today = dt.date(2026, 6, 1)
    a = demo_hazards.plan(units, 100, 7, today)
    assert [(s.unit.id, s.found_on, s.description, s.final) for s in a] == [
        (s.unit.id, s.found_on, s.description, s.final) for s in demo_hazards.plan(units, 100, 7, today)
    ]
    assert [s.description for s in a] != [s.description for s in demo_hazards.plan(units, 100, 8, today)]
    assert [s.found_on for s in a] == sorted(s.found_on for s in a)
    for s in a:
        if s.level == Level.MAJOR:
            assert s.unit.sector in ("hazardous_chemicals", "industry_trade")

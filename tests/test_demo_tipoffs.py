"""The demo county's tip-offs (anjian.demo.tipoffs): a pure, seeded plan, told through the tip-off services
in every state the workflow has, linked to demo hazards and penalties, with rewards in every state.

The plan is tested on a hand-made county (no database). The loader is tested on a small demo county
(``load_demo(n_units=300, n_hazards=220)``), loaded once for the class in a transaction rolled back afterwards;
determinism is checked with the other demo records in tests/test_demo_activity.py (test_two_loads_give_the_same_work)
and the full county's tip-offs in tests/test_demo.py (TestDemoCounty).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import User
from anjian.core.models import AuditEntry
from anjian.core.scope import scoped
from anjian.demo import tipoffs as demo_tipoffs
from anjian.demo.loader import DemoResult, load_demo
from anjian.demo.tipoffs import Facts, HazardFacts, PenaltyFacts, UnitFacts
from anjian.enforcement.models import ActionKind
from anjian.hazards.models import Source
from anjian.regions.services import builtin_rows, divisions_import
from anjian.tipoffs.models import Channel, Outcome, RewardStatus, Status, Tipoff
from anjian.tipoffs.selectors import overdue_q, unseal
from anjian.tipoffs.services import COLLECT_DAYS, HANDLERS, reward_preview

TODAY = dt.date(2026, 11, 26)
SECTORS = ("hazardous_chemicals", "construction", "fire", "commerce", "industry_trade", "fireworks", "road_transport",
           "non_coal_mine", "food", "education")


# --- the plan, on a hand-made county ------------------------------------------------------------


def facts(today: dt.date = TODAY, penalties: bool = True) -> Facts:
    units = tuple(
        UnitFacts(100 + i, f"单位{i}", SECTORS[i % len(SECTORS)], f"43062610{i % 3}{200 + i % 5:03d}",
                  f"43062610{i % 3}")
        for i in range(80)
    )
    hazards = tuple(
        HazardFacts(500 + i, 100 + (i * 7) % 80, f"YH{i}", today - dt.timedelta(days=20 + i * 17),
                    today - dt.timedelta(days=10 + i * 17) if i % 3 else None, "admin" if i % 2 else "430626101")
        for i in range(20)
    )
    fines = (Decimal(3000), Decimal(10000), Decimal(50000))
    pens = tuple(
        PenaltyFacts(900 + i, 100 + (i * 11) % 80, today - dt.timedelta(days=3 + i * 9), fines[i % 3],
                     "未按规定对从业人员进行安全生产教育和培训")
        for i in range(40)
    ) if penalties else ()
    villages = {"430626100": ("小田村",), "430626101": ("高峰村", "大西村"), "430626102": ("民建路社区",)}
    return Facts(today, units, hazards, pens, frozenset({"hazardous_chemicals", "industry_trade", "fireworks"}),
                 villages)


def summary(stories: list[demo_tipoffs.Story]) -> list[tuple[Any, ...]]:
    return [(s.received_on, s.channel, s.unit_id, s.content, s.closed_on, s.reward, s.reporter_name) for s in stories]


def test_the_plan_is_pure_and_seeded():
    a = demo_tipoffs.plan(facts(), 7)
    assert summary(a) == summary(demo_tipoffs.plan(facts(), 7))
    assert summary(a) != summary(demo_tipoffs.plan(facts(), 8))
    assert [s.received_on for s in a] == sorted(s.received_on for s in a)
    assert 35 <= len(a) <= 45


@pytest.mark.parametrize("with_penalties", [True, False])
def test_every_story_keeps_the_rules_dates(with_penalties):
    f = facts(penalties=with_penalties)
    stories = demo_tipoffs.plan(f, 1)
    keys = {s.key: s for s in stories}
    start = TODAY - dt.timedelta(days=demo_tipoffs.SPAN_DAYS)
    for s in stories:
        root = keys[s.duplicate_of] if s.duplicate_of is not None else s
        assert start <= s.received_on <= TODAY
        assert (s.unit_id is None) == bool(s.township)
        if s.closed_on is not None:
            assert s.received_on <= s.closed_on <= TODAY
        if s.real_name:
            assert s.reporter_name and re.fullmatch(r"1\d{10}", s.reporter_phone)
        if s.reward:
            assert s.real_name and s.closed_on is not None
            assert root.outcome in (demo_tipoffs.TRUE, demo_tipoffs.PARTLY) and root.closed_on is not None
        if s.notified_on is not None:
            assert root.closed_on <= s.notified_on <= TODAY  # type: ignore[operator]
        if s.reward == "forfeited":
            assert s.notified_on < TODAY - dt.timedelta(days=COLLECT_DAYS)  # type: ignore[operator]
        if s.reward == "approved":
            assert s.notified_on >= TODAY - dt.timedelta(days=COLLECT_DAYS)  # type: ignore[operator]
        if s.reward == "paid":
            assert s.notified_on <= s.paid_on <= min(TODAY, s.notified_on + dt.timedelta(days=COLLECT_DAYS))  # type: ignore[operator]
        if s.duplicate_of is not None:
            main = keys[s.duplicate_of]
            assert main.duplicate_of is None and (main.received_on, main.key) < (s.received_on, s.key)
        if s.action_id is not None:
            penalty = next(p for p in f.penalties if p.id == s.action_id)
            assert s.unit_id == penalty.unit_id and s.received_on <= penalty.date <= s.closed_on  # type: ignore[operator]
        if s.hazard_id is not None:
            hazard = next(h for h in f.hazards if h.id == s.hazard_id)
            assert s.unit_id == hazard.unit_id and s.received_on <= hazard.found_on <= s.closed_on  # type: ignore[operator]
    assert {s.reward for s in stories} == {"", "proposed", "approved", "paid", "forfeited"}
    assert any(s.action_id for s in stories) == with_penalties


# --- the loader, on a small demo county ----------------------------------------------------------


@pytest.fixture(scope="class")
def county(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        divisions_import(list(builtin_rows("430626")))  # 平江县 only: fast
        yield load_demo(n_units=300, n_hazards=220)
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestDemoTipoffs:
    def test_the_result_names_what_was_made(self, county):
        n = Tipoff.objects.count()
        assert 35 <= n <= 45 and county.tipoffs_created == n
        assert county.tipoffs_summary.startswith(f"演示举报 {n} 件")
        assert county.tipoffs_summary in county.activity_summary.splitlines()  # load-demo prints it

    def test_every_channel_and_state(self, county):
        rows = Tipoff.objects.all()
        channels = set(rows.values_list("channel", flat=True))
        assert {Channel.HOTLINE, Channel.LETTER, Channel.VISIT, Channel.ONLINE} <= channels
        assert set(rows.values_list("real_name", flat=True)) == {True, False}
        assert set(rows.values_list("status", flat=True)) == set(Status.values)
        concluded = rows.filter(status=Status.CLOSED, duplicate_of=None)
        assert set(concluded.values_list("outcome", flat=True)) == set(Outcome.values)
        assert rows.exclude(duplicate_of=None).count() >= 3  # merged duplicates
        assert rows.exclude(status=Status.CLOSED).filter(extended_days__gt=0).exists()  # extended
        assert rows.filter(overdue_q()).exists()  # and one overdue
        assert rows.filter(unit=None).exists() and not rows.filter(unit=None, unit_text="").exists()
        assert rows.filter(kind="concealed_accident", outcome=Outcome.FALSE).exists()

    def test_rewards_in_every_state_by_the_rule(self, county):
        today = timezone.localdate()
        rows = Tipoff.objects.all()
        assert set(rows.values_list("reward_status", flat=True)) == set(RewardStatus.values)
        for t in rows.exclude(reward_status=RewardStatus.NONE):
            assert t.real_name and t.reward_amount == reward_preview(t)[0] >= Decimal(3000)
            if t.reward_status != RewardStatus.PROPOSED:
                assert t.reward_approved_by.role == "county_admin" and t.reward_notified_on >= t.closed_on
            if t.reward_status == RewardStatus.PAID:
                last = t.reward_notified_on + dt.timedelta(days=COLLECT_DAYS)
                assert t.reward_notified_on <= t.reward_paid_on <= last
            if t.reward_status == RewardStatus.FORFEITED:
                assert t.reward_notified_on < today - dt.timedelta(days=COLLECT_DAYS)
            if t.reward_status == RewardStatus.APPROVED:
                assert t.reward_notified_on >= today - dt.timedelta(days=COLLECT_DAYS)
        # A duplicate was rewarded: the first real-name report of its matter (the first one was anonymous).
        dup = rows.exclude(duplicate_of=None).exclude(reward_status=RewardStatus.NONE).get()
        assert not dup.duplicate_of.real_name and dup.duplicate_of.reward_status == RewardStatus.NONE

    def test_linked_to_demo_hazards_and_penalties_of_their_unit(self, county):
        hazards = Tipoff.objects.exclude(hazard=None).select_related("hazard")
        assert hazards.count() >= 3
        for t in hazards:
            assert t.hazard.unit_id == t.unit_id and t.hazard.source == Source.PUBLIC
            assert t.received_on <= t.hazard.found_on <= t.closed_on
        penalties = Tipoff.objects.exclude(action=None).select_related("action")
        assert penalties.exists()
        for t in penalties:
            assert t.action.kind == ActionKind.PENALTY and t.action.unit_id == t.unit_id
            assert t.received_on <= t.action.date <= t.closed_on

    def test_numbers_are_gap_free_and_follow_the_dates(self, county):
        rows = list(Tipoff.objects.order_by("number").values_list("number", "received_on"))
        for year in {d.year for _, d in rows}:
            mine = [(n, d) for n, d in rows if n.startswith(f"JB430626{year}")]
            assert [int(n[-5:]) for n, _ in mine] == list(range(1, len(mine) + 1))
            assert [d for _, d in mine] == sorted(d for _, d in mine)

    def test_dates_up_to_today_and_closed_in_the_past(self, county):
        today = timezone.localdate()
        for t in Tipoff.objects.all():
            assert today - dt.timedelta(days=demo_tipoffs.SPAN_DAYS) <= t.received_on <= today
            assert t.due_on == t.received_on + dt.timedelta(days=60 + t.extended_days)
            if t.status == Status.CLOSED:
                assert t.received_on <= t.closed_on <= today
            else:
                assert t.closed_on is None
        # Closed on their own days, not all on the day of loading.
        assert len(set(Tipoff.objects.exclude(closed_on=None).values_list("closed_on", flat=True))) > 15

    def test_every_step_by_a_handler_in_scope_and_audited(self, county):
        for t in Tipoff.objects.select_related("received_by"):
            assert t.received_by.role in HANDLERS and t.org_id == t.received_by.org_id
            assert scoped(t.received_by, Tipoff.objects.filter(pk=t.pk)).exists()
        entries = Counter(AuditEntry.objects.filter(action__startswith="tipoff.").values_list("action", flat=True))
        rows = Tipoff.objects.all()
        assert entries["tipoff.receive"] == rows.count()
        assert entries["tipoff.close"] == rows.filter(status=Status.CLOSED, duplicate_of=None).count()
        assert entries["tipoff.merge"] == rows.exclude(duplicate_of=None).count()
        assert entries["tipoff.extend"] == rows.filter(extended_days__gt=0).count()
        assert entries["tipoff.reward_propose"] == rows.exclude(reward_status=RewardStatus.NONE).count()
        assert entries["tipoff.reward_pay"] == rows.filter(reward_status=RewardStatus.PAID).count()
        assert entries["tipoff.reward_forfeit"] == rows.filter(reward_status=RewardStatus.FORFEITED).count()
        for e in AuditEntry.objects.filter(action__startswith="tipoff.").exclude(actor=None).select_related("actor"):
            assert scoped(e.actor, Tipoff.objects.filter(pk=e.object_id)).exists(), e.action

    def test_the_reporters_are_confidential_in_the_audit_trail(self, county):
        entries = AuditEntry.objects.filter(object_type="tipoffs.tipoff") | AuditEntry.objects.filter(
            action="demo.tipoffs"
        )
        trail = " ".join(f"{e.changes} {e.object_repr}" for e in entries)
        assert "tipoff.receive" in set(entries.values_list("action", flat=True))
        named = Tipoff.objects.filter(real_name=True)
        assert named.exists()
        for sealed_name, sealed_phone in named.values_list("reporter_name", "reporter_phone"):
            name, phone = unseal(sealed_name), unseal(sealed_phone)  # stored encrypted
            assert re.fullmatch(r"1\d{10}", phone) and phone not in trail
            assert f"'{name}'" not in trail and f'"{name}"' not in trail

    def test_demo_accounts_see_the_register(self, county):
        users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
        assert scoped(users["demo_admin"], Tipoff.objects.all()).count() == Tipoff.objects.count()
        township = scoped(users["demo_township"], Tipoff.objects.all())
        assert not township.exclude(region_code__startswith="430626101").exists()

    def test_a_second_load_adds_no_tipoffs(self, county):
        before = Tipoff.objects.count()
        result = demo_tipoffs.load_tipoffs(seed=1)
        assert result.skipped == "演示县已有举报记录，未再生成举报" and Tipoff.objects.count() == before

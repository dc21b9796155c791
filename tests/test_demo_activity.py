"""The demo county's year of work (anjian.demo.activity): a pure, seeded plan, written through the
services with the numbering rules, consistent with the demo hazards, and filling every statistic.

The plan is tested on a hand-made county (no database). The loader is tested on a small demo county
(``--units 300 --hazards 220``), loaded once for the class in a transaction rolled back afterwards;
the volumes of the full county are checked in tests/test_demo.py (TestDemoCounty), which loads it anyway.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from anjian.accidents.models import Accident
from anjian.accounts.models import User
from anjian.campaigns.models import Adjustment, Assessment, AssessmentItem, AssessmentRow, Campaign, Task
from anjian.core.models import AuditEntry
from anjian.core.scope import scope_q
from anjian.demo import activity
from anjian.demo.activity import Facts, HazardFacts, OrgFacts, UnitFacts
from anjian.demo.loader import DemoResult, load_demo
from anjian.enforcement.models import ActionKind, Document, EnforcementAction, Interview, PenaltyEvent
from anjian.hazards.models import Hazard, Source
from anjian.inspections.models import Inspection, InspectionGroup, InspectionItem, Person
from anjian.outreach.models import Activity
from anjian.patrols.models import Patrol
from anjian.plans.models import AnnualPlan, PlanItem
from anjian.regions.services import builtin_rows, divisions_import
from anjian.stats.briefing import SECTIONS, build_briefing
from anjian.stats.scope import build_scope
from anjian.tipoffs.models import Tipoff
from anjian.tipoffs.selectors import unseal
from anjian.units.models import Unit

ARGS = ("--units", "300", "--hazards", "220")  # what the class loads (through load_demo itself)
TODAY = dt.date(2026, 11, 26)
SECTORS = ("hazardous_chemicals", "construction", "fire", "commerce", "industry_trade", "fireworks", "road_transport")


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


# --- the plan, on a hand-made county ------------------------------------------------------------


def facts(today: dt.date = TODAY, scale: float = 1.0) -> Facts:
    office = OrgFacts(1, "county_office", "平江县安全生产委员会办公室", "安委办", "430626000000")
    departments = (
        OrgFacts(2, "department", "应急管理局", "应急", "430626000000",
                 ("fireworks", "hazardous_chemicals", "industry_trade")),
        OrgFacts(3, "department", "住房和城乡建设局", "住建", "430626000000", ("construction",)),
        OrgFacts(4, "department", "消防救援大队", "消防", "430626000000", ("fire",)),
        OrgFacts(5, "department", "商务局", "商务", "430626000000", ("commerce",)),
        OrgFacts(6, "department", "交通运输局", "交通", "430626000000", ("road_transport",)),
    )
    townships = tuple(
        OrgFacts(10 + i, "township", f"{name}人民政府", name, f"43062610{i}000")
        for i, name in enumerate(("安定镇", "三市镇", "加义镇"))
    )
    units = tuple(
        UnitFacts(100 + i, f"单位{i}", SECTORS[i % len(SECTORS)], f"43062610{i % 3}",
                  f"43062610{i % 3}{200 + i % 5:03d}", i % 4 == 0, "ABCD"[i % 4],
                  "closed" if i in (5, 40) else "normal", f"负责人{i}")
        for i in range(140)
    )
    hazards = []
    for i in range(300):
        unit = units[(i * 7) % len(units)]
        if unit.status == "closed":
            continue
        found = today - dt.timedelta(days=(i * 13) % 450)
        # Found by the unit's township office, the county office or the unit's department, in turn.
        department = next(d.id for d in departments if unit.sector in d.sectors)
        reporter = (10 + int(unit.township[-1]), 1, department)[i % 3]
        hazards.append(HazardFacts(i + 1, unit.id, found, i % 17 == 0, reporter,
                                   found + dt.timedelta(days=10) if i % 4 else None))
    hazards.sort(key=lambda h: (h.found_on, h.id))
    checklists = (("hazardous_chemicals", 1, (11, 12, 13)), ("fire", 2, (21, 22)))
    return Facts(today, units, office, departments, townships, tuple(hazards), checklists, scale)


def test_the_plan_is_pure_and_seeded():
    a, b = activity.plan(facts(), 7), activity.plan(facts(), 7)
    assert a == b
    assert a.inspections and a.actions and a.documents and a.interviews and a.accidents and a.outreach
    assert a != activity.plan(facts(), 8)


def test_everything_happens_last_year_or_this_year_up_to_today():
    p = activity.plan(facts(), 7)
    first = dt.date(TODAY.year - 1, 1, 1)
    dates = [s.date for s in p.inspections] + [x.date for x in p.actions] + [d.day for d in p.documents]
    dates += [i.date for i in p.interviews] + [x.occurred_at.date() for x in p.accidents] + [o.date for o in p.outreach]
    dates += [t.completed_on for t in p.tasks if t.completed_on]
    assert min(dates) >= dt.date(TODAY.year - 2, 1, 1) and max(dates) <= TODAY
    for table in (p.inspections, p.actions, p.interviews, p.outreach):
        years = Counter(x.date.year for x in table)
        assert years[TODAY.year] and years[TODAY.year - 1], table[0]
    assert min(s.date for s in p.inspections) >= first
    assert [(s.date, s.key) for s in p.inspections] == sorted((s.date, s.key) for s in p.inspections)
    assert [d.day for d in p.documents] == sorted(d.day for d in p.documents)


def test_hazards_are_found_by_an_inspection_of_their_unit_on_their_day_by_their_office():
    f = facts()
    p = activity.plan(f, 7)
    by_id = {h.id: h for h in f.hazards}
    linked = [(h, s) for s in p.inspections for h in s.hazards]
    assert len({h for h, _ in linked}) == len(linked)  # each hazard once
    for hazard_id, s in linked:
        h = by_id[hazard_id]
        assert (s.unit_id, s.date, s.org_id) == (h.unit_id, h.found_on, h.org_id)
    # Every major one (from last year on) and a share of the general ones.
    first = dt.date(TODAY.year - 1, 1, 1)
    majors = {h.id for h in f.hazards if h.major and h.found_on >= first}
    assert majors <= {h for h, _ in linked}
    general = [h for h in f.hazards if not h.major and h.found_on >= first]
    share = sum(1 for h, _ in linked if h not in majors) / len(general)
    assert 0.25 < share < 0.55


def test_groups_and_people_stay_in_their_lane():
    f = facts()
    p = activity.plan(f, 7)
    units = {u.id: u for u in f.units}
    groups = {g.key: g for g in p.groups}
    people = {x.key: x for x in p.persons}
    assert len({(g.org_id, g.name) for g in p.groups}) == len(p.groups)
    for s in p.inspections:
        g = groups[s.group]
        unit = units[s.unit_id]
        assert s.org_id == g.org_id and s.date.year == g.start.year
        if g.township:
            assert unit.township == g.township
        if g.sectors is not None and s.kind != "follow_up":
            assert unit.sector in g.sectors
        assert set(s.officials) <= set(g.members) and set(s.experts) <= set(g.members)
        assert all(people[o].kind == "official" for o in s.officials)
        assert all(people[e].kind == "expert" for e in s.experts)
        if s.follows is not None:
            earlier = next(x for x in p.inspections if x.key == s.follows)
            assert earlier.unit_id == s.unit_id and earlier.date <= s.date and s.kind == "follow_up"


def test_enforcement_follows_the_rules():
    f = facts()
    p = activity.plan(f, 7)
    townships = {t.id for t in f.townships}
    inspections = {s.key: s for s in p.inspections}
    assert not any(a.org_id in townships for a in p.actions)  # townships do not enforce
    for a in p.actions:
        assert (a.fine is not None) == (a.kind == ActionKind.PENALTY)
        if a.inspection is not None:
            s = inspections[a.inspection]
            assert s.unit_id == a.unit_id and s.date <= a.date and set(a.hazards) <= set(s.hazards)
        for _, day, _, _ in a.stages:
            assert a.date <= day <= TODAY
    # A penalty of 10,000 yuan or more was a filed case first; a smaller one needs none.
    for a in p.actions:
        if a.kind == ActionKind.PENALTY and a.fine is not None and a.fine >= Decimal(10000):
            assert any(c.kind == ActionKind.CASE_FILED and c.inspection == a.inspection and c.date < a.date
                       for c in p.actions)
    # Each penalty gets its decision, each order its 指令书; reviews and site records cite real records.
    docs = Counter((d.doc_type, d.action) for d in p.documents)
    for a in p.actions:
        if a.kind == ActionKind.PENALTY:
            assert docs[("penalty_decision", a.key)] == 1
        if a.kind == ActionKind.ORDER_RECTIFY:
            assert docs[("rectify_order", a.key)] == 1
    assert {d.doc_type for d in p.documents} == {"penalty_decision", "rectify_order", "review_opinion", "site_record"}


def test_fewer_accidents_this_year():
    p = activity.plan(facts(), 7)
    years = Counter(a.occurred_at.year for a in p.accidents)
    assert 0 < years[TODAY.year] < years[TODAY.year - 1]
    assert {a.category for a in p.accidents} == {"production", "road", "fire"}
    for year in years:
        seqs = [a.seq for a in p.accidents if a.occurred_at.year == year]
        assert seqs == list(range(1, len(seqs) + 1))  # numbered in order, without gaps


def test_early_in_the_year_every_section_still_has_something():
    today = dt.date(2026, 1, 2)
    p = activity.plan(facts(today), 7)
    for name, dates in (
        ("inspections", [s.date for s in p.inspections]),
        ("penalties", [a.date for a in p.actions if a.kind == ActionKind.PENALTY]),
        ("interviews", [i.date for i in p.interviews]),
        ("accidents", [a.occurred_at.date() for a in p.accidents]),
        ("outreach", [o.date for o in p.outreach]),
    ):
        assert any(d.year == 2026 for d in dates), name
        assert max(dates) <= today, name


# --- the loader, on a small demo county ----------------------------------------------------------


@pytest.fixture(scope="class")
def county(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        divisions_import(list(builtin_rows("430626")))  # 平江县 only: fast
        yield load_demo(n_units=300, n_hazards=220)
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestDemoActivity:
    def test_the_result_names_what_was_made(self, county):
        assert county.activity_summary.startswith("演示工作记录（去年全年和今年至今）")
        assert f"检查 {Inspection.objects.count()} 家次" in county.activity_summary
        assert f"执法文书 {Document.objects.count()} 份" in county.activity_summary
        assert county.activity_counts["accidents"] == Accident.objects.count()
        assert county.activity_accounts_created == 0  # the hazards' officers act here too

    def test_every_table_has_last_year_and_this_year(self, county):
        year = timezone.localdate().year
        for model, field in (
            (Inspection, "date"),
            (EnforcementAction, "date"),
            (Document, "issued_on"),
            (Interview, "date"),
            (Accident, "occurred_at__year"),
            (Activity, "date"),
        ):
            for y in (year - 1, year):
                lookup = {field: y} if field.endswith("__year") else {f"{field}__year": y}
                assert model.objects.filter(**lookup).exists(), (model.__name__, y)
        for model in (Campaign, Task, Person, InspectionGroup, InspectionItem, PenaltyEvent):
            assert model.objects.exists(), model.__name__
        assert Task.objects.filter(completed_on__isnull=False).exists()
        assert Task.objects.filter(completed_on__isnull=True, due__lt=timezone.localdate()).exists()  # overdue
        assert Campaign.objects.filter(parent__isnull=False).count() == 3

    def test_nothing_after_today(self, county):
        today = timezone.localdate()
        assert not Inspection.objects.filter(date__gt=today).exists()
        assert not EnforcementAction.objects.filter(date__gt=today).exists()
        assert not Document.objects.filter(issued_on__gt=today).exists()
        assert not PenaltyEvent.objects.filter(date__gt=today).exists()
        assert not Interview.objects.filter(date__gt=today).exists()
        assert not Accident.objects.filter(occurred_at__date__gt=today).exists()
        assert not Activity.objects.filter(date__gt=today).exists()
        assert not Task.objects.filter(completed_on__gt=today).exists()

    def test_numbers_are_unique_gap_free_and_in_date_order(self, county):
        for model, prefix, width in ((Inspection, "JC", 6), (EnforcementAction, "ZF", 6), (Interview, "YT", 5)):
            rows = list(model.objects.order_by("number").values_list("number", "date"))
            for year in {d.year for _, d in rows}:
                mine = [(n, d) for n, d in rows if n.startswith(f"{prefix}430626{year}")]
                seqs = [int(n[-width:]) for n, _ in mine]
                assert seqs == list(range(1, len(mine) + 1)), (model.__name__, year)
                assert [d for _, d in mine] == sorted(d for _, d in mine), (model.__name__, year)
        # 文号: one sequence per office, type and year, gap-free, issued in date order.
        numbers = list(Document.objects.values_list("number", flat=True))
        assert len(numbers) == len(set(numbers))
        runs: dict[tuple[int, str, int], list[tuple[int, dt.date]]] = {}
        for org, kind, year, seq, day, number in Document.objects.values_list(
            "org_id", "doc_type", "year", "seq", "issued_on", "number"
        ):
            runs.setdefault((org, kind, year), []).append((seq, day))
            assert number.endswith(f"〔{year}〕{seq}号") and day.year == year
        for run in runs.values():
            run.sort()
            assert [s for s, _ in run] == list(range(1, len(run) + 1))
            assert [d for _, d in run] == sorted(d for _, d in run)
        for model in (Accident, Activity):
            numbers = list(model.objects.values_list("number", flat=True))
            assert len(numbers) == len(set(numbers)) and all(n[2:8] == "430626" for n in numbers)

    def test_documents_are_real_docx_files_for_their_action(self, county):
        from docx import Document as Docx

        doc = Document.objects.filter(doc_type="penalty_decision").select_related("action", "unit").first()
        text = "\n".join(p.text for p in Docx(doc.file.open("rb")).paragraphs)
        assert doc.number in text and doc.unit.name in text
        assert f"{doc.action.fine_initial:,.2f}" in text
        for d in Document.objects.select_related("action", "inspection"):
            unit = d.action.unit_id if d.action else d.inspection.unit_id
            assert unit == d.unit_id

    def test_penalties_have_their_history(self, county):
        for action in EnforcementAction.objects.filter(kind=ActionKind.PENALTY).prefetch_related("penalty_events"):
            events = list(action.penalty_events.all())
            assert events[0].stage == "decided" and events[0].amount == action.fine_initial
            assert action.fine_initial and action.fine_initial > 0
            changed = [e for e in events if e.amount is not None]
            assert changed[-1].amount == action.fine_current
        assert not EnforcementAction.objects.exclude(kind=ActionKind.PENALTY).exclude(fine_initial=None).exists()

    def test_hazards_found_by_inspections_point_to_them(self, county):
        linked = Hazard.objects.exclude(inspection=None).select_related("inspection", "reported_by")
        assert linked.count() > 0.25 * Hazard.objects.filter(source=Source.INSPECTION).count()
        for h in linked:
            i = h.inspection
            assert h.source == Source.INSPECTION
            assert (i.unit_id, i.date, i.number) == (h.unit_id, h.found_on, h.inspection_ref)
            assert i.group.org_id == h.reported_by.org_id  # the reporter's office went out
            assert h.campaign_id == i.campaign_id
        # 结案 only once every hazard the inspection found is verified and closed.
        for i in Inspection.objects.exclude(case_closed_on=None).prefetch_related("hazards"):
            hazards = list(i.hazards.all())
            assert hazards and all(h.closed_on and h.closed_on <= i.case_closed_on for h in hazards)

    def test_every_record_is_in_its_author_s_scope(self, county):
        for i in Inspection.objects.select_related("created_by").order_by("id")[::7]:
            assert Inspection.objects.filter(scope_q(i.created_by, Inspection.SCOPE), pk=i.pk).exists()
            assert set(i.officials.values_list("org__region_code", flat=True)) <= {
                i.group.region_code, i.group.region_code[:6].ljust(12, "0")
            }
        for a in EnforcementAction.objects.select_related("created_by", "org"):
            assert a.created_by.role in ("county_admin", "department") and a.created_by.org_id == a.org_id
            assert Unit.objects.filter(scope_q(a.created_by, Unit.SCOPE), pk=a.unit_id).exists()

    def test_each_role_sees_its_own_work(self, county):
        users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
        visible = {name: Inspection.objects.filter(scope_q(u, Inspection.SCOPE)).distinct()
                   for name, u in users.items()}
        assert visible["demo_admin"].count() == Inspection.objects.count()
        township = visible["demo_township"]
        assert township.exists() and not township.exclude(region_code__startswith="430626101").exists()
        expert = users["demo_expert"]
        assert Person.objects.get(user=expert).kind == "expert"
        assert visible["demo_expert"].exists()
        assert not visible["demo_expert"].exclude(experts__user=expert).exists()
        assert visible["demo_expert"].count() < Inspection.objects.count()
        mine = set(users["demo_dept"].org.sectors.values_list("id", flat=True))
        assert set(visible["demo_dept"].values_list("sector_id", flat=True)) <= mine

    def test_the_event_chains_verify(self, county):
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        assert "未发现篡改" in out.getvalue()

    def test_audit_entries_for_what_was_written(self, county):
        entries = Counter(AuditEntry.objects.values_list("action", flat=True))
        assert entries["inspection.create"] == Inspection.objects.count()
        assert entries["enforcement.create"] == EnforcementAction.objects.count()
        assert entries["document.issue"] == Document.objects.count()
        assert entries["inspection.item"] == InspectionItem.objects.count()
        assert entries["demo.activity"] == 1

    def test_stats_this_year_have_every_figure(self, county):
        today = timezone.localdate()
        out = StringIO()
        call_command("stats", "--region", "430626", "--from", f"{today.year}-01-01", "--to", today.isoformat(),
                     "--json", stdout=out)
        values = json.loads(out.getvalue())["indicators"]
        for code in ("inspections", "outings", "inspection_groups", "inspector_visits", "penalty_cases",
                     "documents_issued", "accidents", "trainings", "drills", "publicity_events", "tasks_total",
                     "tasks_done", "interviews"):
            assert values[code] > 0, code
        assert Decimal(values["fines_yuan"]) > 0
        briefing = build_briefing(build_scope(region="430626", date_from=dt.date(today.year, 1, 1), date_to=today))
        assert [s.key for s in briefing.sections] == [key for key, _, _ in SECTIONS]

    def test_a_second_load_adds_no_activity(self, county):
        before = Inspection.objects.count()
        assert "单位 0 个" in load("--force", *ARGS)
        assert Inspection.objects.count() == before
        result = activity.load_activity(seed=1)
        assert result.skipped == "演示县已有检查记录，未再生成工作记录" and Inspection.objects.count() == before


def test_two_loads_give_the_same_work(db):
    divisions_import(list(builtin_rows("430626")))

    def snapshot() -> list[Any]:
        return [
            list(Inspection.objects.order_by("number").values_list("number", "unit__name", "date", "kind",
                                                                   "group__name", "findings")),
            list(EnforcementAction.objects.order_by("number").values_list("number", "unit__name", "kind", "date",
                                                                          "fine_initial")),
            list(Document.objects.order_by("number").values_list("number", "unit__name", "issued_on")),
            list(Accident.objects.order_by("number").values_list("number", "summary")),
            list(Activity.objects.order_by("number").values_list("number", "name", "attendees")),
            # The tip-offs (anjian.demo.tipoffs) and the grid patrols (anjian.demo.patrols) loaded after them.
            # The reporter is compared in clear: it is stored encrypted with a fresh nonce each time.
            [(*row[:7], unseal(row[7]), unseal(row[8]), *row[9:]) for row in Tipoff.objects.order_by("number")
             .values_list(
                "number", "received_on", "channel", "kind", "unit__name", "unit_text", "content", "reporter_name",
                "reporter_phone", "real_name", "received_by__username", "status", "outcome", "result_note",
                "closed_on", "extended_days", "duplicate_of__number", "hazard__number", "action__number",
                "reward_status", "reward_amount", "reward_notified_on", "reward_paid_on",
            )],
            list(Patrol.objects.order_by("patrolled_on", "unit__name").values_list(
                "unit__name", "patrolled_on", "by__username", "outcome", "note", "hazard__number", "lat", "lng",
            )),
            # The annual plans (anjian.demo.annual_plans) and the assessment (anjian.demo.assessments) loaded
            # after them; the times the services stamp (created_at, approved_at, computed_at, published_at)
            # are left out, as above.
            list(AnnualPlan.objects.order_by("number").values_list(
                "number", "title", "year", "org__name", "status", "created_by__username", "approved_by__username",
                "officers", "legal_workdays", "other_enforcement_days", "non_enforcement_days", "key_share",
                "days_per_inspection", "limits", "note",
            )),
            list(PlanItem.objects.order_by("plan__number", "unit__name").values_list(
                "plan__number", "unit__name", "year", "times", "quarter", "note",
            )),
            list(AssessmentItem.objects.order_by("scheme__campaign__name", "scheme__group", "position").values_list(
                "scheme__campaign__name", "scheme__group", "scheme__adjustment_limit", "position", "indicator",
                "direction", "quota", "points", "deduction",
            )),
            list(Assessment.objects.order_by("month").values_list(
                "scheme__campaign__name", "month", "status", "as_of", "items", "computed_by__username",
                "published_by__username",
            )),
            list(AssessmentRow.objects.order_by("assessment__month", "group_key").values_list(
                "assessment__month", "group_key", "group_name", "cells", "item_total",
            )),
            list(Adjustment.objects.order_by("assessment__month", "group_key").values_list(
                "assessment__month", "group_key", "points", "reason", "created_by__username",
            )),
        ]

    with transaction.atomic():
        load("--units", "120", "--hazards", "60")
        first = snapshot()
        transaction.set_rollback(True)
    load("--units", "120", "--hazards", "60")
    assert snapshot() == first
    assert all(first)

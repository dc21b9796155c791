"""The day figures of the province, its cities and counties (anjian/stats/cube*.py) give exactly the facts' figures.

On both databases: PostgreSQL's triggers are plpgsql, SQLite's its own (migration 0011). Each test compares
``compute()`` read from the day figures with ``compute()`` from the facts (``ANJIAN_STATS_CUBE``
off), through random writes of every kind the triggers must see, before and after a refresh.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from anjian.enforcement.models import Document, EnforcementAction, Interview
from anjian.hazards.models import Hazard, Supervision
from anjian.inspections.models import Inspection
from anjian.outreach.models import Activity
from anjian.stats import cube, cube_inspections
from anjian.stats.compute import compute
from anjian.stats.models import DayByMonth, DayFigure, StaleDay
from anjian.stats.scope import build_scope
from anjian.units.models import Sector, Unit

from . import factories as f

FAMILY = (
    "inspection_groups", "outings", "inspections", "inspector_visits", "expert_visits", "units_inspected",
    "hazards_found", "hazards_general_found", "hazards_general_rectified", "hazards_major_found",
    "hazards_major_rectified", "hazards_rectified", "hazards_overdue", "hazards_open", "hazards_major_supervised",
    "orders_rectify_units", "cases_filed", "case_units", "penalty_cases", "penalized_units", "fines_yuan",
    "suspended_units", "closed_units", "licenses_suspended", "licenses_revoked", "cases_transferred",
    "criminal_transfers", "documents_issued", "trainings", "training_attendees", "drills", "drill_participants",
    "publicity_events", "materials_distributed", "interviews", "interviewed_units", "interviewed_persons",
    "exposures", "exposed_units", "units", "units_key",
)  # fmt: skip
ACTIVITIES = ["training", "drill", "publicity", "contest", "film"]
KINDS = ["order_rectify", "case_filed", "penalty", "suspend", "close", "license_suspend", "license_revoke",
         "transfer", "criminal"]  # fmt: skip
START, END = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


def _scopes(rng: random.Random) -> list[Any]:
    periods: list[tuple[dt.date, dt.date, dt.date | None]] = [
        (dt.date(2024, 3, 1), dt.date(2024, 3, 31), None), (dt.date(2024, 4, 1), dt.date(2024, 6, 30), None),
        (START, END, None), (dt.date(2023, 1, 1), dt.date(2025, 12, 31), None),
        # as_of after the period, inside it, and not at a month's end
        (dt.date(2024, 4, 1), dt.date(2024, 6, 30), dt.date(2024, 9, 17)),
        (START, END, dt.date(2024, 7, 31)), (START, END, dt.date(2024, 5, 9)),
    ]  # fmt: skip
    for _ in range(4):  # periods that do not start on the first of a month
        a = START + dt.timedelta(days=rng.randrange(0, 300))
        periods.append((a, a + dt.timedelta(days=rng.randrange(0, 120)), None))
    return [
        build_scope(region=r, date_from=a, date_to=b, as_of=c)
        for r in ("43", "4306", "4301", "430626", "430621", "430102") for a, b, c in periods
    ]


def _family(s: Any, *, from_cube: bool) -> dict[str, int]:
    with override_settings(ANJIAN_STATS_CUBE=from_cube):
        assert cube.applies(s) is from_cube
        values = compute(s)
    return {k: values[k] for k in FAMILY}


def _check(scopes: list[Any]) -> int:
    """The figures of every scope, from the day figures and from the facts; the number of non-zero figures."""
    nonzero = 0
    for s in scopes:
        expected = _family(s, from_cube=False)
        assert _family(s, from_cube=True) == expected, (s.prefix, s.date_from, s.date_to, s.as_of)
        nonzero += sum(1 for v in expected.values() if v)
    return nonzero


class World:
    """Units in two cities, groups, officials and experts, and random inspections of them."""

    def __init__(self, county: Any, rng: random.Random) -> None:
        self.rng = rng
        base = list(county.units.values())
        sector = base[0].sector
        extra = [
            Unit.objects.create(name=f"测试单位{n}", region_code=code, sector=sector)
            for n, code in enumerate(["430626101000", "430626102000", "430102001000", "430102001000"])
        ]
        self.units = base + extra
        self.groups = [f.group(f"检查组{n}") for n in range(3)]
        self.officials = [f.person(f"执法{n}") for n in range(5)]
        self.experts = [f.person(f"专家{n}", "expert") for n in range(3)]
        self.org, self.user = county.office, county.users["county_admin"]
        self.turns: dict[tuple[str, ...], int] = {}

    def turn(self, ops: list[str]) -> str:
        """Each kind of write in turn (the rows, days and values stay random): every kind is exercised."""
        key = tuple(ops)
        self.turns[key] = self.turns.get(key, -1) + 1
        return ops[self.turns[key] % len(ops)]

    def day(self) -> str:
        return (START + dt.timedelta(days=self.rng.randrange(0, 366))).isoformat()

    def create(self) -> Inspection:
        r = self.rng
        head = r.random() < 0.2
        return f.inspection(
            r.choice(self.units),
            self.day(),
            r.choice([None, *self.groups]),
            [] if head else r.sample(self.officials, r.randrange(0, 4)),
            [] if head else r.sample(self.experts, r.randrange(0, 2)),
            official_count=r.randrange(0, 5) if head else 0,
            expert_count=r.randrange(0, 2) if head else 0,
        )

    def hazard(self) -> Hazard:
        r = self.rng
        found = dt.date.fromisoformat(self.day())
        closed = r.random() < 0.5
        return f.hazard(
            r.choice(self.units), found.isoformat(), (found + dt.timedelta(days=r.randrange(-3, 60))).isoformat(),
            level=r.choice(["general", "general", "major"]), status="closed" if closed else "rectifying",
            closed_on=(found + dt.timedelta(days=r.randrange(-2, 90))).isoformat() if closed else None,
        )

    def change_hazard(self) -> str:
        """One random write to the hazards (or their supervisions); its name."""
        r = self.rng
        rows = list(Hazard.objects.order_by("id"))
        if not rows or r.random() < 0.35:
            self.hazard()
            return "hazard_create"
        h = r.choice(rows)
        what = self.turn(["close", "reopen", "found", "deadline", "level", "unit", "delete", "supervise", "state"])
        if what == "close":
            h.status, h.closed_on = "closed", dt.date.fromisoformat(self.day())
        elif what == "reopen":
            h.status = "rectifying"  # closed_on kept: not closed is not closed, whatever the date says
        elif what == "found":
            h.found_on = dt.date.fromisoformat(self.day())
        elif what == "deadline":
            h.deadline = h.found_on + dt.timedelta(days=r.randrange(-5, 90))
        elif what == "level":
            h.level = "major" if h.level == "general" else "general"
        elif what == "unit":
            u = r.choice(self.units)
            h.unit, h.region_code = u, u.region_code
        elif what == "delete":
            if not h.supervisions.exists():
                h.delete()
            return what
        elif what == "supervise":
            on = dt.date.fromisoformat(self.day())
            Supervision.objects.create(hazard=h, org=self.org, placed_by=self.user, placed_on=on,
                                       until=on + dt.timedelta(days=30))  # fmt: skip
            return what
        else:
            h.status = "submitted" if h.status != "closed" else h.status  # short of 销号: no figure changes
        h.save()
        return "hazard_" + what

    def action(self) -> EnforcementAction:
        r = self.rng
        kind = r.choice(KINDS)
        fine = r.choice([None, r.randrange(1, 10**7)]) if kind == "penalty" else None
        return f.action(r.choice(self.units), kind, self.day(), fine)

    def change_action(self) -> str:
        """One random write to the enforcement actions; its name."""
        r = self.rng
        rows = list(EnforcementAction.objects.order_by("id"))
        if not rows or r.random() < 0.35:
            self.action()
            return "action_create"
        a = r.choice(rows)
        what = self.turn(["date", "unit", "kind", "fine", "delete", "text"])
        if what == "date":
            a.date = dt.date.fromisoformat(self.day())
        elif what == "unit":
            u = r.choice(self.units)
            a.unit, a.region_code = u, u.region_code
        elif what == "kind":
            a.kind = r.choice(KINDS)
        elif what == "fine":
            a.fine_current = Decimal(r.randrange(0, 10**7)) / 100  # 行政复议 changed the amount
        elif what == "delete":
            a.delete()
            return "action_delete"
        else:
            a.cause = "补充案由"
        a.save()
        return "action_" + what

    def paper(self) -> None:
        """A document, or an outreach activity."""
        r = self.rng
        if r.random() < 0.5:
            f.document(r.choice(self.units), self.org, self.day())
        else:
            f.activity(r.choice(ACTIVITIES), self.day(), r.choice(self.units).region_code,
                       attendees=r.randrange(0, 300), materials=r.randrange(0, 50))  # fmt: skip

    def change_paper(self) -> str:
        """One random write to the documents or the activities; its name."""
        r = self.rng
        if r.random() < 0.4:
            self.paper()
            return "paper_create"
        doc = Document.objects.order_by("?").first() if r.random() < 0.5 else None
        if doc is not None:
            what = self.turn(["date", "delete"])
            if what == "delete":
                doc.delete()
            else:
                doc.issued_on = dt.date.fromisoformat(self.day())
                doc.save()
            return "document_" + what
        act = Activity.objects.order_by("?").first()
        if act is None:
            return "none"
        what = self.turn(["date", "kind", "attendees", "delete", "region"])
        if what == "delete":
            act.delete()
            return "activity_delete"
        if what == "date":
            act.date = dt.date.fromisoformat(self.day())
        elif what == "kind":
            act.kind = r.choice(ACTIVITIES)
        elif what == "attendees":
            act.attendees, act.materials = r.randrange(0, 300), r.randrange(0, 50)
        else:
            act.region_code = r.choice(self.units).region_code
        act.save()
        return "activity_" + what

    def interview(self) -> Interview:
        r = self.rng
        return f.interview(r.choice(["interview", "notice", "exposure"]), self.day(),
                           r.sample(self.units, r.randrange(1, 4)), persons=r.randrange(0, 6))  # fmt: skip

    def change_interview(self) -> str:
        """One random write to the interviews, the units they name, or a unit's region; its name."""
        r = self.rng
        rows = list(Interview.objects.order_by("id"))
        if not rows or r.random() < 0.3:
            self.interview()
            return "interview_create"
        iv = r.choice(rows)
        what = self.turn(["date", "kind", "persons", "name", "unname", "delete", "move"])
        if what == "date":
            iv.date = dt.date.fromisoformat(self.day())
        elif what == "kind":
            iv.kind = r.choice(["interview", "notice", "exposure"])
        elif what == "persons":
            iv.persons = r.randrange(0, 9)
        elif what == "name":
            iv.units.add(r.choice(self.units))
        elif what == "unname":
            named = list(iv.units.all())
            if len(named) > 1:
                iv.units.remove(r.choice(named))
        elif what == "delete":
            iv.delete()
            return "interview_delete"
        else:
            return self.change_unit()
        iv.save()
        return "interview_" + what

    def change_unit(self) -> str:
        """A unit moves, is closed or reopened, deregistered or registered again, made 重点监管, or is new."""
        r = self.rng
        u = r.choice(self.units[-4:])
        what = self.turn(["move", "status", "deregister", "register", "key", "create", "sector"])
        if what == "move":
            # The events naming it now count where it is now.
            # Round three regions: another county of the same city (岳阳县), then another city.
            regions = ["430626101000", "430621100000", "430102001000"]
            u.region_code = regions[(regions.index(u.region_code) + 1) % 3 if u.region_code in regions else 0]
        elif what == "status":
            u.status = "closed" if u.status != "closed" else "normal"
        elif what == "deregister":
            u.is_active, u.deactivated_at = False, timezone.make_aware(
                dt.datetime.combine(dt.date.fromisoformat(self.day()), dt.time(23, 30)))  # fmt: skip
        elif what == "register":
            u.is_active, u.deactivated_at = True, None
        elif what == "key":
            u.key_supervision = not u.key_supervision
        elif what == "sector":
            u.sector = r.choice(list(Sector.objects.order_by("id")[:4]))  # the sector charts follow the unit
        else:
            Unit.objects.create(name=f"新单位{r.randrange(10**6)}", region_code=r.choice(self.units).region_code,
                                sector=u.sector, key_supervision=r.random() < 0.5)  # fmt: skip
        u.save()
        return "unit_" + what

    def change(self, step: int) -> str:
        """One random write of a kind the triggers must see, each table in turn; its name."""
        tables = (self.change_inspection, self.change_hazard, self.change_action, self.change_paper,
                  self.change_interview, self.change_unit)  # fmt: skip
        return tables[step % len(tables)]()

    def change_inspection(self) -> str:
        r = self.rng
        rows = list(Inspection.objects.order_by("id"))
        if not rows or r.random() < 0.35:
            self.create()
            return "create"
        i = r.choice(rows)
        what = self.turn(
            ["date", "unit", "group", "official_add", "official_remove", "expert", "count", "delete", "text"]
        )
        if what == "date":
            i.date = dt.date.fromisoformat(self.day())
        elif what == "unit":
            u = r.choice(self.units)
            i.unit, i.region_code = u, u.region_code  # possibly into the other city
        elif what == "group":
            i.group = r.choice([None, *self.groups])
        elif what == "official_add":
            i.officials.add(r.choice(self.officials))
        elif what == "official_remove":
            i.officials.clear()
        elif what == "expert":
            i.experts.set(r.sample(self.experts, r.randrange(0, 3)))
        elif what == "count":
            i.official_count = r.randrange(0, 6)
        elif what == "delete":
            i.delete()
            return what
        else:
            i.findings = "变更检查情况"  # no figure changes, and no day need be stale
        i.save()
        return what


@pytest.mark.django_db
def test_figures_equal_the_facts_through_random_writes(county: Any) -> None:
    rng = random.Random(20261126)
    world = World(county, rng)
    scopes = _scopes(rng)
    for _ in range(25):
        world.create()
        world.hazard()
        world.action()
        world.paper()
        world.interview()
    cube.refresh()
    assert not StaleDay.objects.exists()
    assert DayFigure.objects.filter(prefix="43").exists() and DayByMonth.objects.filter(prefix="4301").exists()
    assert _check(scopes) > 50
    kinds = set()
    for step in range(330):
        kinds.add(world.change(step))
        if step % 15 == 14:
            # Some days stale (read from the facts), the rest from the day figures.
            assert StaleDay.objects.exists() or kinds == {"text"}
            _check(scopes)
        if step % 30 == 29:
            cube.refresh()
            assert not StaleDay.objects.exists()
            _check(scopes)
    assert {"date", "unit", "group", "official_add", "delete", "count"} <= kinds
    assert {"hazard_close", "hazard_reopen", "hazard_found", "hazard_deadline", "hazard_unit", "supervise"} <= kinds
    assert {"action_date", "action_unit", "action_kind", "action_fine", "action_delete"} <= kinds
    assert {"document_date", "activity_date", "activity_kind", "activity_region", "activity_delete"} <= kinds
    assert {"interview_date", "interview_kind", "interview_persons", "interview_name", "interview_unname",
            "interview_delete"} <= kinds  # fmt: skip
    assert {"unit_move", "unit_status", "unit_deregister", "unit_key", "unit_create", "unit_sector"} <= kinds


@pytest.mark.django_db
def test_a_change_of_text_marks_no_day(county: Any) -> None:
    world = World(county, random.Random(1))
    i = world.create()
    cube.refresh()
    i.findings = "补充检查情况"
    i.save()
    assert not StaleDay.objects.exists()
    i.official_count = 7
    i.save()
    assert list(StaleDay.objects.values_list("day", flat=True).distinct()) == [i.date]


@pytest.mark.django_db
def test_a_backdated_inspection_marks_the_next_one_of_its_unit(county: Any) -> None:
    """The later inspection's "previous one" changes: its day must be recomputed too."""
    unit = county.units["chem_a"]
    later = f.inspection(unit, "2024-05-20")
    cube.refresh()
    f.inspection(unit, "2024-05-03")
    stale = set(StaleDay.objects.values_list("day", flat=True))
    assert stale == {dt.date(2024, 5, 3), later.date}
    s = build_scope(region="4306", date_from="2024-05-10", date_to="2024-05-31")
    cube.refresh()
    # May 3rd lies before the period: only the later inspection is in it, and its unit counts once.
    assert _family(s, from_cube=True)["units_inspected"] == 1 == _family(s, from_cube=False)["units_inspected"]


@pytest.mark.django_db
def test_refresh_removes_only_the_marks_it_read(county: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write committed while the refresher recomputes keeps its own mark, so it is never lost."""
    world = World(county, random.Random(2))
    for _ in range(5):
        world.create()
    recompute = cube_inspections.recompute
    written: list[Inspection] = []

    def write_meanwhile(cursor: Any, days: Any) -> None:
        recompute(cursor, days)
        written.append(f.inspection(county.units["other"], "2024-09-09"))

    monkeypatch.setattr(cube_inspections, "recompute", write_meanwhile)
    cube.refresh()
    assert written
    assert set(StaleDay.objects.values_list("day", flat=True)) == {dt.date(2024, 9, 9)}
    _check([build_scope(region="43", date_from="2024-01-01", date_to="2024-12-31")])


@pytest.mark.django_db
def test_a_day_marked_by_many_writes_is_recomputed_once(county: Any) -> None:
    """A ledger import marks its day once per row: the refresher takes all of a day's marks at once."""
    cube.refresh()
    for unit in ("chem_a", "build_a", "other") * 4:
        f.inspection(county.units[unit], "2024-06-03")
    marks = StaleDay.objects.count()
    days = StaleDay.objects.values("family", "day").distinct().count()
    assert marks >= 12 and days < marks / 5  # fewer (family, day) than batches of 5 marks
    assert cube.refresh(batch=5) == days  # each once
    assert not StaleDay.objects.exists()
    _check([build_scope(region="4306", date_from="2024-01-01", date_to="2024-12-31")])


@pytest.mark.django_db
def test_rebuild_after_a_load_that_bypassed_the_triggers(county: Any) -> None:
    world = World(county, random.Random(3))
    for _ in range(20):
        world.create()
        world.hazard()
        world.action()
        world.paper()
        world.interview()
    cube.refresh()
    s = build_scope(region="43", date_from="2024-01-01", date_to="2024-12-31")
    # As if the rows had been loaded with the triggers off: no day figures and no marks.
    DayFigure.objects.all().delete()
    DayByMonth.objects.all().delete()
    assert _family(s, from_cube=True) != _family(s, from_cube=False)  # the day figures are what is read
    out = _command("rebuild")
    assert "已重建" in out
    _check([s])


def _command(*args: str) -> str:
    from io import StringIO

    buf = StringIO()
    call_command("stats_cube", *args, stdout=buf)
    return buf.getvalue()


@pytest.mark.django_db
def test_only_a_county_city_or_province_without_filters_reads_the_day_figures(county: Any) -> None:
    for region in ("43", "4306", "430626"):
        assert cube.applies(build_scope(region=region, date_from="2024-01-01", date_to="2024-12-31"))
    for s in (
        build_scope(region="430626101", date_from="2024-01-01", date_to="2024-12-31"),  # a township
        build_scope(region="43", date_from="2024-01-01", date_to="2024-12-31", sector="construction"),
        build_scope(region="4306", date_from="2024-01-01", date_to="2024-12-31", inspection_kind="routine"),
        build_scope(region="430626", date_from="2024-01-01", date_to="2024-12-31", unit=county.units["chem_a"].pk),
    ):
        assert not cube.applies(s)
    with override_settings(ANJIAN_STATS_CUBE=False):
        assert not cube.applies(build_scope(region="43", date_from="2024-01-01", date_to="2024-12-31"))


@pytest.mark.django_db
def test_the_command_says_there_is_nothing_to_do_with_the_day_rows_off() -> None:
    assert "已重算 0 个日期" in _command("refresh")
    with override_settings(ANJIAN_STATS_CUBE=False), pytest.raises(CommandError, match="未启用"):
        _command("refresh")


@pytest.mark.django_db
def test_a_hazard_marks_the_days_it_counts_on(county: Any) -> None:
    """Found, deadline + 1 (overdue from then) and 销号: every day row a hazard counts in is one of these."""
    h = f.hazard(county.units["chem_a"], "2024-03-05", "2024-04-05")
    assert set(StaleDay.objects.filter(family="hazards").values_list("day", flat=True)) == {
        dt.date(2024, 3, 5), dt.date(2024, 4, 6),
    }
    cube.refresh()
    h.status, h.closed_on = "submitted", dt.date(2024, 5, 20)
    h.save()
    assert not StaleDay.objects.exists()  # reported rectified is not rectified: no figure changes
    h.status = "closed"
    h.save()
    assert dt.date(2024, 5, 20) in set(StaleDay.objects.values_list("day", flat=True))
    cube.refresh()
    s = build_scope(region="43", date_from="2024-03-01", date_to="2024-03-31", as_of="2024-06-30")
    values = _family(s, from_cube=True)
    assert values == _family(s, from_cube=False)
    assert (values["hazards_rectified"], values["hazards_open"], values["hazards_overdue"]) == (1, 0, 0)
    h.deadline = dt.date(2024, 3, 20)  # an earlier deadline: overdue from the 21st
    h.status = "rectifying"
    h.save()
    assert {dt.date(2024, 3, 21), dt.date(2024, 4, 6)} <= set(StaleDay.objects.values_list("day", flat=True))
    cube.refresh()
    values = _family(s, from_cube=True)
    assert values == _family(s, from_cube=False)
    assert (values["hazards_rectified"], values["hazards_open"], values["hazards_overdue"]) == (0, 1, 1)


@pytest.mark.django_db
def test_the_province_dashboard_charts_equal_the_facts(county: Any) -> None:
    """By month and by city from the day rows: the figures compute_by and compute give from the facts."""
    from anjian.stats.grouped import INDUSTRY, MONTH, compute_by
    from anjian.stats.selectors import CITY, Dashboard

    world = World(county, random.Random(4))
    for _ in range(30):
        world.create()
        world.hazard()
    # Accidents are not kept per day: the accidents chart's months come from the facts.
    f.accident("production", dt.datetime(2024, 3, 3, 9), unit=county.units["chem_a"], deaths=1)
    f.accident("fire", dt.datetime(2024, 7, 31, 23, 30), region="430102001000", deaths=2)
    for round_ in range(3):
        if round_:
            cube.refresh()
        for a, b, c in [("2024-01-01", "2024-12-31", None), ("2024-02-10", "2024-08-20", "2024-09-30")]:
            s = build_scope(region="43", date_from=a, date_to=b, as_of=c)
            board = Dashboard(s)
            assert board.from_days
            with override_settings(ANJIAN_STATS_CUBE=False):
                live = {r.key: r.values for r in compute_by(s, MONTH, totals=False).rows}
            trend = board.by_month
            assert [r.key for r in trend.rows] == list(live)
            codes = ("hazards_found", "hazards_rectified", "inspections", "accidents", "fires", "deaths")
            assert {r.key: [r.values[k] for k in codes] for r in trend.rows} == {
                k: [v[k] for k in codes] for k, v in live.items()
            }
            assert [sum(r.values[k] for r in trend.rows) for k in ("accidents", "fires", "deaths")] == [1, 1, 1]
            assert sum(r.values["hazards_found"] for r in trend.rows) > 10
            cities = board.by_township
            assert cities.group == CITY and {"4306", "4301"} <= {r.key for r in cities.rows}
            for row in cities.rows:
                with override_settings(ANJIAN_STATS_CUBE=False):
                    figures = compute(build_scope(region=row.key, date_from=a, date_to=b, as_of=c))
                codes = ("hazards_found", "hazards_rectified", "hazards_overdue")
                assert [row.values[k] for k in codes] == [figures[k] for k in codes], row.key
            with override_settings(ANJIAN_STATS_CUBE=False):
                live_sectors = {r.key: r.values for r in compute_by(s, INDUSTRY, totals=False).rows}
            codes = ("hazards_found", "hazards_rectified", "inspections")
            assert {r.key: [r.values[k] for k in codes] for r in board.by_industry.rows} == {
                k: [v[k] for k in codes] for k, v in live_sectors.items() if any(v[k] for k in codes)
            }
        world.hazard()  # a stale day again for the second round
        if round_ == 1:
            # A unit with facts changes sector, and a hazard moves to another unit: refreshed, the
            # sector chart must follow (the triggers mark their days).
            busy = Unit.objects.filter(hazards__isnull=False, inspections__isnull=False).first()
            assert busy is not None
            other = Sector.objects.exclude(pk=busy.sector_id).order_by("id").first()
            assert other is not None
            busy.sector = other
            busy.save()
            h = Hazard.objects.exclude(unit=busy).first()
            assert h is not None
            h.unit = busy
            h.save()
            cube.refresh()


@pytest.mark.django_db
def test_a_unit_inspected_in_two_counties_marks_the_next_inspection_in_each(county: Any) -> None:
    """The previous inspection is taken within each kept region: in the county it may be another than in the city."""
    unit = county.units["chem_a"]  # 平江县 430626, 岳阳市 4306
    first = f.inspection(unit, "2024-03-10")
    unit.region_code = "430621100000"  # moves to 岳阳县, the same city
    unit.save()
    f.inspection(unit, "2024-05-10")
    unit.region_code = "430626101000"  # and back
    unit.save()
    last = f.inspection(unit, "2024-08-10")
    cube.refresh()
    backdated = Inspection.objects.create(
        number="JC-backdated", unit=unit, region_code=first.region_code, sector=unit.sector, kind="routine",
        date=dt.date(2024, 4, 5),
    )
    # Its own day; the next one in the province and the city (May, in 岳阳县); in 平江县, August.
    assert set(StaleDay.objects.filter(family="inspections").values_list("day", flat=True)) == {
        backdated.date, dt.date(2024, 5, 10), last.date,
    }
    cube.refresh()
    s = build_scope(region="430626", date_from="2024-04-10", date_to="2024-08-31")
    assert _family(s, from_cube=True)["units_inspected"] == 1 == _family(s, from_cube=False)["units_inspected"]


@pytest.mark.django_db
def test_the_refresh_job_runs_only_where_the_day_rows_are_kept() -> None:
    from anjian.stats.tasks import every_minute_where_kept

    now = dt.datetime(2024, 5, 1, 10, 7)
    assert every_minute_where_kept(now) is True
    with override_settings(ANJIAN_STATS_CUBE=False):
        assert every_minute_where_kept(now) is False

"""Each family of the catalogue against the hand-computed figures of the fixture county."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from anjian.stats import indicators as ind
from anjian.stats.compute import as_json, compute, with_yoy
from anjian.stats.scope import ScopeError, build_scope

from . import factories as f

H1 = {"region": "430626", "date_from": "2024-01-01", "date_to": "2024-06-30", "as_of": "2024-06-30"}


def figures(**kw):
    return compute(build_scope(**(H1 | kw)))


def test_registry(facts):
    v = figures()
    assert (v["units"], v["units_key"]) == (4, 2)
    town = figures(region=facts.county.andingzhen.code)
    assert (town["units"], town["units_key"]) == (2, 1)


def test_inspections_outings_and_person_times(facts):
    v = figures()
    assert v["inspection_groups"] == 1
    assert v["outings"] == 3          # group on 5 March, group on 2 April, the ungrouped ledger inspection
    assert v["inspections"] == 4
    assert v["inspector_visits"] == 3 + 1 + 4
    assert v["expert_visits"] == 1 + 1
    assert v["units_inspected"] == 4


def test_hazards_as_of_overdue_open_supervised(facts):
    v = figures()
    assert (v["hazards_found"], v["hazards_general_found"], v["hazards_major_found"]) == (5, 3, 2)
    assert (v["hazards_general_rectified"], v["hazards_major_rectified"], v["hazards_rectified"]) == (1, 1, 2)
    assert v["rectification_rate"] == pytest.approx(2 / 5)
    assert v["rectification_rate_general"] == pytest.approx(1 / 3)
    assert v["rectification_rate_major"] == pytest.approx(1 / 2)
    # Overdue at 30 June: the 2 April hazard and last year's one (the one closed in July was due in April).
    assert v["hazards_overdue"] == 3
    # Open at 30 June: build_a's (closed only in July), fire_b's, the open major, last year's.
    assert v["hazards_open"] == 4
    assert v["hazards_major_supervised"] == 1
    later = figures(as_of="2024-07-31")
    assert later["hazards_general_rectified"] == 2
    assert later["hazards_open"] == 4  # build_a's closed; the 2 July hazard now found and open


def test_enforcement_distinct_units_and_fines(facts):
    v = figures()
    assert v["documents_issued"] == 2
    assert v["orders_rectify_units"] == 2
    assert (v["cases_filed"], v["case_units"]) == (1, 1)
    assert (v["penalty_cases"], v["penalized_units"]) == (2, 1)
    assert v["fines_yuan"] == Decimal("379100.00")
    assert (v["suspended_units"], v["closed_units"]) == (1, 1)
    assert (v["licenses_suspended"], v["licenses_revoked"]) == (1, 1)
    assert (v["cases_transferred"], v["criminal_transfers"]) == (1, 1)


def test_interviews_and_exposure(facts):
    v = figures()
    assert (v["interviews"], v["interviewed_units"], v["interviewed_persons"]) == (2, 2, 5)
    assert (v["exposures"], v["exposed_units"]) == (1, 2)


def test_accidents_with_road_and_fire_split(facts):
    v = figures()
    # The 00:30 accident of 1 January (local) is in the period; the 23:30 one of 31 December is not.
    assert (v["accidents"], v["deaths"], v["injuries"]) == (2, 3, 2)
    assert v["direct_loss_yuan"] == Decimal("50000.00")
    assert (v["road_accidents"], v["road_deaths"]) == (2, 3)
    assert (v["fires"], v["fire_deaths"]) == (1, 0)


def test_outreach(facts):
    v = figures()
    assert (v["trainings"], v["training_attendees"]) == (2, 80)
    assert (v["drills"], v["drill_participants"]) == (1, 20)
    assert (v["publicity_events"], v["materials_distributed"]) == (3, 600)


def test_campaign_tasks(facts):
    v = figures()
    assert (v["tasks_total"], v["tasks_done"], v["tasks_overdue"]) == (4, 1, 2)
    sub = figures(campaign="危化品专项整治")
    assert (sub["tasks_total"], sub["tasks_done"], sub["tasks_overdue"]) == (1, 0, 1)


def test_year_on_year(facts):
    current, yoy = with_yoy(build_scope(**H1))
    assert current["accidents"] == 2
    assert yoy["accidents"] == pytest.approx(1.0)              # 1 → 2
    assert yoy["fines_yuan"] == pytest.approx(379100 / 50000 - 1)
    assert yoy["interviews"] == pytest.approx(1.0)
    assert yoy["hazards_found"] is None                         # nothing found a year earlier
    assert yoy["rectification_rate"] is None


def test_campaign_filter_includes_sub_campaigns_and_the_inspections_campaign(facts):
    v = figures(campaign="安全生产治本攻坚")
    # Inspections tagged with the sub-campaign.
    assert (v["inspections"], v["outings"], v["inspector_visits"], v["expert_visits"]) == (1, 1, 2, 1)
    # A hazard untagged but found by an inspection of the sub-campaign belongs to it.
    assert v["hazards_found"] == 1 and v["hazards_rectified"] == 1
    assert (v["penalty_cases"], v["fines_yuan"]) == (1, Decimal("100000.00"))
    assert (v["interviews"], v["interviewed_persons"]) == (1, 2)
    assert (v["trainings"], v["training_attendees"]) == (1, 30)
    fire = figures(campaign="消防专项")
    assert fire["hazards_found"] == 1 and fire["inspections"] == 0


def test_inspection_kind_filter(facts):
    v = figures(inspection_kind="督导检查")
    assert (v["inspections"], v["outings"], v["inspection_groups"], v["inspector_visits"]) == (2, 1, 1, 3)
    # Only hazards found by supervisory inspections.
    assert v["hazards_found"] == 1
    assert figures(inspection_kind="routine")["hazards_found"] == 1


def test_sector_and_department_filters(facts):
    v = figures(sector="construction")
    assert v["units"] == 2 and v["inspections"] == 2
    # Units take their sector's department by default: 应急管理局 answers for chem_a and fire_b.
    d = figures(department="应急管理局")
    assert (d["units"], d["penalty_cases"], d["cases_filed"], d["orders_rectify_units"]) == (2, 2, 1, 1)
    z = figures(department="住房和城乡建设局")
    assert (z["units"], z["orders_rectify_units"], z["closed_units"], z["penalty_cases"]) == (2, 1, 1, 0)


def test_unknown_parameters_are_refused(facts):
    with pytest.raises(ScopeError):
        figures(campaign="没有这个行动")
    with pytest.raises(ScopeError):
        figures(region="43062")
    with pytest.raises(ScopeError):
        figures(inspection_kind="nope")


def test_json_form_has_every_indicator(facts):
    data = as_json(build_scope(**H1))
    assert set(data["indicators"]) == set(ind.CODES) == set(data["yoy"])
    assert data["scope"] == {"region": "430626", "from": "2024-01-01", "to": "2024-06-30", "as_of": "2024-06-30",
                             "filters": {"campaign": None, "sector": None, "department": None,
                                         "inspection_kind": None}}
    assert data["indicators"]["fines_yuan"] == "379100.00"
    assert isinstance(data["indicators"]["inspections"], int)
    json.dumps(data)


SPEC_CODES = """
units units_key
inspection_groups outings inspections inspector_visits expert_visits units_inspected
hazards_found hazards_general_found hazards_general_rectified hazards_major_found hazards_major_rectified
hazards_rectified rectification_rate rectification_rate_general rectification_rate_major hazards_overdue
hazards_open hazards_major_supervised
documents_issued orders_rectify_units cases_filed case_units penalty_cases penalized_units fines_yuan
suspended_units closed_units licenses_suspended licenses_revoked cases_transferred criminal_transfers
interviews interviewed_units interviewed_persons exposures exposed_units
accidents deaths injuries direct_loss_yuan road_accidents road_deaths fires fire_deaths
trainings training_attendees drills drill_participants publicity_events materials_distributed
tasks_total tasks_done tasks_overdue
""".split()


def test_registry_declares_each_indicator_of_the_catalogue_once():
    assert list(ind.CODES) == SPEC_CODES
    assert len(ind.CATALOGUE) == len(SPEC_CODES) == 55
    for i in ind.CATALOGUE:
        assert i.name and i.unit and (i.table in ind.TABLES or i.ratio)


def test_cli_json_and_table(facts):
    out = StringIO()
    call_command("stats", "--region", "430626", "--from", "2024-01-01", "--to", "2024-06-30", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["indicators"]["outings"] == 3 and set(data["indicators"]) == set(ind.CODES)
    out = StringIO()
    call_command("stats", "--region", "430626", "--from", "2024-01-01", "--to", "2024-06-30",
                 "--campaign", "安全生产治本攻坚", stdout=out)
    text = out.getvalue()
    assert "检查组数" in text and "罚款金额" in text and "campaign=安全生产治本攻坚" in text


def test_queries_do_not_grow_with_the_data(facts, django_assert_max_num_queries):
    scope = build_scope(**H1)
    with django_assert_max_num_queries(len(ind.TABLES)):
        small = compute(scope)
    chem = facts.county.units["chem_a"]
    for n in range(20):
        f.inspection(chem, f"2024-02-{n + 1:02d}", None, [f.person(f"人{n}")])
        f.hazard(chem, "2024-02-01", "2024-02-02")
        f.interview("interview", "2024-02-01", [chem], persons=1)
    with django_assert_max_num_queries(len(ind.TABLES)):
        big = compute(scope)
    assert big["inspections"] == small["inspections"] + 20
    assert big["interviewed_persons"] == small["interviewed_persons"] + 20


def test_an_event_naming_several_units_counts_once(facts):
    """An interview naming three units — two in the region, one elsewhere — is one interview whose persons
    count once (not once per named unit), and the two units of the region count as two."""
    u = facts.county.units
    before = compute(build_scope(**H1))
    f.interview("interview", "2024-06-10", [u["chem_a"], u["build_a"], u["other"]], persons=4)
    f.interview("exposure", "2024-06-11", [u["chem_a"], u["fire_b"]])
    after = compute(build_scope(**H1))
    assert after["interviews"] == before["interviews"] + 1
    assert after["interviewed_persons"] == before["interviewed_persons"] + 4
    assert after["exposures"] == before["exposures"] + 1
    # chem_a was already named in the period (2024-03-01), build_a was not.
    assert after["interviewed_units"] == before["interviewed_units"] + 1

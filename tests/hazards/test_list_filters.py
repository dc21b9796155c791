"""The hazard list's filters for the statistics' click-through: as_of, open, rectified, campaign tree, …"""

from __future__ import annotations

import pytest
from django.test import Client

from anjian.hazards.models import Supervision
from tests.stats import factories as f


def count(county, persona: str = "county_admin", **params) -> int:
    client = Client()
    client.force_login(county.users[persona])
    r = client.get("/hazards/", params)
    assert r.status_code == 200
    return r.context["page"].paginator.count


@pytest.fixture
def hazards(county):
    u = county.units
    parent = f.campaign("治本攻坚", "2024-01-01", "2024-12-31")
    child = f.campaign("危化专项", "2024-01-01", "2024-12-31", parent=parent)
    insp = f.inspection(u["chem_a"], "2024-03-01", kind="supervisory", campaign=child)
    return {
        # closed before 30 June, found by a supervisory inspection of the sub-campaign
        "closed": f.hazard(u["chem_a"], "2024-03-01", "2024-04-01", status="closed", closed_on="2024-04-01",
                           inspection=insp),
        # closed only in July: open and overdue at 30 June
        "late": f.hazard(u["build_a"], "2024-03-05", "2024-04-05", status="closed", closed_on="2024-07-10"),
        # tagged with the parent campaign, due after 30 June
        "open": f.hazard(u["fire_b"], "2024-05-01", "2024-12-31", level="major", campaign=parent),
        # found after 30 June
        "later": f.hazard(u["build_b"], "2024-07-02", "2024-07-03"),
        "parent": parent,
        "child": child,
    }


def test_as_of_overdue_open_rectified(county, hazards):
    assert count(county, overdue=1, as_of="2024-06-30") == 1            # "late"
    assert count(county, open=1, as_of="2024-06-30") == 2               # "late", "open"
    assert count(county, rectified=1, as_of="2024-06-30") == 1          # "closed"
    assert count(county, rectified=1, as_of="2024-07-31") == 2          # and "late"
    assert count(county, overdue=0, as_of="2024-06-30") == 3
    # Without as_of, overdue keeps its meaning: deadline passed today and not closed.
    assert count(county, overdue=1) == 2                                # "open" and "later" (due in 2024)


def test_campaign_tree_kind_department_and_supervision(county, hazards):
    parent, child = hazards["parent"], hazards["child"]
    # The parent's tree: "open" (tagged) and "closed" (found by an inspection of the sub-campaign).
    assert count(county, in_campaign=parent.pk) == 2
    assert count(county, in_campaign=child.pk) == 1
    assert count(county, inspection_kind="supervisory") == 1
    assert count(county, inspection_kind="nope") == 4                  # an unknown kind is ignored
    # Units take their sector's department: 应急管理局 answers for chem_a and fire_b.
    assert count(county, department=county.yingji.pk) == 2
    admin = county.users["county_admin"]
    for day in ("2024-06-02", "2024-06-03"):
        Supervision.objects.create(hazard=hazards["open"], org=county.office, placed_by=admin, placed_on=f.d(day),
                                   until=f.d("2024-08-31"))
    assert count(county, supervised_from="2024-06-01", supervised_to="2024-06-30") == 1  # listed once
    assert count(county, supervised_from="2024-07-01") == 0


def test_township_persona_keeps_its_scope(county, hazards):
    # 三市镇's officer asking for the county's region still sees only 三市镇's hazards.
    assert count(county, "township_b", region="430626", open=1, as_of="2024-06-30") == 1


def test_the_search_form_keeps_the_statistics_filters(county, hazards):
    """Changing a field of the list's form (htmx) must not drop the filters the dashboard linked with."""
    client = Client()
    client.force_login(county.users["county_admin"])
    params = {"as_of": "2024-06-30", "open": "1", "in_campaign": hazards["parent"].pk, "region": "430626"}
    html = client.get("/hazards/", params).content.decode()
    form = html[html.index('<form class="row g-2 mb-3"'):]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="as_of" value="2024-06-30">' in form
    assert '<input type="hidden" name="open" value="1">' in form
    assert f'<input type="hidden" name="in_campaign" value="{hazards["parent"].pk}">' in form
    assert '<input type="hidden" name="region" value="430626">' in form
    assert '<input type="hidden" name="rectified"' not in form
    assert "来自统计：截至 2024年6月30日，未销号" in html
    plain = client.get("/hazards/").content.decode()
    assert "来自统计" not in plain and 'name="as_of"' not in plain

"""月度考核 API (read-only): the schemes of a campaign, its months, and a month's ranking with figures,
scores and adjustments as the conftest's hand-computed March gives them; roles 403, another county 404."""

from __future__ import annotations

import pytest

from anjian.campaigns.services import adjustment_add, assessment_compute, assessment_publish

from .conftest import MARCH, TODAY


@pytest.fixture
def published(march):
    admin = march.county.users["county_admin"]
    a = assessment_compute(actor=admin, scheme=march.scheme, month=MARCH, today=TODAY)
    adjustment_add(actor=admin, assessment=a, group_key="430626102", points="1.5", reason="信息报送及时")
    return assessment_publish(actor=admin, assessment=a)


def test_schemes_months_and_the_ranking(march, published, api_as):
    client = api_as("leader")
    status, schemes = client.get(f"/api/v1/campaigns/{march.campaign.pk}/assessment-schemes")
    assert status == 200 and [s["group"] for s in schemes] == ["township"]
    assert [(i["indicator"], i["direction"]) for i in schemes[0]["items"]] == [
        ("inspections", "at_least"), ("hazards_found", "at_least"), ("rectification_rate", "at_least"),
        ("hazards_overdue", "at_most")]

    status, months = client.get(f"/api/v1/campaigns/assessment-schemes/{march.scheme.pk}/assessments")
    assert status == 200 and [(m["month"], m["status"]) for m in months] == [("2025-03", "published")]

    status, body = client.get(f"/api/v1/campaigns/assessments/{published.pk}")
    assert status == 200
    rows = {r["key"]: r for r in body["rows"]}
    # 安定镇: inspections 2/2 → 10; hazards 2 of 4 → 10; 整改率 50 % of 90 → 16.67; overdue 1 over 0 → 10 − 3 = 7.
    anding = rows["430626101"]
    assert [c["score"] for c in anding["cells"]] == ["10.00", "10.00", "16.67", "7.00"]
    assert anding["cells"][2]["figure"] == "50.00%" and anding["total"] == "43.67"
    # 三市镇: inspections 1/2 → 5; hazards 2 of its own 2 → 20; 整改率 50 % → 16.67; overdue 0 → 10; +1.5.
    sanshi = rows["430626102"]
    assert [c["score"] for c in sanshi["cells"]] == ["5.00", "20.00", "16.67", "10.00"]
    assert sanshi["adjustments"] == [{"points": "1.50", "reason": "信息报送及时"}]
    assert sanshi["total"] == "53.17" and sanshi["rank"] == 1 and anding["rank"] == 2


@pytest.mark.parametrize("persona", ["grid_worker", "unit_staff", "expert"])
def test_other_roles_get_403(march, published, api_as, persona):
    assert api_as(persona).get(f"/api/v1/campaigns/assessments/{published.pk}")[0] == 403
    assert api_as(persona).get(f"/api/v1/campaigns/{march.campaign.pk}/assessment-schemes")[0] == 403


def test_another_county_gets_404(march, published, api_as):
    client = api_as("other_county_admin")
    assert client.get(f"/api/v1/campaigns/assessments/{published.pk}")[0] == 404
    assert client.get(f"/api/v1/campaigns/assessment-schemes/{march.scheme.pk}/assessments")[0] == 404

"""The accident edit page, incl. 调查状态: office roles within their scope; read-only roles get 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.accidents.models import Accident, Category, Investigation
from anjian.accidents.services import AccidentData, accident_create

WHEN = timezone.make_aware(dt.datetime(2026, 5, 12, 14, 30))


@pytest.fixture
def accident(county):
    return accident_create(actor=county.users["county_admin"], data=AccidentData(
        number="SG-1", occurred_at=WHEN, category=Category.PRODUCTION, unit=county.units["chem_a"], injuries=1))


def form(accident: Accident, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "number": accident.number, "occurred_at": "2026-05-12T14:30", "unit": accident.unit_id or "",
        "region_code": "", "category": accident.category, "deaths": accident.deaths,
        "injuries": accident.injuries, "direct_loss": accident.direct_loss, "investigation": accident.investigation,
        "summary": accident.summary}
    data.update(kw)
    return data


def test_edit_with_investigation_status(county, client, accident):
    client.force_login(county.users["township"])
    detail = client.get(reverse("accidents:detail", args=[accident.pk])).content.decode()
    url = reverse("accidents:edit", args=[accident.pk])
    assert url in detail
    page = client.get(url).content.decode()
    assert "修改事故 SG-1" in page and "调查中" in page and "已结案" in page and "无需调查" in page
    assert 'value="2026-05-12T14:30"' in page
    response = client.post(url, form(accident, investigation=Investigation.CONCLUDED, summary="叉车碰撞"))
    assert response.status_code == 302
    accident.refresh_from_db()
    assert (accident.investigation, accident.summary, accident.occurred_at) == (
        Investigation.CONCLUDED, "叉车碰撞", WHEN)
    bad = client.post(url, form(accident, unit=county.units["fire_b"].pk))
    assert bad.status_code == 200 and "选择一个有效的选项" in bad.content.decode()


@pytest.mark.parametrize("persona", ["leader", "auditor", "unit_staff", "grid_worker"])
def test_read_only_roles_get_403(county, client, accident, persona):
    client.force_login(county.users[persona])
    detail = client.get(reverse("accidents:detail", args=[accident.pk])).content.decode()
    assert reverse("accidents:edit", args=[accident.pk]) not in detail
    response = client.post(reverse("accidents:edit", args=[accident.pk]), form(accident, deaths=5))
    assert response.status_code == 403 and "无权修改事故" in response.content.decode()
    assert Accident.objects.get(pk=accident.pk).deaths == 0


@pytest.mark.parametrize("persona", ["township_b", "zhujian", "other_county_admin"])
def test_out_of_scope_is_404(county, client, accident, persona):
    client.force_login(county.users[persona])
    assert client.get(reverse("accidents:edit", args=[accident.pk])).status_code == 404

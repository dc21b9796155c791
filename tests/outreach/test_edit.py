"""The outreach edit page: office roles within their scope; read-only roles get 403."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anjian.outreach.models import Activity, ActivityKind
from anjian.outreach.services import ActivityData, activity_create


@pytest.fixture
def activity(county):
    return activity_create(actor=county.users["county_admin"], data=ActivityData(
        number="XJ-1", kind=ActivityKind.TRAINING, date=dt.date(2026, 6, 16), region_code=county.andingzhen.code,
        attendees=40))


def form(activity: Activity, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "number": activity.number, "kind": activity.kind, "date": activity.date.isoformat(), "name": activity.name,
        "region_code": activity.region_code, "unit": "", "attendees": activity.attendees,
        "materials": activity.materials, "campaign": ""}
    data.update(kw)
    return data


def test_edit(county, client, activity):
    client.force_login(county.users["township"])
    url = reverse("outreach:edit", args=[activity.pk])
    assert url in client.get(reverse("outreach:detail", args=[activity.pk])).content.decode()
    page = client.get(url).content.decode()
    assert "修改宣教活动 XJ-1" in page and 'value="2026-06-16"' in page
    response = client.post(url, form(activity, kind=ActivityKind.DRILL, name="消防演练", attendees=55))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.kind, activity.name, activity.attendees) == (ActivityKind.DRILL, "消防演练", 55)
    bad = client.post(url, form(activity, region_code="", number="XJ-1"))
    assert bad.status_code == 200 and "未指明单位时须填写所属区划" in bad.content.decode()


@pytest.mark.parametrize("persona", ["leader", "auditor"])
def test_read_only_roles_get_403(county, client, activity, persona):
    client.force_login(county.users[persona])
    response = client.post(reverse("outreach:edit", args=[activity.pk]), form(activity, attendees=1))
    assert response.status_code == 403 and "无权修改宣教活动" in response.content.decode()
    assert Activity.objects.get(pk=activity.pk).attendees == 40


@pytest.mark.parametrize("persona", ["township_b", "other_county_admin"])
def test_out_of_scope_is_404(county, client, activity, persona):
    client.force_login(county.users[persona])
    assert client.get(reverse("outreach:edit", args=[activity.pk])).status_code == 404

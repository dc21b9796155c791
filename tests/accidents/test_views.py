from __future__ import annotations

from django.urls import reverse

from anjian.accidents.models import Accident
from anjian.outreach.models import Activity


def test_accident_pages(county, client):
    client.force_login(county.users["township"])
    response = client.post(reverse("accidents:create"), {
        "number": "SG-1", "occurred_at": "2026-05-12T14:30", "unit": county.units["chem_a"].pk,
        "category": "production", "road": "on", "deaths": 1, "injuries": 0, "direct_loss": "1000",
        "investigation": "pending"})
    assert response.status_code == 302, response.content.decode()
    a = Accident.objects.get(number="SG-1")
    assert a.road and a.region_code == county.units["chem_a"].region_code
    assert "SG-1" in client.get(reverse("accidents:list")).content.decode()
    assert client.get(reverse("accidents:detail", args=[a.pk])).status_code == 200
    client.force_login(county.users["township_b"])
    assert client.get(reverse("accidents:detail", args=[a.pk])).status_code == 404
    assert "SG-1" not in client.get(reverse("accidents:list")).content.decode()
    client.force_login(county.users["leader"])
    assert client.get(reverse("accidents:detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("accidents:create")).status_code == 403


def test_outreach_pages(county, client):
    client.force_login(county.users["county_admin"])
    response = client.post(reverse("outreach:create"), {
        "number": "XJ-1", "kind": "drill", "date": "2026-06-16", "region_code": county.sanshizhen.code,
        "attendees": 50, "materials": 0, "name": "消防演练"})
    assert response.status_code == 302, response.content.decode()
    a = Activity.objects.get(number="XJ-1")
    assert "消防演练" in client.get(reverse("outreach:list")).content.decode()
    assert client.get(reverse("outreach:detail", args=[a.pk])).status_code == 200
    client.force_login(county.users["township"])
    assert client.get(reverse("outreach:detail", args=[a.pk])).status_code == 404
    client.force_login(county.users["grid_worker"])
    assert client.get(reverse("outreach:create")).status_code == 403

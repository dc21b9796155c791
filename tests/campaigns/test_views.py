from __future__ import annotations

import datetime as dt

from django.urls import reverse

from anjian.campaigns.models import Campaign, Task
from anjian.campaigns.services import CampaignData, campaign_create


def test_tree_detail_and_create(county, client):
    admin = county.users["county_admin"]
    root = campaign_create(actor=admin, data=CampaignData(name="治本攻坚", start=dt.date(2026, 1, 1),
                                                          end=dt.date(2026, 12, 31), region_code="430626"))
    client.force_login(admin)
    page = client.get(reverse("campaigns:list")).content.decode()
    assert "治本攻坚" in page
    response = client.post(reverse("campaigns:create"), {
        "name": "危化品专项", "parent": root.pk, "start": "2026-02-01", "end": "2026-12-31",
        "region_code": "430626000000"})
    child = Campaign.objects.get(name="危化品专项")
    assert response.status_code == 302 and child.parent == root
    response = client.post(reverse("campaigns:task_create", args=[child.pk]), {
        "number": "1", "content": "排查", "due": "2026-06-30", "responsible": "应急局"})
    assert response.status_code == 302 and Task.objects.filter(campaign=child).count() == 1
    detail = client.get(reverse("campaigns:detail", args=[child.pk])).content.decode()
    assert "排查" in detail and "治本攻坚" in detail
    bad = client.post(reverse("campaigns:create"), {"name": "倒序", "start": "2026-05-01", "end": "2026-01-01",
                                                    "region_code": "430626000000"})
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()


def test_personas(county, client):
    root = campaign_create(actor=county.users["county_admin"], data=CampaignData(
        name="县级行动", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), region_code="430626"))
    client.force_login(county.users["leader"])
    assert client.get(reverse("campaigns:detail", args=[root.pk])).status_code == 200
    assert client.get(reverse("campaigns:create")).status_code == 403
    client.force_login(county.users["township"])
    assert client.get(reverse("campaigns:detail", args=[root.pk])).status_code == 200  # the county's campaign
    assert client.get(reverse("campaigns:create")).status_code == 200
    client.force_login(county.users["other_county_admin"])
    assert client.get(reverse("campaigns:detail", args=[root.pk])).status_code == 404

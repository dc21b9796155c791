"""双随机抽查 pages: who may read, draw and publish; the 公示名单 .xlsx read back."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import AuditEntry
from anjian.plans.models import Draw
from anjian.plans.services import DrawData, draw_create

DRAWERS = ["county_admin", "department", "township"]
READ_ONLY = ["leader", "auditor", "sysadmin"]
NO_ACCESS = ["grid_worker", "unit_staff", "expert"]


@pytest.fixture
def draw(county, officials):
    return draw_create(actor=county.users["county_admin"], data=DrawData(title="上半年危化烟花抽查", unit_target=2,
                                                                          key_supervision=True))


def form(**kw):
    base = {"title": "第三季度抽查", "township": "", "unit_target": "1", "inspectors_per_unit": "2", "note": ""}
    base.update(kw)
    return base


@pytest.mark.parametrize("persona", DRAWERS)
def test_drawers_draw_from_the_page(county, officials, client, persona):
    client.force_login(county.users[persona])
    page = client.get(reverse("plans:create")).content.decode()
    assert "单位名录库（按当前条件）" in page and "新建双随机抽查" in page
    response = client.post(reverse("plans:create"), form())
    assert response.status_code == 302, response.content.decode()
    d = Draw.objects.get()
    assert response["Location"] == reverse("plans:detail", args=[d.pk])
    assert d.created_by == county.users[persona] and d.org == county.users[persona].org


def test_form_errors_write_nothing(county, officials, client):
    client.force_login(county.users["county_admin"])
    page = client.post(reverse("plans:create"), form(inspectors_per_unit="1")).content.decode()
    assert "执法人员不得少于两人" in page
    page = client.post(reverse("plans:create"), form(unit_target="3", risk_classes=["B", "C"])).content.decode()
    assert "超过符合条件的单位数（2）" in page
    assert Draw.objects.count() == 0


def test_pool_preview(county, officials, client):
    client.force_login(county.users["county_admin"])
    html = client.get(reverse("plans:pool"), {"township": "430626102", "sectors": ["construction"]}).content.decode()
    assert "<strong>1</strong> 家" in html and "<strong>9</strong> 人" in html
    html = client.get(reverse("plans:pool"), {"key_supervision": "on"}).content.decode()
    assert "<strong>2</strong> 家" in html


@pytest.mark.parametrize("persona", READ_ONLY)
def test_read_only_roles_read_but_do_not_draw(county, client, draw, persona):
    client.force_login(county.users[persona])
    assert draw.number in client.get(reverse("plans:list")).content.decode()
    assert client.get(reverse("plans:detail", args=[draw.pk])).status_code == 200
    assert client.get(reverse("plans:xlsx", args=[draw.pk])).status_code == 200
    assert client.get(reverse("plans:create")).status_code == 403
    assert client.post(reverse("plans:create"), form()).status_code == 403
    assert client.post(reverse("plans:publish", args=[draw.pk])).status_code == 403
    assert Draw.objects.count() == 1 and Draw.objects.get().published_at is None


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_unit_staff_grid_workers_experts_are_refused(county, client, draw, persona):
    client.force_login(county.users[persona])
    for url in (reverse("plans:list"), reverse("plans:create"), reverse("plans:detail", args=[draw.pk]),
                reverse("plans:xlsx", args=[draw.pk]), reverse("plans:publish", args=[draw.pk])):
        assert client.get(url).status_code == 403, url
    assert "双随机抽查" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["other_county_admin", "township_b"])
def test_draw_outside_the_region_is_404(county, client, draw, persona):
    client.force_login(county.users[persona])
    for url in (reverse("plans:detail", args=[draw.pk]), reverse("plans:xlsx", args=[draw.pk]),
                reverse("plans:publish", args=[draw.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("plans:publish", args=[draw.pk])).status_code == 404
    assert draw.number not in client.get(reverse("plans:list")).content.decode()


def test_list_paginated_and_empty(county, officials, client):
    client.force_login(county.users["leader"])
    assert "暂无双随机抽查" in client.get(reverse("plans:list")).content.decode()
    assert "双随机抽查" in client.get(reverse("home")).content.decode()  # the 更多 menu
    admin = county.users["county_admin"]
    for i in range(51):
        Draw.objects.create(number=f"SJ4306262026{i:05d}", title=f"抽查{i}", org=county.office,
                            region_code=county.office.region_code, created_by=admin, seed="0" * 64, unit_target=1,
                            result_hash="")
    page = client.get(reverse("plans:list")).content.decode()
    assert "共 51 次抽查" in page and "第 1 / 2 页" in page
    assert "抽查0<" in client.get(reverse("plans:list"), {"page": 2}).content.decode()


def test_detail_shows_seed_result_and_verification(county, client, draw):
    client.force_login(county.users["auditor"])
    page = client.get(reverse("plans:detail", args=[draw.pk])).content.decode()
    assert draw.seed in page and draw.result_hash in page and "验证通过" in page
    assert "4 家，抽取 2 家" not in page and "2 家，抽取 2 家" in page  # 重点监管: 汇丰化工 and 花炮批发部
    assert "9 人，每家 2 人" in page
    for name in ("平江县汇丰化工有限公司", "三市镇花炮批发部", "安定镇", "三市镇"):
        assert name in page
    assert "只抽重点监管单位" in page
    Draw.objects.filter(pk=draw.pk).update(result=list(reversed(draw.result)))
    page = client.get(reverse("plans:detail", args=[draw.pk])).content.decode()
    assert "验证未通过" in page and "抽取结果与按随机种子和名录库重新抽取的结果不一致" in page


def test_publish_with_confirmation(county, client, draw):
    client.force_login(county.users["county_admin"])
    detail = client.get(reverse("plans:detail", args=[draw.pk])).content.decode()
    assert reverse("plans:publish", args=[draw.pk]) in detail
    confirm = client.get(reverse("plans:publish", args=[draw.pk])).content.decode()
    assert "确认公开" in confirm and Draw.objects.get().published_at is None
    assert client.post(reverse("plans:publish", args=[draw.pk])).status_code == 302
    assert Draw.objects.get().published_at is not None
    again = client.post(reverse("plans:publish", args=[draw.pk])).content.decode()
    assert "不能重复公开" in again
    assert AuditEntry.objects.filter(action="draw.publish").count() == 1
    assert reverse("plans:publish", args=[draw.pk]) not in client.get(
        reverse("plans:detail", args=[draw.pk])).content.decode()


def test_department_may_not_publish_the_county_draw(county, client, draw):
    client.force_login(county.users["department"])
    response = client.post(reverse("plans:publish", args=[draw.pk]))
    assert response.status_code == 403 and "只有抽取单位或县级管理员" in response.content.decode()


def test_xlsx_read_back(county, officials, client, draw):
    client.force_login(county.users["leader"])
    response = client.get(reverse("plans:xlsx", args=[draw.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    head = rows[0]
    assert head[0] == f"编号：{draw.number}" and head[1] == "名称：上半年危化烟花抽查"
    assert head[2] == "抽取单位：平江县安委办" and head[3].startswith("抽取时间：")
    assert head[4] == f"随机种子：{draw.seed}"
    assert rows[1][:5] == ("序号", "单位名称", "统一社会信用代码", "所在乡镇", "检查人员（执法证号）")
    people = {p.pk: p for p in officials.office + officials.yingji + officials.town_a}
    expected_units = {"chem_a": "安定镇", "fire_b": "三市镇"}
    by_id = {county.units[k].pk: (county.units[k], town) for k, town in expected_units.items()}
    assert len(rows) == 4
    for n, (row, drawn) in enumerate(zip(rows[2:], draw.result, strict=True), start=1):
        unit, town = by_id[drawn["unit"]]
        names = "、".join(f"{people[p].name}（{people[p].cert_no}）" for p in drawn["inspectors"])
        assert row[:5] == (n, unit.name, unit.credit_code, town, names)
    entry = AuditEntry.objects.get(action="draw.export")
    assert entry.actor == county.users["leader"] and entry.object_id == str(draw.pk)

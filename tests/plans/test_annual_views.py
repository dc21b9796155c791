"""年度监督检查计划 pages: who reads and who writes, scope (404), the live capacity, generate/add/remove/approve
through the pages, the list, the .xlsx read back."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import AuditEntry
from anjian.plans.models import AnnualPlan, AnnualPlanStatus, PlanItem
from anjian.plans.services import plan_add_unit, plan_approve, plan_create
from tests.plans.conftest import SMALL, inspect, plan_data

JUNE = dt.datetime(2026, 6, 16, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
READ_ONLY = ["leader", "auditor", "sysadmin"]
NO_ACCESS = ["grid_worker", "unit_staff", "expert"]


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(JUNE, tick=False):
        yield


@pytest.fixture
def plan(county):
    p = plan_create(actor=county.users["county_admin"], data=plan_data(title="平江县2026年度监督检查计划"))
    plan_add_unit(actor=county.users["county_admin"], plan=p, unit=county.units["chem_a"], times=2)
    return p


def form(**kw):
    base = {"title": "2026年度计划", "year": "2026", "officers": "1", "legal_workdays": "10",
            "other_enforcement_days": "0", "non_enforcement_days": "0", "key_share": "100",
            "days_per_inspection": "2", "note": ""}
    for group, values in (("high_risk", (2, 4, 8, 12, 12)), ("other", (1, 2, 4, 6, 6))):
        for key, value in zip(("A", "B", "C", "D", "none"), values, strict=True):
            base[f"limit_{group}_{key}"] = str(value)
    base.update(kw)
    return base


def test_create_from_the_page_with_default_officers(county, officials, client):
    client.force_login(county.users["county_admin"])
    page = client.get(reverse("plans:annual_create")).content.decode()
    # 平江县安委办 has 4 available officials of its own (the unavailable one and the expert do not count).
    assert 'name="officers" value="4"' in page and 'name="legal_workdays" value="248"' in page
    assert 'name="key_share" value="70"' in page and "测算结果" in page
    # 4 × 248 = 992 → 70 % = 694 → 347 家次 (shown before anything is typed).
    assert ">992</strong>" in page and ">347</strong>" in page
    response = client.post(reverse("plans:annual_create"), form())
    assert response.status_code == 302
    plan = AnnualPlan.objects.get()
    assert response["Location"] == reverse("plans:annual_detail", args=[plan.pk])
    assert (plan.officers, plan.legal_workdays, plan.key_share, plan.org) == (1, 10, 100, county.office)


def test_form_errors_write_nothing(county, client):
    client.force_login(county.users["county_admin"])
    page = client.post(reverse("plans:annual_create"), form(other_enforcement_days="11")).content.decode()
    assert "超过总法定工作日" in page
    page = client.post(reverse("plans:annual_create"), form(limit_high_risk_B="0", key_share="101")).content.decode()
    assert "确保该值小于或等于100。" in page and "确保该值大于或等于1。" in page
    assert AnnualPlan.objects.count() == 0 and AuditEntry.objects.filter(action__startswith="annual_plan").count() == 0


def test_capacity_partial_follows_the_numbers(county, client):
    client.force_login(county.users["department"])
    url = reverse("plans:annual_capacity")
    html = client.get(url, {**form(), "officers": "12", "legal_workdays": "248", "other_enforcement_days": "600",
                            "non_enforcement_days": "450", "key_share": "70"}).content.decode()
    # 12 × 248 = 2976 − 1050 = 1926; 70 % → 1348 (674 家次); 578 (289 家次).
    for figure in ("2976", "1926", "1348", "674", "578", "289"):
        assert f">{figure}</strong>" in html
    html = client.get(url, {**form(), "other_enforcement_days": "11"}).content.decode()
    assert "超过总法定工作日" in html
    html = client.get(url, {**form(), "officers": ""}).content.decode()
    assert "请填写" in html
    client.force_login(county.users["leader"])
    assert client.get(url, form()).status_code == 403


def test_generate_add_remove_approve_through_the_pages(county, client):
    admin = county.users["county_admin"]
    client.force_login(admin)
    plan = plan_create(actor=admin, data=plan_data())
    response = client.post(reverse("plans:annual_generate", args=[plan.pk]), {"times": "1", "risk_classes": ["B"]})
    assert response.status_code == 302
    assert list(PlanItem.objects.values_list("unit_id", flat=True)) == [county.units["chem_a"].pk]
    page = client.get(reverse("plans:annual_detail", args=[plan.pk])).content.decode()
    assert "已列入 1 家单位（1 家次）" in page
    # The chooser offers the county's unplanned units (3 of them: radio buttons).
    assert f'name="unit" value="{county.units["fire_b"].pk}"' in page
    assert f'name="unit" value="{county.units["chem_a"].pk}"' not in page
    bad = client.post(reverse("plans:annual_item_add", args=[plan.pk]), {"unit": county.units["fire_b"].pk,
                                                                        "times": "9"})
    assert bad.status_code == 400 and "年度上限 8 次" in bad.content.decode()
    response = client.post(reverse("plans:annual_item_add", args=[plan.pk]), {"unit": county.units["fire_b"].pk,
                                                                             "times": "2", "quarter": "3"})
    assert response.status_code == 302
    item = PlanItem.objects.get(unit=county.units["fire_b"])
    assert (item.times, item.quarter) == (2, 3)
    client.post(reverse("plans:annual_item_times", args=[plan.pk, item.pk]), {"times": "1", "quarter": ""})
    item.refresh_from_db()
    assert (item.times, item.quarter) == (1, None)
    confirm = client.get(reverse("plans:annual_item_remove", args=[plan.pk, item.pk])).content.decode()
    assert "确认移出" in confirm and PlanItem.objects.filter(pk=item.pk).exists()
    assert client.post(reverse("plans:annual_item_remove", args=[plan.pk, item.pk])).status_code == 302
    assert not PlanItem.objects.filter(pk=item.pk).exists()
    confirm = client.get(reverse("plans:annual_approve", args=[plan.pk])).content.decode()
    assert "确认批准" in confirm and AnnualPlan.objects.get().status == AnnualPlanStatus.DRAFT
    assert client.post(reverse("plans:annual_approve", args=[plan.pk])).status_code == 302
    assert AnnualPlan.objects.get().status == AnnualPlanStatus.APPROVED
    page = client.get(reverse("plans:annual_detail", args=[plan.pk])).content.decode()
    assert "已批准" in page and reverse("plans:annual_approve", args=[plan.pk]) not in page
    assert reverse("plans:annual_generate", args=[plan.pk]) not in page and "移出" not in page
    # Writes after approval change nothing.
    before = list(PlanItem.objects.values())
    client.post(reverse("plans:annual_generate", args=[plan.pk]), {"times": "1"})
    client.post(reverse("plans:annual_item_add", args=[plan.pk]), {"unit": county.units["fire_b"].pk, "times": "1"})
    again = client.post(reverse("plans:annual_approve", args=[plan.pk])).content.decode()
    assert "不能再修改" in again
    assert list(PlanItem.objects.values()) == before


def test_approve_refused_when_over_capacity(county, client, plan):
    admin = county.users["county_admin"]
    plan_add_unit(actor=admin, plan=plan, unit=county.units["fire_b"], times=4)  # 2 + 4 = 6 > 5 家次
    client.force_login(admin)
    page = client.get(reverse("plans:annual_detail", args=[plan.pk])).content.decode()
    assert "已安排超过重点检查能力 1 家次" in page
    response = client.post(reverse("plans:annual_approve", args=[plan.pk]))
    assert response.status_code == 200 and "不能批准" in response.content.decode()
    assert AnnualPlan.objects.get().status == AnnualPlanStatus.DRAFT


@pytest.mark.parametrize("persona", READ_ONLY)
def test_read_only_roles_read_but_do_not_write(county, client, plan, persona):
    client.force_login(county.users[persona])
    assert plan.number in client.get(reverse("plans:annual_list")).content.decode()
    assert client.get(reverse("plans:annual_detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:annual_xlsx", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:annual_unplanned", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:annual_create")).status_code == 403
    assert client.post(reverse("plans:annual_create"), form()).status_code == 403
    item = PlanItem.objects.get()
    for url in (reverse("plans:annual_generate", args=[plan.pk]), reverse("plans:annual_item_add", args=[plan.pk]),
                reverse("plans:annual_item_times", args=[plan.pk, item.pk]),
                reverse("plans:annual_item_remove", args=[plan.pk, item.pk]),
                reverse("plans:annual_approve", args=[plan.pk]), reverse("plans:annual_edit", args=[plan.pk])):
        assert client.post(url, {"times": "1", "unit": county.units["fire_b"].pk}).status_code == 403, url
    assert AnnualPlan.objects.get().status == AnnualPlanStatus.DRAFT
    assert list(PlanItem.objects.values_list("unit_id", "times")) == [(county.units["chem_a"].pk, 2)]


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_unit_staff_grid_workers_experts_are_refused(county, client, plan, persona):
    client.force_login(county.users[persona])
    for url in (reverse("plans:annual_list"), reverse("plans:annual_create"),
                reverse("plans:annual_detail", args=[plan.pk]), reverse("plans:annual_xlsx", args=[plan.pk]),
                reverse("plans:annual_approve", args=[plan.pk]), reverse("plans:annual_unplanned", args=[plan.pk])):
        assert client.get(url).status_code == 403, url
    assert "年度监督检查计划" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["other_county_admin", "township_b", "township"])
def test_plan_outside_the_region_is_404(county, client, plan, persona):
    # A township sees its own township's plans, not the county office's.
    client.force_login(county.users[persona])
    item = PlanItem.objects.get()
    for url in (reverse("plans:annual_detail", args=[plan.pk]), reverse("plans:annual_xlsx", args=[plan.pk]),
                reverse("plans:annual_approve", args=[plan.pk]), reverse("plans:annual_edit", args=[plan.pk]),
                reverse("plans:annual_unplanned", args=[plan.pk]),
                reverse("plans:annual_item_remove", args=[plan.pk, item.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("plans:annual_generate", args=[plan.pk]), {"times": "1"}).status_code == 404
    assert plan.number not in client.get(reverse("plans:annual_list")).content.decode()
    assert PlanItem.objects.count() == 1


def test_department_reads_the_county_plan_but_does_not_change_it(county, client, plan):
    client.force_login(county.users["department"])
    page = client.get(reverse("plans:annual_detail", args=[plan.pk])).content.decode()
    assert plan.number in page and reverse("plans:annual_generate", args=[plan.pk]) not in page
    response = client.post(reverse("plans:annual_generate", args=[plan.pk]), {"times": "1"})
    assert response.status_code == 403 and "只有编制单位" in response.content.decode()
    assert client.get(reverse("plans:annual_edit", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plans:annual_approve", args=[plan.pk])).status_code == 403
    assert PlanItem.objects.count() == 1


def test_list_year_filter_pagination_and_empty_state(county, client):
    client.force_login(county.users["leader"])
    page = client.get(reverse("plans:annual_list")).content.decode()
    assert "暂无年度监督检查计划" in page
    assert "年度监督检查计划" in client.get(reverse("home")).content.decode()  # the 更多 menu
    assert reverse("plans:annual_list") in client.get(reverse("plans:list")).content.decode()
    admin = county.users["county_admin"]
    for i in range(51):
        AnnualPlan.objects.create(number=f"JH4306262026{i:05d}", title=f"计划{i}", year=2026, org=county.office,
                                  region_code=county.office.region_code, created_by=admin, **SMALL)
    AnnualPlan.objects.create(number="JH430626202700001", title="明年计划", year=2027, org=county.office,
                              region_code=county.office.region_code, created_by=admin, **SMALL)
    page = client.get(reverse("plans:annual_list")).content.decode()
    assert "共 52 个计划" in page and "第 1 / 2 页" in page
    page = client.get(reverse("plans:annual_list"), {"year": "2027"}).content.decode()
    assert "共 1 个计划" in page and "明年计划" in page
    page = client.get(reverse("plans:annual_list"), {"year": "2026", "page": "2"}).content.decode()
    assert "计划0<" in page and "year=2026&amp;page=1" in page


def test_xlsx_read_back(county, client, plan):
    admin = county.users["county_admin"]
    plan_add_unit(actor=admin, plan=plan, unit=county.units["fire_b"], quarter=2, note="烟花旺季前")
    inspect(county.units["chem_a"], dt.date(2026, 2, 3))
    inspect(county.units["fire_b"], dt.date(2026, 2, 4))
    plan_approve(actor=admin, plan=plan)
    client.force_login(county.users["auditor"])
    response = client.get(reverse("plans:annual_xlsx", args=[plan.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:5] == (f"编号：{plan.number}", "名称：平江县2026年度监督检查计划", "年度：2026",
                           "编制单位：平江县安委办", "状态：已批准")
    assert rows[0][5] == "批准日期：2026-06-16"
    # SMALL: 1 × 10 = 10 days, all 重点 = 5 家次; 3 planned = 6 人·日.
    assert rows[1][:6] == ("执法人员数", 1, "国家法定工作日", 10, "总法定工作日", 10)
    assert rows[3][:4] == ("重点检查工作日（100%）", 10, "重点检查能力（家次）", 5)
    assert rows[4][5] == 6
    # Planned 2 + 1 = 3; done min(1, 2) + min(1, 1) = 2 → 66.67%.
    assert rows[5][:8] == ("列入单位（家）", 2, "计划检查（家次）", 3, "已完成（家次）", 2, "完成率", "66.67%")
    assert rows[6][:3] == ("序号", "单位名称", "统一社会信用代码")
    chem, fire = county.units["chem_a"], county.units["fire_b"]
    assert rows[7] == (1, chem.name, chem.credit_code, "安定镇", "危险化学品", "B", "是", 2, None, 1, "进行中", 4,
                       "否", None)
    assert rows[8] == (2, fire.name, fire.credit_code, "三市镇", "烟花爆竹", "C", "是", 1, "第2季度", 1, "已完成", 8,
                       "否", "烟花旺季前")
    assert len(rows) == 9
    entry = AuditEntry.objects.get(action="annual_plan.export")
    assert entry.actor == county.users["auditor"] and entry.object_id == str(plan.pk)

"""考核 pages: the editor, compute, ranking, adjustments, publish, exports; roles and scope."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from anjian.campaigns.models import Adjustment, Assessment, AssessmentItem, QuotaOverride
from anjian.campaigns.services import adjustment_add, assessment_compute, assessment_publish
from anjian.core.models import AuditEntry

from .conftest import MARCH, TODAY


def login(client, county, persona):
    client.force_login(county.users[persona])
    return client


def computed(march):
    return assessment_compute(actor=march.county.users["county_admin"], scheme=march.scheme, month=MARCH,
                              today=TODAY)


def test_editor_add_remove_item_and_overrides(march, client):
    county = march.county
    login(client, county, "county_admin")
    home = client.get(reverse("campaigns:assessment_home", args=[march.campaign.pk])).content.decode()
    assert "乡镇（街道）考核细则" in home and "考核指标 4 项" in home
    page = client.get(reverse("campaigns:scheme", args=[march.scheme.pk])).content.decode()
    assert "检查单位次数" in page and "三市镇 2" in page  # the override is listed
    r = client.post(reverse("campaigns:item_add", args=[march.scheme.pk]), {
        "indicator": "trainings", "direction": "at_least", "quota": "1", "points": "5", "deduction": "1"})
    assert r.status_code == 302
    assert list(AssessmentItem.objects.filter(scheme=march.scheme).values_list("indicator", flat=True)) == [
        "inspections", "hazards_found", "rectification_rate", "hazards_overdue", "trainings"]
    # A rate's quota over 100 % is refused with the field's message, and nothing is added.
    r = client.post(reverse("campaigns:item_add", args=[march.scheme.pk]), {
        "indicator": "rectification_rate_major", "direction": "at_least", "quota": "150", "points": "5",
        "deduction": "1"})
    assert r.status_code == 400 and "不能超过100" in r.content.decode()
    assert AssessmentItem.objects.filter(scheme=march.scheme).count() == 5
    item = AssessmentItem.objects.get(scheme=march.scheme, indicator="trainings")
    url = reverse("campaigns:item_overrides", args=[march.scheme.pk, item.pk])
    form = client.get(url).content.decode()
    assert "安定镇" in form and "三市镇" in form
    assert client.post(url, {"g_430626101": "3", "g_430626102": ""}).status_code == 302
    assert dict(QuotaOverride.objects.filter(item__indicator="trainings").values_list("group_key", "quota")) == {
        "430626101": Decimal("3.00")}
    item = AssessmentItem.objects.get(scheme=march.scheme, indicator="trainings")
    r = client.post(reverse("campaigns:item_remove", args=[march.scheme.pk, item.pk]))
    assert r.status_code == 302 and not AssessmentItem.objects.filter(indicator="trainings").exists()
    # The other items' overrides survive an edit of the scheme.
    assert QuotaOverride.objects.filter(item__indicator="hazards_found", group_key="430626102").exists()


def test_compute_rank_adjust_publish_through_the_pages(march, client):
    county = march.county
    login(client, county, "county_admin")
    r = client.post(reverse("campaigns:assessment_compute", args=[march.scheme.pk]), {"month": "2025-03"})
    assert r.status_code == 302, r.content.decode()
    a = Assessment.objects.get()
    assert r["Location"] == reverse("campaigns:assessment", args=[a.pk])
    page = client.get(r["Location"]).content.decode()
    assert "数据截至 2025-03-31" in page and "草稿" in page
    assert page.index("三市镇") < page.index("安定镇")  # 51.67 before 43.67
    assert "51.67" in page and "43.67" in page
    assert "/hazards/?" in page  # figures open the records behind them
    r = client.post(reverse("campaigns:adjustment_add", args=[a.pk]),
                    {"group_key": "430626101", "points": "9", "reason": "超限"})
    assert r.status_code == 400 and "±5" in r.content.decode()
    r = client.post(reverse("campaigns:adjustment_add", args=[a.pk]),
                    {"group_key": "430626101", "points": "4", "reason": "经验做法被省厅推广"})
    assert r.status_code == 302 and Adjustment.objects.count() == 1
    confirm = client.get(reverse("campaigns:assessment_publish", args=[a.pk])).content.decode()
    assert "确认通报" in confirm and "不能撤销" in confirm
    assert client.post(reverse("campaigns:assessment_publish", args=[a.pk])).status_code == 302
    assert Assessment.objects.get().status == "published"
    page = client.get(reverse("campaigns:assessment", args=[a.pk])).content.decode()
    assert "已通报" in page and "录入加减分" not in page and "重新计算" not in page
    # Writes after publication: refused, nothing changes.
    r = client.post(reverse("campaigns:adjustment_add", args=[a.pk]),
                    {"group_key": "430626101", "points": "1", "reason": "补录"})
    assert r.status_code == 400 and "已通报" in r.content.decode()
    client.post(reverse("campaigns:adjustment_remove", args=[Adjustment.objects.get().pk]))
    client.post(reverse("campaigns:assessment_recompute", args=[a.pk]))
    assert Adjustment.objects.count() == 1
    assert AuditEntry.objects.filter(action__in=["assessment.recompute", "assessment.unadjust"]).count() == 0


def test_xlsx_and_docx_read_back(march, client):
    a = computed(march)
    admin = march.county.users["county_admin"]
    adjustment_add(actor=admin, assessment=a, group_key="430626101", points="-2", reason="迟报")
    assessment_publish(actor=admin, assessment=a)
    login(client, march.county, "township_b")  # a township reads the whole ranking
    r = client.get(reverse("campaigns:assessment_xlsx", args=[a.pk]))
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "2025年安全生产治本攻坚2025年3月乡镇（街道）考核排名"
    assert rows[1] == ("名次", "乡镇（街道）", "检查单位次数（家次）", "检查单位次数得分",
                       "排查隐患总数（个）", "排查隐患总数得分", "整改率（%）", "整改率得分",
                       "逾期未整改隐患数（个）", "逾期未整改隐患数得分", "加减分", "总分")
    assert rows[2] == (1, "三市镇", 1, 5, 2, 20, 0.5, 16.67, 0, 10, 0, 51.67)
    assert rows[3] == (2, "安定镇", 2, 10, 2, 10, 0.5, 16.67, 1, 7, -2, 41.67)
    assert "数据截至 2025-03-31" in rows[5][0]

    r = client.get(reverse("campaigns:assessment_docx", args=[a.pk]))
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2025年3月2025年安全生产治本攻坚乡镇（街道）考核情况的通报" in text
    assert "数据截至2025年3月31日" in text and "排名第一的是三市镇" in text and "排名末位的是安定镇" in text
    assert "安定镇-2.00分（迟报）" in text
    table = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert table[0][:2] == ["名次", "乡镇（街道）"] and table[0][-1] == "总分"
    assert table[1][:2] == ["1", "三市镇"] and table[1][-1] == "51.67"
    assert table[2][6] == "50.00%" and table[2][-2:] == ["-2.00", "41.67"]
    title = doc.paragraphs[0]
    assert title.runs[0].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋简体"


@pytest.mark.parametrize("persona", ["township", "township_b", "department", "leader", "auditor"])
def test_readers_see_but_do_not_write(march, client, persona):
    a = computed(march)
    login(client, march.county, persona)
    assert client.get(reverse("campaigns:assessment_home", args=[march.campaign.pk])).status_code == 200
    assert client.get(reverse("campaigns:scheme", args=[march.scheme.pk])).status_code == 200
    page = client.get(reverse("campaigns:assessment", args=[a.pk]))
    assert page.status_code == 200 and "三市镇" in page.content.decode() and "安定镇" in page.content.decode()
    assert client.post(reverse("campaigns:assessment_publish", args=[a.pk])).status_code == 403
    assert client.post(reverse("campaigns:adjustment_add", args=[a.pk]),
                       {"group_key": "430626101", "points": "1", "reason": "自评"}).status_code == 403
    assert client.post(reverse("campaigns:assessment_compute", args=[march.scheme.pk]),
                       {"month": "2025-04"}).status_code == 403
    assert client.get(reverse("campaigns:scheme_create", args=[march.campaign.pk])).status_code == 403
    assert Assessment.objects.get().is_draft and not Adjustment.objects.exists()


@pytest.mark.parametrize("persona", ["unit_staff", "grid_worker", "expert"])
def test_field_roles_get_403(march, client, persona):
    a = computed(march)
    login(client, march.county, persona)
    for url in (reverse("campaigns:assessment_home", args=[march.campaign.pk]),
                reverse("campaigns:scheme", args=[march.scheme.pk]),
                reverse("campaigns:assessment", args=[a.pk]),
                reverse("campaigns:assessment_xlsx", args=[a.pk])):
        assert client.get(url).status_code == 403, url


def test_another_county_gets_404(march, client):
    a = computed(march)
    login(client, march.county, "other_county_admin")
    for url in (reverse("campaigns:assessment_home", args=[march.campaign.pk]),
                reverse("campaigns:scheme", args=[march.scheme.pk]),
                reverse("campaigns:assessment", args=[a.pk]),
                reverse("campaigns:assessment_docx", args=[a.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("campaigns:assessment_publish", args=[a.pk])).status_code == 404
    assert client.post(reverse("campaigns:assessment_compute", args=[march.scheme.pk]),
                       {"month": "2025-04"}).status_code == 404
    assert Assessment.objects.get().is_draft


def test_campaign_page_has_the_assessment_tab(march, client):
    login(client, march.county, "leader")
    page = client.get(reverse("campaigns:detail", args=[march.campaign.pk])).content.decode()
    assert reverse("campaigns:assessment_home", args=[march.campaign.pk]) in page

"""The statistics pages: access per persona, the progress table, the rankings, downloads, query counts."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from anjian.stats import indicators as ind
from anjian.stats.compute import compute
from anjian.stats.render import value_text
from anjian.stats.scope import build_scope

from . import factories as f

H1 = {"date_from": "2024-01-01", "date_to": "2024-06-30"}


def client_for(county, persona: str) -> Client:
    c = Client()
    c.force_login(county.users[persona])
    return c


def get(county, persona: str, url: str, **params):
    return client_for(county, persona).get(url, params)


@pytest.mark.parametrize("url", ["/stats/", "/stats/progress/", "/stats/ranking/"])
def test_county_admin_sees_the_county(facts, url):
    r = get(facts.county, "county_admin", url, region="430626", **H1)
    assert r.status_code == 200
    assert r.context["scope"].prefix == "430626"
    assert "平江县" in r.content.decode()


def test_default_scope_is_the_users_region_this_year(facts):
    r = get(facts.county, "township", "/stats/")
    assert r.status_code == 200
    s = r.context["scope"]
    assert s.prefix == "430626101"
    assert s.date_from.month == 1 and s.date_from.day == 1 and s.date_from.year == s.date_to.year


def test_township_sees_only_its_township(facts):
    county = facts.county
    r = get(county, "township", "/stats/", region="430626101", **H1)
    assert r.status_code == 200
    cards = {c.code: c for c in r.context["cards"]}
    # 安定镇: chem_a's and build_a's hazards of 5 March.
    assert cards["hazards_found"].value == "2"
    for url in ("/stats/", "/stats/progress/", "/stats/ranking/", "/stats/progress/xlsx/", "/stats/charts/trend.csv"):
        assert get(county, "township", url, region="430626102", **H1).status_code == 404, url
        assert get(county, "township", url, region="430626", **H1).status_code == 404, url
    assert get(county, "other_county_admin", "/stats/", region="430626", **H1).status_code == 404


@pytest.mark.parametrize("persona", ["unit_staff", "grid_worker", "expert"])
def test_other_roles_are_refused(facts, persona):
    for url in ("/stats/", "/stats/progress/", "/stats/ranking/", "/stats/progress/xlsx/", "/stats/ranking/xlsx/",
                "/stats/charts/trend.csv"):
        r = get(facts.county, persona, url)
        assert r.status_code == 403, url
    assert "无权查看统计数据" in r.content.decode()


@pytest.mark.parametrize("persona", ["leader", "auditor", "department", "sysadmin"])
def test_readers(facts, persona):
    r = get(facts.county, persona, "/stats/", region="430626", **H1)
    assert r.status_code == 200
    assert {c.code: c for c in r.context["cards"]}["hazards_found"].value == "5"


def test_anonymous_is_sent_to_login(facts):
    r = Client().get("/stats/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_bad_parameters_are_form_errors_in_chinese(facts):
    county = facts.county
    r = get(county, "county_admin", "/stats/", region="430626", date_from="2024-13-01")
    assert r.status_code == 200 and r.context["scope"] is None
    assert r.context["form"].errors["date_from"]
    r = get(county, "county_admin", "/stats/", region="430626", date_from="2024-06-30", date_to="2024-01-01")
    assert "截止日期不能早于起始日期" in r.content.decode()
    r = get(county, "county_admin", "/stats/", region="43062", **H1)
    assert "区划代码无效" in r.content.decode()
    r = get(county, "county_admin", "/stats/progress/", region="430626", indicators="nope", **H1)
    assert r.status_code == 200 and r.context["form"].errors["indicators"]
    r = get(county, "county_admin", "/stats/ranking/", region="430626", by="sector", **H1)
    assert r.status_code == 200 and r.context["form"].errors["by"]
    r = get(county, "county_admin", "/stats/", region="430626", campaign="999999", **H1)
    assert r.status_code == 200 and r.context["form"].errors["campaign"]
    assert get(county, "county_admin", "/stats/charts/nope.csv", region="430626").status_code == 404
    assert get(county, "county_admin", "/stats/charts/trend.pdf", region="430626").status_code == 404


def test_dashboard_cards_and_charts(facts):
    r = get(facts.county, "county_admin", "/stats/", region="430626", as_of="2024-06-30", **H1)
    cards = {c.code: c for c in r.context["cards"]}
    # Hand-computed for the fixture (tests/stats/conftest.py): 5 found, 2 rectified, 3 overdue, 4 open.
    assert (cards["hazards_found"].value, cards["rectification_rate"].value) == ("5", "40%")
    assert (cards["hazards_overdue"].value, cards["hazards_open"].value) == ("3", "4")
    assert (cards["fines_yuan"].value, cards["fines_yuan"].unit) == ("37.91", "万元")
    # Accidents 1 → 2 year on year: a rise is bad news.
    assert cards["accidents"].yoy == "同比上升100%" and cards["accidents"].trend == "bad"
    assert cards["hazards_overdue"].url.startswith("/hazards/?")
    html = r.content.decode()
    charts = {c["chart"].key: c for c in r.context["charts"]}
    assert set(charts) == {"trend", "townships", "sectors", "funnel", "enforcement", "accidents"}
    for key in charts:
        assert f'id="chart-{key}-data"' in html
        assert f"/stats/charts/{key}.csv?" in html
    trend = charts["trend"]["chart"]
    assert trend.categories == ["2024年1月", "2024年2月", "2024年3月", "2024年4月", "2024年5月", "2024年6月"]
    assert trend.series[0].values == [0, 0, 2, 1, 1, 1]
    funnel = charts["funnel"]["chart"]
    assert funnel.series[0].values == [5, 2, 4, 3]
    assert charts["townships"]["chart"].categories == ["安定镇", "三市镇"]
    # Tooltips are drawn in the canvas: no HTML with inline styles (CSP).
    assert charts["trend"]["payload"]["option"]["tooltip"]["renderMode"] == "richText"
    assert 'style="' not in html
    assert "<script>" not in html


def test_empty_state(county):
    r = get(county, "county_admin", "/stats/", region="430626", **H1)
    assert r.status_code == 200
    assert "所选范围内暂无数据" in r.content.decode()
    assert all(c["chart"].empty for c in r.context["charts"])


def test_chart_downloads_are_the_series_drawn(facts):
    c = client_for(facts.county, "county_admin")
    r = c.get("/stats/charts/trend.csv", {"region": "430626", **H1})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "月份,排查隐患总数,已整改隐患数,检查单位次数"
    assert lines[3] == "2024年3月,2,1,2"
    r = c.get("/stats/charts/townships.xlsx", {"region": "430626", **H1})
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "平江县2024年1月1日至6月30日各乡镇（街道）隐患情况"
    assert rows[1] == ("乡镇（街道）", "排查隐患总数", "已整改隐患数", "逾期未整改隐患数")
    # 安定镇: 2 found (March), 1 rectified; build_a's is overdue, and last year's chem_a one.
    assert rows[2] == ("安定镇", 2, 1, 2)
    assert rows[3] == ("三市镇", 3, 1, 1)
    assert "attachment" in r["Content-Disposition"]


def test_progress_table_totals_row_equals_compute(facts):
    codes = ["hazards_found", "hazards_rectified", "rectification_rate", "hazards_overdue", "fines_yuan", "inspections"]
    r = get(facts.county, "county_admin", "/stats/progress/", region="430626", indicators=codes, as_of="2024-06-30",
            **H1)
    assert r.status_code == 200
    total = compute(build_scope(region="430626", date_from="2024-01-01", date_to="2024-06-30", as_of="2024-06-30"))
    assert [c["text"] for c in r.context["total"]["cells"]] == [value_text(c, total[c]) for c in codes]
    assert [c["text"] for c in r.context["total"]["cells"]] == ["5", "2", "40.00%", "3", "379,100.00", "4"]
    names = [row["name"] for row in r.context["rows"]]
    assert names[:2] == ["安定镇", "三市镇"]
    anding = r.context["rows"][0]["cells"]
    assert anding[0]["text"] == "2" and anding[0]["url"].startswith("/hazards/?region=430626101&")
    html = r.content.decode()
    assert 'id="progress-total"' in html and "合计" in html


def test_progress_by_department(facts):
    r = get(facts.county, "county_admin", "/stats/progress/", region="430626", by="department",
            indicators=["penalty_cases"], **H1)
    rows = {row["name"]: row["cells"][0] for row in r.context["rows"]}
    # chem_a (危险化学品 → 应急管理局) has both penalty decisions of the period.
    assert rows["应急管理局"]["text"] == "2"
    assert f"department={facts.county.yingji.pk}" in rows["应急管理局"]["url"]
    assert r.context["group_label"] == "监管部门"


def test_progress_xlsx_read_back(facts):
    r = get(facts.county, "county_admin", "/stats/progress/xlsx/", region="430626",
            indicators=["hazards_found", "penalty_cases"], **H1)
    assert r.status_code == 200
    assert "attachment" in r["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "平江县2024年1月1日至6月30日安全生产工作进展情况统计表"
    assert rows[1] == ("乡镇（街道）", "排查隐患总数（个）", "行政处罚案件数（起）")
    assert rows[2] == ("安定镇", 2, 2) and rows[3] == ("三市镇", 3, 0)
    assert rows[-1] == ("合计", 5, 2)


def test_ranking_order_and_download(facts):
    county = facts.county
    params = {"region": "430626", "indicator": "hazards_found", "by": "township", **H1}
    r = get(county, "county_admin", "/stats/ranking/", **params)
    assert [(x["rank"], x["name"], x["text"]) for x in r.context["rows"]] == [(1, "三市镇", "3"), (2, "安定镇", "2")]
    r = get(county, "county_admin", "/stats/ranking/", **(params | {"order": "asc"}))
    assert [x["name"] for x in r.context["rows"]] == ["安定镇", "三市镇"]
    # 整改率: 安定镇 1/2, 三市镇 1/3.
    r = get(county, "county_admin", "/stats/ranking/", **(params | {"indicator": "rectification_rate"}))
    assert [(x["rank"], x["name"], x["text"]) for x in r.context["rows"]] == [
        (1, "安定镇", "50.00%"), (2, "三市镇", "33.33%")]
    r = get(county, "county_admin", "/stats/ranking/xlsx/", **(params | {"indicator": "rectification_rate"}))
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[1] == ("名次", "乡镇（街道）", "整改率（%）")
    assert rows[2][:2] == (1, "安定镇") and rows[2][2] == pytest.approx(0.5)
    assert rows[3][:2] == (2, "三市镇") and rows[3][2] == pytest.approx(1 / 3)


def test_dashboard_queries_do_not_grow_with_townships_months_or_data(facts, django_assert_max_num_queries):
    county = facts.county
    c = client_for(county, "county_admin")
    params = {"region": "430626", **H1}
    # The figures: 2 × 9 (this year and last), 11 by township, 7 by month, 10 by industry; the rest are the
    # session, the navigation, the form's choices and the region's name.
    with django_assert_max_num_queries(60) as small:
        assert c.get("/stats/", params).status_code == 200
    # More townships, more months, more facts: the same number of queries.
    from anjian.regions.models import Division, Level

    for n in range(3, 9):
        Division.objects.create(code=f"430626{100 + n}000", name=f"新镇{n}", level=Level.TOWNSHIP,
                                parent=county.county)
    chem = county.units["chem_a"]
    for n in range(1, 13):
        f.hazard(chem, f"2024-{min(n, 6):02d}-{n:02d}", "2024-12-31")
        f.inspection(chem, f"2024-{min(n, 6):02d}-{n:02d}", None, [f.person(f"检{n}")])
    with django_assert_max_num_queries(len(small.captured_queries)):
        r = c.get("/stats/", {**params, "date_from": "2023-01-01"})
    assert r.status_code == 200
    assert len(r.context["charts"][0]["chart"].categories) == 18


def test_navigation_shows_statistics_to_readers_only(facts):
    county = facts.county
    html = get(county, "leader", "/").content.decode()
    assert re.search(r'href="/stats/"[^>]*>统计看板', html) and "/stats/ranking/" in html
    html = get(county, "unit_staff", "/").content.decode()
    assert "/stats/" not in html


def test_every_indicator_can_be_chosen(facts):
    r = get(facts.county, "county_admin", "/stats/progress/", region="430626", indicators=list(ind.CODES), **H1)
    assert r.status_code == 200
    assert len(r.context["total"]["cells"]) == len(ind.CODES)


def test_the_default_period_is_shown_in_the_form(facts):
    from django.utils import timezone

    today = timezone.localdate()
    html = get(facts.county, "county_admin", "/stats/").content.decode()
    assert f'name="date_from" value="{today.year}-01-01"' in html
    assert f'name="date_to" value="{today.isoformat()}"' in html

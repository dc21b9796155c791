"""网格巡查 pages: 巡查打卡 per persona (another grid's unit is 404 / refused), errors write nothing, a re-posted
form records once, the list's scope, filters and pagination, coverage (+ .xlsx read back), the not-visited
list, the menu and the buttons on the home and unit pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import AuditEntry
from anjian.patrols.models import Outcome, Patrol
from tests.patrols.conftest import TODAY, record

RECORDERS = ["grid_worker", "township", "county_admin"]
READ_ONLY = ["department", "leader"]
NO_ACCESS = ["unit_staff", "expert", "auditor", "sysadmin"]
COVERAGE = ["county_admin", "township", "department", "leader"]


def form(unit_obj, **kw):
    base = {"unit": str(unit_obj.pk), "outcome": "normal", "patrolled_on": "2026-06-16", "note": "",
            "idempotency_key": "6f1c1d8e-9a1b-4c55-8a58-0d3c1f7a2b11"}
    base.update(kw)
    return base


def text(response):
    return response.content.decode()


# --- 巡查打卡 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "unit"), [("grid_worker", "chem_a"), ("township", "build_a"),
                                               ("county_admin", "fire_b")])
def test_recorders_record_from_the_page(county, client, persona, unit):
    client.force_login(county.users[persona])
    assert client.get(reverse("patrols:create")).status_code == 200
    response = client.post(reverse("patrols:create"), form(county.units[unit], note="消防通道畅通"))
    assert response.status_code == 302, text(response)
    p = Patrol.objects.get()
    assert response["Location"] == reverse("patrols:detail", args=[p.pk])
    assert (p.unit, p.by, p.patrolled_on, p.note) == (county.units[unit], county.users[persona], TODAY, "消防通道畅通")
    page = text(client.get(response["Location"]))
    assert "已登记巡查" in page
    # After saving: 发现隐患？上报隐患 opens the hazard form with this unit chosen.
    assert f'href="{reverse("hazards:create")}?unit={county.units[unit].pk}">发现隐患？上报隐患' in page


def test_the_grid_has_one_unit_chosen_already(county, client):
    client.force_login(county.users["grid_worker"])
    page = text(client.get(reverse("patrols:create")))
    assert re.search(rf'name="unit" value="{county.units["chem_a"].pk}" required checked', page)
    assert county.units["build_a"].name not in page  # another grid's unit is not offered


def test_another_grids_unit_is_404_and_refused(county, client):
    client.force_login(county.users["grid_worker"])
    other = county.units["build_a"]  # 安定镇第二网格
    assert client.get(reverse("patrols:create"), {"unit": other.pk}).status_code == 404
    assert client.get(reverse("patrols:create"), {"unit": "abc"}).status_code == 404
    response = client.post(reverse("patrols:create"), form(other))
    assert response.status_code == 400 and "请从列表中选择单位" in text(response)
    assert not Patrol.objects.exists()
    # From the unit's page of their own grid, the unit comes chosen.
    own = county.units["chem_a"]
    assert re.search(rf'value="{own.pk}" required checked', text(client.get(reverse("patrols:create"),
                                                                              {"unit": own.pk})))


@pytest.mark.parametrize("persona", READ_ONLY + NO_ACCESS)
def test_other_roles_may_not_record(county, client, persona):
    client.force_login(county.users[persona])
    assert client.get(reverse("patrols:create")).status_code == 403
    response = client.post(reverse("patrols:create"), form(county.units["chem_a"]))
    assert response.status_code == 403 and "不能登记巡查" in text(response)
    assert not Patrol.objects.exists()


def test_form_errors_write_nothing(county, client):
    client.force_login(county.users["grid_worker"])
    unit = county.units["chem_a"]
    cases = [
        (form(unit, patrolled_on="2026-06-17"), "巡查日期不能晚于今天"),
        (form(unit, patrolled_on="2026-01-04"), "巡查日期不能早于单位建档日期（2026-01-05）"),
        (form(unit, patrolled_on=""), "请填写巡查日期"),
        (form(unit, outcome=""), "请选择巡查结果"),
        (form(unit, unit=""), "请选择巡查的单位"),
    ]
    for data, message in cases:
        response = client.post(reverse("patrols:create"), data)
        assert response.status_code == 400 and message in text(response), message
    assert not Patrol.objects.exists() and not AuditEntry.objects.filter(action="patrol.record").exists()


def test_the_form_offers_the_location_button(county, client):
    client.force_login(county.users["grid_worker"])
    page = text(client.get(reverse("patrols:create")))
    assert re.search(r'<input type="hidden" name="lat"[^>]*id="id_lat"', page)
    assert re.search(r'<input type="hidden" name="lng"[^>]*id="id_lng"', page)
    assert ">获取当前位置</button>" in page and "data-geo-button" in page
    # The script is a file of this origin (the CSP allows no inline script).
    assert re.search(r'<script src="/static/patrols/patrols\.js" defer></script>', page)
    assert client.get("/static/patrols/patrols.js").status_code == 200


def test_the_location_the_button_filled_in_is_saved_and_shown(county, client):
    client.force_login(county.users["grid_worker"])
    # What patrols.js writes: the phone's position to 6 decimals; a longer one is rounded to the model's 6.
    response = client.post(reverse("patrols:create"), form(county.units["chem_a"], lat="28.70123456",
                                                           lng="113.5834567"))
    assert response.status_code == 302, text(response)
    p = Patrol.objects.get()
    assert (p.lat, p.lng) == (Decimal("28.701235"), Decimal("113.583457"))
    audit = AuditEntry.objects.get(action="patrol.record")
    assert (audit.changes["lat"], audit.changes["lng"]) == ("28.701235", "113.583457")
    page = text(client.get(response["Location"]))
    assert re.search(r"<dt[^>]*>位置</dt><dd[^>]*>纬度 28\.701235，经度 113\.583457</dd>", page)


def test_without_a_location_nothing_is_stored_and_the_page_says_so(county, client):
    client.force_login(county.users["grid_worker"])
    response = client.post(reverse("patrols:create"), form(county.units["chem_a"], lat="", lng=""))
    assert response.status_code == 302, text(response)
    p = Patrol.objects.get()
    assert (p.lat, p.lng) == (None, None)
    assert re.search(r"<dt[^>]*>位置</dt><dd[^>]*>未记录</dd>", text(client.get(response["Location"])))


@pytest.mark.parametrize(
    ("lat", "lng", "message"),
    [
        ("90.5", "113.58", "纬度应在 -90 至 90 之间"),
        ("-91", "113.58", "纬度应在 -90 至 90 之间"),
        ("28.7", "180.000001", "经度应在 -180 至 180 之间"),
        ("28.7", "-200", "经度应在 -180 至 180 之间"),
        ("北纬28度", "113.58", "纬度应为数字"),
        ("28.7", "NaN", "经度应为数字"),
        ("28.7", "", "位置须同时有经度和纬度，请重新获取当前位置"),
        ("", "113.58", "位置须同时有经度和纬度，请重新获取当前位置"),
    ],
)
def test_a_location_out_of_range_is_refused_and_nothing_saved(county, client, lat, lng, message):
    client.force_login(county.users["grid_worker"])
    response = client.post(reverse("patrols:create"), form(county.units["chem_a"], lat=lat, lng=lng))
    assert response.status_code == 400 and message in text(response)
    assert "已记录位置" not in text(response)
    assert not Patrol.objects.exists() and not AuditEntry.objects.filter(action="patrol.record").exists()


def test_a_form_sent_back_keeps_its_location(county, client):
    client.force_login(county.users["grid_worker"])
    response = client.post(reverse("patrols:create"), form(county.units["chem_a"], patrolled_on="2026-06-17",
                                                           lat="28.701234", lng="113.583456"))
    assert response.status_code == 400 and "巡查日期不能晚于今天" in text(response)
    page = text(response)
    assert 'name="lat" value="28.701234"' in page and 'name="lng" value="113.583456"' in page
    assert "已记录位置：纬度 28.701234，经度 113.583456" in page
    assert not Patrol.objects.exists()


def test_a_reposted_form_records_once(county, client):
    client.force_login(county.users["grid_worker"])
    data = form(county.units["chem_a"])
    first = client.post(reverse("patrols:create"), data)
    again = client.post(reverse("patrols:create"), data, follow=True)
    assert again.redirect_chain[-1][0] == first["Location"]
    assert "该巡查已登记，重复提交未再次登记" in text(again)
    assert Patrol.objects.count() == 1 and AuditEntry.objects.filter(action="patrol.record").count() == 1


def test_search_box_when_many_units(county, client):
    client.force_login(county.users["county_admin"])
    page = text(client.get(reverse("patrols:create")))
    assert 'name="unit" value=' in page  # four units in the county: listed to tap on
    response = client.get(reverse("patrols:unit_suggest"), {"unit_q": "hfhg"})
    assert county.units["chem_a"].name in text(response) and county.units["fire_b"].name not in text(response)
    client.force_login(county.users["grid_worker"])
    assert county.units["build_a"].name not in text(client.get(reverse("patrols:unit_suggest"), {"unit_q": "安定"}))


# --- a patrol's page: link the hazard ----------------------------------------------------------------


def test_link_the_hazard_reported_after_the_visit(county, client):
    from anjian.hazards.models import Source
    from anjian.hazards.services import HazardData, hazard_report

    p = record(county, "grid_worker", "chem_a", outcome=Outcome.HAZARD_FOUND)
    client.force_login(county.users["grid_worker"])
    assert "关联已上报的隐患" not in text(client.get(reverse("patrols:detail", args=[p.pk])))  # none reported yet
    hazard, _ = hazard_report(actor=county.users["grid_worker"], data=HazardData(
        unit=county.units["chem_a"], description="灭火器过期", level="general", found_on=TODAY,
        deadline=TODAY + dt.timedelta(days=7), source=Source.GRID))
    assert "关联已上报的隐患" in text(client.get(reverse("patrols:detail", args=[p.pk])))
    response = client.post(reverse("patrols:link_hazard", args=[p.pk]), {"hazard": hazard.pk}, follow=True)
    assert f"已关联隐患 {hazard.number}" in text(response)
    p.refresh_from_db()
    assert p.hazard == hazard
    # The leader reads the page but links nothing.
    client.force_login(county.users["leader"])
    assert client.get(reverse("patrols:detail", args=[p.pk])).status_code == 200
    assert client.post(reverse("patrols:link_hazard", args=[p.pk]), {"hazard": hazard.pk}).status_code == 403


def test_link_form_errors(county, client):
    p = record(county, "grid_worker", "chem_a")
    client.force_login(county.users["grid_worker"])
    response = client.post(reverse("patrols:link_hazard", args=[p.pk]), {"hazard": "999"})
    assert response.status_code == 400 and "请从列表中选择隐患" in text(response)


# --- the list ----------------------------------------------------------------------------------------


def test_list_per_persona(visits, client):
    client.force_login(visits.users["grid_worker"])
    page = text(client.get(reverse("patrols:list")))
    assert "共 3 次巡查" in page and "平江县汇丰化工有限公司" in page and "平江县小田食品厂" not in page
    assert "巡查打卡" in page and "巡查覆盖率" not in page
    client.force_login(visits.users["department"])
    page = text(client.get(reverse("patrols:list")))
    assert "共 3 次巡查" in page and "巡查打卡</a>" not in page and "巡查覆盖率" in page


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_no_access(visits, client, persona):
    client.force_login(visits.users[persona])
    p = Patrol.objects.first()
    for url in (reverse("patrols:list"), reverse("patrols:detail", args=[p.pk]), reverse("patrols:not_visited"),
                reverse("patrols:coverage"), reverse("patrols:coverage_xlsx")):
        assert client.get(url).status_code == 403, url


def test_out_of_scope_patrol_is_404(visits, client):
    client.force_login(visits.users["grid_worker"])
    foreign = Patrol.objects.get(unit=visits.units["build_a"])
    assert client.get(reverse("patrols:detail", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("patrols:link_hazard", args=[foreign.pk]), {"hazard": "1"}).status_code == 404


def test_list_filters_and_pagination(visits, client):
    client.force_login(visits.users["county_admin"])
    url = reverse("patrols:list")
    assert "共 9 次巡查" in text(client.get(url))
    assert "共 2 次巡查" in text(client.get(url, {"unit": visits.units["chem_a"].pk}))
    assert "共 3 次巡查" in text(client.get(url, {"grid": visits.grid_a.pk}))
    assert "共 2 次巡查" in text(client.get(url, {"township": "430626102"}))
    assert "共 7 次巡查" in text(client.get(url, {"from": "2026-06-01", "to": "2026-06-15"}))
    assert "共 1 次巡查" in text(client.get(url, {"outcome": "stopped"}))
    Patrol.objects.bulk_create([
        Patrol(unit=visits.units["a2"], grid=visits.grid_a, region_code="430626101000", by=visits.users["township"],
               patrolled_on=dt.date(2026, 4, 1) + dt.timedelta(days=i)) for i in range(30)
    ])
    first = text(client.get(url, {"grid": visits.grid_a.pk}))
    assert "共 33 次巡查" in first and "第 1 / 2 页" in first and f"grid={visits.grid_a.pk}&amp;page=2" in first
    second = text(client.get(url, {"grid": visits.grid_a.pk, "page": 2}))
    assert "第 2 / 2 页" in second and second.count("/patrols/") > 3


# --- coverage ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", COVERAGE)
def test_coverage_readers(visits, client, persona):
    client.force_login(visits.users[persona])
    assert client.get(reverse("patrols:coverage")).status_code == 200


@pytest.mark.parametrize("persona", ["grid_worker", *NO_ACCESS])
def test_coverage_is_not_for(visits, client, persona):
    client.force_login(visits.users[persona])
    assert client.get(reverse("patrols:coverage")).status_code == 403


def test_coverage_page(visits, client):
    client.force_login(visits.users["county_admin"])
    page = text(client.get(reverse("patrols:coverage"), {"date_from": "2026-06-01", "date_to": "2026-06-15"}))
    assert "网格巡查覆盖情况（2026年6月1日至6月15日）" in page
    assert "66.67%" in page and "57.14%" in page and "合计" in page
    # Each 未巡查 figure opens the list of exactly those units.
    link = (f'{reverse("patrols:not_visited")}?from=2026-06-01&amp;to=2026-06-15&amp;grid={visits.grid_b.pk}">1</a>')
    assert link in page
    assert f'{reverse("patrols:not_visited")}?from=2026-06-01&amp;to=2026-06-15">3</a>' in page
    listed = text(client.get(reverse("patrols:not_visited"),
                             {"from": "2026-06-01", "to": "2026-06-15", "grid": visits.grid_b.pk}))
    assert "共 1 家" in listed and "平江县小田食品厂" in listed and "上次巡查 2026-05-31（16 天前）" in listed
    by_town = text(client.get(reverse("patrols:coverage"),
                              {"date_from": "2026-06-01", "date_to": "2026-06-15", "by": "township"}))
    assert "60.00%" in by_town and "township=430626102" in by_town


def test_coverage_defaults_to_this_month(visits, client):
    client.force_login(visits.users["county_admin"])
    page = text(client.get(reverse("patrols:coverage")))
    # 2026-06-01 … 06-16: fire_b's visit today comes in (8 visits, 5 of 7 units).
    assert "网格巡查覆盖情况（2026年6月1日至6月16日）" in page and "71.43%" in page


def test_coverage_period_errors(visits, client):
    client.force_login(visits.users["county_admin"])
    response = client.get(reverse("patrols:coverage"), {"date_from": "2026-06-15", "date_to": "2026-06-01"})
    assert response.status_code == 400 and "截止日期不能早于起始日期" in text(response)


def test_coverage_xlsx_read_back(visits, client):
    client.force_login(visits.users["county_admin"])
    response = client.get(reverse("patrols:coverage_xlsx"), {"date_from": "2026-06-01", "date_to": "2026-06-15"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "网格巡查覆盖情况（2026年6月1日至6月15日）"
    assert rows[1] == ["网格", "所属乡镇", "在册单位（家）", "已巡查单位（家）", "未巡查单位（家）", "覆盖率",
                       "巡查次数（次）"]
    assert rows[2:] == [
        ["安定镇第一网格", "安定镇", 2, 1, 1, 0.5, 3],
        ["安定镇第二网格", "安定镇", 3, 2, 1, pytest.approx(2 / 3), 3],
        ["（未划入网格）", None, 2, 1, 1, 0.5, 1],  # an empty cell
        ["合计", None, 7, 4, 3, pytest.approx(4 / 7), 7],
    ]
    assert ws.cell(row=3, column=6).number_format == "0.00%"
    entry = AuditEntry.objects.get(action="patrol.coverage_export")
    assert entry.actor == visits.users["county_admin"] and entry.changes["rows"] == 3

    response = client.get(reverse("patrols:coverage_xlsx"),
                          {"date_from": "2026-06-01", "date_to": "2026-06-15", "by": "township"})
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[1][0] == "乡镇（街道）" and rows[2:] == [
        ["安定镇", 5, 3, 2, 0.6, 6], ["三市镇", 2, 1, 1, 0.5, 1], ["合计", 7, 4, 3, pytest.approx(4 / 7), 7],
    ]


def test_coverage_xlsx_with_a_dash(county, client):
    client.force_login(county.users["department"])
    response = client.get(reverse("patrols:coverage_xlsx"), {"date_from": "2026-06-01", "date_to": "2026-06-15"})
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert ["安定镇第二网格", "安定镇", 0, 0, 0, "—", 0] in rows


# --- not visited -------------------------------------------------------------------------------------


def test_not_visited_in_the_last_days(visits, client):
    client.force_login(visits.users["grid_worker"])
    page = text(client.get(reverse("patrols:not_visited")))
    # 30 days: since 2026-05-17 — a2 has never been visited.
    assert "30 天未巡查" in page and "2026-05-17 以来" in page and "共 1 家" in page and "从未巡查" in page
    page = text(client.get(reverse("patrols:not_visited"), {"days": 5}))
    # Since 06-11: chem_a's last visit was 06-10.
    assert "共 2 家" in page and "上次巡查 2026-06-10（6 天前）" in page
    assert f'{reverse("patrols:create")}?unit={visits.units["a2"].pk}' in page


# --- menu, home page, unit page ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", RECORDERS + READ_ONLY)
def test_menu_entry(county, client, persona):
    client.force_login(county.users[persona])
    assert f'href="{reverse("patrols:list")}"' in text(client.get(reverse("home")))


@pytest.mark.parametrize("persona", NO_ACCESS)
def test_no_menu_entry(county, client, persona):
    client.force_login(county.users[persona])
    assert reverse("patrols:list") not in text(client.get(reverse("home")))


def test_buttons_on_home_and_unit_pages(county, client):
    client.force_login(county.users["grid_worker"])
    home = text(client.get(reverse("home")))
    assert f'href="{reverse("patrols:create")}">巡查打卡</a>' in home and ">上报隐患</a>" in home
    unit = county.units["chem_a"]
    page = text(client.get(reverse("units:detail", args=[unit.pk])))
    assert f'href="{reverse("patrols:create")}?unit={unit.pk}">巡查打卡</a>' in page
    client.force_login(county.users["leader"])
    assert ">巡查打卡</a>" not in text(client.get(reverse("home")))


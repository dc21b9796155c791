"""The summary of March 2026 at the city, from two fabricated subordinates' packages and one that did not report.

Worked by hand:

    subordinate  hazards_found  hazards_rectified  rate     general found/rect.  major found/rect.  fines_yuan
    平江县       10             7                  70.00%   10 / 7               0 / 0              379100.00
    岳阳县       30             30                 100.00%  30 / 30              0 / 0              20000.50
    汨罗市       未上报
    合计         40             37                 92.50%   40 / 37              0 / 0 → rate —     399100.50

The total rate is 37 / 40 = 92.50%, not the mean of 70% and 100% (85%); the major-hazard rate has a
denominator of 0 in total and is undefined ("—", null).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from openpyxl import load_workbook

from anjian.reporting.models import Channel
from anjian.reporting.selectors import summary
from anjian.reporting.services import submission_import

from .conftest import fabricate, raw, register

pytestmark = pytest.mark.django_db

MARCH = "?date_from=2026-03-01&date_to=2026-03-31"


@pytest.fixture
def reported(city) -> dict[str, Any]:
    a, b, c = (Ed25519PrivateKey.generate() for _ in range(3))
    register("430626", a, "平江县")
    register("430621", b, "岳阳县")
    register("430681", c, "汨罗市")
    admin = city.users["admin"]
    pa = fabricate("430626", a, hazards_found=10, hazards_rectified=7, hazards_general_found=10,
                   hazards_general_rectified=7, rectification_rate=0.7, rectification_rate_general=0.7,
                   fines_yuan="379100.00", units=120)
    pb = fabricate("430621", b, hazards_found=30, hazards_rectified=30, hazards_general_found=30,
                   hazards_general_rectified=30, rectification_rate=1.0, rectification_rate_general=1.0,
                   fines_yuan="20000.50", units=80)
    # 汨罗市 sent February only: for March it has not reported.
    pc = fabricate("430681", c, date_from="2026-02-01", date_to="2026-02-28", hazards_found=99)
    return {k: submission_import(raw=raw(p), channel=Channel.UPLOAD, actor=admin).submission
            for k, p in (("a", pa), ("b", pb), ("c", pc))}


def test_totals_sum_counts_and_money_and_recompute_rates(city, reported):
    s = summary(city.users["admin"], dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert [(r.subordinate.name, r.submission is not None) for r in s.rows] == [
        ("岳阳县", True), ("平江县", True), ("汨罗市", False)]
    assert (s.reported, s.missing) == (2, 1)
    t = s.total
    assert (t["hazards_found"], t["hazards_rectified"], t["units"]) == (40, 37, 200)
    assert t["rectification_rate"] == pytest.approx(37 / 40)
    assert t["rectification_rate_general"] == pytest.approx(37 / 40)
    assert t["rectification_rate_major"] is None
    assert t["fines_yuan"] == "399100.50"


def test_the_page_shows_the_table_the_totals_and_who_has_not_reported(city, reported):
    client = Client()
    client.force_login(city.users["leader"])
    response = client.get("/reporting/" + MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已上报 <strong>2</strong> 个，未上报 <strong class=\"text-danger\">1</strong> 个" in html
    total = html[html.index("data-total"):]
    total = total[: total.index("</tr>")]
    for text in ("40", "37", "92.50%", "399,100.50", "200"):
        assert f"<td>{text}</td>" in total, text
    assert "85.00%" not in html  # not the mean of the rates
    assert "所报数字之和" in html
    assert f"/reporting/submissions/{reported['a'].pk}/" in html
    # April: nobody has reported; the total rate has a denominator of 0.
    april = client.get("/reporting/?date_from=2026-04-01&date_to=2026-04-30").content.decode()
    assert "未上报 <strong class=\"text-danger\">3</strong> 个" in april
    total = april[april.index("data-total"):]
    assert "<td>—</td>" in total[: total.index("</tr>")]


def test_the_default_period_is_this_month(city, reported, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    client = Client()
    client.force_login(city.users["admin"])
    html = client.get("/reporting/").content.decode()
    assert "2026年3月1日至3月31日" in html
    assert "已上报 <strong>2</strong> 个" in html


def test_the_xlsx_reads_back_with_the_same_figures(city, reported):
    client = Client()
    client.force_login(city.users["auditor"])
    response = client.get("/reporting/xlsx/" + MARCH)
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content if response.streaming else
                                           [response.content]))).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert "下级上报汇总表" in rows[0][0]
    header = rows[1]
    col = {name: i for i, name in enumerate(header)}
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["汨罗市"][col["生产经营单位数（家）"]] == "未上报"
    assert by_name["汨罗市"][col["排查隐患总数（个）"]] is None
    assert by_name["平江县"][col["整改率（%）"]] == pytest.approx(0.7)
    assert by_name["平江县"][col["排查隐患总数（个）"]] == 10
    total = rows[-1]
    assert total[0] == "合计（已上报 2 个，未上报 1 个）"
    assert total[col["排查隐患总数（个）"]] == 40
    assert total[col["整改率（%）"]] == pytest.approx(0.925)
    assert total[col["罚款金额（元）"]] == pytest.approx(399100.50)
    assert total[col["重大隐患已整改数（个）"]] == 0


def test_the_api_answers_the_same_figures(city, reported, api_client_for):
    status, body = api_client_for(city.users["admin"]).get("/api/v1/reporting/summary",
                                                           {"from": "2026-03-01", "to": "2026-03-31"})
    assert status == 200
    assert (body["reported"], body["missing"]) == (2, 1)
    assert body["total"]["hazards_found"] == 40
    assert body["total"]["rectification_rate"] == pytest.approx(0.925)
    assert body["total"]["rectification_rate_major"] is None
    assert body["total"]["fines_yuan"] == "399100.50"
    missing = [r for r in body["rows"] if not r["reported"]]
    assert [(r["region"], r["indicators"]) for r in missing] == [("430681", None)]


def test_the_submission_page_shows_every_indicator_and_the_history(city, reported):
    client = Client()
    client.force_login(city.users["admin"])
    html = client.get(f"/reporting/submissions/{reported['a'].pk}/").content.decode()
    assert "平江县" in html and "379,100.00" in html and "70.00%" in html
    assert "生产安全事故起数" in html and "逾期任务数" in html  # the whole catalogue
    assert "现行" in html
    major = html[html.index('data-code="rectification_rate_major"'):]
    assert major[: major.index("</td>")].endswith(">—")

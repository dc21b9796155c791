"""The list of issued enforcement documents (执法文书): scope per role, filters, pages, the htmx partial,
and the statistics' 执法文书数 opening exactly the documents it counts.

Every expectation below is worked out by hand from the fixture: four documents in 平江县 (two in 安定镇,
two in 三市镇) and one in 芙蓉区.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anjian.enforcement.models import Document, DocumentType
from anjian.stats.compute import compute
from anjian.stats.links import Links
from anjian.stats.scope import build_scope
from anjian.units.models import Unit
from tests.stats import factories as f

URL = "/enforcement/documents/"
_seq = itertools.count(1)


def make_document(unit: Any, org: Any, doc_type: str, issued_on: str, number: str, **kw: Any) -> Document:
    day = dt.date.fromisoformat(issued_on)
    return Document.objects.create(
        doc_type=doc_type, org=org, year=day.year, seq=next(_seq), number=number, region_code=unit.region_code,
        unit=unit, file="documents/x.docx", sha256="0" * 64, issued_on=day, **kw,
    )


@pytest.fixture
def docs(county: Any) -> dict[str, Any]:
    u = county.units
    parent = f.campaign("治本攻坚", "2026-01-01", "2026-12-31")
    child = f.campaign("危化专项", "2026-01-01", "2026-12-31", parent=parent)
    other_campaign = f.campaign("消防专项", "2026-01-01", "2026-12-31")
    action = f.action(u["chem_a"], "order_rectify", "2026-03-01", campaign=child)
    inspection = f.inspection(u["build_a"], "2026-03-09", campaign=child)
    return {
        "parent": parent,
        "child": child,
        "other_campaign": other_campaign,
        "action": action,
        "inspection": inspection,
        # 安定镇: 汇丰化工 (危化, 应急管理局, 第一网格), for an action of the sub-campaign.
        "A": make_document(u["chem_a"], county.yingji, DocumentType.RECTIFY_ORDER, "2026-03-02",
                           "平应急责改〔2026〕1号", action=action),
        # 安定镇小田村: 安定建筑 (建筑施工, 住建局, 第二网格), for an inspection of the sub-campaign.
        "B": make_document(u["build_a"], county.town_a, DocumentType.SITE_RECORD, "2026-03-10",
                           "安定现记〔2026〕2号", inspection=inspection),
        # 三市镇: 花炮批发部 (烟花爆竹, 应急管理局).
        "C": make_document(u["fire_b"], county.yingji, DocumentType.PENALTY_DECISION, "2026-04-01",
                           "平应急罚决〔2026〕3号"),
        # 三市镇: 宏远建设 (建筑施工, 住建局).
        "D": make_document(u["build_b"], county.town_b, DocumentType.REVIEW_OPINION, "2026-02-15",
                           "三市复查〔2026〕4号"),
        # 芙蓉区: another county.
        "E": make_document(u["other"], county.other_office, DocumentType.RECTIFY_ORDER, "2026-03-05",
                           "芙应急责改〔2026〕5号"),
    }


def client_as(county: Any, persona: str) -> Client:
    client = Client()
    client.force_login(county.users[persona])
    return client


def listed(county: Any, persona: str = "county_admin", **params: Any) -> list[str]:
    """The 文号 of the rows, in order (one page); the total must agree with the rows."""
    response = client_as(county, persona).get(URL, params)
    assert response.status_code == 200
    page = response.context["page"]
    numbers = [d.number for d in page.object_list]
    assert page.paginator.count == len(numbers)
    return numbers


def numbers(docs: dict[str, Any], *keys: str) -> list[str]:
    return [docs[k].number for k in keys]


def test_url_name() -> None:
    assert reverse("enforcement:documents") == URL


def test_newest_first_in_the_county(county: Any, docs: dict[str, Any]) -> None:
    # 4-01, 3-10, 3-02, 2-15; 芙蓉区's is not listed.
    assert listed(county) == numbers(docs, "C", "B", "A", "D")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", ["C", "B", "A", "D"]),
        ("leader", ["C", "B", "A", "D"]),
        ("auditor", ["C", "B", "A", "D"]),
        ("township", ["B", "A"]),          # 安定镇 (the village is in it)
        ("township_b", ["C", "D"]),        # 三市镇
        ("department", ["C", "A"]),        # 应急管理局: hazardous chemicals and fireworks
        ("zhujian", ["B", "D"]),           # 住建局: construction
        ("grid_worker", ["A"]),            # 安定镇第一网格
        ("unit_staff", ["A"]),             # 汇丰化工's own
        ("expert", []),                    # documents are not among what an expert takes part in
        ("other_county_admin", ["E"]),     # 芙蓉区
    ],
)
def test_each_role_sees_its_scope(county: Any, docs: dict[str, Any], persona: str, expected: list[str]) -> None:
    assert listed(county, persona) == numbers(docs, *expected)
    body = client_as(county, persona).get(URL).content.decode()
    for key in "ABCDE":
        download = reverse("enforcement:document_download", args=[docs[key].pk])
        assert (docs[key].number in body) == (key in expected), key
        assert (download in body) == (key in expected), key


def test_a_filter_does_not_widen_the_scope(county: Any, docs: dict[str, Any]) -> None:
    assert listed(county, "township_b", region="430626101") == []
    assert listed(county, "township", unit=county.units["fire_b"].pk) == []
    assert listed(county, "township", region="430102") == []


def test_out_of_scope_download_is_404(county: Any, docs: dict[str, Any]) -> None:
    client = client_as(county, "township")
    assert client.get(reverse("enforcement:document_download", args=[docs["C"].pk])).status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"from": "2026-03-02", "to": "2026-03-10"}, ["B", "A"]),      # both ends included
        ({"from": "2026-03-03"}, ["C", "B"]),
        ({"to": "2026-03-01"}, ["D"]),
        ({"from": "2026-03-11", "to": "2026-03-31"}, []),
        ({"from": "not-a-date"}, ["C", "B", "A", "D"]),                 # unreadable: ignored
        ({"type": "site_record"}, ["B"]),
        ({"type": "penalty_decision"}, ["C"]),
        ({"type": "nonsense"}, ["C", "B", "A", "D"]),
        ({"region": "430626102"}, ["C", "D"]),
        ({"region": "430626101"}, ["B", "A"]),
        ({"region": "430626101201"}, ["B"]),                            # the village
        ({"region": "430626"}, ["C", "B", "A", "D"]),
        ({"region": "三市镇"}, ["C", "B", "A", "D"]),                    # not a code: ignored
        ({"q": "汇丰"}, ["A"]),                                          # unit name
        ({"q": "罚决"}, ["C"]),                                          # 文号
        ({"q": "宏远"}, ["D"]),
        ({"q": "〔2026〕"}, ["C", "B", "A", "D"]),
        ({"q": "  汇丰  "}, ["A"]),
        ({"sector": "construction"}, ["B", "D"]),
        ({"in_campaign": "parent"}, ["B", "A"]),                        # the action's and the inspection's
        ({"in_campaign": "other_campaign"}, []),
        ({"region": "430626102", "type": "review_opinion"}, ["D"]),
        ({"q": "安定", "from": "2026-03-01", "to": "2026-03-31"}, ["B"]),
    ],
    ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) if isinstance(p, dict) else None,
)
def test_filters(county: Any, docs: dict[str, Any], params: dict[str, str], expected: list[str]) -> None:
    if "in_campaign" in params:
        params = {**params, "in_campaign": docs[params["in_campaign"]].pk}
    assert listed(county, **params) == numbers(docs, *expected)


def test_department_and_unit_filters(county: Any, docs: dict[str, Any]) -> None:
    assert listed(county, department=county.zhujian.pk) == numbers(docs, "B", "D")
    assert listed(county, department=county.yingji.pk) == numbers(docs, "C", "A")
    assert listed(county, unit=county.units["chem_a"].pk) == numbers(docs, "A")


def test_form_shows_the_filters_and_keeps_the_statistics_ones(county: Any, docs: dict[str, Any]) -> None:
    body = client_as(county, "county_admin").get(
        URL, {"type": "site_record", "from": "2026-03-01", "region": "430626101", "sector": "construction"}
    ).content.decode()
    assert '<option value="site_record" selected>现场检查记录</option>' in body
    assert 'name="from" value="2026-03-01"' in body
    # Not fields of the form: kept as hidden inputs so that changing the type keeps them.
    assert '<input type="hidden" name="region" value="430626101">' in body
    assert '<input type="hidden" name="sector" value="construction">' in body
    assert "已按统计口径限定" in body
    plain = client_as(county, "county_admin").get(URL).content.decode()
    form = plain.split(f'action="{URL}"')[1].split("</form>")[0]
    assert 'type="hidden"' not in form
    assert "已按统计口径限定" not in plain


def test_columns_and_links(county: Any, docs: dict[str, Any]) -> None:
    body = client_as(county, "township").get(URL).content.decode()
    chem, build = county.units["chem_a"], county.units["build_a"]
    row_a = body.split(docs["A"].number, 1)[1].split("</tr>", 1)[0]
    assert "责令限期整改指令书" in row_a and "应急管理局" in row_a and "2026-03-02" in row_a
    assert f'href="{reverse("units:detail", args=[chem.pk])}"' in row_a
    assert f'href="{reverse("enforcement:detail", args=[docs["action"].pk])}"' in row_a
    assert f'href="{reverse("enforcement:document_download", args=[docs["A"].pk])}"' in row_a
    row_b = body.split(docs["B"].number, 1)[1].split("</tr>", 1)[0]
    assert "现场检查记录" in row_b and "安定镇人民政府" in row_b and "2026-03-10" in row_b
    assert f'href="{reverse("units:detail", args=[build.pk])}"' in row_b
    assert f'href="{reverse("inspections:detail", args=[docs["inspection"].pk])}"' in row_b


def test_no_unit_link_when_the_unit_has_left_the_scope(county: Any, docs: dict[str, Any]) -> None:
    """A document stays where it was issued; its unit has since moved to 三市镇."""
    build = county.units["build_a"]
    Unit.objects.filter(pk=build.pk).update(region_code=county.sanshizhen.code)
    body = client_as(county, "township").get(URL).content.decode()
    row_b = body.split(docs["B"].number, 1)[1].split("</tr>", 1)[0]
    assert build.name in row_b
    assert reverse("units:detail", args=[build.pk]) not in row_b
    # The document still counts where it was issued, as the statistics count it.
    assert listed(county, "township") == numbers(docs, "B", "A")
    assert listed(county, "township_b") == numbers(docs, "C", "D")


def test_empty_state(county: Any, docs: dict[str, Any]) -> None:
    body = client_as(county, "county_admin").get(URL, {"q": "没有这个文号"}).content.decode()
    assert "没有符合条件的执法文书。" in body and "共 0 份" in body and "<table" not in body
    body = client_as(county, "expert").get(URL).content.decode()
    assert "没有符合条件的执法文书。" in body


def test_htmx_partial(county: Any, docs: dict[str, Any]) -> None:
    client = client_as(county, "county_admin")
    partial = client.get(URL, {"type": "penalty_decision"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "<form" not in partial
    assert "共 1 份" in partial and docs["C"].number in partial and docs["A"].number not in partial
    full = client.get(URL, {"type": "penalty_decision"}).content.decode()
    assert "<html" in full and 'hx-target="#results"' in full and '<div id="results"' in full


def test_pagination(county: Any) -> None:
    chem = county.units["chem_a"]
    start = dt.date(2026, 1, 1)
    Document.objects.bulk_create(
        Document(doc_type=DocumentType.RECTIFY_ORDER, org=county.yingji, year=2026, seq=n, number=f"测试〔2026〕{n}号",
                 region_code=chem.region_code, unit=chem, file="documents/x.docx", sha256="0" * 64,
                 issued_on=start + dt.timedelta(days=n))
        for n in range(1, 52)
    )
    client = client_as(county, "county_admin")
    first = client.get(URL, {"type": "rectify_order"})
    page = first.context["page"]
    assert page.paginator.count == 51 and page.paginator.num_pages == 2
    assert [d.number for d in page.object_list] == [f"测试〔2026〕{n}号" for n in range(51, 1, -1)]
    body = first.content.decode()
    assert "第 1 / 2 页" in body and 'href="?type=rectify_order&amp;page=2"' in body
    second = client.get(URL, {"type": "rectify_order", "page": 2})
    assert [d.number for d in second.context["page"].object_list] == ["测试〔2026〕1号"]
    assert "上一页" in second.content.decode()
    # A page beyond the last shows the last (as the other lists).
    assert [d.number for d in client.get(URL, {"page": 9}).context["page"].object_list] == ["测试〔2026〕1号"]


def test_no_query_per_row(county: Any, docs: dict[str, Any]) -> None:
    client = client_as(county, "county_admin")
    client.get(URL)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    u = county.units
    for n, key in enumerate(["chem_a", "build_a", "fire_b", "build_b"] * 3):
        action = f.action(u[key], "order_rectify", "2026-05-01")
        inspection = f.inspection(u[key], "2026-05-01")
        make_document(u[key], county.yingji, DocumentType.REVIEW_OPINION, "2026-05-02", f"多〔2026〕{n}号",
                      action=action, inspection=inspection)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert response.context["page"].paginator.count == 16
    assert len(many.captured_queries) == len(few.captured_queries)


def test_reached_from_the_menu_and_the_action_list(county: Any) -> None:
    client = client_as(county, "county_admin")
    assert f'href="{URL}"' in client.get(reverse("enforcement:list")).content.decode()
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()  # the 更多 menu
    assert Client().get(URL).status_code == 302  # signed in only


# --- the statistics' 执法文书数 -------------------------------------------------------------------------

H1: dict[str, Any] = {"region": "430626", "date_from": "2026-01-01", "date_to": "2026-06-30"}


def linked(county: Any, url: str | None, persona: str = "county_admin") -> list[str]:
    assert url is not None and url.startswith(URL)
    response = client_as(county, persona).get(url)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == len(page.object_list)
    return [d.number for d in page.object_list]


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({}, ["C", "B", "A", "D"]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-10"}, ["B", "A"]),
        ({"region": "430626102"}, ["C", "D"]),
        ({"campaign": "治本攻坚"}, ["B", "A"]),
        ({"campaign": "危化专项"}, ["B", "A"]),
        ({"campaign": "消防专项"}, []),
        ({"sector": "construction"}, ["B", "D"]),
        ({"department": "应急管理局"}, ["C", "A"]),
        ({"inspection_kind": "督导检查"}, ["C", "B", "A", "D"]),  # does not concern documents
    ],
    ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) if isinstance(p, dict) else None,
)
def test_the_figure_opens_exactly_its_documents(county: Any, docs: dict[str, Any], scope: dict[str, str],
                                                expected: list[str]) -> None:
    s = build_scope(**(H1 | scope))
    assert compute(s)["documents_issued"] == len(expected)
    assert linked(county, Links(s).url("documents_issued")) == numbers(docs, *expected)


def test_the_figure_for_a_unit_a_township_row_and_a_month(county: Any, docs: dict[str, Any]) -> None:
    s = build_scope(**(H1 | {"unit": county.units["build_b"].pk}))
    assert linked(county, Links(s).url("documents_issued")) == numbers(docs, "D")
    links = Links(build_scope(**H1))
    assert linked(county, links.url("documents_issued", region="430626101")) == numbers(docs, "B", "A")
    assert linked(county, links.url("documents_issued", month="2026-03")) == numbers(docs, "B", "A")
    assert linked(county, links.url("documents_issued", month="2026-02")) == numbers(docs, "D")
    # The township's own officer, following its own figure.
    township = Links(build_scope(**(H1 | {"region": "430626101"})))
    assert linked(county, township.url("documents_issued"), persona="township") == numbers(docs, "B", "A")

"""The interview list's filters (the statistics' click-through) and its export holding what the list shows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.stats import factories as f

ANDING, SANSHI = "430626101", "430626102"


@pytest.fixture
def talks(county) -> dict[str, Any]:
    u = county.units
    parent = f.campaign("治本攻坚", "2024-01-01", "2024-12-31")
    child = f.campaign("花炮专项", "2024-01-01", "2024-12-31", parent=parent)
    return {
        "parent": parent,
        "A": f.interview("interview", "2024-03-01", [u["chem_a"], u["fire_b"]], persons=3),
        "B": f.interview("notice", "2024-04-01", [u["build_b"]], persons=1, campaign=child),
        "C": f.interview("exposure", "2024-05-01", [u["build_a"], u["fire_b"]]),
        "D": f.interview("interview", "2023-05-01", [u["chem_a"]], persons=1),
        # 安定镇's chemical plant and 三市镇's builder: neither is a builder in 安定镇.
        "E": f.interview("notice", "2024-06-01", [u["chem_a"], u["build_b"]], persons=2),
    }


def listed(county, persona: str = "county_admin", **params: Any) -> set[str]:
    client = Client()
    client.force_login(county.users[persona])
    r = client.get(reverse("enforcement:interviews"), params)
    assert r.status_code == 200
    page = r.context["page"]
    numbers = [i.number for i in page.object_list]
    assert len(numbers) == page.paginator.count  # one row per interview, however many units it names
    return set(numbers)


def names(talks: dict[str, Any], *keys: str) -> set[str]:
    return {talks[k].number for k in keys}


def test_filters(county, talks):
    t = talks
    assert listed(county) == names(t, "A", "B", "C", "D", "E")
    assert listed(county, kind="interview,notice") == names(t, "A", "B", "D", "E")
    assert listed(county, kind="interview,notice", **{"from": "2024-01-01", "to": "2024-12-31"}) == names(
        t, "A", "B", "E"
    )
    assert listed(county, kind="exposure") == names(t, "C")
    assert listed(county, kind="nonsense") == names(t, "A", "B", "C", "D", "E")  # a bad value is ignored
    assert listed(county, region="430626") == names(t, "A", "B", "C", "D", "E")
    assert listed(county, region=ANDING) == names(t, "A", "C", "D", "E")
    assert listed(county, region=SANSHI) == names(t, "A", "B", "C", "E")
    assert listed(county, sector="construction") == names(t, "B", "C", "E")
    # Region and sector hold for the same named unit (as the statistics count): not E.
    assert listed(county, region=ANDING, sector="construction") == names(t, "C")
    assert listed(county, unit=county.units["fire_b"].pk) == names(t, "A", "C")
    assert listed(county, in_campaign=t["parent"].pk) == names(t, "B")


def test_scope_still_applies(county, talks):
    t = talks
    assert listed(county, "township") == names(t, "A", "C", "D", "E")
    assert listed(county, "township", region=SANSHI) == names(t, "A", "C", "E")  # named units of both
    assert listed(county, "other_county_admin") == set()


def test_the_form_keeps_the_statistics_filters(county, talks):
    client = Client()
    client.force_login(county.users["county_admin"])
    params = {"region": SANSHI, "kind": "interview,notice"}
    body = client.get(reverse("enforcement:interviews"), params).content.decode()
    assert f'<input type="hidden" name="region" value="{SANSHI}">' in body
    assert '<option value="interview,notice" selected>约谈、通报</option>' in body
    assert "已按统计口径限定" in body


def test_the_export_holds_what_the_list_shows(county, talks):
    client = Client()
    client.force_login(county.users["county_admin"])
    response = client.get(reverse("ledgers:export", args=["interviews"]), {"region": SANSHI, "kind": "notice"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = {str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c is not None}
    assert names(talks, "B", "E") <= cells
    assert not names(talks, "A", "C", "D") & cells

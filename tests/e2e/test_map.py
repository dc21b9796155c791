"""The hazard risk map in Debian's Chromium: it draws on a canvas, offline, under the strict CSP, without errors.

Two scenarios: township outlines loaded (a choropleth with the units on it; clicking a unit opens its
page, the colour toggle regroups the points), and no boundary at all (the plain lng/lat plane).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from anjian.regions.services import boundaries_import
from anjian.units.models import Unit
from tests.conftest import County
from tests.e2e.conftest import BrowserThread, new_page, sign_in
from tests.stats import factories as f
from tests.stats.test_map import township_squares

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AS_OF = "2024-06-30"


def prepare(county: County) -> None:
    u = county.units
    Unit.objects.filter(pk=u["chem_a"].pk).update(lng=Decimal("113.600000"), lat=Decimal("28.700000"))
    Unit.objects.filter(pk=u["fire_b"].pk).update(lng=Decimal("113.700000"), lat=Decimal("28.750000"))
    f.hazard(u["chem_a"], "2024-06-01", "2024-06-10")
    f.hazard(u["chem_a"], "2024-06-20", "2024-07-20", level="major", status="rectifying")
    for _ in range(3):
        f.hazard(u["fire_b"], "2024-06-01", "2024-07-01", status="submitted")


def open_map(browser: Browser, base: str, username: str, problems: list[str]) -> Page:
    from playwright.sync_api import expect

    _context, page = new_page(browser, "desktop", problems)
    # Offline means offline: any request to another host is a failure.
    page.on("request", lambda request: None if request.url.startswith(base) else problems.append(request.url))
    sign_in(page, base, username)
    page.goto(f"{base}/stats/map/?as_of={AS_OF}")
    expect(page.locator("#risk-map[data-ready='1']")).to_be_attached()
    expect(page.locator("#risk-map canvas").first).to_be_visible()
    return page


SERIES = (
    "() => echarts.getInstanceByDom(document.getElementById('risk-map')).getOption()"
    ".series.map(s => s.type + ':' + s.name)"
)


def test_the_map_with_township_outlines(chromium: BrowserThread, live_server: Any, e2e_county: County, tmp_path: Path):
    prepare(e2e_county)
    path = tmp_path / "townships.geojson"
    path.write_text(json.dumps(township_squares()), encoding="utf-8")
    boundaries_import(path=path)
    base = live_server.url
    admin = e2e_county.users["county_admin"].username
    chem = e2e_county.units["chem_a"]

    def scenario(browser: Browser) -> list[str]:
        from playwright.sync_api import expect

        problems: list[str] = []
        page = open_map(browser, base, admin, problems)
        box = page.locator("#risk-map canvas").first.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 200
        assert page.evaluate(SERIES) == [
            "map:未销号隐患（乡镇（街道））", "scatter:无未销号隐患", "scatter:未销号隐患 1—2 项",
            "scatter:未销号隐患 3 项及以上", "scatter:有未销号重大隐患",
        ]
        # The canvas really has something drawn on it (not a blank white box).
        painted = page.evaluate(
            """() => { const c = document.querySelector('#risk-map canvas');
                       const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                       let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
        )
        assert painted > 1000
        page.get_by_label("按分级分类着色").check()
        expect(page.get_by_label("按分级分类着色")).to_be_checked()
        assert [s for s in page.evaluate(SERIES) if s.startswith("scatter")] == [
            "scatter:A类", "scatter:B类", "scatter:C类", "scatter:D类", "scatter:未分级",
        ]
        pixel = """() => echarts.getInstanceByDom(document.getElementById('risk-map'))
                         .convertToPixel({geoIndex: 0}, [%s, %s])"""
        # Clicking a township (away from its units) opens its hazard list …
        x, y = page.evaluate(pixel % (113.57, 28.67))
        page.mouse.click(box["x"] + x, box["y"] + y)
        expect(page).to_have_url(re.compile(rf"/hazards/\?township=430626101&open=1&as_of={AS_OF}$"))
        page.go_back()
        expect(page.locator("#risk-map[data-ready='1']")).to_be_attached()
        # … and clicking a unit's point opens the unit's page.
        x, y = page.evaluate(pixel % (113.6, 28.7))
        page.mouse.click(box["x"] + x, box["y"] + y)
        expect(page).to_have_url(re.compile(rf"/units/{chem.pk}/$"))
        return problems

    assert chromium.run(scenario) == []


def test_the_map_without_any_boundary(chromium: BrowserThread, live_server: Any, e2e_county: County):
    prepare(e2e_county)
    base = live_server.url
    admin = e2e_county.users["county_admin"].username

    def scenario(browser: Browser) -> list[str]:
        from playwright.sync_api import expect

        problems: list[str] = []
        page = open_map(browser, base, admin, problems)
        assert all(s.startswith("scatter:") for s in page.evaluate(SERIES))
        option = "() => echarts.getInstanceByDom(document.getElementById('risk-map')).getOption()"
        assert page.evaluate(f"{option}.xAxis[0].axisLabel.formatter") == "{value}°E"
        assert page.evaluate(f"{option}.geo") is None
        expect(page.locator("#map-children")).to_contain_text("安定镇")
        expect(page.locator("#map-mode")).to_contain_text("尚未导入边界")
        return problems

    assert chromium.run(scenario) == []

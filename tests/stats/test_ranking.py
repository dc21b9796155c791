"""通报排名: ties share a rank; GET /api/v1/stats/ranking with the access rules of /api/v1/stats."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook

from anjian.stats.grouped import Grouped, Row
from anjian.stats.ranking import ranking
from anjian.stats.scope import ScopeError, build_scope


def scope():
    return build_scope(region="430626", date_from="2024-01-01", date_to="2024-06-30")


def fake(values: dict[str, float | None]) -> Grouped:
    rows = [Row(k, f"镇{k}", {"rectification_rate": v}) for k, v in values.items()]
    return Grouped(None, "township", rows, {})  # type: ignore[arg-type]


def test_ties_share_a_rank_and_undefined_come_last():
    g = fake({"1": 0.5, "2": 0.9, "3": None, "4": 0.5, "5": 0.1})
    rows = ranking(None, "township", "rectification_rate", grouped=g)  # type: ignore[arg-type]
    assert [(r.rank, r.key) for r in rows] == [(1, "2"), (2, "1"), (2, "4"), (4, "5"), (None, "3")]
    rows = ranking(None, "township", "rectification_rate", descending=False, grouped=g)  # type: ignore[arg-type]
    assert [(r.rank, r.key) for r in rows] == [(1, "5"), (2, "1"), (2, "4"), (4, "2"), (None, "3")]


def test_ranking_townships(facts):
    rows = ranking(scope(), "township", "hazards_found")
    # 安定镇: 2 hazards found in the period; 三市镇: 3 (the county-level row is not ranked).
    assert [(r.rank, r.name, r.value) for r in rows] == [(1, "三市镇", 3), (2, "安定镇", 2)]
    with pytest.raises(ScopeError):
        ranking(scope(), "township", "nope")


@pytest.mark.urls("tests.stats.stats_urls")
def test_ranking_api(facts):
    county = facts.county
    period = {"from": "2024-01-01", "to": "2024-06-30"}

    def get(persona: str | None, **params):
        client = Client()
        if persona:
            client.force_login(county.users[persona])
        return client.get("/api/v1/stats/ranking", {**period, **params})

    r = get("county_admin", region="430626", indicator="hazards_found", by="township")
    assert r.status_code == 200, r.content
    data = r.json()
    assert data["indicator"] == {"code": "hazards_found", "name": "排查隐患总数", "unit": "个"}
    assert [(x["rank"], x["name"], x["value"]) for x in data["rows"]] == [(1, "三市镇", 3), (2, "安定镇", 2)]
    r = get("county_admin", region="430626", indicator="fines_yuan", by="department", descending="false")
    assert r.status_code == 200, r.content
    assert all(isinstance(x["value"], str) for x in r.json()["rows"])
    assert get("county_admin", region="430626", indicator="nope").status_code == 422
    assert get("county_admin", region="430626", indicator="hazards_found", by="sector").status_code == 422
    assert get("township", region="430626", indicator="hazards_found").status_code == 404
    assert get("grid_worker", indicator="hazards_found").status_code == 403
    assert get(None, region="430626", indicator="hazards_found").status_code == 401


def test_ranking_command_line(facts, tmp_path, capsys):
    period = ["--region", "430626", "--from", "2024-01-01", "--to", "2024-06-30", "--by", "township"]
    call_command("stats", *period, "--rank", "hazards_found", "--json")
    data = json.loads(capsys.readouterr().out)
    assert [(x["rank"], x["name"]) for x in data["rows"]] == [(1, "三市镇"), (2, "安定镇")]
    call_command("stats", *period, "--rank", "rectification_rate", "--ascending")
    assert capsys.readouterr().out.splitlines() == ["  1  三市镇  33.33%", "  2  安定镇  50.00%"]
    target = tmp_path / "排名.xlsx"
    call_command("stats", *period, "--rank", "rectification_rate", "--xlsx", str(target))
    rows = list(load_workbook(io.BytesIO(target.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][0] == "平江县2024年1月1日至6月30日乡镇（街道）整改率排名"
    assert rows[1] == ("名次", "乡镇（街道）", "整改率（%）")
    assert rows[2][:2] == (1, "安定镇") and rows[2][2] == pytest.approx(0.5)
    with pytest.raises(CommandError):
        call_command("stats", *period, "--rank", "nope")

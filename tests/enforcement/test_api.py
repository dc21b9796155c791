from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from anjian.enforcement.models import Document


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_action_create_detail_document_and_scope(county: Any, api_as: Any, hazards: Any) -> None:
    api = api_as("department")
    status, body = api.post(
        "/api/v1/enforcement/actions",
        {
            "unit_id": county.units["chem_a"].pk,
            "kind": "penalty",
            "date": "2026-03-02",
            "hazard_ids": [h.pk for h in hazards],
            "cause": "防火堤破损",
            "legal_basis": "《中华人民共和国安全生产法》第一百零二条",
            "fine": "30000",
        },
    )
    assert status == 201, body
    assert body["fine_current"] == "30000.00" or float(body["fine_current"]) == 30000
    assert [e["stage"] for e in body["penalty_events"]] == ["decided"]
    status, doc = api.post(f"/api/v1/enforcement/actions/{body['id']}/documents", {"doc_type": "penalty_decision"})
    assert status == 201, doc
    assert doc["number"].endswith("〔2026〕1号") or "〔" in doc["number"]
    assert Document.objects.count() == 1
    status, detail = api.get(f"/api/v1/enforcement/actions/{body['id']}")
    assert status == 200 and detail["documents"][0]["number"] == doc["number"]
    assert api_as("other_county_admin").get(f"/api/v1/enforcement/actions/{body['id']}")[0] == 404
    assert api_as("township").get("/api/v1/enforcement/actions")[1][0]["id"] == body["id"]
    assert (
        api_as("township").post("/api/v1/enforcement/actions", {"unit_id": 1, "kind": "penalty", "date": "2026-03-02"})[
            0
        ]
        == 403
    )


def test_action_rejected_with_reasons(county: Any, api_as: Any) -> None:
    status, body = api_as("county_admin").post(
        "/api/v1/enforcement/actions",
        {"unit_id": county.units["chem_a"].pk, "kind": "order_rectify", "date": "2026-03-02", "fine": "100"},
    )
    assert status == 422 and "fine" in body["errors"]


def test_interviews_api(county: Any, api_as: Any) -> None:
    api = api_as("county_admin")
    units = [county.units["chem_a"].pk, county.units["fire_b"].pk]
    status, body = api.post(
        "/api/v1/enforcement/interviews", {"kind": "exposure", "date": "2026-03-05", "unit_ids": units, "persons": 2}
    )
    assert status == 201, body
    assert sorted(body["unit_ids"]) == sorted(units)
    status, items = api.get("/api/v1/enforcement/interviews")
    assert status == 200 and [i["id"] for i in items] == [body["id"]]
    assert api_as("township_b").get("/api/v1/enforcement/interviews")[1][0]["id"] == body["id"]
    assert api_as("other_county_admin").get("/api/v1/enforcement/interviews")[1] == []
    other = county.units["other"].pk
    assert (
        api.post("/api/v1/enforcement/interviews", {"kind": "interview", "date": "2026-03-05", "unit_ids": [other]})[0]
        == 422
    )

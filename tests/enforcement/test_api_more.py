"""API additions: a penalty's history through the API, one interview by id — scoped like the pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from anjian.enforcement.models import ActionKind, EnforcementAction, PenaltyEvent
from anjian.enforcement.services import ActionData, InterviewData, action_create, interview_create

from .conftest import DAY


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def penalty(county: Any, kind: str = ActionKind.PENALTY) -> EnforcementAction:
    fine = Decimal("30000") if kind == ActionKind.PENALTY else None
    data = ActionData(unit=county.units["chem_a"], kind=kind, date=DAY, fine=fine)
    return action_create(actor=county.users["department"], data=data)


def test_penalty_stages_through_the_api(county: Any, api_as: Any) -> None:
    action = penalty(county)
    url = f"/api/v1/enforcement/actions/{action.pk}/penalty"
    api = api_as("department")
    status, body = api.post(url, {"stage": "litigated", "date": "2026-05-01", "amount": "15000", "note": "法院判决"})
    assert status == 201, body
    assert body["stage"] == "litigated" and body["stage_label"] == "行政诉讼"
    assert Decimal(str(body["amount"])) == Decimal("15000")
    status, detail = api.get(f"/api/v1/enforcement/actions/{action.pk}")
    assert Decimal(str(detail["fine_current"])) == Decimal("15000")
    assert Decimal(str(detail["fine_initial"])) == Decimal("30000")
    assert [e["stage"] for e in detail["penalty_events"]] == ["decided", "litigated"]
    status, body = api.post(url, {"stage": "paid", "date": "2026-05-10"})
    assert status == 201 and body["amount"] is None


def test_penalty_api_rejections(county: Any, api_as: Any) -> None:
    action = penalty(county)
    url = f"/api/v1/enforcement/actions/{action.pk}/penalty"
    api = api_as("county_admin")
    status, body = api.post(url, {"stage": "paid", "date": "2026-05-10", "amount": "1"})
    assert status == 422 and "amount" in body["errors"]
    status, body = api.post(url, {"stage": "decided", "date": "2026-05-10"})
    assert status == 422 and "stage" in body["errors"]
    status, body = api.post(url, {"stage": "amended", "date": "2026-01-01", "amount": "1"})
    assert status == 422 and "date" in body["errors"]
    order = penalty(county, ActionKind.ORDER_RECTIFY)
    status, body = api.post(f"/api/v1/enforcement/actions/{order.pk}/penalty", {"stage": "paid", "date": "2026-05-10"})
    assert status == 422 and "只有行政处罚" in body["detail"]
    status, body = api_as("township").post(url, {"stage": "paid", "date": "2026-05-10"})
    assert status == 403 and "无权" in body["detail"]
    status, _ = api_as("other_county_admin").post(url, {"stage": "paid", "date": "2026-05-10"})
    assert status == 404
    assert PenaltyEvent.objects.filter(action=action).count() == 1
    action.refresh_from_db()
    assert action.fine_current == Decimal("30000")


def test_interview_detail_api(county: Any, api_as: Any) -> None:
    data = InterviewData(
        kind="notice",
        date=DAY,
        units=[county.units["chem_a"], county.units["fire_b"]],
        persons=1,
        person_names="王五",
        reason="隐患整改不力",
    )
    interview = interview_create(actor=county.users["county_admin"], data=data)
    url = f"/api/v1/enforcement/interviews/{interview.pk}"
    status, body = api_as("township").get(url)
    assert status == 200, body
    assert body["number"] == interview.number and body["kind_label"] == "通报"
    assert body["person_names"] == "王五" and body["reason"] == "隐患整改不力"
    # A township sees the interview, and only the named units of its own township.
    assert body["unit_names"] == ["平江县汇丰化工有限公司"] and body["other_units"] == 1
    status, body_b = api_as("township_b").get(url)
    assert status == 200 and body_b["unit_names"] == ["三市镇花炮批发部"] and body_b["other_units"] == 1
    listed = api_as("township").get("/api/v1/enforcement/interviews")[1]
    assert [i["unit_names"] for i in listed] == [["平江县汇丰化工有限公司"]]
    assert api_as("county_admin").get(url)[1]["other_units"] == 0
    assert api_as("other_county_admin").get(url)[0] == 404
    assert api_as("county_admin").get("/api/v1/enforcement/interviews/999999")[0] == 404


def test_ledger_export_follows_the_list_filters(county: Any) -> None:
    from anjian.enforcement.ledger import EnforcementLedger

    fined = penalty(county)
    action_create(
        actor=county.users["county_admin"],
        data=ActionData(unit=county.units["chem_a"], kind=ActionKind.ORDER_RECTIFY, date=DAY),
    )
    admin = county.users["county_admin"]
    assert list(EnforcementLedger().export_objects(admin, {"kind": "penalty"})) == [fined]
    assert len(list(EnforcementLedger().export_objects(admin, {}))) == 2

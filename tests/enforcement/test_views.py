from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document as Docx

from anjian.enforcement.documents import document_issue
from anjian.enforcement.models import (
    ActionKind,
    Document,
    DocumentType,
    EnforcementAction,
    Interview,
    PenaltyEvent,
    PenaltyStage,
)
from anjian.enforcement.services import ActionData, action_create

from .conftest import DAY


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_document_download_is_scoped(county: Any, inspection: Any) -> None:
    doc = document_issue(actor=county.users["county_admin"], doc_type=DocumentType.SITE_RECORD, inspection=inspection)
    url = reverse("enforcement:document_download", args=[doc.pk])
    client = Client()
    client.force_login(county.users["township"])
    response = client.get(url)
    assert response.status_code == 200
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == doc.sha256
    other = Client()
    other.force_login(county.users["other_county_admin"])
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302


# --- pages ---------------------------------------------------------------------------------------


def client_as(county: Any, persona: str) -> Client:
    client = Client()
    client.force_login(county.users[persona])
    return client


def make_action(county: Any, kind: str = ActionKind.PENALTY, **kw: Any) -> EnforcementAction:
    unit = county.units["chem_a"]
    fine = kw.pop("fine", Decimal("30000") if kind == ActionKind.PENALTY else None)
    data = ActionData(unit=unit, kind=kind, date=DAY, fine=fine, cause="防火堤破损", **kw)
    return action_create(actor=county.users["department"], data=data)


def docx_text(response: Any) -> str:
    content = b"".join(response.streaming_content)
    return "\n".join(p.text for p in Docx(io.BytesIO(content)).paragraphs)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_admin", 200),
        ("department", 200),
        ("township", 200),
        ("leader", 200),
        ("other_county_admin", 404),
        ("township_b", 404),
    ],
)
def test_action_detail_scope(county: Any, persona: str, status: int) -> None:
    action = make_action(county)
    response = client_as(county, persona).get(reverse("enforcement:detail", args=[action.pk]))
    assert response.status_code == status
    if status == 200:
        assert action.number in response.content.decode()


def test_action_list_filters_and_scope(county: Any) -> None:
    penalty = make_action(county)
    rectify = action_create(
        actor=county.users["county_admin"],
        data=ActionData(unit=county.units["fire_b"], kind=ActionKind.ORDER_RECTIFY, date=DAY + dt.timedelta(days=5)),
    )
    url = reverse("enforcement:list")
    admin = client_as(county, "county_admin")
    body = admin.get(url).content.decode()
    assert penalty.number in body and rectify.number in body
    assert "导入台账" in body and reverse("ledgers:export", args=["enforcement"]) in body
    assert reverse("ledgers:template", args=["enforcement"]) in body
    body = admin.get(url, {"kind": "penalty"}).content.decode()
    assert penalty.number in body and rectify.number not in body
    body = admin.get(url, {"from": str(DAY + dt.timedelta(days=1))}).content.decode()
    assert penalty.number not in body and rectify.number in body
    body = admin.get(url, {"unit": county.units["chem_a"].pk}).content.decode()
    assert penalty.number in body and rectify.number not in body
    partial = admin.get(url, {"kind": "penalty"}, HTTP_HX_REQUEST="true").content.decode()
    assert penalty.number in partial and "<html" not in partial
    body = client_as(county, "township").get(url).content.decode()
    assert penalty.number in body and rectify.number not in body and "录入执法措施" not in body
    assert penalty.number not in client_as(county, "other_county_admin").get(url).content.decode()


@pytest.mark.parametrize("persona", ["township", "leader", "auditor", "grid_worker"])
def test_read_only_roles_may_not_write(county: Any, persona: str) -> None:
    action = make_action(county)
    client = client_as(county, persona)
    response = client.get(reverse("enforcement:create"))
    assert response.status_code == 403 and "无权" in response.content.decode()
    assert client.get(reverse("enforcement:interview_create")).status_code == 403
    count = Document.objects.count()
    response = client.post(reverse("enforcement:issue", args=[action.pk]), {"doc_type": "penalty_decision"})
    assert response.status_code in (403, 404)
    assert Document.objects.count() == count
    response = client.post(reverse("enforcement:penalty", args=[action.pk]), {"stage": "paid", "date": str(DAY)})
    assert response.status_code in (403, 404)
    assert PenaltyEvent.objects.filter(action=action).count() == 1


def test_township_gets_403_with_reason_on_issue(county: Any) -> None:
    action = make_action(county)
    response = client_as(county, "township").post(
        reverse("enforcement:issue", args=[action.pk]), {"doc_type": "penalty_decision"}
    )
    assert response.status_code == 403
    assert "无权办理执法事项" in response.content.decode()


def test_out_of_scope_writes_are_404(county: Any) -> None:
    action = make_action(county)
    client = client_as(county, "other_county_admin")
    assert (
        client.post(reverse("enforcement:issue", args=[action.pk]), {"doc_type": "penalty_decision"}).status_code == 404
    )
    assert client.post(reverse("enforcement:penalty", args=[action.pk]), {"stage": "paid"}).status_code == 404


def test_create_penalty_through_the_form(county: Any, inspection: Any, hazards: Any) -> None:
    client = client_as(county, "department")
    url = reverse("enforcement:create")
    unit = county.units["chem_a"]
    page = client.get(url, {"unit": unit.pk}).content.decode()
    assert hazards[0].number in page and inspection.number in page
    assert 'for="id_unit"' in page
    response = client.post(
        url,
        {
            "unit": unit.pk,
            "kind": "penalty",
            "date": str(DAY),
            "inspection": inspection.pk,
            "hazards": [h.pk for h in hazards],
            "cause": "储罐区防火堤破损",
            "legal_basis": "《中华人民共和国安全生产法》第一百零二条",
            "fine": "30000",
        },
    )
    assert response.status_code == 302, response.content.decode()
    action = EnforcementAction.objects.get()
    assert response["Location"] == reverse("enforcement:detail", args=[action.pk])
    assert action.fine_current == Decimal("30000") and action.inspection == inspection
    assert set(action.hazards.all()) == set(hazards)
    assert action.penalty_events.get().stage == PenaltyStage.DECIDED
    detail = client.get(response["Location"]).content.decode()
    for label in ("行政处罚决定书", "现场检查记录", "整改复查意见书"):
        assert f"签发{label}" in detail
    assert "签发责令限期整改指令书" not in detail
    assert "储罐区防火堤破损" in detail and "30000.00" in detail


def test_create_form_rejects_with_reasons(county: Any, hazards: Any) -> None:
    client = client_as(county, "county_admin")
    url = reverse("enforcement:create")
    response = client.post(url, {"unit": county.units["chem_a"].pk, "kind": "penalty", "date": str(DAY)})
    assert response.status_code == 200 and "行政处罚须填写罚款金额" in response.content.decode()
    response = client.post(url, {"unit": county.units["other"].pk, "kind": "order_rectify", "date": str(DAY)})
    assert response.status_code == 200 and "id_unit" in response.content.decode()
    # A hazard of another unit is not among the choices once the unit is chosen.
    response = client.post(
        url,
        {"unit": county.units["fire_b"].pk, "kind": "order_rectify", "date": str(DAY), "hazards": [hazards[0].pk]},
    )
    assert response.status_code == 200
    assert EnforcementAction.objects.count() == 0
    assert (
        client_as(county, "zhujian")
        .post(url, {"unit": county.units["chem_a"].pk, "kind": "order_rectify", "date": str(DAY)})
        .status_code
        == 200
    )
    assert EnforcementAction.objects.count() == 0


def test_issue_from_detail_then_download(county: Any, hazards: Any) -> None:
    action = make_action(county, hazards=hazards)
    client = client_as(county, "department")
    response = client.post(reverse("enforcement:issue", args=[action.pk]), {"doc_type": "penalty_decision"})
    assert response.status_code == 302
    document = Document.objects.get(action=action)
    assert document.doc_type == DocumentType.PENALTY_DECISION
    detail = client.get(reverse("enforcement:detail", args=[action.pk])).content.decode()
    assert document.number in detail
    download = reverse("enforcement:document_download", args=[document.pk])
    assert download in detail
    text = docx_text(client_as(county, "township").get(download))
    assert document.number in text and "行政处罚决定书" in text and "叁万元整" in text
    # A document type the action does not allow is refused without a number being taken.
    client.post(reverse("enforcement:issue", args=[action.pk]), {"doc_type": "rectify_order"})
    assert Document.objects.count() == 1


def test_rectify_order_from_detail(county: Any, inspection: Any, hazards: Any) -> None:
    action = make_action(county, kind=ActionKind.ORDER_RECTIFY, inspection=inspection, hazards=hazards)
    client = client_as(county, "county_admin")
    detail = client.get(reverse("enforcement:detail", args=[action.pk])).content.decode()
    assert "签发责令限期整改指令书" in detail and "签发行政处罚决定书" not in detail
    assert "处罚变更记录" not in detail
    client.post(reverse("enforcement:issue", args=[action.pk]), {"doc_type": "rectify_order"})
    client.post(reverse("enforcement:issue", args=[action.pk]), {"doc_type": "site_record"})
    docs = {d.doc_type: d for d in Document.objects.filter(action=action)}
    assert set(docs) == {"rectify_order", "site_record"}
    text = docx_text(client.get(reverse("enforcement:document_download", args=[docs["rectify_order"].pk])))
    assert docs["rectify_order"].number in text and "储罐区防火堤破损" in text


def test_penalty_stage_through_the_page(county: Any) -> None:
    action = make_action(county)
    client = client_as(county, "department")
    url = reverse("enforcement:penalty", args=[action.pk])
    response = client.post(
        url,
        {"stage": "reconsidered", "date": str(DAY + dt.timedelta(days=30)), "amount": "20000", "note": "复议决定变更"},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.fine_initial == Decimal("30000") and action.fine_current == Decimal("20000")
    response = client.post(url, {"stage": "paid", "date": str(DAY + dt.timedelta(days=40)), "amount": "1"})
    assert response.status_code == 422 and "不改变罚款金额" in response.content.decode()
    response = client.post(url, {"stage": "paid", "date": str(DAY + dt.timedelta(days=40))})
    assert response.status_code == 302
    assert [e.stage for e in action.penalty_events.all()] == ["decided", "reconsidered", "paid"]
    detail = client.get(reverse("enforcement:detail", args=[action.pk])).content.decode()
    assert "行政复议" in detail and "复议决定变更" in detail and "20000.00" in detail
    order = make_action(county, kind=ActionKind.ORDER_RECTIFY)
    response = client.post(
        reverse("enforcement:penalty", args=[order.pk]), {"stage": "paid", "date": str(DAY)}, follow=True
    )
    assert "只有行政处罚才有处罚记录" in response.content.decode()
    assert not PenaltyEvent.objects.filter(action=order).exists()


# --- interviews ----------------------------------------------------------------------------------


def test_interview_create_list_detail(county: Any) -> None:
    client = client_as(county, "county_admin")
    units = [county.units["chem_a"].pk, county.units["fire_b"].pk]
    page = client.get(reverse("enforcement:interview_create")).content.decode()
    assert county.units["other"].name not in page and 'for="id_units"' in page
    response = client.post(
        reverse("enforcement:interview_create"),
        {
            "kind": "interview",
            "date": str(DAY),
            "units": units,
            "persons": "2",
            "person_names": "张三、李四",
            "reason": "发生较大险情",
        },
    )
    assert response.status_code == 302, response.content.decode()
    interview = Interview.objects.get()
    assert response["Location"] == reverse("enforcement:interview_detail", args=[interview.pk])
    assert sorted(u.pk for u in interview.units.all()) == sorted(units)
    body = client.get(reverse("enforcement:interviews")).content.decode()
    assert interview.number in body
    assert interview.number in client.get(reverse("enforcement:interviews"), {"kind": "interview"}).content.decode()
    assert interview.number not in client.get(reverse("enforcement:interviews"), {"kind": "notice"}).content.decode()
    detail = client_as(county, "township").get(reverse("enforcement:interview_detail", args=[interview.pk]))
    text = detail.content.decode()
    assert detail.status_code == 200 and "张三、李四" in text
    assert county.units["chem_a"].name in text and county.units["fire_b"].name not in text
    assert "另有 1 家单位" in text
    url = reverse("enforcement:interview_detail", args=[interview.pk])
    assert client_as(county, "other_county_admin").get(url).status_code == 404
    assert (
        interview.number
        not in client_as(county, "other_county_admin").get(reverse("enforcement:interviews")).content.decode()
    )


def test_interview_create_rejects_out_of_scope_units(county: Any) -> None:
    client = client_as(county, "county_admin")
    response = client.post(
        reverse("enforcement:interview_create"),
        {"kind": "interview", "date": str(DAY), "units": [county.units["other"].pk]},
    )
    assert response.status_code == 200 and Interview.objects.count() == 0
    response = client.post(reverse("enforcement:interview_create"), {"kind": "interview", "date": str(DAY)})
    assert response.status_code == 200 and Interview.objects.count() == 0


def test_edit_an_action_keeps_unit_kind_and_fine(county: Any) -> None:
    from anjian.core.models import AuditEntry
    from anjian.enforcement.services import ActionData, action_create

    action = action_create(
        actor=county.users["county_admin"],
        data=ActionData(unit=county.units["chem_a"], kind="penalty", date=DAY, fine=Decimal("20000"), cause="旧案由"),
    )
    url = reverse("enforcement:edit", args=[action.pk])
    client = client_as(county, "county_admin")
    assert "修改" in client.get(reverse("enforcement:detail", args=[action.pk])).content.decode()
    response = client.post(url, {"date": str(DAY), "cause": "新案由", "legal_basis": "《安全生产法》第一百零二条"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.cause == "新案由" and action.fine_current == Decimal("20000") and action.kind == "penalty"
    assert AuditEntry.objects.filter(action="enforcement.update", object_id=str(action.pk)).exists()
    # Read-only roles are refused and change nothing; another township does not see it at all.
    assert client_as(county, "leader").post(url, {"date": str(DAY), "cause": "x"}).status_code == 403
    assert client_as(county, "township_b").get(url).status_code == 404
    action.refresh_from_db()
    assert action.cause == "新案由"

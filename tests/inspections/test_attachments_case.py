"""Inspection photos and documents, 结案 once every hazard found is closed, and the people,
groups and checklists API — per persona: scope (404), read-only roles (403), real services."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from anjian.core.models import AuditEntry
from anjian.hazards.models import Hazard, Status
from anjian.hazards.photos import GPS_IFD
from anjian.hazards.services import hazard_claim, hazard_submit, hazard_verify
from anjian.inspections import selectors, services
from anjian.inspections.models import Attachment, Checklist, Inspection, PersonKind
from anjian.inspections.services import InspectionData, InspectionError, PermissionDenied, PersonData
from tests.hazards.conftest import photo

BASE = "/api/v1/inspections"
DAY = dt.date(2026, 3, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def gps_jpeg(color: tuple[int, int, int] = (180, 40, 40)) -> bytes:
    """A phone photo with a GPS block (平江县 roughly) and a camera model that must not survive."""
    exif = Image.Exif()
    exif[0x0110] = "iPhone 15"
    exif[GPS_IFD] = {
        0: b"\x02\x02\x00\x00",
        1: "N",
        2: (IFDRational(28, 1), IFDRational(42, 1), IFDRational(3600, 100)),
        3: "E",
        4: (IFDRational(113, 1), IFDRational(35, 1), IFDRational(2400, 100)),
    }
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), color).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def upload(content: bytes, name: str = "IMG_0001.JPG", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def login(county: Any, persona: str) -> Client:
    client = Client()
    client.force_login(county.users[persona])
    return client


def bearer(api: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api.token}"}


@pytest.fixture
def inspection(county: Any) -> Inspection:
    return services.inspection_create(
        actor=county.users["township"],
        data=InspectionData(
            unit=county.units["chem_a"],
            kind="special",
            date=DAY,
            checklist=Checklist.objects.get(name="危险化学品生产经营单位检查表"),
        ),
    )


@pytest.fixture
def found(county: Any, inspection: Inspection) -> Hazard:
    """A failed checklist item reported as a hazard of the inspection (the real one-step service)."""
    item = inspection.checklist.items.filter(major=False).first()
    _, hazard, _ = services.fail_item_to_hazard(
        actor=county.users["township"], inspection=inspection, item=item, note="仓库无登记"
    )
    return hazard


def close_hazard(county: Any, hazard: Hazard) -> Hazard:
    """Through the hazard loop: the unit claims and submits, the township verifies (验收销号)."""
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=hazard)
    hazard_submit(actor=staff, hazard=hazard, note="已整改", files=[photo("after.jpg", (0, 200, 0))])
    return hazard_verify(
        actor=county.users["township"], hazard=hazard, passed=True, note="现场核实", files=[photo("ok.jpg")]
    )


# --- photos and documents: service -------------------------------------------------------------


def test_attach_reencodes_keeps_gps_hashes_and_audits(county: Any, inspection: Inspection) -> None:
    saved = services.inspection_attach(
        actor=county.users["township"],
        inspection=inspection,
        files=[upload(gps_jpeg()), upload(PDF, "现场检查记录.pdf", "application/pdf")],
    )
    assert [a.content_type for a in saved] == ["image/jpeg", "application/pdf"]
    image, pdf = saved
    stored = image.file.open("rb").read()
    assert hashlib.sha256(stored).hexdigest() == image.sha256 and image.size == len(stored)
    assert image.lat is not None and abs(float(image.lat) - 28.71) < 0.001 and float(image.lng) > 113
    assert b"iPhone" not in stored  # re-encoded: the camera model is gone
    assert pdf.file.open("rb").read() == PDF and pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    entry = AuditEntry.objects.get(action="inspection.attach", object_id=str(inspection.pk))
    assert [f["sha256"] for f in entry.changes["files"]] == [image.sha256, pdf.sha256]


@pytest.mark.parametrize("persona", ["leader", "auditor", "expert", "unit_staff", "grid_worker"])
def test_attach_refused_for_readers(county: Any, inspection: Inspection, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.inspection_attach(actor=county.users[persona], inspection=inspection, files=[upload(gps_jpeg())])
    assert not Attachment.objects.exists()


def test_attach_refused_out_of_scope_and_for_bad_files(county: Any, inspection: Inspection) -> None:
    with pytest.raises(PermissionDenied):
        services.inspection_attach(actor=county.users["township_b"], inspection=inspection, files=[upload(PDF)])
    with pytest.raises(InspectionError) as exc:
        services.inspection_attach(
            actor=county.users["township"],
            inspection=inspection,
            files=[upload(gps_jpeg()), upload(b"not an image", "note.txt", "text/plain")],
        )
    assert "note.txt" in exc.value.errors["files"][0]
    with pytest.raises(InspectionError):
        services.inspection_attach(actor=county.users["township"], inspection=inspection, files=[])
    assert not Attachment.objects.exists()  # one bad file: nothing stored


# --- photos and documents: pages ---------------------------------------------------------------


def test_detail_page_upload_form_thumbnail_and_scoped_file(county: Any, inspection: Inspection) -> None:
    client = login(county, "township")
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'accept="image/*" capture="environment" multiple' in page
    response = client.post(
        f"/inspections/{inspection.pk}/attachments/",
        {"files": [upload(gps_jpeg()), upload(PDF, "签字记录.pdf", "application/pdf")]},
    )
    assert response.status_code == 302
    image, pdf = inspection.attachments.all()
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    url = f"/inspections/{inspection.pk}/attachments/{image.pk}/"
    assert f'src="{url}"' in page and "有定位" in page and "签字记录.pdf" in page
    assert "/media/" not in page
    # Streamed to whoever may see the inspection, 404 to anyone else (even with a guessed id).
    for persona in ("township", "department", "leader"):
        response = login(county, persona).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["X-Content-SHA256"] == image.sha256
    document = login(county, "county_admin").get(f"/inspections/{inspection.pk}/attachments/{pdf.pk}/")
    assert "attachment" in document["Content-Disposition"]
    assert login(county, "township_b").get(url).status_code == 404
    assert login(county, "zhujian").get(url).status_code == 404
    assert client.get(f"/inspections/{inspection.pk}/attachments/{image.pk + 100}/").status_code == 404


def test_page_upload_refused_for_readers_and_out_of_scope(county: Any, inspection: Inspection) -> None:
    page = login(county, "leader").get(f"/inspections/{inspection.pk}/").content.decode()
    assert 'capture="environment"' not in page and "结案</button>" not in page
    url = f"/inspections/{inspection.pk}/attachments/"
    assert login(county, "leader").post(url, {"files": [upload(gps_jpeg())]}).status_code == 403
    assert login(county, "township_b").post(url, {"files": [upload(gps_jpeg())]}).status_code == 404
    client = login(county, "township")
    response = client.post(url, {"files": [upload(b"plain text", "a.txt", "text/plain")]}, follow=True)
    assert "a.txt" in response.content.decode()
    assert not Attachment.objects.exists()


# --- case closure --------------------------------------------------------------------------------


def test_close_refused_while_a_hazard_is_open_then_allowed(county: Any, inspection: Inspection, found: Hazard) -> None:
    township = county.users["township"]
    with pytest.raises(InspectionError) as exc:
        services.inspection_close_case(actor=township, inspection=inspection)
    assert "尚有1项" in str(exc.value)
    inspection.refresh_from_db()
    assert inspection.case_closed_on is None
    closed = close_hazard(county, found)
    assert closed.status == Status.CLOSED
    inspection = services.inspection_close_case(actor=township, inspection=inspection)
    assert inspection.case_closed_on is not None and inspection.case_closed_by == township
    assert AuditEntry.objects.filter(action="inspection.close_case", object_id=str(inspection.pk)).exists()
    with pytest.raises(InspectionError):  # once only
        services.inspection_close_case(actor=township, inspection=inspection)


def test_close_counts_every_open_hazard(county: Any, inspection: Inspection, found: Hazard) -> None:
    second = inspection.checklist.items.filter(major=False).exclude(pk=found.checklist_item.item_id).first()
    services.fail_item_to_hazard(actor=county.users["township"], inspection=inspection, item=second)
    assert "尚有2项" in (services.case_close_refusal(inspection) or "")


def test_close_without_hazards_and_role_scope(county: Any, inspection: Inspection) -> None:
    for persona in ("leader", "auditor", "expert", "unit_staff"):
        with pytest.raises(PermissionDenied):
            services.inspection_close_case(actor=county.users[persona], inspection=inspection)
    with pytest.raises(PermissionDenied):
        services.inspection_close_case(actor=county.users["township_b"], inspection=inspection)
    inspection = services.inspection_close_case(actor=county.users["department"], inspection=inspection)
    assert inspection.case_closed_on is not None


def test_close_button_on_the_page(county: Any, inspection: Inspection, found: Hazard) -> None:
    client = login(county, "township")
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "disabled" in page and "尚有1项" in page and "结案</button>" in page
    response = client.post(f"/inspections/{inspection.pk}/close/", follow=True)
    assert "尚有1项" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.case_closed_on is None
    assert login(county, "leader").post(f"/inspections/{inspection.pk}/close/").status_code == 403
    assert login(county, "township_b").post(f"/inspections/{inspection.pk}/close/").status_code == 404
    close_hazard(county, found)
    assert client.post(f"/inspections/{inspection.pk}/close/").status_code == 302
    inspection.refresh_from_db()
    assert inspection.case_closed_on is not None
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "已结案" in page and "结案</button>" not in page


def test_list_filter_closed_and_open(county: Any, inspection: Inspection) -> None:
    other = services.inspection_create(
        actor=county.users["township"], data=InspectionData(unit=county.units["chem_a"], kind="routine", date=DAY)
    )
    services.inspection_close_case(actor=county.users["township"], inspection=other)
    client = login(county, "township")
    closed = client.get("/inspections/", {"case": "closed"}).content.decode()
    open_ = client.get("/inspections/", {"case": "open"}).content.decode()
    assert other.number in closed and inspection.number not in closed
    assert inspection.number in open_ and other.number not in open_
    assert "已结案" in closed and "未结案" in open_
    user = county.users["township"]
    assert selectors.inspection_list(user, selectors.filters_from_params({"case": "bogus"})).count() == 2


# --- API -------------------------------------------------------------------------------------------


def test_api_attachments_per_persona(county: Any, inspection: Inspection, api_as: Any) -> None:
    api = api_as("township")
    url = f"{BASE}/{inspection.pk}/attachments"
    response = api.client.post(url, {"files": [upload(gps_jpeg()), upload(PDF, "记录.pdf")]}, **bearer(api))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [a["content_type"] for a in body["attachments"]] == ["image/jpeg", "application/pdf"]
    first = body["attachments"][0]
    assert first["lat"] is not None and len(first["sha256"]) == 64
    file = api.client.get(first["url"], **bearer(api))
    assert file.status_code == 200 and file["X-Content-SHA256"] == first["sha256"]
    assert hashlib.sha256(b"".join(file.streaming_content)).hexdigest() == first["sha256"]
    # Detail carries them too; another township neither sees nor uploads.
    assert api.get(f"{BASE}/{inspection.pk}")[1]["attachments"][1]["name"] == "记录.pdf"
    other = api_as("township_b")
    assert other.client.get(first["url"], **bearer(other)).status_code == 404
    assert other.client.post(url, {"files": [upload(gps_jpeg())]}, **bearer(other)).status_code == 404
    reader = api_as("leader")
    assert reader.client.get(first["url"], **bearer(reader)).status_code == 200
    assert reader.client.post(url, {"files": [upload(gps_jpeg())]}, **bearer(reader)).status_code == 403
    bad = api.client.post(url, {"files": [upload(b"text", "a.txt", "text/plain")]}, **bearer(api))
    assert bad.status_code == 422 and "files" in bad.json()["errors"]
    assert inspection.attachments.count() == 2


def test_api_close_refused_then_allowed(county: Any, inspection: Inspection, found: Hazard, api_as: Any) -> None:
    url = f"{BASE}/{inspection.pk}/close"
    status, body = api_as("township").post(url, {})
    assert status == 409 and "尚有1项" in body["detail"]
    assert api_as("leader").post(url, {})[0] == 403
    assert api_as("township_b").post(url, {})[0] == 404
    close_hazard(county, found)
    status, body = api_as("township").post(url, {})
    assert status == 200 and body["case_closed_on"] and body["case_closed_by"] == county.users["township"].pk
    assert api_as("township").post(url, {})[0] == 409
    status, body = api_as("county_admin").get(BASE, {"case": "closed"})
    assert [i["id"] for i in body["items"]] == [inspection.pk]
    assert api_as("county_admin").get(BASE, {"case": "open"})[1]["count"] == 0


def test_api_people(county: Any, api_as: Any) -> None:
    api = api_as("county_admin")
    status, body = api.post(f"{BASE}/people", {"kind": "official", "name": "张三", "cert_no": "43001"})
    assert status == 201, body
    assert body["kind"] == "official" and body["org"] == county.office.pk
    sector = county.sectors["hazardous_chemicals"]
    status, body = api.post(
        f"{BASE}/people", {"kind": "expert", "name": "王五", "expert_level": "city", "sectors": [sector.pk]}
    )
    assert status == 201 and body["sectors"] == [sector.pk]
    status, body = api.post(f"{BASE}/people", {"kind": "expert", "name": "无级别"})
    assert status == 422 and "expert_level" in body["errors"]
    assert api.post(f"{BASE}/people", {"kind": "expert", "name": "x", "expert_level": "city", "sectors": [0]})[0] == 422
    assert api_as("leader").post(f"{BASE}/people", {"kind": "official", "name": "李四"})[0] == 403
    status, body = api_as("township").get(f"{BASE}/people")
    assert status == 200 and {p["name"] for p in body} == {"张三", "王五"}
    assert [p["name"] for p in api_as("township").get(f"{BASE}/people", {"kind": "expert"})[1]] == ["王五"]
    assert api_as("other_county_admin").get(f"{BASE}/people")[1] == []


def test_api_groups(county: Any, api_as: Any) -> None:
    admin = county.users["county_admin"]
    leader = services.person_create(actor=admin, data=PersonData(kind=PersonKind.OFFICIAL, name="李四"))
    member = services.person_create(actor=admin, data=PersonData(kind=PersonKind.OFFICIAL, name="赵六"))
    api = api_as("county_admin")
    status, body = api.post(
        f"{BASE}/groups", {"name": "第一检查组", "leader": leader.pk, "members": [member.pk], "start": "2026-03-01"}
    )
    assert status == 201, body
    assert body["leader_name"] == "李四" and set(body["members"]) == {leader.pk, member.pk}
    assert api.post(f"{BASE}/groups", {"name": "第一检查组"})[0] == 422  # same name
    assert api.post(f"{BASE}/groups", {"name": "第二组", "members": [999999]})[0] == 422
    assert api_as("auditor").post(f"{BASE}/groups", {"name": "第三组"})[0] == 403
    foreign = api_as("other_county_admin")
    status, body = foreign.post(f"{BASE}/groups", {"name": "外县组", "leader": leader.pk})
    assert status == 422 and "leader" in body["errors"]
    assert [g["name"] for g in api_as("leader").get(f"{BASE}/groups")[1]] == ["第一检查组"]
    assert foreign.get(f"{BASE}/groups")[1] == []


def test_api_checklists_with_items(county: Any, api_as: Any) -> None:
    status, body = api_as("expert").get(f"{BASE}/checklists")
    assert status == 200 and body
    chem = next(c for c in body if c["name"] == "危险化学品生产经营单位检查表")
    assert chem["items"] and all(i["basis"] for i in chem["items"])
    assert any(i["major"] for i in chem["items"])
    # The literal paths are not taken for an inspection id.
    assert api_as("township").get(f"{BASE}/people")[0] == 200

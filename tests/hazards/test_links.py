"""One-time links: a unit without an account signs for one hazard and submits its rectification."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlparse

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from anjian.core.events import verify_all
from anjian.core.models import AuditEntry
from anjian.hazards.links import link_create
from anjian.hazards.models import AttachmentKind, Status
from anjian.hazards.services import HazardError, hazard_claim, hazard_submit
from anjian.hazards.workflow import StepDenied
from anjian.notifications.models import Kind, Message, OneTimeLink, SentSms
from tests.e2e.conftest import chromium, e2e_county, seeded_db  # noqa: F401  (browser fixtures)
from tests.hazards.conftest import jpeg, photo


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def path_of(url: str) -> str:
    return urlparse(url).path


def jpeg_upload(name: str = "after.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg((0, 180, 0)), content_type="image/jpeg")


def test_full_flow_claim_and_submit_without_an_account(county, report, client):
    h = report(actor="township", unit="build_a")  # 安定建筑 has no account of its own
    link, url = link_create(actor=county.users["township"], hazard=h, phone="138 0013 8000")
    token = path_of(url).strip("/").split("/")[-1]
    assert path_of(url) == f"/h/{token}/"
    # Only the hash is kept; the SMS carries the URL.
    assert link.digest == hashlib.sha256(token.encode()).hexdigest() and token not in link.digest
    [sms] = SentSms.objects.all()
    assert sms.phone == "13800138000" and url in sms.text and h.number in sms.text and sms.kind == "link"

    page = client.get(path_of(url))
    assert page.status_code == 200
    text = page.content.decode()
    assert h.number in text and "平江县安定建筑工程有限公司" in text and "签字认领" in text
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]

    # 签字认领 — a name is required.
    assert client.post(f"/h/{token}/claim/", {"name": ""}).status_code == 400
    h.refresh_from_db()
    assert h.status == Status.REPORTED
    page = client.post(f"/h/{token}/claim/", {"name": "王经理", "note": "马上整改"})
    assert page.status_code == 200 and "提交整改" in page.content.decode()
    h.refresh_from_db()
    assert h.status == Status.RECTIFYING
    claim = h.events.get(kind="claim")
    assert claim.actor is None and claim.actor_name == "平江县安定建筑工程有限公司（一次性链接）"
    assert "王经理" in claim.note
    entry = AuditEntry.objects.filter(action="hazard.claim").get()
    assert entry.actor is None and entry.actor_name.endswith("（一次性链接）") and entry.channel == "web"

    # 提交整改 — without a photo refused, nothing changes.
    page = client.post(f"/h/{token}/submit/", {"note": "已清理"})
    assert page.status_code == 400 and "请上传整改后的照片" in page.content.decode()
    h.refresh_from_db()
    assert h.status == Status.RECTIFYING
    page = client.post(f"/h/{token}/submit/", {"note": "已清理完毕", "photos": [jpeg_upload(), jpeg_upload("b.jpg")]})
    assert page.status_code == 200 and "整改已提交" in page.content.decode()
    h.refresh_from_db()
    assert h.status == Status.SUBMITTED and h.rectified_on == timezone.localdate()
    after = list(h.attachments.filter(kind=AttachmentKind.RECTIFIED))
    assert len(after) == 2 and all(a.uploaded_by is None and a.content_type == "image/jpeg" for a in after)
    submit = h.events.get(kind="submit")
    assert submit.actor_name.endswith("（一次性链接）") and len(submit.data["attachments"]) == 2
    link.refresh_from_db()
    assert link.claimed_at and link.used_at

    # The verifying township and the link's creator are told to verify.
    assert Message.objects.filter(recipient=county.users["township"], kind=Kind.VERIFY).count() == 1

    # Used up: neither the page nor the steps work again.
    again = client.get(f"/h/{token}/")
    assert again.status_code == 410 and "已使用" in again.content.decode()
    assert client.post(f"/h/{token}/submit/", {"note": "再交一次", "photos": [jpeg_upload()]}).status_code == 410
    assert h.events.filter(kind="submit").count() == 1
    assert list(verify_all()) == []


def test_link_expires_at_its_lifetime(county, report, client, settings):
    settings.ANJIAN_LINK_HOURS = 72
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        h = report(actor="township", unit="build_a")
        link, url = link_create(actor=county.users["township"], hazard=h)
        assert link.expires_at == start + dt.timedelta(hours=72)
    with time_machine.travel(start + dt.timedelta(hours=71, minutes=59), tick=False):
        assert client.get(path_of(url)).status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=72, minutes=1), tick=False):
        page = client.get(path_of(url))
        assert page.status_code == 410 and "已过期" in page.content.decode()
        assert client.post(path_of(url) + "claim/", {"name": "王经理"}).status_code == 410
    h.refresh_from_db()
    assert h.status == Status.REPORTED


def test_wrong_token_is_404_in_chinese(county, report, client):
    h = report(actor="township")
    link_create(actor=county.users["township"], hazard=h)
    page = client.get("/h/not-a-real-token-at-all/")
    assert page.status_code == 404 and "链接无效" in page.content.decode()
    assert client.post("/h/not-a-real-token-at-all/claim/", {"name": "x"}).status_code == 404


def test_link_of_a_hazard_in_another_state(county, report, client):
    staff = county.users["unit_staff"]
    township = county.users["township"]
    # Created for a hazard already submitted: refused.
    done = report(actor="township")
    hazard_claim(actor=staff, hazard=done)
    hazard_submit(actor=staff, hazard=done, note="已整改", files=[photo()])
    with pytest.raises(StepDenied, match="待验收"):
        link_create(actor=township, hazard=done)
    # A link whose hazard was then submitted through the app stops working.
    h = report(actor="township")
    _, url = link_create(actor=township, hazard=h)
    hazard_claim(actor=staff, hazard=h)
    hazard_submit(actor=staff, hazard=h, note="已整改", files=[photo()])
    page = client.get(path_of(url))
    assert page.status_code == 410 and "待验收" in page.content.decode()


def test_a_claimed_hazard_offers_only_the_submit_step(county, report, client):
    h = report(actor="township")
    _, url = link_create(actor=county.users["township"], hazard=h)
    hazard_claim(actor=county.users["unit_staff"], hazard=h)
    page = client.get(path_of(url))
    assert page.status_code == 200 and "提交整改" in page.content.decode()
    assert 'action="' + path_of(url) + 'claim/"' not in page.content.decode()
    refused = client.post(path_of(url) + "claim/", {"name": "王经理"})
    assert refused.status_code == 409 and "不能签字认领" in refused.content.decode()


def test_only_a_supervisor_in_scope_creates_links(county, report):
    h = report(actor="township")
    for who in ["unit_staff", "grid_worker", "leader", "expert"]:
        with pytest.raises(StepDenied):
            link_create(actor=county.users[who], hazard=h)
    with pytest.raises(StepDenied, match="管辖范围"):
        link_create(actor=county.users["township_b"], hazard=h)  # 三市镇 cannot reach 安定镇's hazard
    with pytest.raises(HazardError):
        link_create(actor=county.users["township"], hazard=h, phone="0730-1234567")  # a landline
    assert OneTimeLink.objects.count() == 0
    link, _ = link_create(actor=county.users["county_admin"], hazard=h)
    assert AuditEntry.objects.filter(action="hazard.link_create", actor=county.users["county_admin"]).exists()
    assert link.expires_at > timezone.now()


def test_a_new_link_replaces_the_old_one(county, report, client):
    h = report(actor="township")
    _, old = link_create(actor=county.users["township"], hazard=h)
    _, new = link_create(actor=county.users["township"], hazard=h)
    page = client.get(path_of(old))
    assert page.status_code == 410 and "作废" in page.content.decode()
    assert client.get(path_of(new)).status_code == 200


def test_supervisor_page_creates_and_shows_the_link_once(county, report, client):
    h = report(actor="township")
    client.force_login(county.users["township"])
    page = client.get(reverse("hazard_links:new", args=[h.pk]))
    assert page.status_code == 200 and h.number in page.content.decode()
    page = client.post(reverse("hazard_links:new", args=[h.pk]), {"phone": "13900139000"})
    assert page.status_code == 200
    link = OneTimeLink.objects.get()
    [sms] = SentSms.objects.all()
    url = sms.text.split("：")[-1]
    assert url.startswith("http://testserver/h/") and url in page.content.decode()
    assert "139****9000" in page.content.decode()
    # The list afterwards shows the link's state, never its URL.
    listing = client.get(reverse("hazard_links:new", args=[h.pk])).content.decode()
    assert "有效" in listing and url not in listing
    assert link.created_by == county.users["township"]
    # Another township: out of scope, 404; unit staff: not a supervisor.
    client.force_login(county.users["township_b"])
    assert client.get(reverse("hazard_links:new", args=[h.pk])).status_code == 404
    client.force_login(county.users["unit_staff"])
    assert client.get(reverse("hazard_links:new", args=[h.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("hazard_links:new", args=[h.pk])).status_code == 302  # to the login page


def test_a_file_that_is_not_a_photo_is_refused(county, report, client):
    h = report(actor="township")
    _, url = link_create(actor=county.users["township"], hazard=h)
    client.post(path_of(url) + "claim/", {"name": "王经理"})
    bad = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    page = client.post(path_of(url) + "submit/", {"note": "已整改", "photos": [bad]})
    assert page.status_code == 400 and "x.jpg" in page.content.decode()
    h.refresh_from_db()
    assert h.status == Status.RECTIFYING and not h.attachments.filter(kind=AttachmentKind.RECTIFIED).exists()


# --- on a phone, in the browser ----------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_claim_and_submit_with_a_photo(request, live_server, tmp_path):
    """The unit's person opens the SMS link on a phone, signs for the hazard and uploads a photo."""
    from tests.e2e.conftest import VIEWPORTS

    browser_thread = request.getfixturevalue("chromium")
    county = request.getfixturevalue("e2e_county")
    report = request.getfixturevalue("report")
    h = report(actor="township", unit="build_a")
    _, url = link_create(actor=county.users["township"], hazard=h)
    target = live_server.url + path_of(url)
    picture = tmp_path / "after.jpg"
    picture.write_bytes(jpeg((0, 160, 0), (800, 600)))
    shot = tmp_path / "link.png"

    def scenario(browser: Any) -> None:
        from playwright.sync_api import expect

        context = browser.new_context(viewport=VIEWPORTS["phone"], is_mobile=True, has_touch=True, locale="zh-CN")
        context.set_default_timeout(15_000)
        page = context.new_page()
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        try:
            page.goto(target)
            expect(page.get_by_role("heading", name="隐患认领与整改")).to_be_visible()
            page.get_by_label("签字人姓名").fill("王经理")
            page.get_by_role("button", name="签字认领").click()
            expect(page.get_by_role("heading", name="提交整改")).to_be_visible()
            page.get_by_label("整改情况").fill("脚手架已加固，挂设安全网")
            page.get_by_label("整改后照片").set_input_files(str(picture))
            page.screenshot(path=str(shot), full_page=True)
            page.get_by_role("button", name="提交整改").click()
            expect(page.get_by_role("heading", name="整改已提交")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
            assert page.goto(target).status == 410
            assert violations == []
        finally:
            context.close()

    browser_thread.run(scenario)
    h.refresh_from_db()
    assert h.status == Status.SUBMITTED and h.attachments.filter(kind=AttachmentKind.RECTIFIED).count() == 1

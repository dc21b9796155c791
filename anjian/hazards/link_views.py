"""Pages of the one-time link (``/h/<token>/``), outside the login wall, and the page where a
supervisor creates one (``/h/new/<hazard>/``, signed in).

The link pages show only the essentials of the one hazard and offer only the step its state
allows (签字认领 or 提交整改). A link that is unknown answers 404, one that is no longer valid
410, each with a Chinese page saying why.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from anjian.hazards import links, selectors, workflow
from anjian.hazards.links import LinkGone
from anjian.hazards.models import Attachment, AttachmentKind, Hazard, Status
from anjian.hazards.photos import ACCEPT, evidence_from_upload
from anjian.hazards.services import MAX_PHOTOS, Evidence, HazardError
from anjian.hazards.workflow import StepDenied
from anjian.notifications.models import OneTimeLink
from anjian.notifications.sms import masked

if TYPE_CHECKING:
    from anjian.accounts.models import User


def _private(response: HttpResponse) -> HttpResponse:
    # The token is the key: keep the page out of caches (never_cache) and search engines. The site's
    # Referrer-Policy "same-origin" already keeps it from other sites; "no-referrer" would not do
    # more, and would make browsers send "Origin: null", which the CSRF check refuses.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


_FIELDS = frozenset({"name", "note", "photos", "rectified_on"})


def _gone(request: HttpRequest, exc: LinkGone) -> HttpResponse:
    return _private(render(request, "hazards/link/gone.html", {"reason": str(exc)}, status=exc.status))


def _page(
    request: HttpRequest,
    token: str,
    link: OneTimeLink,
    *,
    errors: dict[str, list[str]] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    hazard = link.hazard
    errors = errors or {}
    form = {**(form or {})}
    form["rectified_on"] = form.get("rectified_on") or timezone.localdate().isoformat()
    context = {
        "token": token,
        "link": link,
        "hazard": hazard,
        "photo_count": Attachment.objects.filter(hazard=hazard, kind=AttachmentKind.FOUND).count(),
        "can_claim": hazard.status == Status.REPORTED,
        "can_submit": hazard.status == Status.RECTIFYING,
        "overdue": hazard.is_overdue(),
        "errors": errors,
        # Errors of fields the page has no input for (plan missing, state changed …) show on top.
        "general_errors": [m for k, ms in errors.items() if k not in _FIELDS for m in ms],
        "form": form,
        "today": timezone.localdate(),
        "accept": ACCEPT,
        "max_photos": MAX_PHOTOS,
    }
    return _private(render(request, "hazards/link/page.html", context, status=status))


@never_cache
@require_http_methods(["GET", "HEAD"])
def link_open(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = links.link_resolve(token)
    except LinkGone as exc:
        return _gone(request, exc)
    return _page(request, token, link)


@never_cache
@require_POST
def link_claim(request: HttpRequest, token: str) -> HttpResponse:
    form = {"name": request.POST.get("name", ""), "note": request.POST.get("note", "")}
    try:
        link = links.link_resolve(token)
        links.link_claim(token=token, name=form["name"], note=form["note"])
        # Claimed: the same page now offers the next step (提交整改).
        return _page(request, token, links.link_resolve(token))
    except LinkGone as exc:
        return _gone(request, exc)
    except HazardError as exc:
        return _page(request, token, link, errors=exc.errors, form=form, status=400)
    except StepDenied as exc:
        return _page(request, token, link, errors={"__all__": [str(exc)]}, form=form, status=409)


def _rectified_on(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise HazardError({"rectified_on": ["整改完成日期格式不正确"]}) from exc


@never_cache
@require_POST
def link_submit(request: HttpRequest, token: str) -> HttpResponse:
    form = {"note": request.POST.get("note", ""), "rectified_on": request.POST.get("rectified_on", "")}
    try:
        link = links.link_resolve(token)
    except LinkGone as exc:
        return _gone(request, exc)
    try:
        uploads = request.FILES.getlist("photos")
        if len(uploads) > MAX_PHOTOS:
            raise HazardError({"photos": [f"照片最多{MAX_PHOTOS}张"]})
        files: list[Evidence] = [evidence_from_upload(f, field="photos") for f in uploads]
        if not files:
            raise HazardError({"photos": ["请上传整改后的照片"]})
        hazard = links.link_submit(
            token=token, note=form["note"], files=files, rectified_on=_rectified_on(form["rectified_on"])
        )
    except LinkGone as exc:
        return _gone(request, exc)
    except HazardError as exc:
        return _page(request, token, link, errors=exc.errors, form=form, status=400)
    except StepDenied as exc:
        return _page(request, token, link, errors={"__all__": [str(exc)]}, form=form, status=409)
    # The link is used up now: this answer is the last page it shows.
    return _private(render(request, "hazards/link/done.html", {"hazard": hazard}))


# --- creating a link (signed-in supervisors) ---------------------------------------------------


def _link_state(link: OneTimeLink, now: dt.datetime) -> str:
    if link.used_at:
        return "已提交整改"
    if link.revoked_at:
        return "已作废"
    if now >= link.expires_at:
        return "已过期"
    return "已认领，待提交整改" if link.claimed_at else "有效"


@login_required
@require_http_methods(["GET", "POST"])
def link_new(request: HttpRequest, hazard_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    hazard: Hazard = selectors.hazard_get(user, hazard_id)  # out of scope: 404
    if user.role not in workflow.SUPERVISORS:
        return HttpResponseForbidden("只有监管人员可以发送一次性链接")
    context: dict[str, Any] = {"hazard": hazard, "errors": [], "phone": hazard.unit.phone}
    if request.method == "POST":
        phone = request.POST.get("phone", "").strip()
        context["phone"] = phone
        try:
            link, url = links.link_create(
                actor=user, hazard=hazard, phone=phone or None, base_url=request.build_absolute_uri("/")
            )
        except HazardError as exc:
            context["errors"] = [m for ms in exc.errors.values() for m in ms]
        except StepDenied as exc:
            context["errors"] = [str(exc)]
        else:
            # The URL holds the token and is shown here only, this once.
            context.update(link=link, url=url, sent_to=masked(link.phone) if link.phone else "")
            return _private(render(request, "hazards/link/created.html", context))
    now = timezone.now()
    context["links"] = [
        {"link": item, "state": _link_state(item, now), "phone": masked(item.phone) if item.phone else ""}
        for item in OneTimeLink.objects.filter(hazard=hazard).select_related("created_by")[:20]
    ]
    context["can_create"] = hazard.status in links.LINK_STATES
    status = 400 if context["errors"] else 200
    return render(request, "hazards/link/new.html", context, status=status)

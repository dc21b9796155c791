"""Writes of 分级上报: the register of subordinates, and accepting a package (upload, command line, pull).

Who (a decision, docs/guide/reporting.md):

- the register and every import: the 县级管理员 of the upper office — at a city or a province, the
  county-admin role of the office whose region is the city or the province (``MANAGERS``);
- the summary and the submissions: that office's 县级管理员, leaders and auditors (``READERS``);
- the lower side's package over the API: the county admin, leaders and auditors of the region reported
  (``PACKAGE_MAKERS``) — an upper level pulls with the token of one of them.

An import is all or nothing: every check (format, JSON, a registered active subordinate, its key and the
signature, the indicators, the dates) runs before anything is written, and a refused package leaves no
row. The same package again (same SHA-256) is answered 已接收过 and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction

from anjian.accounts.roles import Role
from anjian.core import audit, crypto
from anjian.regions.services import cli_actor_name
from anjian.reporting import keys
from anjian.reporting.models import Channel, Submission, Subordinate
from anjian.reporting.package import PackageError, check_signature, load, package_region, region_name, validate
from anjian.stats.scope import ScopeError, region_prefix

if TYPE_CHECKING:
    from anjian.accounts.models import User

MANAGERS = frozenset({Role.COUNTY_ADMIN})
READERS = frozenset({Role.COUNTY_ADMIN, Role.LEADER, Role.AUDITOR})
PACKAGE_MAKERS = READERS
PULL_TIMEOUT = 30  # seconds per subordinate: a county's package is computed on request
PULL_MAX_BYTES = 5 * 1024 * 1024
AUDITED = ["region_code", "name", "key_id", "base_url", "is_active"]


class ReportError(Exception):
    """A refused operation; the message is for the user (Chinese)."""


class SubordinateError(Exception):
    """Invalid register data; ``errors`` maps a field (or '__all__') to Chinese reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("；".join(m for ms in errors.values() for m in ms))


def upper_region(user: User) -> str | None:
    """The 12-digit region of the user's office: whose register and summary the user works with."""
    return user.org.region_code if user.org_id is not None else None  # type: ignore[union-attr]


def can_manage(user: User) -> bool:
    return user.is_authenticated and user.role in MANAGERS and user.org_id is not None


def can_read(user: User) -> bool:
    return user.is_authenticated and user.role in READERS and user.org_id is not None


def _check_manager(actor: User | None) -> None:
    if actor is not None and not can_manage(actor):
        raise ReportError(f"{actor.get_role_display()}不能管理下级登记或接收上报数据")


# --- the register ------------------------------------------------------------------------------------


@dataclass
class SubordinateData:
    region_code: str
    public_key: str
    name: str = ""
    base_url: str = ""
    token: str | None = None  # None: keep the stored token (an edit); "": none
    is_active: bool = True


def _pad(code: str) -> str:
    return code.ljust(12, "0")


def _validate(upper: str, data: SubordinateData, instance: Subordinate | None) -> tuple[dict[str, list[str]], str]:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    code = ""
    try:
        code = region_prefix((data.region_code or "").strip())
    except ScopeError:
        add("region_code", "区划代码无效：应为 6 位县级代码或 4 位市级代码等（统计用区划代码）")
    upper_prefix = region_prefix(upper)
    if code and (not code.startswith(upper_prefix) or code == upper_prefix):
        add("region_code", f"区划 {code} 不在本级（{region_name(upper_prefix)} {upper_prefix}）之下")
    if code and not errors:
        taken = Subordinate.objects.filter(upper_region=upper, region_code=_pad(code))
        if instance is not None:
            taken = taken.exclude(pk=instance.pk)
        if taken.exists():
            add("region_code", f"区划 {code} 已登记为下级")
    try:
        keys.parse_public(data.public_key)
    except keys.ReportKeyError as exc:
        add("public_key", str(exc))
    url = (data.base_url or "").strip()
    if url:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            add("base_url", "平台地址应以 http:// 或 https:// 开头，如 https://pj.example.gov.cn")
    if data.token and not url and not (instance and instance.base_url):
        add("base_url", "填写了 API 令牌时请同时填写平台地址")
    if data.token is not None and len(data.token.strip()) > 200:
        add("token", "API 令牌过长")
    if not (data.name or "").strip() and code and region_name(code) == code:
        add("name", "本平台没有该区划的名称，请填写下级名称")
    return errors, code


def _apply(sub: Subordinate, code: str, data: SubordinateData) -> None:
    sub.region_code = _pad(code)
    sub.name = (data.name or "").strip()[:64] or region_name(code)
    sub.public_key = keys.normalize_public(data.public_key)
    sub.key_id = keys.key_id(sub.public_key)
    sub.base_url = (data.base_url or "").strip().rstrip("/")
    if data.token is not None:
        sub.token = crypto.encrypt(data.token.strip()) if data.token.strip() else ""
    sub.is_active = data.is_active


def subordinate_add(*, actor: User | None, upper: str, data: SubordinateData) -> Subordinate:
    """Register a subordinate of the office whose region is ``upper`` (the actor's own, on the web)."""
    _check_manager(actor)
    if actor is not None and upper != upper_region(actor):
        raise ReportError("只能为本级登记下级")
    upper = _pad(region_prefix(upper))
    errors, code = _validate(upper, data, None)
    if errors:
        raise SubordinateError(errors)
    sub = Subordinate(upper_region=upper)
    _apply(sub, code, data)
    with transaction.atomic():
        sub.save()
        audit.record(actor=actor, actor_name=cli_actor_name(actor), action="reporting.subordinate_add", obj=sub,
                     changes=audit.snapshot(sub, AUDITED) | {"token": bool(sub.token)})
    return sub


def subordinate_update(*, actor: User | None, sub: Subordinate, data: SubordinateData) -> Subordinate:
    _check_manager(actor)
    if actor is not None and sub.upper_region != upper_region(actor):
        raise ReportError("只能修改本级登记的下级")
    errors, code = _validate(sub.upper_region, data, sub)
    if errors:
        raise SubordinateError(errors)
    before = audit.snapshot(sub, AUDITED)
    had_token = sub.token
    _apply(sub, code, data)
    with transaction.atomic():
        sub.save()
        changes: dict[str, Any] = audit.diff(before, audit.snapshot(sub, AUDITED))
        if sub.token != had_token:
            # The token itself is a credential: the trail says that it changed, never what it is.
            changes["token"] = "已清除" if not sub.token else "已更换"
        audit.record(actor=actor, actor_name=cli_actor_name(actor), action="reporting.subordinate_update",
                     obj=sub, changes=changes)
    return sub


# --- accepting a package -----------------------------------------------------------------------------


@dataclass
class Imported:
    submission: Submission
    created: bool

    @property
    def message(self) -> str:
        s = self.submission
        period = f"{s.date_from:%Y-%m-%d} 至 {s.date_to:%Y-%m-%d}"
        if not self.created:
            return f"{s.subordinate.name} {period} 的这份数据包已接收过，未重复登记"
        note = "" if s.is_current else "（生成时间早于已收到的一份，记入历史，不替代现有数据）"
        return f"已接收 {s.subordinate.name} {period} 的上报数据{note}"


def _subordinate_for(region: str, upper: str | None) -> Subordinate:
    found = Subordinate.objects.filter(region_code=_pad(region))
    if upper is not None:
        found = found.filter(upper_region=upper)
    subs = list(found)
    if not subs:
        raise PackageError(f"地区 {region}（{region_name(region)}）不是已登记的下级，不能接收其上报数据")
    if len(subs) > 1:
        raise PackageError(f"地区 {region} 被本平台多个上级登记为下级，请指明接收的上级（--upper）")
    sub = subs[0]
    if not sub.is_active:
        raise PackageError(f"下级 {sub.name}（{region}）已停用，不能接收其上报数据")
    return sub


def submission_import(
    *, raw: bytes | str, channel: str, actor: User | None = None, upper: str | None = None,
    expect_region: str | None = None,
) -> Imported:
    """Check and store one package; ``PackageError`` (nothing stored) when it is refused.

    ``actor`` is the signed-in county admin (the web); ``None`` on the command line and for a pull, where
    ``upper`` names the register (None: the one subordinate of that region). ``expect_region``: the
    subordinate a pull asked (a package of another region from its address is refused).
    """
    _check_manager(actor)
    if actor is not None:
        upper = upper_region(actor)
    data = load(raw)
    region = package_region(data)
    if expect_region is not None and region != expect_region:
        raise PackageError(f"该地址返回的是地区 {region} 的数据包，不是 {expect_region} 的，请检查下级的平台地址")
    sub = _subordinate_for(region, upper)
    check_signature(data, sub.public_key)
    checked = validate(data)
    with transaction.atomic():
        # One import at a time per subordinate: which package is current is decided under the lock.
        sub = Subordinate.objects.select_for_update().get(pk=sub.pk)
        same = Submission.objects.filter(subordinate=sub, sha256=checked.sha256).first()
        if same is not None:
            return Imported(same, created=False)
        current = (
            Submission.objects.filter(
                subordinate=sub, date_from=checked.date_from, date_to=checked.date_to, superseded_by__isnull=True
            ).order_by("-generated_at", "-id").first()
        )
        # A package generated before the current one (an old file uploaded late) goes into the history.
        older = current is not None and checked.generated_at < current.generated_at
        submission = Submission.objects.create(
            subordinate=sub, date_from=checked.date_from, date_to=checked.date_to, as_of=checked.as_of,
            generated_at=checked.generated_at, region_name=checked.region_name, source=checked.source,
            indicators=checked.indicators, parts=checked.parts, part_names=checked.part_names,
            sha256=checked.sha256, key_id=checked.key_id,
            package=json.dumps(checked.data, ensure_ascii=False, sort_keys=True),
            received_by=actor, channel=channel, superseded_by=current if older else None,
        )
        if current is not None and not older:
            current.superseded_by = submission
            current.save(update_fields=["superseded_by"])
        audit.record(
            actor=actor, actor_name=cli_actor_name(actor), action="reporting.import", obj=submission,
            changes={"region": region, "from": str(checked.date_from), "to": str(checked.date_to),
                     "as_of": str(checked.as_of), "sha256": checked.sha256, "channel": channel,
                     "supersedes": current.pk if current is not None and not older else None},
        )
    return Imported(submission, created=True)


# --- pulling -----------------------------------------------------------------------------------------


@dataclass
class Pulled:
    subordinate: Subordinate
    ok: bool
    message: str
    skipped: bool = False

    @property
    def line(self) -> str:
        status = "跳过" if self.skipped else ("成功" if self.ok else "失败")
        return f"{self.subordinate.name}（{self.subordinate.code}）：{status}，{self.message}"


def package_url(sub: Subordinate, date_from: dt.date, date_to: dt.date, as_of: dt.date | None) -> str:
    query = {"from": date_from.isoformat(), "to": date_to.isoformat()}
    if as_of is not None:
        query["as_of"] = as_of.isoformat()
    return f"{sub.base_url}/api/v1/reporting/package?{urllib.parse.urlencode(query)}"


def fetch(url: str, token: str, timeout: float) -> bytes:
    """GET ``url`` with the bearer token; ReportError (Chinese) for every way it can fail."""
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked when the URL is registered
        url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body: bytes = response.read(PULL_MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        detail = ""
        try:
            detail = str(json.loads(exc.read(4096) or b"{}").get("detail") or "")
        except (ValueError, AttributeError):
            pass
        meaning = {401: "令牌无效或已撤销", 403: "令牌的账号无权生成上报数据", 404: "地址不对（没有上报接口）"}
        raise ReportError(f"对方返回 HTTP {exc.code}（{meaning.get(exc.code, detail or exc.reason)}）") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            raise ReportError("连接被拒绝（对方平台未运行，或地址、端口不对）") from exc
        if isinstance(reason, TimeoutError):
            raise ReportError(f"连接超时（{timeout:g} 秒）") from exc
        raise ReportError(f"无法连接：{reason}") from exc
    except TimeoutError as exc:
        raise ReportError(f"读取超时（{timeout:g} 秒）") from exc
    except OSError as exc:
        raise ReportError(f"无法连接：{exc}") from exc
    if len(body) > PULL_MAX_BYTES:
        raise ReportError("对方返回的数据过大，不是上报数据包")
    return body


def pull_one(sub: Subordinate, date_from: dt.date, date_to: dt.date, as_of: dt.date | None,
             timeout: float = PULL_TIMEOUT) -> Pulled:
    if not sub.base_url or not sub.token:
        return Pulled(sub, ok=True, skipped=True, message="未登记平台地址或 API 令牌（该下级以文件上报）")
    try:
        token = crypto.decrypt(sub.token)
    except crypto.DecryptError as exc:
        return Pulled(sub, ok=False, message=f"API 令牌无法解密（{exc}），请重新填写令牌")
    try:
        body = fetch(package_url(sub, date_from, date_to, as_of), token, timeout)
        done = submission_import(raw=body, channel=Channel.PULL, upper=sub.upper_region, expect_region=sub.code)
    except (ReportError, PackageError) as exc:
        return Pulled(sub, ok=False, message=str(exc))
    return Pulled(sub, ok=True, message=done.message)


def pull_all(*, date_from: dt.date, date_to: dt.date, as_of: dt.date | None = None, upper: str | None = None,
             timeout: float = PULL_TIMEOUT) -> list[Pulled]:
    """Fetch every active subordinate's package for the period; one failure does not stop the others."""
    if date_from > date_to:
        raise ReportError("起止日期有误：起始日期晚于截止日期")
    subs = Subordinate.objects.filter(is_active=True)
    if upper is not None:
        subs = subs.filter(upper_region=upper)
    return [pull_one(sub, date_from, date_to, as_of, timeout) for sub in subs.order_by("upper_region", "region_code")]


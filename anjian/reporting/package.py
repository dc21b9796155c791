"""The report package (上报数据包): a deployment's figures for a period, signed, for the level above.

The lower side builds it (``build_package``); the upper side reads and checks it (``load``,
``check_signature``, ``validate``) before ``services.submission_import`` stores it. Nothing here
writes to the database.

The document (``FORMAT`` = ``anjian-report/1``)::

    {"format": "anjian-report/1", "region": "430626", "region_name": "平江县",
     "from": "2026-03-01", "to": "2026-03-31", "as_of": "2026-03-31",
     "generated_at": "2026-04-01T09:30:00+08:00", "source": "平江县应急管理局",
     "indicators": {...},                       # exactly the ``indicators`` object of indicators.md's JSON form
     "parts": {"430626101": {...}, ...},        # the same object for each sub-division
     "part_names": {"430626101": "安定镇", ...}, # their names (the upper level may not have them loaded)
     "key_id": "0123456789abcdef", "signature": "<base64 Ed25519>"}

Parts (a decision, docs/guide/reporting.md): a county reports by township — ``stats.grouped.compute_by``
by township, the rows of its 进展情况统计表, including the row of records that fall in no township; a
city by county and a province by city (one ``compute`` per division below); a township no parts. The
upper level shows them on the submission's page; its totals use only the top-level ``indicators``.

The signature is Ed25519 over the canonical JSON (keys sorted, no spaces, UTF-8, ``ensure_ascii`` off)
of every member but ``signature`` — ``key_id`` included, so it cannot be swapped either. The package's
identity (``package_hash``) is the SHA-256 of the canonical JSON of the whole package, so the same
package saved pretty-printed, or fetched again over the API, is recognised as the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone

from anjian.reporting import keys
from anjian.stats import indicators as ind
from anjian.stats.compute import compute, jsonable
from anjian.stats.grouped import TOWNSHIP, compute_by
from anjian.stats.scope import ScopeError, build_scope, region_prefix

FORMAT = "anjian-report/1"
MAX_BYTES = 5 * 1024 * 1024  # a county's package is some tens of kB; a city's by county, less
MONEY_TEXT = re.compile(r"^\d{1,16}\.\d{2}$")
SIGNED_OUT = "signature"


class PackageError(ValueError):
    """A package that cannot be accepted; the message says why, in Chinese."""


# --- canonical form, signature, identity -------------------------------------------------------------


def canonical(obj: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 (not \\u escapes): the bytes that are signed and hashed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def signed_bytes(package: dict[str, Any]) -> bytes:
    return canonical({k: v for k, v in package.items() if k != SIGNED_OUT})


def sign_package(body: dict[str, Any], key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    """``body`` with ``key_id`` and ``signature`` (by ``key``, default this deployment's key)."""
    key = key or keys.private_key()
    out = {k: v for k, v in body.items() if k not in (SIGNED_OUT, "key_id")}
    out["key_id"] = keys.key_id(keys.public_bytes(key.public_key()))
    out[SIGNED_OUT] = keys.sign(signed_bytes(out), key)
    return out


def package_hash(package: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(package)).hexdigest()


def dumps(package: dict[str, Any]) -> str:
    """The package as a file: readable (indented, Chinese as is); any formatting verifies the same."""
    return json.dumps(package, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --- the lower side: building ------------------------------------------------------------------------


def region_name(prefix: str) -> str:
    from anjian.regions.models import Division

    division = Division.objects.filter(code=prefix.ljust(12, "0")).first()
    return division.name if division else prefix


def deployment_name(default: str) -> str:
    """``ANJIAN_DEPLOYMENT_NAME`` (setting or environment), else ``default`` (the region's name), else anjian."""
    configured = getattr(settings, "ANJIAN_DEPLOYMENT_NAME", "") or os.environ.get("ANJIAN_DEPLOYMENT_NAME", "")
    return str(configured).strip() or default or "anjian"


def deployment_region() -> str:
    """The region this deployment answers for: that of its top office (the county office, or the city's).

    ``ScopeError`` when there is none, or several at the same top level (then the region must be named).
    """
    from anjian.accounts.models import Organization, OrgKind

    offices = list(Organization.objects.filter(kind=OrgKind.COUNTY_OFFICE).values_list("region_code", flat=True))
    prefixes = sorted({Organization(region_code=o).region_prefix for o in offices}, key=len)
    if not prefixes:
        raise ScopeError("本平台尚未建立县级（市级）机构，请用 --region 指明上报的区划")
    top = [p for p in prefixes if len(p) == len(prefixes[0])]
    if len(top) > 1:
        raise ScopeError(f"本平台有多个同级机构（{'、'.join(top)}），请用 --region 指明上报的区划")
    return top[0]


def _parts(scope: Any) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """(parts, their names, the region's own indicators) for the scope's region."""
    from anjian.regions.models import PREFIX_LENGTH, Division, Level

    prefix = scope.prefix
    if len(prefix) == PREFIX_LENGTH[Level.COUNTY]:
        grouped = compute_by(scope, TOWNSHIP)
        parts = {r.key: jsonable(r.values) for r in grouped.rows}
        return parts, {r.key: r.name for r in grouped.rows}, grouped.total
    below = {PREFIX_LENGTH[Level.PROVINCE]: Level.CITY, PREFIX_LENGTH[Level.CITY]: Level.COUNTY}.get(len(prefix))
    parts, names = {}, {}
    if below is not None:
        for d in Division.objects.filter(level=below, code__startswith=prefix).order_by("code"):
            code = d.code[: PREFIX_LENGTH[below]]
            child = build_scope(region=code, date_from=scope.date_from, date_to=scope.date_to, as_of=scope.as_of)
            parts[code], names[code] = jsonable(compute(child)), d.name
    return parts, names, compute(scope)


def build_package(
    *, region: str, date_from: Any, date_to: Any, as_of: Any = None, key: Ed25519PrivateKey | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The signed package of ``region`` for the period (``ScopeError`` for a bad region or dates).

    Run it inside ``statistics_reads()``: it is the statistics catalogue, computed as ``anjian stats`` does.
    """
    scope = build_scope(region=region, date_from=date_from, date_to=date_to, as_of=as_of)
    parts, names, own = _parts(scope)
    name = region_name(scope.prefix)
    body = {
        "format": FORMAT,
        "region": scope.prefix,
        "region_name": name,
        "from": scope.date_from.isoformat(),
        "to": scope.date_to.isoformat(),
        "as_of": scope.as_of.isoformat(),
        "generated_at": timezone.localtime(now or timezone.now()).isoformat(timespec="seconds"),
        "source": deployment_name(name),
        "indicators": jsonable(own),
        "parts": parts,
        "part_names": names,
    }
    return sign_package(body, key)


# --- the upper side: reading and checking ------------------------------------------------------------


def load(raw: bytes | str) -> dict[str, Any]:
    """The package object of a file's content; PackageError for what is not JSON or not our format."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            raise PackageError(f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB），不是上报数据包")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PackageError("文件不是 UTF-8 编码的 JSON，不是上报数据包") from exc
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise PackageError(f"文件不是有效的 JSON（{_json_where(exc)}），可能已损坏或不完整") from exc
    if not isinstance(data, dict):
        raise PackageError("文件不是上报数据包：内容应为 JSON 对象")
    fmt = data.get("format")
    if fmt != FORMAT:
        shown = "（缺少 format）" if fmt is None else f"“{str(fmt)[:40]}”"
        raise PackageError(f"数据包格式不支持：{shown}，本平台接收 {FORMAT}")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"不允许的数值 {name}")


def _json_where(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"第 {exc.lineno} 行第 {exc.colno} 列"
    return str(exc)[:60]


def package_region(data: dict[str, Any]) -> str:
    """The significant digits of the package's region; PackageError when it has none or a bad one."""
    region = data.get("region")
    if not isinstance(region, str) or not region:
        raise PackageError("数据包缺少地区代码 region")
    try:
        return region_prefix(region)
    except ScopeError as exc:
        raise PackageError(f"数据包的地区代码无效：{region[:20]}") from exc


def check_signature(data: dict[str, Any], public: str) -> None:
    """PackageError unless ``data`` is signed by the key ``public`` (base64) and names it by its key_id."""
    signature, kid = data.get(SIGNED_OUT), data.get("key_id")
    if not isinstance(signature, str) or not signature or not isinstance(kid, str) or not kid:
        raise PackageError("数据包没有签名（缺少 signature 或 key_id），不能确认来源")
    registered = keys.key_id(public)
    if kid != registered:
        raise PackageError(
            f"密钥不符：数据包由密钥 {kid[:16]} 签名，登记的该下级公钥为 {registered}。"
            "如该下级更换了密钥，请先在下级登记中更新其公钥"
        )
    try:
        message = signed_bytes(data)
    except ValueError as exc:
        raise PackageError("数据包含有无法校验的数值") from exc
    if not keys.verify(public, message, signature):
        raise PackageError("签名校验失败：数据包在签名后被改动过（或不是该下级签发的），已拒收")


@dataclass(frozen=True)
class Checked:
    """A package whose content has the shape and types of ``FORMAT``."""

    data: dict[str, Any]
    region: str
    region_name: str
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    generated_at: dt.datetime
    source: str
    indicators: dict[str, Any]
    parts: dict[str, dict[str, Any]]
    part_names: dict[str, str]
    key_id: str
    sha256: str


def _date(data: dict[str, Any], name: str, label: str) -> dt.date:
    raw = data.get(name)
    if not isinstance(raw, str):
        raise PackageError(f"数据包缺少{label}（{name}）")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise PackageError(f"{label}（{name}）不是有效日期：{str(raw)[:20]}") from exc


def indicator_errors(values: Any, where: str = "") -> list[str]:
    """Why ``values`` is not the ``indicators`` object of indicators.md (empty when it is).

    Every indicator of this deployment's catalogue must be present with its type: counts whole
    numbers ≥ 0, money a decimal string in yuan with two places, rates a fraction 0…1 or null.
    Members this catalogue does not know (a newer deployment's) are kept and not checked.
    """
    if not isinstance(values, dict):
        return [f"{where}指标（indicators）应为 JSON 对象"]
    errors = []
    for i in ind.CATALOGUE:
        label = f"{where}指标 {i.code}（{i.name}）"
        if i.code not in values:
            errors.append(f"{label}缺失")
            continue
        v = values[i.code]
        if i.kind == ind.RATE:
            ok = v is None or (
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and 0 <= v <= 1
            )
            if not ok:
                errors.append(f"{label}类型不对：应为 0 至 1 之间的小数或 null")
        elif i.kind == ind.MONEY_KIND:
            if not (isinstance(v, str) and MONEY_TEXT.match(v)):
                errors.append(f"{label}类型不对：应为以元计、两位小数的金额文本（如 \"379100.00\"）")
        elif isinstance(v, bool) or not isinstance(v, int) or v < 0:
            errors.append(f"{label}类型不对：应为非负整数")
    return errors


def validate(data: dict[str, Any]) -> Checked:
    """The package's content checked for shape and types (after its signature); PackageError listing what is wrong."""
    region = package_region(data)
    date_from = _date(data, "from", "起始日期")
    date_to = _date(data, "to", "截止日期")
    as_of = _date(data, "as_of", "判定日期")
    if date_from > date_to:
        raise PackageError(f"起止日期有误：起始日期 {date_from} 晚于截止日期 {date_to}")
    raw_at = data.get("generated_at")
    if not isinstance(raw_at, str):
        raise PackageError("数据包缺少生成时间（generated_at）")
    try:
        generated_at = dt.datetime.fromisoformat(raw_at)
    except ValueError as exc:
        raise PackageError(f"生成时间（generated_at）无效：{str(raw_at)[:30]}") from exc
    if timezone.is_naive(generated_at):
        generated_at = timezone.make_aware(generated_at)
    errors = indicator_errors(data.get("indicators"))
    parts = data.get("parts", {})
    if not isinstance(parts, dict):
        errors.append("分项（parts）应为 JSON 对象")
        parts = {}
    for code, values in parts.items():
        if not (isinstance(code, str) and code.isdigit() and code.startswith(region)):
            errors.append(f"分项代码 {str(code)[:20]} 不是 {region} 下的区划代码")
        errors += indicator_errors(values, f"分项 {code} 的")
    names = data.get("part_names", {})
    if not isinstance(names, dict) or not all(isinstance(v, str) for v in names.values()):
        errors.append("分项名称（part_names）应为代码到名称的 JSON 对象")
        names = {}
    if errors:
        shown = errors[:5] + ([f"……共 {len(errors)} 处错误"] if len(errors) > 5 else [])
        raise PackageError("数据包内容有误：" + "；".join(shown))
    return Checked(
        data=data, region=region, region_name=str(data.get("region_name") or "")[:64],
        date_from=date_from, date_to=date_to, as_of=as_of, generated_at=generated_at,
        source=str(data.get("source") or "")[:128], indicators=data["indicators"], parts=parts,
        part_names={str(k): v[:64] for k, v in names.items()}, key_id=str(data["key_id"]),
        sha256=package_hash(data),
    )


def money(value: Any) -> Decimal:
    return Decimal(str(value or "0"))

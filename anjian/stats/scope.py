"""The scope of a statistics query (indicators.md "Scope of a query")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Q
from django.utils import timezone


class ScopeError(ValueError):
    """A scope parameter that cannot be resolved (unknown campaign, sector, department …)."""


def region_prefix(code: str) -> str:
    """The significant digits of a division code: 2, 4, 6, 9 or 12 (GB/T 2260 + statistical code)."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
        raise ScopeError(f"区划代码无效：{code!r}")
    significant = code.rstrip("0")
    for length in (2, 4, 6, 9, 12):
        if len(significant) <= length <= len(code):
            return code[:length]
    return code


def default_as_of(to: dt.date, today: dt.date | None = None) -> dt.date:
    """``to``, or today if ``to`` is in the future."""
    today = today or timezone.localdate()
    return min(to, today)


@dataclass(frozen=True)
class Scope:
    region: str
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    # Filters, as given (for the JSON form) …
    campaign: str | None = None
    sector: str | None = None
    department: str | None = None
    inspection_kind: str | None = None
    unit: int | None = None
    # … and resolved to ids (campaign: the campaign and its sub-campaigns).
    campaign_ids: frozenset[int] | None = None
    sector_id: int | None = None
    department_id: int | None = None
    prefix: str = field(default="", compare=False)

    @property
    def filters(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "sector": self.sector,
            "department": self.department,
            "inspection_kind": self.inspection_kind,
        }

    def previous_year(self) -> Scope:
        """The same scope over the same dates one year earlier (29 February → 28 February)."""
        return replace(
            self, date_from=_year_earlier(self.date_from), date_to=_year_earlier(self.date_to),
            as_of=_year_earlier(self.as_of),
        )

    def region_q(self, path: str) -> Q:
        return Q(**{f"{path}__startswith": self.prefix})

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "region": self.region,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "as_of": self.as_of.isoformat(),
            "filters": self.filters,
        }
        if self.unit is not None:
            out["filters"]["unit"] = self.unit
        return out


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _date(raw: Any, name: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ScopeError(f"{name} 日期无效：{raw!r}（YYYY-MM-DD）") from exc


def build_scope(
    *,
    region: str,
    date_from: Any,
    date_to: Any,
    as_of: Any = None,
    campaign: str | None = None,
    sector: str | None = None,
    department: str | None = None,
    inspection_kind: str | None = None,
    unit: int | None = None,
    today: dt.date | None = None,
) -> Scope:
    """Resolve the parameters (names or ids) into a :class:`Scope`; ScopeError if one is unknown."""
    from anjian.accounts.models import Organization
    from anjian.campaigns.models import Campaign
    from anjian.campaigns.selectors import campaign_tree_ids
    from anjian.inspections.models import InspectionKind
    from anjian.units.models import Sector

    prefix = region_prefix(region)
    start, end = _date(date_from, "from"), _date(date_to, "to")
    if end < start:
        raise ScopeError("起止日期有误：to 早于 from")
    day = _date(as_of, "as_of") if as_of else default_as_of(end, today)

    campaign_ids = None
    if campaign:
        c = _one(Campaign.objects.all(), campaign, "name", "专项行动", prefix)
        campaign_ids = frozenset(campaign_tree_ids(c))
    sector_id = None
    if sector:
        sector_id = _one(Sector.objects.all(), sector, ("code", "name"), "行业领域").pk
    department_id = None
    if department:
        department_id = _one(Organization.objects.all(), department, "name", "监管部门", prefix).pk
    if inspection_kind:
        kinds = {k.value: k.value for k in InspectionKind} | {k.label: k.value for k in InspectionKind}
        if inspection_kind not in kinds:
            raise ScopeError(f"检查类型无效：{inspection_kind}")
        inspection_kind = kinds[inspection_kind]
    return Scope(
        region=region, date_from=start, date_to=end, as_of=day, campaign=campaign or None, sector=sector or None,
        department=department or None, inspection_kind=inspection_kind or None, unit=unit,
        campaign_ids=campaign_ids, sector_id=sector_id, department_id=department_id, prefix=prefix,
    )


def _one(qs: Any, raw: str, fields: str | tuple[str, ...], what: str, prefix: str | None = None) -> Any:
    """One object by id or by name/code; among several of that name, the one nearest the region."""
    raw = str(raw).strip()
    names = (fields,) if isinstance(fields, str) else fields
    q = Q()
    for f in names:
        q |= Q(**{f: raw})
    if raw.isdigit():
        q |= Q(pk=int(raw))
    found = list(qs.filter(q))
    if prefix is not None and len(found) > 1:
        # Prefer the one whose region covers, or lies within, the queried region.
        near = [o for o in found if o.region_code.startswith(prefix) or prefix.startswith(o.region_code.rstrip("0"))]
        found = near or found
    if len(found) != 1:
        raise ScopeError(f"{what}{'不唯一' if found else '不存在'}：{raw}")
    return found[0]

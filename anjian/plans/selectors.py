"""Reads of the 双随机抽查 register, scope first, and the two pools a new draw samples from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from anjian.accounts.models import OrgKind
from anjian.core.scope import get_in_scope, region_prefix, scoped
from anjian.inspections.models import Person, PersonKind
from anjian.plans.models import Draw
from anjian.regions.selectors import township_names
from anjian.units.models import Unit, UnitStatus
from anjian.units.selectors import unit_queryset

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass
class PoolFilters:
    """The conditions of a draw's unit pool (stored on the draw as ``filters``)."""

    township: str = ""  # 9-digit township code, or "" for the whole region
    sectors: list[str] = field(default_factory=list)  # sector codes
    risk_classes: list[str] = field(default_factory=list)  # "A"–"D"
    key_supervision: bool = False  # only 重点监管 units

    def as_json(self) -> dict[str, Any]:
        return {
            "township": self.township,
            "sectors": sorted(self.sectors),
            "risk_classes": sorted(self.risk_classes),
            "key_supervision": self.key_supervision,
        }


def draw_list(user: User) -> QuerySet[Draw]:
    return scoped(user, Draw.objects.all()).select_related("org", "created_by").order_by("-created_at", "-id")


def draw_get(user: User, pk: int | str) -> Draw:
    return get_in_scope(user, Draw.objects.select_related("org", "created_by"), pk=pk)


def pool_units(user: User, f: PoolFilters) -> QuerySet[Unit]:
    """Units that may be drawn: in the user's scope, in the register and not closed, matching ``f``."""
    qs = unit_queryset(user).filter(is_active=True).exclude(status=UnitStatus.CLOSED)
    if f.township:
        qs = qs.filter(region_code__startswith=f.township[:9])
    if f.sectors:
        qs = qs.filter(sector__code__in=f.sectors)
    if f.risk_classes:
        qs = qs.filter(risk_class__in=f.risk_classes)
    if f.key_supervision:
        qs = qs.filter(key_supervision=True)
    return qs.order_by("id")


def pool_inspectors(user: User) -> QuerySet[Person]:
    """Officials who may be assigned: available, in scope, and of the drawing office.

    A county office (安委办/应急管理局) coordinates the county's joint checks, so it draws from the
    officials of every organisation of its county; a department or a township inspects with its own
    执法人员 (their certificates are issued for that body), so it draws from its own officials only.
    Officials of the regions above (visible through ``ScopePaths.ancestors``) are never drawn.
    """
    if user.org_id is None:
        return Person.objects.none()
    org = user.org
    assert org is not None
    qs = scoped(user, Person.objects.filter(kind=PersonKind.OFFICIAL, available=True))
    if org.kind == OrgKind.COUNTY_OFFICE:
        qs = qs.filter(org__region_code__startswith=region_prefix(user) or org.region_code)
    else:
        qs = qs.filter(org=org)
    return qs.order_by("id")


@dataclass(frozen=True)
class ResultRow:
    """One line of the published list (公示名单)."""

    position: int
    unit: Unit | None
    inspectors: list[Person]


def draw_rows(draw: Draw) -> list[ResultRow]:
    """The result with its units and people, in drawn order (two queries).

    The draw is read as stored (it may name a unit now outside the reader's scope, e.g. moved to
    another township: the published list does not change with it).
    """
    unit_ids = [row["unit"] for row in draw.result]
    person_ids = {p for row in draw.result for p in row["inspectors"]}
    units = Unit.objects.in_bulk(unit_ids)
    people = Person.objects.in_bulk(list(person_ids))
    return [
        ResultRow(n, units.get(row["unit"]), [people[p] for p in row["inspectors"] if p in people])
        for n, row in enumerate(draw.result, start=1)
    ]


def filters_label(filters: dict[str, Any]) -> str:
    """The stored pool conditions in words: "乡镇：安定镇；行业领域：危险化学品；分级分类：A、B；只抽重点监管单位"."""
    from anjian.units.models import Sector

    township = str(filters.get("township") or "")
    town = township_names([township]).get(township[:9], township) if township else "全部"
    codes = list(filters.get("sectors") or [])
    names = dict(Sector.objects.filter(code__in=codes).values_list("code", "name"))
    sectors = "、".join(names.get(c, c) for c in codes) or "全部"
    classes = "、".join(filters.get("risk_classes") or []) or "全部"
    text = f"乡镇：{town}；行业领域：{sectors}；分级分类：{classes}"
    return text + ("；只抽重点监管单位" if filters.get("key_supervision") else "")

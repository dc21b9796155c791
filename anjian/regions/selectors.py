"""Reads of the division tree and grids.

Divisions are public reference data (the NBS code list), so they are not scoped; grids
belong to townships and are read through the scope of the units they hold.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from anjian.regions.models import Division, Level, pad


def normalise_code(code: str) -> str:
    """'430626' or '430626000000' → '430626000000'; anything that is not 2–12 digits → ''."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) > 12 or len(code) < 2:
        return ""
    return pad(code)


def division_children(parent: str | None = None) -> QuerySet[Division]:
    """The divisions directly under ``parent`` (any form of its code); the provinces without one."""
    if not parent:
        return Division.objects.filter(level=Level.PROVINCE).order_by("code")
    code = normalise_code(parent)
    if not code or not Division.objects.filter(code=code).exists():
        raise Http404("未找到该行政区划")
    return Division.objects.filter(parent_id=code).order_by("code")


def division_get(code: str) -> Division:
    """One division by its code (significant digits or padded), else Http404."""
    normal = normalise_code(code)
    division = Division.objects.filter(code=normal).first() if normal else None
    if division is None:
        raise Http404("未找到该行政区划")
    return division


def division_path(division: Division) -> list[Division]:
    """The ancestors of ``division`` from the province down, itself excluded (≤ 4 queries)."""
    path: list[Division] = []
    current = division
    while current.parent_id:
        parent = Division.objects.filter(code=current.parent_id).first()
        if parent is None:
            break
        path.append(parent)
        current = parent
    return list(reversed(path))


def child_counts(codes: list[str]) -> dict[str, int]:
    """How many children each of ``codes`` has (one query), for lazy tree widgets."""
    rows = Division.objects.filter(parent_id__in=codes).values("parent_id").annotate(n=Count("code")).order_by()
    return {r["parent_id"]: r["n"] for r in rows}


def townships_within(prefix: str) -> QuerySet[Division]:
    """The townships whose code starts with ``prefix`` (a region's significant digits), in code order."""
    return Division.objects.filter(code__startswith=prefix, level=Level.TOWNSHIP).order_by("code")


def township_names(codes: list[str]) -> dict[str, str]:
    """{9-digit prefix: township name} for the townships of these 12-digit region codes (one query)."""
    prefixes = {c[:9].ljust(12, "0") for c in codes}
    return {d.code[:9]: d.name for d in Division.objects.filter(code__in=prefixes)}

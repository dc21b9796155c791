"""Query-string parameters → HazardFilters, shared by the hazard list, its exports and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from anjian.hazards.selectors import HazardFilters
from anjian.inspections.models import InspectionKind

# /hazards/?status=…&level=…&overdue=1&township=…&grid=…&sector=…&source=…&unit=…
#   &found_from=YYYY-MM-DD&found_to=…&deadline_from=…&deadline_to=…&q=…&region=…
# and, for the statistics' click-through (anjian/stats/links.py):
#   &as_of=YYYY-MM-DD (overdue/open/rectified judged at that date)&open=1&rectified=1
#   &in_campaign=<id> (with sub-campaigns)&inspection_kind=…&department=<id>&supervised_from=…&supervised_to=…
PARAMS = (
    "status", "level", "overdue", "township", "grid", "sector", "source", "unit",
    "found_from", "found_to", "deadline_from", "deadline_to", "q", "region",
    "as_of", "open", "rectified", "in_campaign", "inspection_kind", "department", "supervised_from", "supervised_to",
)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def _tri(value: Any) -> bool | None:
    if value in ("1", "true", "yes", "是"):
        return True
    if value in ("0", "false", "no", "否"):
        return False
    return None


def filters_from_params(params: Mapping[str, Any]) -> HazardFilters:
    region = str(params.get("region") or "")
    return HazardFilters(
        status=str(params.get("status") or ""),
        level=str(params.get("level") or ""),
        overdue=_tri(params.get("overdue")),
        township=str(params.get("township") or "")[:9],
        grid=_int(params.get("grid")),
        sector=str(params.get("sector") or ""),
        source=str(params.get("source") or ""),
        unit=_int(params.get("unit")),
        found_from=_date(params.get("found_from")),
        found_to=_date(params.get("found_to")),
        deadline_from=_date(params.get("deadline_from")),
        deadline_to=_date(params.get("deadline_to")),
        q=str(params.get("q") or "").strip(),
        region=region if region.isdigit() else "",
        as_of=_date(params.get("as_of")),
        open=_tri(params.get("open")),
        rectified=_tri(params.get("rectified")),
        in_campaign=_int(params.get("in_campaign")),
        inspection_kind=_choice(params.get("inspection_kind"), InspectionKind.values),
        department=_int(params.get("department")),
        supervised_from=_date(params.get("supervised_from")),
        supervised_to=_date(params.get("supervised_to")),
    )


def _choice(value: Any, allowed: list[str]) -> str:
    text = str(value or "")
    return text if text in allowed else ""

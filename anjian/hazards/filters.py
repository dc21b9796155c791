"""Query-string parameters → HazardFilters, shared by the hazard list, its exports and the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anjian.core.params import param_bool, param_date, param_int
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


def filters_from_params(params: Mapping[str, Any]) -> HazardFilters:
    region = str(params.get("region") or "")
    return HazardFilters(
        status=str(params.get("status") or ""),
        level=str(params.get("level") or ""),
        overdue=param_bool(params.get("overdue")),
        township=str(params.get("township") or "")[:9],
        grid=param_int(params.get("grid")),
        sector=str(params.get("sector") or ""),
        source=str(params.get("source") or ""),
        unit=param_int(params.get("unit")),
        found_from=param_date(params.get("found_from")),
        found_to=param_date(params.get("found_to")),
        deadline_from=param_date(params.get("deadline_from")),
        deadline_to=param_date(params.get("deadline_to")),
        q=str(params.get("q") or "").strip(),
        region=region if region.isdigit() else "",
        as_of=param_date(params.get("as_of")),
        open=param_bool(params.get("open")),
        rectified=param_bool(params.get("rectified")),
        in_campaign=param_int(params.get("in_campaign")),
        inspection_kind=_choice(params.get("inspection_kind"), InspectionKind.values),
        department=param_int(params.get("department")),
        supervised_from=param_date(params.get("supervised_from")),
        supervised_to=param_date(params.get("supervised_to")),
    )


def _choice(value: Any, allowed: list[str]) -> str:
    text = str(value or "")
    return text if text in allowed else ""

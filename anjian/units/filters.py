"""Query-string parameters → UnitFilters, shared by the unit list, its export and the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from anjian.core.params import param_bool
from anjian.units.selectors import UnitFilters

# Parameter names as they appear in URLs, e.g.
# /units/?q=…&township=…&grid=…&sector=…&key=1&risk_class=A&status=normal&active=all
PARAMS = ("q", "township", "grid", "sector", "key", "risk_class", "status", "active", "region")


def filters_from_params(params: Mapping[str, Any]) -> UnitFilters:
    grid = str(params.get("grid") or "")
    active = str(params.get("active") or "1")
    return UnitFilters(
        q=str(params.get("q") or "").strip(),
        township=str(params.get("township") or "")[:9],
        grid=int(grid) if grid.isdigit() else None,
        sector=str(params.get("sector") or ""),
        key_supervision=param_bool(params.get("key")),
        risk_class=str(params.get("risk_class") or ""),
        status=str(params.get("status") or ""),
        active=None if active == "all" else param_bool(active),
        region=str(params.get("region") or "") if str(params.get("region") or "").isdigit() else "",
    )

"""Query-string values of the list pages' filters (``?found_from=…&unit=…&overdue=1``).

A list page ignores a value it cannot read rather than failing: a bookmarked or hand-edited URL
still opens the list, with that filter off. These three readers are shared by every app's filters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

TRUE = ("1", "true", "yes", "是")
FALSE = ("0", "false", "no", "否")


def param_date(value: Any) -> dt.date | None:
    """An ISO date (YYYY-MM-DD), else None."""
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def param_int(value: Any) -> int | None:
    """A non-negative whole number (record ids, years), else None."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


def param_bool(value: Any) -> bool | None:
    """Yes (1/true/yes/是), no (0/false/no/否), or None for anything else (the filter is off)."""
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    return None

"""The to-do area (待办): what waits for the user. Filled by the hazard loop (issue 3).

Each source contributes (label, count, url) rows; the home page lists them and the
navigation shows their total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anjian.accounts.models import User


@dataclass(frozen=True)
class TodoItem:
    label: str
    count: int
    url: str


def items(user: User) -> list[TodoItem]:
    return []


def count(user: User) -> int:
    return sum(i.count for i in items(user))

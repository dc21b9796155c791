"""Tip-off fixtures next to the personas of tests/conftest.py: a frozen clock, receiving and a penalty.

The clock stands at 2026-06-16 09:30 (Beijing) unless a test moves it (``clock.move_to``), so the
dates below are worked out by hand: received 2026-06-16 → deadline 2026-08-15 (+60 days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anjian.enforcement.models import ActionKind, EnforcementAction
from anjian.enforcement.services import ActionData, action_create
from anjian.tipoffs.models import Channel, Kind, Tipoff
from anjian.tipoffs.services import TipoffData, tipoff_receive

TZ = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 6, 16)
NAME = "李举报"
PHONE = "13800138000"


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 30, tzinfo=TZ)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        yield traveller


def data(county: Any, **kw: Any) -> TipoffData:
    unit_key = kw.pop("unit", "chem_a")
    base: dict[str, Any] = {
        "received_on": TODAY, "channel": Channel.HOTLINE, "kind": Kind.VIOLATION,
        "content": "该厂夜间无证储存危险化学品，现场无人值守",
        "unit": county.units[unit_key] if unit_key else None,
        "reporter_name": NAME, "reporter_phone": PHONE, "real_name": True,
    }
    base.update(kw)
    return TipoffData(**base)


def receive(county: Any, persona: str = "county_admin", **kw: Any) -> Tipoff:
    return tipoff_receive(actor=county.users[persona], data=data(county, **kw))


def penalty(county: Any, fine: str | None, unit: str = "chem_a", kind: str = ActionKind.PENALTY) -> EnforcementAction:
    return action_create(actor=county.users["county_admin"], data=ActionData(
        unit=county.units[unit], kind=kind, date=TODAY, cause="未取得许可储存危险化学品",
        fine=Decimal(fine) if fine is not None else None,
    ))


def row(t: Tipoff) -> dict[str, Any]:
    """Every column of the row as stored (to show a refused step changed nothing)."""
    return Tipoff.objects.filter(pk=t.pk).values().get()

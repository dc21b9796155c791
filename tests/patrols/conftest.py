"""Patrol fixtures next to the personas of tests/conftest.py: a frozen clock and a coverage fixture worked by hand.

The clock stands at 2026-06-16 09:30 (Beijing). Every unit of the county is dated as registered on
2026-01-05, so visits may be recorded on earlier days of the year (a visit cannot predate registration).

The ``visits`` fixture (period 2026-06-01 … 2026-06-15, both ends included):

    grid_a 安定镇第一网格: chem_a (visited 06-01 and 06-10: counts once), a2 (never),
                           a_closed (status 关闭: not counted; its visit on 06-05 is a visit)
    grid_b 安定镇第二网格: build_a (06-15, the last day), b2 (05-31, the day before: not visited),
                           b3 (06-03), b_gone (deregistered since: not counted; its visit on 06-02 is a visit)
    no grid, 三市镇:        fire_b (06-16, after the period: not visited), build_b (06-08)

    by grid      units  visited  not visited  rate     visits
    grid_a       2      1        1            50.00%   3
    grid_b       3      2        1            66.67%   3
    （未划入网格） 2      1        1            50.00%   1
    合计         7      4        3            57.14%   7

    by township  安定镇 5 / 3 / 2 / 60.00% / 6;  三市镇 2 / 1 / 1 / 50.00% / 1
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anjian.patrols.models import Outcome, Patrol
from anjian.patrols.services import PatrolData, patrol_record
from anjian.units.models import Unit, UnitStatus
from anjian.units.services import UnitData, unit_create, unit_deactivate
from tests.conftest import County, credit_code

TZ = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 6, 16)
REGISTERED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=TZ)
PERIOD = (dt.date(2026, 6, 1), dt.date(2026, 6, 15))


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 30, tzinfo=TZ)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(at(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def county(county: County) -> County:
    """The shared county, its units registered on 2026-01-05."""
    Unit.objects.update(created_at=REGISTERED)
    for u in county.units.values():
        u.refresh_from_db()
    return county


def record(county: County, persona: str, unit: str, day: dt.date | None = None, **kw: Any) -> Patrol:
    patrol, _ = patrol_record(
        actor=county.users[persona], data=PatrolData(unit=county.units[unit], patrolled_on=day, **kw)
    )
    return patrol


def add_unit(county: County, key: str, name: str, seq: int, **kw: Any) -> Unit:
    region = kw.pop("region", county.andingzhen)
    unit = unit_create(actor=county.users["county_admin"], data=UnitData(
        name=name, region_code=region.code, sector=county.sectors[kw.pop("sector", "commerce")],
        credit_code=credit_code(seq), **kw,
    ))
    Unit.objects.filter(pk=unit.pk).update(created_at=REGISTERED)
    unit.refresh_from_db()
    county.units[key] = unit
    return unit


@pytest.fixture
def visits(county: County) -> County:
    add_unit(county, "a2", "平江县安定百货商店", 11, grid=county.grid_a)
    add_unit(county, "a_closed", "平江县安定旧砖厂", 12, grid=county.grid_a, status=UnitStatus.CLOSED)
    add_unit(county, "b2", "平江县小田食品厂", 13, grid=county.grid_b, region=county.village)
    add_unit(county, "b3", "平江县小田加油站", 14, grid=county.grid_b, region=county.village)
    gone = add_unit(county, "b_gone", "平江县小田已注销商店", 15, grid=county.grid_b, region=county.village)
    d = dt.date
    record(county, "grid_worker", "chem_a", d(2026, 6, 1))
    record(county, "grid_worker", "chem_a", d(2026, 6, 10), outcome=Outcome.NO_PRINCIPAL)
    record(county, "grid_worker", "a_closed", d(2026, 6, 5), outcome=Outcome.STOPPED)
    record(county, "township", "build_a", d(2026, 6, 15))
    record(county, "township", "b2", d(2026, 5, 31))
    record(county, "township", "b3", d(2026, 6, 3))
    record(county, "township", "b_gone", d(2026, 6, 2))  # before it was deregistered: a visit, not a unit
    record(county, "township_b", "fire_b", d(2026, 6, 16))
    record(county, "county_admin", "build_b", d(2026, 6, 8))
    unit_deactivate(actor=county.users["county_admin"], unit=gone, reason="已注销营业执照")
    return county

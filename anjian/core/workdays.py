"""Working days in China: weekends and public holidays off, make-up workdays (调休) on.

Time limits that the rules count in working days (挂牌督办 notices, extension decisions,
verification within N days, 16号令 第二十三条's 10 days) use :func:`add_workdays`. The
calendar comes from the maintained ``chinese-calendar`` package (the State Council's
yearly notice); a year it does not cover yet falls back to Monday–Friday and logs a
warning, so that a deadline is never refused, only possibly a day early.
"""

from __future__ import annotations

import datetime as dt
import logging

import chinese_calendar

log = logging.getLogger(__name__)


def is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        log.warning("节假日数据未覆盖 %s 年，按周一至周五计算工作日；请升级 chinese-calendar", day.year)
        return day.weekday() < 5


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days < 0:
        raise ValueError("days must be ≥ 0")
    day = start
    left = days
    while left:
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_workday(day)
    return count

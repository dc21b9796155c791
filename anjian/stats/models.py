"""Day figures of wide regions (统计底表): the catalogue's figures for a city or the province, kept per day.

A province's catalogue over a year reads a million inspections and three million official rows
(docs/performance.md, issue 5); summed from one row per day it reads 365. ``cube.py`` keeps these
tables and reads them, exactly:

- :class:`DayFigure` holds the figures that add up over days (出动次数, 检查单位次数, 检查人次 …):
  one row per (measure, region prefix, day).
- :class:`DayByMonth` holds what a distinct count over a period needs (检查单位数: units, not
  inspections): for each day, how many of that day's facts had the previous fact of the same
  unit (or group) in which month. A unit counts once in [from, to] through its first fact there,
  the one whose previous fact lies before ``from``.
- :class:`StaleDay` lists the days whose rows no longer match the facts. Database triggers add a
  day in the same transaction as any write to the facts; ``cube.refresh`` recomputes those days
  and removes the marks. Until then a reader computes those days from the facts, so a figure is
  never out of date.
"""

from __future__ import annotations

from django.db import models


class DayFigure(models.Model):
    measure = models.CharField(max_length=32)
    prefix = models.CharField(max_length=12)
    day = models.DateField()
    value = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "measure", "day"], name="dayfigure_key")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day} {self.measure}={self.value}"


class DayByMonth(models.Model):
    measure = models.CharField(max_length=32)
    prefix = models.CharField(max_length=12)
    day = models.DateField()
    # The month of the previous fact of the same unit (or group) in the same region, as
    # year * 12 + month - 1; -1 when there is none.
    month = models.IntegerField()
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "measure", "day", "month"], name="daybymonth_key"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day} {self.measure} month={self.month}: {self.n}"


class StaleDay(models.Model):
    family = models.CharField(max_length=16)
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["family", "day"])]

    def __str__(self) -> str:
        return f"{self.family} {self.day}"

"""Hazard fixtures: a report helper and small real JPEG photos made with Pillow."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from anjian.hazards.models import Level, MajorCriterion, Source
from anjian.hazards.services import Evidence, HazardData, hazard_report


def jpeg(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "JPEG")
    return buf.getvalue()


def photo(name: str = "p.jpg", color: tuple[int, int, int] = (200, 30, 30)) -> Evidence:
    return Evidence(name=name, content=jpeg(color), content_type="image/jpeg")


@pytest.fixture
def report(county: Any):
    """report(actor_key, unit_key, **overrides) -> Hazard, through the real service."""

    def make(actor: str = "county_admin", unit: str = "chem_a", **kw: Any):
        today = timezone.localdate()
        level = kw.pop("level", Level.GENERAL)
        data = HazardData(
            unit=county.units[unit],
            description=kw.pop("description", "消防通道堆放杂物"),
            level=level,
            found_on=kw.pop("found_on", today),
            deadline=kw.pop("deadline", today + dt.timedelta(days=7)),
            source=kw.pop("source", Source.INSPECTION),
            criterion=kw.pop("criterion", MajorCriterion.objects.first() if level == Level.MAJOR else None),
            photos=kw.pop("photos", [photo()]),
            **kw,
        )
        hazard, _ = hazard_report(actor=county.users[actor], data=data)
        return hazard

    return make

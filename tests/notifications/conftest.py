"""Notifications tests reuse the hazard fixtures (the `report` helper and Pillow photos)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hazards.conftest import report  # noqa: F401  (re-exported fixture)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"

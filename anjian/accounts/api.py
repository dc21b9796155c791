from __future__ import annotations

from typing import Any

from ninja import Router
from ninja.security import SessionAuth

router = Router()


def auth_methods() -> list[Any]:
    return [SessionAuth()]

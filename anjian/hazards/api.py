from __future__ import annotations

from ninja import Router

router = Router(tags=["隐患排查治理"])

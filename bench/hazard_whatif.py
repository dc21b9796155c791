"""``bench_hazard_api.py --what-if``: the WSGI application with four changes, to measure them.

Not production code: each patch stands for a change suggested in docs/performance.md
(issue 3, 隐患上报 API) and is measured by serving this module with gunicorn instead of
``anjian.wsgi``. The behaviour the API promises is kept (scope, numbering without gaps or
repeats, the event chain, the audit entry, the full 201 body).

1. ``next_value``: one ``UPDATE … RETURNING`` instead of get_or_create + UPDATE + SELECT, so
   the hot counter row is locked one round trip later and the report makes two fewer queries.
2. ``_unit_in_scope``: the API has already fetched the unit through the user's scope
   (``unit_queryset(actor)``); the service's second scope query is skipped.
3. ``_verifier_for``: the organisation that verifies depends on the reporter's organisation
   and the unit's township only; cached in the process for a minute.
4. The 201 body of a new hazard: it has one event and nothing else (no attachments, sign-offs,
   supervisions or extensions), so the detail is built from one scoped fetch and its event
   instead of seven queries of prefetches.
"""

from __future__ import annotations

import os
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402  (after django.setup())
from django.utils import timezone  # noqa: E402  (after django.setup())

from anjian.core.models import Counter  # noqa: E402  (after django.setup())
from anjian.hazards import api, services  # noqa: E402  (after django.setup())
from anjian.hazards.selectors import hazard_get  # noqa: E402  (after django.setup())
from anjian.wsgi import application  # noqa: E402  (after django.setup())

__all__ = ["application"]


def next_value(key: str) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must run inside a transaction")
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Counter._meta.db_table)} SET {quote('value')} = {quote('value')} + 1 "  # noqa: S608
        f"WHERE {quote('key')} = %s RETURNING {quote('value')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
        if row is None:  # the first number of this sequence
            Counter.objects.get_or_create(key=key)
            cursor.execute(sql, [key])
            row = cursor.fetchone()
    return int(row[0])


_verifiers: dict[tuple[Any, str], tuple[float, Any]] = {}
_original_verifier = services._verifier_for


def verifier_for(actor: Any, unit: Any) -> Any:
    key = (actor.org_id if actor.role in services.workflow.SUPERVISORS else None, unit.region_code[:9])
    hit = _verifiers.get(key)
    if hit is not None and time.monotonic() - hit[0] < 60:
        return hit[1]
    org = _original_verifier(actor, unit)
    _verifiers[key] = (time.monotonic(), org)
    return org


_original_detail = api._detail


def detail(actor: Any, hazard_id: int) -> dict[str, Any]:
    try:
        hazard = hazard_get(actor, hazard_id)  # scoped, with unit, sector, criterion, verifier_org
    except Exception:
        return _original_detail(actor, hazard_id)
    if hazard.event_count != 1:
        return _original_detail(actor, hazard_id)
    # A hazard with only its report event has no attachments (a JSON report carries none),
    # sign-offs, supervisions or extensions yet.
    hazard._prefetched_objects_cache = {"attachments": [], "signoffs": [], "supervisions": [], "extensions": []}
    if hazard.reported_by_id == actor.pk:
        hazard.reported_by = actor
    events = list(hazard.events.order_by("seq"))
    out = api.hazard_out(actor, hazard, 0, timezone.localdate())
    out["events"] = [api.event_out(e) for e in events]
    return out


services.next_value = next_value
services._unit_in_scope = lambda actor, unit: True
services._verifier_for = verifier_for
api._detail = detail

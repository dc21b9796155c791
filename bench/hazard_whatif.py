"""``bench_hazard_api.py --what-if``: the WSGI application with four changes, to measure them.

Not production code: each patch stands for a change suggested in docs/performance.md
(issue 3, 隐患上报 API) and is measured by serving this module with the web server instead of
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
5. The number last (``hazard_report``): the hazard row and its event are written under a
   provisional number, and the county's counter is taken only at the end — one statement that
   takes the next value and writes the number — followed by the audit entry and the commit.
   Every report of a county and year queues on that one counter row until its transaction
   commits; this way the row stays locked for two statements and the commit instead of eight.
   The numbers stay gap-free (a rolled-back report rolls its number back) and unique.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
django.setup()

from django.db import IntegrityError, connection, transaction  # noqa: E402  (after django.setup())
from django.utils import timezone  # noqa: E402  (after django.setup())

from anjian.core import audit, events  # noqa: E402  (after django.setup())
from anjian.core.models import Counter, IdempotencyKey  # noqa: E402  (after django.setup())
from anjian.core.text import clean  # noqa: E402  (after django.setup())
from anjian.hazards import api, services  # noqa: E402  (after django.setup())
from anjian.hazards.models import AttachmentKind, Hazard, HazardEvent  # noqa: E402  (after django.setup())
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


def _number_last(hazard: Hazard, county: str, year: int) -> None:
    """Take the next number of (county, year) and write it on ``hazard``: the counter's lock from here to commit."""
    key = f"hazard:{county}:{year}"
    table, quote = Hazard._meta.db_table, connection.ops.quote_name
    if connection.vendor == "postgresql":
        # One round trip: the counter's next value and the hazard's number together.
        sql = (
            f"WITH c AS (UPDATE {quote(Counter._meta.db_table)} SET value = value + 1 WHERE key = %s "  # noqa: S608
            f"RETURNING value) UPDATE {quote(table)} SET number = %s || lpad(c.value::text, 6, '0') "
            f"FROM c WHERE {quote(table)}.id = %s RETURNING number"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, f"YH{county}{year}", hazard.pk])
            row = cursor.fetchone()
        if row is not None:
            hazard.number = row[0]
            return
    seq = next_value(key)
    hazard.number = f"YH{county}{year}{seq:06d}"
    Hazard.objects.filter(pk=hazard.pk).update(number=hazard.number)


def hazard_report(*, actor: Any, data: Any, idempotency_key: str = "") -> tuple[Hazard, bool]:
    """services.hazard_report with the number taken last (see 5. above); photos and on-the-spot as there."""
    if data.on_the_spot:
        return _original_report(actor=actor, data=data, idempotency_key=idempotency_key)
    if idempotency_key:
        earlier = services._idempotent(actor, idempotency_key)
        if earlier is not None:
            return earlier, False
    errors = services._validate_report(actor, data)
    if errors:
        raise services.HazardError(errors)
    unit = data.unit
    try:
        with transaction.atomic():
            if idempotency_key:
                key = IdempotencyKey.objects.create(
                    user=actor, key=idempotency_key, scope="hazards.report", object_id=""
                )
            hazard = Hazard.objects.create(
                number=f"TMP{uuid.uuid4().hex}"[:32],
                unit=unit,
                region_code=unit.region_code,
                sector_id=unit.sector_id,
                grid_id=unit.grid_id,
                source=data.source,
                self_check_level=data.self_check_level,
                inspection_ref=clean(data.inspection_ref),
                description=data.description,
                category=clean(data.category),
                location=clean(data.location),
                level=data.level,
                criterion=data.criterion,
                found_on=data.found_on,
                deadline=data.deadline,
                on_the_spot=data.on_the_spot,
                measures=clean(data.measures),
                responsible_person=clean(data.responsible_person),
                funds=data.funds,
                reported_by=actor,
                verifier_org=services._verifier_for(actor, unit),
            )
            photos = services._save_attachments(hazard, AttachmentKind.FOUND, data.photos, actor)
            event = events.append(
                HazardEvent,
                hazard,
                kind="report",
                actor=actor,
                note=data.description,
                data={
                    "status": hazard.status,
                    "level": data.level,
                    "deadline": data.deadline,
                    "source": data.source,
                    "attachments": photos,
                    "criterion": data.criterion.pk if data.criterion else None,
                },
                actor_name=services._actor_name(actor),
            )
            if idempotency_key:
                key.object_id = str(hazard.pk)
                key.save(update_fields=["object_id"])
            _number_last(hazard, unit.region_code[:6], data.found_on.year)
            audit.record(
                actor=actor,
                action="hazard.report",
                obj=hazard,
                changes={"event": event.seq, "label": services.EVENT_LABELS["report"]},
                actor_name=services._actor_name(actor),
            )
    except IntegrityError:
        if idempotency_key:
            earlier = services._idempotent(actor, idempotency_key)
            if earlier is not None:
                return earlier, False
        raise
    return hazard, True


_original_report = services.hazard_report
services.next_value = next_value
services.hazard_report = hazard_report
services._unit_in_scope = lambda actor, unit: True
services._verifier_for = verifier_for
api._detail = detail

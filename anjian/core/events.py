"""Append-only, hash-chained domain events (ARCHITECTURE.md, principle 4).

Each aggregate (a hazard, later an enforcement case …) has its own chain: event *n* stores
the SHA-256 of its content together with the hash of event *n − 1*, and the aggregate row
keeps the head (``event_count``, ``last_hash``). Editing an event breaks its own hash;
inserting or deleting one breaks the sequence or the link to its neighbour; deleting the
last one disagrees with the head. ``anjian audit verify`` recomputes every chain.

Chains are per aggregate rather than global so that concurrent reports on different
hazards never wait for one another (the 300 reports/s target of issue 3).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from anjian.accounts.models import User

GENESIS = "0" * 64


class ChainedAggregate(models.Model):
    """Mixin for the row an event chain hangs off: it keeps the chain's head."""

    event_count = models.PositiveIntegerField(default=0, editable=False)
    last_hash = models.CharField(max_length=64, default=GENESIS, editable=False)

    class Meta:
        abstract = True


class ChainedEvent(models.Model):
    """One event. Concrete subclasses add a foreign key named by ``AGGREGATE_FIELD``."""

    AGGREGATE_FIELD = "aggregate"

    seq = models.PositiveIntegerField("序号")
    kind = models.CharField("事件", max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    source = models.CharField("来源地址", max_length=64, blank=True)
    at = models.DateTimeField("时间")
    note = models.TextField("说明", blank=True)
    data = models.JSONField("记录", default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        abstract = True
        ordering = ["seq"]

    def content(self) -> dict[str, Any]:
        """Everything the hash covers, in a stable form."""
        return {
            "aggregate": getattr(self, f"{self.AGGREGATE_FIELD}_id"),
            "seq": self.seq,
            "kind": self.kind,
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "source": self.source,
            "at": self.at.isoformat(),
            "note": self.note,
            "data": self.data,
            "prev": self.prev_hash,
        }

    def compute_hash(self) -> str:
        return digest(self.content())


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot hash {type(value).__name__}")


def canonical(value: Any) -> Any:
    """``value`` as it will read back from a JSON field (so the hash survives a round trip)."""
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False))


def digest(content: dict[str, Any]) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)
    return hashlib.sha256(text.encode()).hexdigest()


E = TypeVar("E", bound="ChainedEvent")


def build(
    event_model: type[E],
    aggregate: ChainedAggregate,
    *,
    kind: str,
    actor: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
    actor_name: str = "",
) -> E:
    """The next event of ``aggregate``'s chain, hashed but unsaved, and the head moved in memory.

    The caller inserts the event and writes the aggregate's ``event_count`` and ``last_hash``
    before its transaction commits (the hazard report inserts the hazard, already carrying its
    head, together with its first event: ``numbering.insert_numbered``). ``aggregate.pk`` must be
    set: the hash covers it.
    """
    from anjian.core.audit import current_origin

    event = event_model(
        seq=aggregate.event_count + 1,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor_name or (actor.get_username() if actor is not None else ""),
        source=current_origin().source,
        # Whole microseconds survive every database; the hash is computed on what is stored.
        at=timezone.now(),
        note=note,
        data=canonical(data or {}),
        prev_hash=aggregate.last_hash,
    )
    setattr(event, event_model.AGGREGATE_FIELD, aggregate)
    event.hash = event.compute_hash()
    aggregate.event_count = event.seq
    aggregate.last_hash = event.hash
    return event


def append(
    event_model: type[E],
    aggregate: ChainedAggregate,
    *,
    kind: str,
    actor: User | None,
    note: str = "",
    data: dict[str, Any] | None = None,
    actor_name: str = "",
) -> E:
    """Append one event to ``aggregate``'s chain and move its head (in the row and in memory).

    The caller holds the aggregate row locked (``select_for_update`` inside the service's
    transaction), so two writers cannot both take the same sequence number.
    """
    event = build(event_model, aggregate, kind=kind, actor=actor, note=note, data=data, actor_name=actor_name)
    event.save()
    type(aggregate)._default_manager.filter(pk=aggregate.pk).update(event_count=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainProblem:
    aggregate: str
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"第{self.seq}条事件" if self.seq is not None else "事件链"
        return f"{self.aggregate} {where}: {self.problem}"


def verify_chain(label: str, head: ChainedAggregate, events: Iterable[ChainedEvent]) -> Iterator[ChainProblem]:
    """Every way ``events`` (in seq order) disagree with an untouched chain ending at ``head``."""
    expected_prev = GENESIS
    expected_seq = 1
    last_hash = GENESIS
    count = 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            yield ChainProblem(label, event.seq, f"序号不连续（应为{expected_seq}），有事件被插入或删除")
            expected_seq = event.seq
        if event.prev_hash != expected_prev:
            yield ChainProblem(label, event.seq, "与前一事件的哈希链接不符，有事件被插入、删除或修改")
        if event.compute_hash() != event.hash:
            yield ChainProblem(label, event.seq, "内容与哈希不符，事件被修改")
        expected_prev = event.hash
        last_hash = event.hash
        expected_seq += 1
    if count != head.event_count or last_hash != head.last_hash:
        yield ChainProblem(
            label, None, f"链尾与记录不符（应有{head.event_count}条事件，实有{count}条），有事件被删除或添加"
        )


def verify_all() -> Iterator[ChainProblem]:
    """Check every chain of every event model in the project (``anjian audit verify``).

    A merge walk over heads (by id) and events (by aggregate, seq): memory stays at one chain.
    """
    from itertools import groupby

    from django.apps import apps

    for model in apps.get_models():
        if not issubclass(model, ChainedEvent):
            continue
        field_name = model.AGGREGATE_FIELD
        aggregate_model = model._meta.get_field(field_name).related_model
        assert isinstance(aggregate_model, type) and issubclass(aggregate_model, ChainedAggregate)
        name = aggregate_model._meta.verbose_name
        key = f"{field_name}_id"
        events_iter = model._default_manager.order_by(key, "seq").iterator(chunk_size=2000)
        chains = groupby(events_iter, key=lambda e: getattr(e, key))
        heads = aggregate_model._default_manager.order_by("pk").iterator(chunk_size=2000)
        pending = next(chains, None)
        for head in heads:
            while pending is not None and pending[0] < head.pk:
                yield ChainProblem(f"{name} #{pending[0]}", None, "事件所属记录不存在")
                pending = next(chains, None)
            chain: list[ChainedEvent] = []
            if pending is not None and pending[0] == head.pk:
                chain = list(pending[1])
                pending = next(chains, None)
            yield from verify_chain(f"{name} {head}", head, chain)
        while pending is not None:
            yield ChainProblem(f"{name} #{pending[0]}", None, "事件所属记录不存在")
            pending = next(chains, None)

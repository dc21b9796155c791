"""The ledgers there are: each app's ``ledger.py`` registers its declaration at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anjian.ledgers.engine import Ledger

_LEDGERS: dict[str, Ledger] = {}


def register(ledger: Ledger) -> Ledger:
    _LEDGERS[ledger.name] = ledger
    return ledger


def get_ledger(name: str) -> Ledger:
    """The ledger called ``name`` ('units'); LookupError if there is none."""
    try:
        return _LEDGERS[name]
    except KeyError:
        raise LookupError(f"没有名为“{name}”的台账（可用：{'、'.join(sorted(_LEDGERS)) or '无'}）") from None


def all_ledgers() -> list[Ledger]:
    return [_LEDGERS[name] for name in sorted(_LEDGERS)]

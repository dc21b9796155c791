"""Numbers taken and rows inserted in one go (core.numbering), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from anjian.core.models import AuditEntry, Counter
from anjian.core.numbering import insert_numbered, next_value, reserve_pk

pytestmark = pytest.mark.django_db(transaction=True)


def _entry(action: str = "test.numbered") -> AuditEntry:
    return AuditEntry(action=action, object_type="test", actor_name="测试")


def test_rows_are_inserted_with_the_next_number_padded_and_suffixed():
    with transaction.atomic():
        first, second = _entry(), _entry()
        number = insert_numbered("t:430626:2026", "YH4306262026", [(first, "object_repr", " 甲"), (second, None, "")])
    assert number == "YH4306262026000001"
    stored = {e.pk: e for e in AuditEntry.objects.filter(action="test.numbered")}
    assert set(stored) == {first.pk, second.pk}  # the rows got their ids back
    assert stored[first.pk].object_repr == "YH4306262026000001 甲"
    assert stored[second.pk].object_repr == ""
    assert not first._state.adding and not second._state.adding
    with transaction.atomic():
        assert insert_numbered("t:430626:2026", "YH4306262026", [(_entry(), None, "")]) == "YH4306262026000002"
    # Another key is another sequence; a wider number is not cut.
    with transaction.atomic():
        assert insert_numbered("t:430624:2026", "X", [(_entry(), None, "")], width=1) == "X1"
    Counter.objects.filter(key="t:430624:2026").update(value=41)
    with transaction.atomic():
        assert insert_numbered("t:430624:2026", "X", [(_entry(), None, "")], width=1) == "X42"


def test_the_numbered_field_is_cut_to_its_length():
    with transaction.atomic():
        entry = _entry()
        insert_numbered("t:long", "N", [(entry, "object_repr", "长" * 300)])
    stored = AuditEntry.objects.get(pk=entry.pk).object_repr
    assert len(stored) == 200
    assert stored.startswith("N000001长")


def test_a_rolled_back_insert_gives_its_number_back_and_leaves_no_row():
    with transaction.atomic():
        insert_numbered("t:rollback", "R", [(_entry(), None, "")])
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError, match="undo"), transaction.atomic():
        insert_numbered("t:rollback", "R", [(_entry(), None, "")])
        raise RuntimeError("undo")
    assert AuditEntry.objects.count() == before
    with transaction.atomic():
        assert insert_numbered("t:rollback", "R", [(_entry(), None, "")]) == "R000002"


def test_a_failing_row_takes_no_number():
    with transaction.atomic():
        insert_numbered("t:fail", "F", [(Counter(key="t:taken"), None, "")])
    with pytest.raises(IntegrityError), transaction.atomic():
        # The second row repeats a unique key: the statement fails, the number is not used.
        insert_numbered("t:fail", "F", [(_entry(), None, ""), (Counter(key="t:taken"), None, "")])
    with transaction.atomic():
        assert insert_numbered("t:fail", "F", [(_entry(), None, "")]) == "F000002"


def test_a_reserved_id_is_the_rows_id_and_the_next_row_comes_after_it():
    with transaction.atomic():
        reserved = reserve_pk(AuditEntry)
        entry = _entry()
        entry.pk = reserved
        insert_numbered("t:reserve", "V", [(entry, None, "")])
        assert AuditEntry.objects.filter(pk=reserved).exists()
        assert reserve_pk(AuditEntry) > reserved
        saved = AuditEntry.objects.create(action="test.after", object_type="test")
    assert saved.pk > reserved


@pytest.mark.parametrize(
    "call",
    [
        lambda: reserve_pk(AuditEntry),
        lambda: insert_numbered("k", "P", [(_entry(), None, "")]),
        lambda: next_value("k"),
    ],
)
def test_outside_a_transaction_is_refused(call):
    with pytest.raises(RuntimeError, match="transaction"):
        call()

"""The reporter's name and telephone are stored SM4-GCM encrypted (GB/T 22239-2019 8.1.4.8, DOMAIN.md §6):
the database (and so every copy and backup of it) holds no reporter in clear; the pages that may show
the reporter decrypt it; a row recorded before encryption is sealed by the migration."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from anjian.core import crypto
from anjian.tipoffs.selectors import reporter_for, unseal
from tests.tipoffs.conftest import NAME, PHONE, receive

seal_existing = importlib.import_module("anjian.tipoffs.migrations.0002_reporter_encrypted").seal_existing


def raw_reporter(pk: int) -> tuple[str, str]:
    """The columns as the database holds them, without the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name, reporter_phone FROM tipoffs_tipoff WHERE id = %s", [pk])
        return cursor.fetchone()  # type: ignore[return-value]


def test_the_database_holds_no_reporter_in_clear(county: Any) -> None:
    t = receive(county)
    name, phone = raw_reporter(t.pk)
    assert NAME not in name and PHONE not in phone
    assert name.startswith(crypto.PREFIX) and phone.startswith(crypto.PREFIX)
    assert (unseal(name), unseal(phone)) == (NAME, PHONE)
    shown = reporter_for(county.users["county_admin"], t)
    assert (shown.name, shown.phone, shown.shown) == (NAME, PHONE, True)


def test_an_anonymous_report_stores_nothing(county: Any) -> None:
    t = receive(county, real_name=False, reporter_name="", reporter_phone="")
    assert raw_reporter(t.pk) == ("", "")
    assert reporter_for(county.users["county_admin"], t).name == "—"


def test_a_changed_value_is_not_misread(county: Any) -> None:
    t = receive(county)
    name, _ = raw_reporter(t.pk)
    t.reporter_name = name[:-6] + ("AAAA==" if not name.endswith("AAAA==") else "BBBB==")
    t.save(update_fields=["reporter_name"])
    t.refresh_from_db()
    assert "无法解密" in reporter_for(county.users["county_admin"], t).name


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_reporters_recorded_before(county: Any) -> None:
    executor = MigrationExecutor(connection)
    before, after = [("tipoffs", "0001_initial")], [("tipoffs", "0002_reporter_encrypted")]
    t = receive(county, reporter_name="李四", reporter_phone="13900001111")
    with connection.cursor() as cursor:  # as an older version wrote it: in clear
        cursor.execute("UPDATE tipoffs_tipoff SET reporter_name = %s, reporter_phone = %s WHERE id = %s",
                       ["李四", "13900001111", t.pk])
    try:
        executor.migrate(before)
        executor.loader.build_graph()
        executor.migrate(after)
        name, phone = raw_reporter(t.pk)
        assert name.startswith(crypto.PREFIX) and phone.startswith(crypto.PREFIX)
        assert (unseal(name), unseal(phone)) == ("李四", "13900001111")
        # Run again (a migration re-applied after a partial failure): sealed values are not sealed twice.
        seal_existing(django_apps, None)
        assert unseal(raw_reporter(t.pk)[0]) == "李四"
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

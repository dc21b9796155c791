"""Statistics reads on a read replica (anjian/core/dbrouter.py, ARCHITECTURE.md scale path).

tests/settings.py gives every test run a second alias, ``replica``: a second connection to the test
database (Django's ``TEST["MIRROR"]``), as a streaming replica is a second server with the same data.
These tests commit their data (``transaction=True``), because a replica only ever sees committed
rows, and turn the routing on with ``STATS_READ_DATABASE``. Which connection ran which query is
read from each connection's own query log.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anjian.accounts.models import User
from anjian.core.dbrouter import ReplicaRouter, read_alias, statistics_reads
from anjian.hazards.models import Hazard
from anjian.stats.compute import compute
from anjian.stats.scope import build_scope
from tests.stats import factories as f

REPLICA = "replica"
BOTH = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
PERIOD = {"region": "430626", "from": "2024-01-01", "to": "2024-06-30"}


@pytest.fixture
def on_replica(settings: Any) -> None:
    settings.STATS_READ_DATABASE = REPLICA


@contextmanager
def logs() -> Iterator[dict[str, CaptureQueriesContext]]:
    """Each connection's queries inside the block."""
    captured = {alias: CaptureQueriesContext(connections[alias]) for alias in (DEFAULT_DB_ALIAS, REPLICA)}
    with captured[DEFAULT_DB_ALIAS], captured[REPLICA]:
        yield captured


def ran(log: CaptureQueriesContext, table: str) -> bool:
    return any(f'"{table}"' in q["sql"] or f" {table} " in q["sql"] for q in log.captured_queries)


def hazards(county: Any) -> None:
    unit = county.units["chem_a"]
    f.hazard(unit, "2024-03-05", "2024-04-05", status="closed", closed_on="2024-04-01")
    f.hazard(unit, "2024-03-06", "2024-03-20")
    f.inspection(unit, "2024-03-05", None, [f.person("甲"), f.person("乙")])


def test_router_sends_only_the_statistics_tables_and_only_inside_the_block(settings: Any) -> None:
    router = ReplicaRouter()
    settings.STATS_READ_DATABASE = REPLICA
    assert router.db_for_read(Hazard) is None  # outside the block: the primary
    with statistics_reads():
        assert router.db_for_read(Hazard) == REPLICA
        assert read_alias() == REPLICA
        assert router.db_for_read(User) is None  # accounts stay on the primary
        assert router.db_for_write(Hazard) is None
    assert read_alias() == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "hazards") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "hazards") is True


def test_without_a_replica_nothing_is_routed(settings: Any) -> None:
    settings.STATS_READ_DATABASE = None
    with statistics_reads():
        assert ReplicaRouter().db_for_read(Hazard) is None
        assert read_alias() == DEFAULT_DB_ALIAS
    settings.STATS_READ_DATABASE = "no-such-alias"  # a setting naming an alias that is not configured
    with statistics_reads():
        assert read_alias() == DEFAULT_DB_ALIAS


@BOTH
def test_dashboard_reads_the_facts_on_the_replica(county: Any, on_replica: None) -> None:
    hazards(county)
    client = Client()
    client.force_login(county.users["county_admin"])
    with logs() as log:
        response = client.get("/stats/", {"region": PERIOD["region"], "from": PERIOD["from"], "to": PERIOD["to"]})
    assert response.status_code == 200
    assert ran(log[REPLICA], "hazards_hazard")
    assert ran(log[REPLICA], "inspections_inspection")  # the hand-written outings SQL too
    assert not ran(log[DEFAULT_DB_ALIAS], "hazards_hazard")
    assert ran(log[DEFAULT_DB_ALIAS], "django_session")  # the session and user from the primary
    assert not ran(log[REPLICA], "django_session")
    assert not ran(log[REPLICA], "accounts_user")


@BOTH
def test_figures_are_the_same_on_either_connection(county: Any, settings: Any) -> None:
    hazards(county)
    scope = build_scope(region=PERIOD["region"], date_from=PERIOD["from"], date_to=PERIOD["to"])
    settings.STATS_READ_DATABASE = None
    primary = compute(scope)
    settings.STATS_READ_DATABASE = REPLICA
    with CaptureQueriesContext(connections[REPLICA]) as replica_log, statistics_reads():
        replica = compute(scope)
    assert replica_log.captured_queries  # it did read there
    assert replica == primary
    assert primary["hazards_found"] == 2 and primary["hazards_rectified"] == 1 and primary["inspector_visits"] == 2


@BOTH
def test_api_and_cli_read_on_the_replica(county: Any, on_replica: None, api_as: Any) -> None:
    hazards(county)
    client = api_as("county_admin")
    with logs() as log:
        status, body = client.get("/api/v1/stats", PERIOD)
    assert status == 200 and body["indicators"]["hazards_found"] == 2
    assert ran(log[REPLICA], "hazards_hazard")
    assert not ran(log[DEFAULT_DB_ALIAS], "hazards_hazard")

    out = io.StringIO()
    with logs() as log:
        call_command("stats", "--region", PERIOD["region"], "--from", PERIOD["from"], "--to", PERIOD["to"],
                     "--json", stdout=out)
    assert json.loads(out.getvalue())["indicators"]["hazards_found"] == 2
    assert ran(log[REPLICA], "hazards_hazard")
    assert not ran(log[DEFAULT_DB_ALIAS], "hazards_hazard")


@BOTH
def test_other_pages_and_every_write_stay_on_the_primary(county: Any, on_replica: None) -> None:
    hazards(county)
    client = Client()
    client.force_login(county.users["county_admin"])
    with logs() as log:
        assert client.get("/hazards/").status_code == 200
    assert ran(log[DEFAULT_DB_ALIAS], "hazards_hazard")
    assert not log[REPLICA].captured_queries


@BOTH
def test_without_the_setting_the_replica_is_not_used(county: Any) -> None:
    hazards(county)
    client = Client()
    client.force_login(county.users["county_admin"])
    with logs() as log:
        assert client.get("/stats/", {"region": PERIOD["region"], "from": PERIOD["from"],
                                      "to": PERIOD["to"]}).status_code == 200
    assert ran(log[DEFAULT_DB_ALIAS], "hazards_hazard")
    assert not log[REPLICA].captured_queries


@BOTH
def test_the_risk_map_reads_on_the_replica(county: Any, on_replica: None) -> None:
    hazards(county)
    client = Client()
    client.force_login(county.users["county_admin"])
    with logs() as log:
        response = client.get("/stats/map/data.json", {"region": PERIOD["region"]})
    assert response.status_code == 200
    assert ran(log[REPLICA], "hazards_hazard") or ran(log[REPLICA], "units_unit")
    assert not ran(log[DEFAULT_DB_ALIAS], "hazards_hazard")
    assert not ran(log[DEFAULT_DB_ALIAS], "units_unit")

"""A retried report over a flaky network never creates a duplicate (``Idempotency-Key``)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from anjian.core.models import IdempotencyKey
from anjian.hazards.models import Hazard, HazardEvent, Level, Source
from anjian.hazards.services import HazardData, hazard_report
from tests.e2e.conftest import seeded_db  # noqa: F401  (the transactional fixture, re-used)
from tests.hazards.test_api import BASE, HazardApi, body


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_as(api_as):
    """The shared fixture (tests/conftest.py), with this module's client."""
    return lambda persona: api_as(persona, HazardApi)


def key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


# --- Through the API --------------------------------------------------------------------


def test_the_same_key_twice_gives_one_hazard_and_200_the_second_time(county, api_as):
    client = api_as("grid_worker")
    first_status, first = client.post(BASE, body(county, source="grid"), headers=key("phone-0001"))
    again_status, again = client.post(BASE, body(county, source="grid"), headers=key("phone-0001"))
    assert (first_status, again_status) == (201, 200)
    assert again["id"] == first["id"] and again["number"] == first["number"]
    assert Hazard.objects.count() == 1 and HazardEvent.objects.filter(kind="report").count() == 1
    assert IdempotencyKey.objects.get().object_id == str(first["id"])


def test_a_retry_answers_the_first_hazard_even_if_the_body_changed(county, api_as):
    # The key names the submission, not its content: the phone resends what it first sent,
    # and anything else under the same key is the client's mistake, answered with the original.
    client = api_as("township")
    _, first = client.post(BASE, body(county), headers=key("k-1"))
    status, again = client.post(BASE, body(county, description="另一条隐患的描述"), headers=key("k-1"))
    assert status == 200 and again["id"] == first["id"] and again["description"] == "消防通道堆放杂物"
    assert Hazard.objects.count() == 1


def test_a_different_key_is_a_different_hazard(county, api_as):
    client = api_as("township")
    _, first = client.post(BASE, body(county), headers=key("k-1"))
    status, second = client.post(BASE, body(county), headers=key("k-2"))
    assert status == 201 and second["id"] != first["id"]
    assert Hazard.objects.count() == 2


def test_the_same_key_by_another_user_is_another_key(county, api_as):
    _, mine = api_as("township").post(BASE, body(county), headers=key("shared-key"))
    status, theirs = api_as("county_admin").post(BASE, body(county), headers=key("shared-key"))
    assert status == 201 and theirs["id"] != mine["id"]
    assert Hazard.objects.count() == 2 and IdempotencyKey.objects.count() == 2
    # And each user's retry finds their own.
    status, again = api_as("county_admin").post(BASE, body(county), headers=key("shared-key"))
    assert status == 200 and again["id"] == theirs["id"]


def test_without_a_key_each_post_is_a_new_hazard(county, api_as):
    client = api_as("township")
    assert client.post(BASE, body(county))[0] == 201
    assert client.post(BASE, body(county))[0] == 201
    assert Hazard.objects.count() == 2 and IdempotencyKey.objects.count() == 0


def test_a_refused_submission_does_not_use_up_its_key(county, api_as):
    client = api_as("township")
    status, _ = client.post(BASE, body(county, description="杂"), headers=key("k-9"))
    assert status == 422 and IdempotencyKey.objects.count() == 0
    status, out = client.post(BASE, body(county), headers=key("k-9"))
    assert status == 201 and Hazard.objects.get().pk == out["id"]


def test_an_overlong_key_is_refused(county, api_as):
    status, out = api_as("township").post(BASE, body(county), headers=key("x" * 129))
    assert status == 422 and "Idempotency-Key" in out["errors"]
    assert Hazard.objects.count() == 0


# --- Concurrent retries -----------------------------------------------------------------
#
# Ten threads (ten database connections) submit the same key at once. On PostgreSQL the second
# insert of the key waits for the first transaction and then fails the unique constraint, and the
# service answers the first hazard; on SQLite the writers queue on the database lock
# (``BEGIN IMMEDIATE`` with a busy timeout). pytest-django's SQLite test database is an in-memory
# shared-cache one, whose table locks fail at once instead of waiting (a test artefact, not how
# the file database of a deployment behaves), so on SQLite the storm runs in a subprocess against
# a migrated file database with the production settings; on PostgreSQL it runs in process.

THREADS = 10


def storm(actor: Any, unit: Any, threads: int = THREADS) -> dict[str, Any]:
    """``threads`` simultaneous hazard_report calls with one key; what they answered and what exists."""
    start = threading.Barrier(threads)
    results: list[tuple[int, bool]] = []
    errors: list[str] = []
    lock = threading.Lock()
    today = timezone.localdate()

    def submit() -> None:
        data = HazardData(
            unit=unit,
            description="配电箱未上锁",
            level=Level.GENERAL,
            found_on=today,
            deadline=today + dt.timedelta(days=7),
            source=Source.GRID,
        )
        try:
            start.wait()
            hazard, created = hazard_report(actor=actor, data=data, idempotency_key="retry-storm")
            with lock:
                results.append((hazard.pk, created))
        except Exception as exc:  # reported to the test thread
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=submit) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    return {
        "errors": errors,
        "answers": len(results),
        "ids": sorted({pk for pk, _ in results}),
        "created": sum(created for _, created in results),
        "hazards": Hazard.objects.count(),
        "keys": IdempotencyKey.objects.filter(key="retry-storm").count(),
        "reports": HazardEvent.objects.filter(kind="report").count(),
    }


def assert_one_hazard(outcome: dict[str, Any]) -> None:
    assert outcome["errors"] == []
    assert outcome["answers"] == THREADS
    assert len(outcome["ids"]) == 1  # every thread answered the same hazard
    assert outcome["created"] == 1  # one of them created it; the others were told it existed
    assert (outcome["hazards"], outcome["keys"], outcome["reports"]) == (1, 1, 1)


def test_concurrent_retries_make_one_hazard_in_process(seeded_db, county):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot wait for a lock; see the subprocess test")
    assert_one_hazard(storm(county.users["grid_worker"], county.units["chem_a"]))


# Run by the test below in a fresh interpreter: migrate a file database, make one unit and one
# grid worker, and storm. The settings are the production ones (tests.settings only swaps the
# password hasher), so SQLite runs in WAL mode with BEGIN IMMEDIATE and a busy timeout.
SQLITE_STORM = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from anjian.accounts.models import Organization, OrgKind
from anjian.accounts.roles import Role
from anjian.regions.models import Division, Grid, Level
from anjian.units.models import Sector
from anjian.units.services import UnitData, unit_create
from tests.conftest import credit_code, make_user
from tests.hazards.test_idempotency import storm

county = Division.objects.create(code="430626000000", name="平江县", level=Level.COUNTY)
town = Division.objects.create(code="430626101000", name="安定镇", level=Level.TOWNSHIP, parent=county)
grid = Grid.objects.create(township=town, name="安定镇第一网格", region_code=town.code)
office = Organization.objects.create(kind=OrgKind.COUNTY_OFFICE, name="平江县安委办", region_code=county.code)
Organization.objects.create(kind=OrgKind.TOWNSHIP, name="安定镇人民政府", region_code=town.code)
admin = make_user("county_admin", Role.COUNTY_ADMIN, org=office)
unit = unit_create(actor=admin, data=UnitData(
    name="平江县汇丰化工有限公司", region_code=town.code, sector=Sector.objects.get(code="hazardous_chemicals"),
    credit_code=credit_code(1), grid=grid,
))
worker = make_user("grid_a", Role.GRID_WORKER, org=office, grid=grid)
print(json.dumps(storm(worker, unit)))
"""


def test_concurrent_retries_make_one_hazard_on_a_sqlite_file(tmp_path):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'storm.sqlite3'}",
        "PYTHONPATH": str(root),
    }
    done = subprocess.run(
        [sys.executable, "-c", SQLITE_STORM], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert_one_hazard(json.loads(done.stdout.strip().splitlines()[-1]))

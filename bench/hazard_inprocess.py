"""Where one hazard report's time goes, in one process and one thread (helper of bench_hazard_api.py).

    .venv/bin/python bench/hazard_inprocess.py [--db sqlite|postgres] [--reports 500] [--profile [--sort tottime]]

No HTTP server and no concurrency: the cost of one report, measured three ways on the same
database (a throwaway SQLite file, or a throwaway PostgreSQL cluster as bench_hazard_api.py
starts one):

* ``service``: ``services.hazard_report`` alone (validation, numbering, insert, event, audit);
* ``api``: ``POST /api/v1/hazards`` through Django's test client with a bearer token — the
  whole middleware stack, ninja's parsing, the service and the response — but no socket;
* the number of SQL queries of each, and with ``--profile`` the top functions (cProfile).

CPU time per report is what bounds throughput on 2 cores; the concurrent benchmark adds the
waits (the counter row lock, commits) on top.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))


def measure(database_url: str, workdir: Path, reports: int, profile: bool, sort: str = "cumulative") -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "ANJIAN_VAR_DIR": str(workdir / "var")}
    env.update({"SECRET_KEY": "bench-" + "x" * 50, "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "WARNING"})
    (workdir / "var" / "static").mkdir(parents=True, exist_ok=True)
    anjian = REPO / ".venv" / "bin" / "anjian"
    subprocess.run([str(anjian), "migrate", "--noinput", "-v", "0"], env=env, check=True)
    clients_file = workdir / "clients.json"
    subprocess.run(
        [sys.executable, str(BENCH / "hazard_seed.py"), str(clients_file), "--users", "2", "--units", "100"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "anjian.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from anjian.accounts.tokens import token_authenticate
    from anjian.hazards.services import HazardData, hazard_report
    from anjian.units.models import Unit

    grid_client = json.loads(clients_file.read_text())[0]
    user = token_authenticate(grid_client["token"])
    assert user is not None
    today = dt.date.today()
    body = {
        "unit_id": grid_client["units"][0],
        "description": "压测上报：仓库消防通道堆放杂物，堵塞疏散通道",
        "level": "general",
        "found_on": today.isoformat(),
        "deadline": (today + dt.timedelta(days=7)).isoformat(),
        "source": "grid",
        "category": "消防安全",
    }
    unit = Unit.objects.get(pk=body["unit_id"])
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {grid_client['token']}"}

    def service_once() -> None:
        data = HazardData(
            unit=unit, description=body["description"], level="general", found_on=today,
            deadline=today + dt.timedelta(days=7), source="grid", category="消防安全",
        )  # fmt: skip
        hazard_report(actor=user, data=data, idempotency_key=uuid.uuid4().hex)

    def api_once() -> None:
        response = client.post(
            "/api/v1/hazards", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex, **headers
        )
        assert response.status_code == 201, response.content[:300]

    for label, once in (("service", service_once), ("api", api_once)):
        for _ in range(20):
            once()  # warm caches and connections
        queries: list[str] = []

        def log(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        # request_started resets Django's own query log, so count through an execute wrapper.
        with connection.execute_wrapper(log):
            once()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        for _ in range(reports):
            once()
        if profiler:
            profiler.disable()
        wall = (time.perf_counter() - wall0) / reports * 1000
        cpu = (time.process_time() - cpu0) / reports * 1000
        print(f"{label}: {wall:.2f} ms wall, {cpu:.2f} ms CPU of this process per report, {len(queries)} queries")
        if label == "api" or profile:
            for sql in queries:
                print(f"    {sql[:150]}")
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(45)
            print(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="cProfile order with --profile (cumulative, tottime …)")
    parser.add_argument("--pool", action="store_true", help="ANJIAN_DB_POOL=1 (PostgreSQL)")
    args = parser.parse_args()
    if args.pool:
        os.environ["ANJIAN_DB_POOL"] = "1"
    workdir = Path(tempfile.mkdtemp(prefix="anjian-bench-inprocess-"))
    try:
        if args.db == "sqlite":
            measure(f"sqlite:///{workdir / 'bench.sqlite3'}", workdir, args.reports, args.profile, args.sort)
        else:
            from bench_hazard_api import postgres_cluster

            with postgres_cluster(workdir, fsync=True, max_connections=20) as (url, _pid):
                measure(url, workdir, args.reports, args.profile, args.sort)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

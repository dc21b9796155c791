"""Benchmark: the statistics catalogue at province scale on PostgreSQL, against DuckDB, and a county on SQLite.

    .venv/bin/python bench/bench_stats_province.py [--scale 0.02] [--runs 5] [--pg-dir DIR | --pg-dsn URL]
        [--no-duckdb] [--no-sqlite] [--explain] [--json OUT]

Issue 5, point 9. Targets: the full catalogue (``compute(scope)``) for any county or the whole
province and any period on PostgreSQL, median ≤ 200 ms and p95 ≤ 500 ms; the dashboard ≤ 1 s; a
county's data on SQLite ≤ 100 ms. ``--scale 1.0`` is the issue's size (300,000 units, 3,000,000
hazards, 1,000,000 inspections, 300,000 enforcement actions; see bench/province/generate.py);
the default 0.02 keeps ``bench/run`` short.

1. PostgreSQL: the benchmark's own cluster in ``--pg-dir`` (kept: a second run with the same
   scale reuses its data; default a temp dir removed at the end), started with the settings of
   ``bench/province/cluster.py``; or ``--pg-dsn`` for a server of your own (an empty database is
   migrated and filled). New migrations (indexes) are applied to kept data before measuring.
2. Scopes: the largest county, a median one and 平江县, the largest city and the province, each
   for a month, a quarter, a year (2025) and three years (2023–2025). For each: ``compute(scope)``
   and ``with_yoy(scope)`` (the dashboard's headline figures), a warm-up and then N timed runs.
3. Dashboard: GET /stats/ with Django's test client when the view exists; otherwise what it
   computes (``with_yoy`` + ``compute_by(scope, "township")``).
4. DuckDB: the same facts exported to Parquet (bench/province/duck.py), every indicator computed
   with hand-written SQL for every scope, checked equal to ours, timed; our time / DuckDB's.
5. SQLite: the largest and the median county's rows copied into a migrated SQLite file each;
   ``compute()`` timed there (checked equal to PostgreSQL's figures).

Reports median and p95 in ms, peak RSS, the machine and its load average. ``--explain`` prints the
time of each of compute()'s queries and EXPLAIN (ANALYZE, BUFFERS) of the slowest three for a
region (default the province) over three years. Not a test: run it by hand or with bench/run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import math
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from province import cluster  # noqa: E402
from province.generate import SEED  # noqa: E402

TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_PAGE_MS, TARGET_SQLITE_MS = 200.0, 500.0, 1000.0, 100.0
PERIODS = [
    ("月 2025-06", dt.date(2025, 6, 1), dt.date(2025, 6, 30)),
    ("季 2025Q2", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
    ("年 2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ("三年 2023–2025", dt.date(2023, 1, 1), dt.date(2025, 12, 31)),
]
PINGJIANG = "430626"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], Any], runs: int, warmup: int = 1) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, result


def stats(samples: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(samples), 1), "p95": round(p95(samples), 1)}


def machine() -> dict[str, str]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import duckdb

    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": cluster.version(),
        "sqlite": sqlite3.sqlite_version,
        "duckdb": duckdb.__version__,
    }


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


# --- the database --------------------------------------------------------------------------------


def ensure_data(url: str, workdir: Path, scale: float, seed: int, marker: Path | None) -> dict[str, Any]:
    """Generate the province unless ``marker`` says this scale and seed are already there; migrate either way."""
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="anjian.settings")
    env.pop("DEBUG", None)
    if marker is not None and marker.exists():
        meta = json.loads(marker.read_text())
        if meta.get("scale") == scale and meta.get("seed") == seed:
            print(f"reusing the generated data ({marker})", flush=True)
            started = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-c", _MIGRATE], env=env, cwd=REPO, check=True,
                capture_output=True, text=True,
            )  # fmt: skip
            applied = [line for line in out.stdout.splitlines() if "Applying" in line]
            if applied:
                print("\n".join(applied), flush=True)
                # A migration may mark every day stale (stats 0002): build the day figures first.
                subprocess.run([sys.executable, "-c", _CUBE], env=env, cwd=REPO, check=True)
                subprocess.run([sys.executable, "-c", _ANALYZE], env=env, cwd=REPO, check=True)
                meta["migrated_seconds"] = round(time.perf_counter() - started, 1)
            return dict(meta)
        raise SystemExit(f"{marker} holds scale {meta.get('scale')} seed {meta.get('seed')}: use another --pg-dir")
    counts = workdir / "counts.json"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(REPO / "bench/province/generate.py"), "--scale", str(scale), "--seed", str(seed),
         "--workdir", str(workdir / "tsv"), "--json", str(counts)],
        env=env, cwd=REPO, check=True,
    )  # fmt: skip
    meta = {"scale": scale, "seed": seed, "counts": json.loads(counts.read_text()),
            "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip
    if marker is not None:
        marker.write_text(json.dumps(meta))
    return meta


_MIGRATE = "import django; django.setup(); from django.core.management import call_command; call_command('migrate')"
_CUBE = "import django; django.setup(); from anjian.stats import cube; cube.rebuild()"
_ANALYZE = (
    "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
    "c.execute('VACUUM ANALYZE')"
)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "anjian.settings"
    os.environ["ANJIAN_TESTING"] = "1"  # plain static storage for the dashboard page; nothing else changes
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.pop("DEBUG", None)
    var = Path(tempfile.gettempdir()) / "anjian-stats-province-var"
    (var / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: WhiteNoise warns when it is missing
    os.environ["ANJIAN_VAR_DIR"] = str(var)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def scopes_to_measure() -> list[tuple[str, str]]:
    """(label, region code): three counties, the largest city, the province."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT SUBSTR(region_code, 1, 6) AS c, COUNT(*) FROM units_unit GROUP BY c ORDER BY 2 DESC, 1")
        counties = cur.fetchall()
        cur.execute("SELECT SUBSTR(region_code, 1, 4) AS c, COUNT(*) FROM units_unit GROUP BY c ORDER BY 2 DESC, 1")
        cities = cur.fetchall()
        cur.execute("SELECT code, name FROM regions_division WHERE code LIKE '43%%' AND level <= 3")
        names = {code.rstrip("0") if len(code.rstrip("0")) >= 4 else code[:4]: name for code, name in cur.fetchall()}
    names.update({"43": "湖南省"})

    def name(code: str) -> str:
        return names.get(code, code)

    big, median = counties[0][0], counties[len(counties) // 2][0]
    out = [(f"最大县 {name(big)} ({counts(counties, big)} 家单位)", big),
           (f"中位县 {name(median)} ({counts(counties, median)} 家)", median)]  # fmt: skip
    if PINGJIANG not in (big, median):
        out.append((f"平江县 ({counts(counties, PINGJIANG)} 家)", PINGJIANG))
    out.append((f"最大市 {name(cities[0][0])} ({cities[0][1]:,} 家)", cities[0][0]))
    out.append((f"全省 湖南省 ({sum(n for _, n in counties):,} 家)", "43"))
    return out


def counts(rows: list[tuple[str, int]], code: str) -> str:
    return f"{dict(rows).get(code, 0):,}"


# --- PostgreSQL ----------------------------------------------------------------------------------


def measure_pg(regions: list[tuple[str, str]], runs: int) -> list[dict[str, Any]]:
    from anjian.stats.compute import compute, with_yoy
    from anjian.stats.scope import build_scope

    rows: list[dict[str, Any]] = []
    for label, region in regions:
        for period, d0, d1 in PERIODS:
            s = build_scope(region=region, date_from=d0, date_to=d1)
            samples, values = timed(functools.partial(compute, s), runs)
            yoy_samples, _ = timed(functools.partial(with_yoy, s), runs)
            rows.append({
                "scope": label, "region": region, "period": period, "from": d0.isoformat(), "to": d1.isoformat(),
                "as_of": s.as_of.isoformat(), "compute": stats(samples), "with_yoy": stats(yoy_samples),
                "values": jsonable(values),
            })  # fmt: skip
            r = rows[-1]
            print(f"  {label:<28} {period:<14} compute {r['compute']['median']:>8.1f} / {r['compute']['p95']:>8.1f}"
                  f"   with_yoy {r['with_yoy']['median']:>8.1f} / {r['with_yoy']['p95']:>8.1f} ms", flush=True)
    return rows


def explain(region: str, d0: dt.date, d1: dt.date) -> None:
    """Each of compute()'s queries with its time, and EXPLAIN ANALYZE of the slowest three."""
    from django.db import connection

    from anjian.stats.compute import compute
    from anjian.stats.scope import build_scope

    s = build_scope(region=region, date_from=d0, date_to=d1)
    compute(s)
    seen: list[tuple[float, str, Any]] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append(((time.perf_counter() - started) * 1000, sql, params))

    with connection.execute_wrapper(wrapper):
        compute(s)
    print(f"\ncompute() for {region} {d0}…{d1}: {len(seen)} queries, {sum(ms for ms, _, _ in seen):.0f} ms")
    for ms, sql, _ in seen:
        table = sql.split(" FROM ", 1)[1].split()[0] if " FROM " in sql else "?"
        print(f"  {ms:8.1f} ms  {table}")
    with connection.cursor() as cur:
        for ms, sql, params in sorted(seen, key=lambda x: -x[0])[:3]:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print(f"\n-- {ms:.1f} ms\n{sql}\n" + "\n".join(r[0] for r in cur.fetchall()))


def dashboard(regions: list[tuple[str, str]], runs: int) -> dict[str, Any]:
    """GET /stats/ if the view exists; otherwise what the dashboard computes."""
    from django.urls import Resolver404, resolve

    from anjian.stats.scope import build_scope

    out: dict[str, Any] = {}
    try:
        resolve("/stats/")
        has_view = True
    except Resolver404:
        has_view = False
    d0, d1 = PERIODS[2][1], PERIODS[2][2]
    for label, region in regions:
        if has_view:
            client = _client_for(region)
            url = f"/stats/?region={region}&from={d0}&to={d1}"

            def get(client: Any = client, url: str = url) -> int:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"GET {url}: {response.status_code}")
                return len(response.content)

            samples, size = timed(get, runs)
            out[label] = {"what": f"GET {url}", "bytes": size, **stats(samples)}
        else:
            s = build_scope(region=region, date_from=d0, date_to=d1)
            samples, _ = timed(functools.partial(_dashboard_figures, s), runs)
            out[label] = {"what": "with_yoy + compute_by(township)（/stats/ 视图尚不存在）", **stats(samples)}
        print(f"  dashboard {label:<28} {out[label]['median']:>8.1f} / {out[label]['p95']:>8.1f} ms", flush=True)
    return out


def _dashboard_figures(s: Any) -> Any:
    from anjian.stats.compute import with_yoy
    from anjian.stats.grouped import compute_by

    return with_yoy(s), compute_by(s, "township", totals=False)


def _client_for(region: str) -> Any:
    """A logged-in test client whose user's jurisdiction is the region (county admin, or a leader above)."""
    from django.test import Client

    from anjian.accounts.models import Organization, OrgKind, User
    from anjian.accounts.roles import Role

    code = region.ljust(12, "0")
    office = Organization.objects.filter(kind=OrgKind.COUNTY_OFFICE, region_code=code).first()
    if office is None:
        office, _ = Organization.objects.get_or_create(
            region_code=code, name=f"压测{region}安委办", defaults={"kind": OrgKind.COUNTY_OFFICE}
        )
    user, _ = User.objects.get_or_create(
        username=f"bench_stats_{region}", defaults={"role": Role.COUNTY_ADMIN, "org": office, "full_name": "压测"}
    )
    client = Client()
    client.force_login(user)
    return client


# --- DuckDB --------------------------------------------------------------------------------------


def measure_duckdb(rows: list[dict[str, Any]], parquet: Path, runs: int, memory: bool) -> list[str]:
    from province import duck

    d = duck.Duck(parquet, memory=memory)
    problems = []
    key = "duckdb_memory" if memory else "duckdb"
    for r in rows:
        d0, d1, as_of = (dt.date.fromisoformat(r[k]) for k in ("from", "to", "as_of"))
        from anjian.stats.scope import region_prefix

        prefix = region_prefix(r["region"])
        now = (prefix, d0, d1, as_of)
        # One year earlier, as Scope.previous_year (29 February → 28 February).
        prev = (prefix, *(x.replace(year=x.year - 1, day=min(x.day, 28) if x.month == 2 else x.day)
                          for x in (d0, d1, as_of)))
        samples, values = timed(functools.partial(d.compute, *now), runs)
        yoy_samples, _ = timed(functools.partial(_both, d, now, prev), runs)
        r[key] = stats(samples)
        r[key + "_yoy"] = stats(yoy_samples)
        diff = duck.differences(_typed(r["values"]), values)
        if diff and not memory:
            problems.append(f"{r['scope']} {r['period']}: " + "; ".join(diff))
        print(f"  {'DuckDB' + (' (memory)' if memory else '')} {r['scope']:<24} {r['period']:<14} "
              f"{r[key]['median']:>7.1f} / {r[key]['p95']:>7.1f} ms  ratio "
              f"{r['compute']['median'] / max(r[key]['median'], 0.01):.1f}"
              f"{'  MISMATCH ' + str(len(diff)) if diff else '  same figures'}", flush=True)  # fmt: skip
    d.close()
    return problems


def _both(d: Any, now: tuple[Any, ...], prev: tuple[Any, ...]) -> Any:
    return d.compute(*now), d.compute(*prev)


def _typed(values: dict[str, Any]) -> dict[str, Any]:
    from anjian.stats import indicators as ind

    return {k: Decimal(v) if ind.BY_CODE[k].kind == ind.MONEY_KIND else v for k, v in values.items()}


# --- SQLite: one county --------------------------------------------------------------------------

# (table, WHERE with %(c)s = the county prefix LIKE pattern, %(city)s = the city's); parents first.
SLICE: list[tuple[str, str]] = [
    ("regions_division", "code LIKE '43%%'"),
    ("units_sector", "true"),
    ("accounts_organization", "region_code LIKE %(c)s"),
    ("accounts_organization_sectors",
     "organization_id IN (SELECT id FROM accounts_organization WHERE region_code LIKE %(c)s)"),
    ("accounts_user", "username = 'bench_province'"),
    ("campaigns_campaign", "true"),
    ("campaigns_task", "region_code LIKE %(c)s"),
    ("inspections_person", "region_code LIKE %(c)s OR (region_code LIKE %(city)s AND org_id IS NULL)"),
    ("inspections_inspectiongroup", "region_code LIKE %(c)s"),
    ("inspections_inspectiongroup_members",
     "inspectiongroup_id IN (SELECT id FROM inspections_inspectiongroup WHERE region_code LIKE %(c)s)"),
    ("units_unit", "region_code LIKE %(c)s"),
    ("inspections_inspection", "region_code LIKE %(c)s"),
    ("inspections_inspection_officials",
     "inspection_id IN (SELECT id FROM inspections_inspection WHERE region_code LIKE %(c)s)"),
    ("inspections_inspection_experts",
     "inspection_id IN (SELECT id FROM inspections_inspection WHERE region_code LIKE %(c)s)"),
    ("hazards_hazard", "region_code LIKE %(c)s"),
    ("hazards_supervision", "hazard_id IN (SELECT id FROM hazards_hazard WHERE region_code LIKE %(c)s)"),
    ("enforcement_enforcementaction", "region_code LIKE %(c)s"),
    ("enforcement_document", "region_code LIKE %(c)s"),
    ("enforcement_interview",
     "id IN (SELECT x.interview_id FROM enforcement_interview_units x JOIN units_unit u ON u.id = x.unit_id "
     "WHERE u.region_code LIKE %(c)s)"),
    ("enforcement_interview_units", "unit_id IN (SELECT id FROM units_unit WHERE region_code LIKE %(c)s)"),
    ("accidents_accident",
     "region_code LIKE %(c)s OR unit_id IN (SELECT id FROM units_unit WHERE region_code LIKE %(c)s)"),
    ("outreach_activity", "region_code LIKE %(c)s"),
]  # fmt: skip


def sqlite_slice(args: argparse.Namespace) -> int:
    """Child process: copy one county from PostgreSQL into a migrated SQLite file and time compute() there."""
    import dj_database_url
    import psycopg

    workdir = Path(args.sqlite_slice)
    db = workdir / "county.sqlite3"
    setup_django(f"sqlite:///{db}")
    from django.core.management import call_command
    from django.db import connection, transaction

    from anjian.stats.compute import compute, with_yoy
    from anjian.stats.scope import build_scope

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    pg = dj_database_url.parse(args.source)
    src = psycopg.connect(
        host=pg["HOST"], port=pg["PORT"] or None, user=pg["USER"], password=pg["PASSWORD"] or None, dbname=pg["NAME"]
    )
    county = args.county
    copied = {}
    with transaction.atomic(), connection.cursor() as dst:
        dst.execute("DELETE FROM units_sector")
        for table, where in SLICE:
            with src.cursor() as cur:
                sql = f"SELECT * FROM {table} WHERE {where}"  # noqa: S608 (this module's own tables)
                cur.execute(sql, {"c": f"{county}%", "city": f"{county[:4]}%"})
                cols = [d.name for d in cur.description or []]
                data = cur.fetchall()
            marks = ", ".join(["%s"] * len(cols))
            names = ", ".join(f'"{c}"' for c in cols)
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608
            dst.executemany(insert, [_sqlite(r) for r in data])
            copied[table] = len(data)
    src.close()
    # The day rows of the county (stats/cube.py), as `anjian stats-cube rebuild` after a load.
    from anjian.stats import cube

    cube_started = time.perf_counter()
    cube_rows = cube.rebuild()
    cube_s = time.perf_counter() - cube_started
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    built = time.perf_counter() - started
    expected = json.loads(Path(args.expect).read_text())
    results = []
    for period, d0, d1 in PERIODS:
        s = build_scope(region=county, date_from=d0, date_to=d1)
        samples, values = timed(functools.partial(compute, s), args.runs)
        yoy_samples, _ = timed(functools.partial(with_yoy, s), args.runs)
        want = expected.get(period)
        same = want is None or jsonable(values) == want
        results.append({"period": period, "compute": stats(samples), "with_yoy": stats(yoy_samples), "same": same,
                        "diff": [] if same else [k for k in want if jsonable(values).get(k) != want[k]]})  # fmt: skip
    out = {"county": county, "rows": copied, "file_mb": round(db.stat().st_size / 2**20, 1),
           "migrate_s": round(migrated, 1), "build_s": round(built, 1), "cube_rows": cube_rows,
           "cube_s": round(cube_s, 1), "results": results,
           "peak_rss_mb": round(peak_rss_mb())}  # fmt: skip
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False))
    return 0


def _sqlite(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # psycopg returns dicts for JSON columns; Django's SQLite backend stores JSON as text, and an
    # aware timestamp as naive UTC text.
    def value(v: Any) -> Any:
        if isinstance(v, dict | list):
            return json.dumps(v)
        if isinstance(v, dt.datetime) and v.tzinfo is not None:
            return str(v.astimezone(dt.UTC).replace(tzinfo=None))
        return v

    return tuple(value(v) for v in row)


def measure_sqlite(url: str, county: str, rows: list[dict[str, Any]], runs: int, workdir: Path) -> dict[str, Any]:
    expect = workdir / "expect.json"
    expect.write_text(json.dumps({r["period"]: r["values"] for r in rows if r["region"] == county}))
    out = workdir / "sqlite.json"
    sl = workdir / "sqlite"
    if sl.exists():
        shutil.rmtree(sl)
    sl.mkdir()
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, __file__, "--sqlite-slice", str(sl), "--source", url, "--county", county, "--expect",
         str(expect), "--out", str(out), "--runs", str(runs)],
        env=env, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.read_text())
    for r in result["results"]:
        print(f"  SQLite {county} {r['period']:<14} compute {r['compute']['median']:>7.1f} / "
              f"{r['compute']['p95']:>7.1f}"
              f"  with_yoy {r['with_yoy']['median']:>7.1f} / {r['with_yoy']['p95']:>7.1f} ms"
              f"  {'same figures as PostgreSQL' if r['same'] else 'DIFFERENT: ' + ', '.join(r['diff'])}", flush=True)
    return result


# --- main ----------------------------------------------------------------------------------------


@contextlib.contextmanager
def database(args: argparse.Namespace, workdir: Path) -> Iterator[tuple[str, Path | None]]:
    if args.pg_dsn:
        yield args.pg_dsn, None
        return
    if args.pg_dir:
        with cluster.running(args.pg_dir) as (url, _created):
            yield url, args.pg_dir
        return
    # A directory of its own in the temp dir, not under ``workdir``: the postgres user (when we are
    # root) must be able to reach it, and ``workdir`` is private.
    pg_dir = Path(tempfile.mkdtemp(prefix="anjian-stats-province-pg-"))
    try:
        with cluster.running(pg_dir) as (url, _created):
            yield url, pg_dir
    finally:
        shutil.rmtree(pg_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.02, help="1.0 = the issue's size (default 0.02)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case, after one warm-up (default 5)")
    parser.add_argument("--pg-dir", type=Path, help="the cluster's directory, kept and reused (default: temporary)")
    parser.add_argument("--pg-dsn", help="an existing PostgreSQL DATABASE_URL instead of our own cluster")
    parser.add_argument("--no-duckdb", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--duckdb-memory", action="store_true", help="also time DuckDB on tables loaded in memory")
    parser.add_argument("--explain", nargs="?", const="43", metavar="REGION",
                        help="per-query times and plans for REGION (default the province), 3 years")
    parser.add_argument("--json", type=Path, help="write every result here")
    parser.add_argument("--only-dashboard", action="store_true", help="time the dashboard only")
    parser.add_argument("--only-sqlite", action="store_true",
                        help="time the two SQLite counties only (and PostgreSQL for those two, for their figures)")
    # The SQLite child process.
    parser.add_argument("--sqlite-slice", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--county", help=argparse.SUPPRESS)
    parser.add_argument("--expect", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sqlite_slice:
        return sqlite_slice(args)

    info = machine()
    info["load average before"] = load()
    print("machine: " + "; ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    report: dict[str, Any] = {"machine": info, "scale": args.scale, "runs": args.runs}
    with tempfile.TemporaryDirectory(prefix="anjian-stats-province-") as tmp:
        workdir = Path(tmp)
        with database(args, workdir) as (url, pg_dir):
            marker = pg_dir / "generated.json" if pg_dir else None
            report["data"] = ensure_data(url, workdir, args.scale, args.seed, marker)
            setup_django(url)
            from django.db import connection

            with connection.cursor() as cur:
                cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
                report["database_size"] = cur.fetchone()[0]
                cur.execute("SHOW work_mem")
                report["work_mem"] = cur.fetchone()[0]
            print(f"data: {report['data']['counts']}; database {report['database_size']}; DATABASE_URL={url}")
            regions = scopes_to_measure()
            if args.explain:
                explain(args.explain, PERIODS[3][1], PERIODS[3][2])
            dashboard_regions = [r for r in regions if r[1] in (regions[0][1], "43")]
            if args.only_dashboard:
                regions, args.no_duckdb, args.no_sqlite = [], True, True
            if args.only_sqlite:
                regions, dashboard_regions, args.no_duckdb = regions[:2], [], True
            print(f"\nPostgreSQL: compute / with_yoy, median / p95 ms ({args.runs} runs after a warm-up)", flush=True)
            rows = measure_pg(regions, args.runs)
            report["pg"] = rows
            report["peak_rss_mb_pg"] = round(peak_rss_mb())
            print("\ndashboard (year 2025)", flush=True)
            report["dashboard"] = dashboard(dashboard_regions, args.runs)
            if not args.no_duckdb:
                from province import duck

                parquet = (pg_dir or workdir) / "parquet"
                stamp = parquet / "exported.json"
                if not stamp.exists() or json.loads(stamp.read_text()) != report["data"]["counts"]:
                    print(f"\nexporting to Parquet ({parquet})", flush=True)
                    if parquet.exists():
                        shutil.rmtree(parquet)
                    duck.export(parquet)
                    stamp.write_text(json.dumps(report["data"]["counts"]))
                report["parquet_mb"] = round(sum(p.stat().st_size for p in parquet.glob("*.parquet")) / 2**20, 1)
                print(f"\nDuckDB over Parquet ({report['parquet_mb']} MB): median / p95 ms, ratio = ours / DuckDB",
                      flush=True)  # fmt: skip
                report["mismatches"] = measure_duckdb(rows, parquet, args.runs, memory=False)
                if args.duckdb_memory:
                    measure_duckdb(rows, parquet, args.runs, memory=True)
                report["peak_rss_mb_with_duckdb"] = round(peak_rss_mb())
            if not args.no_sqlite:
                report["sqlite"] = []
                for label, county in regions[:2]:
                    print(f"\nSQLite: the rows of {label}", flush=True)
                    report["sqlite"].append(measure_sqlite(url, county, rows, args.runs, workdir))
            connection.close()
    report["load average after"] = load()
    summarise(report)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return 1 if report.get("mismatches") else 0


def summarise(report: dict[str, Any]) -> None:
    rows = report["pg"]
    if not rows:
        for label, d in report.get("dashboard", {}).items():
            print(f"dashboard {label}: {d['median']} / {d['p95']} ms ({d['what']})")
        return
    print(f"\n== summary (scale {report['scale']}, load average {report['machine']['load average before']} before, "
          f"{report['load average after']} after)")  # fmt: skip
    print("| scope | period | compute median | p95 | with_yoy median | p95 | DuckDB median | ours / DuckDB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        dk = r.get("duckdb", {}).get("median")
        ratio = f"{r['compute']['median'] / dk:.1f}×" if dk else "–"
        print(f"| {r['scope']} | {r['period']} | {r['compute']['median']:.1f} | {r['compute']['p95']:.1f} | "
              f"{r['with_yoy']['median']:.1f} | {r['with_yoy']['p95']:.1f} | {dk if dk is not None else '–'} | "
              f"{ratio} |")
    worst = max(rows, key=lambda r: r["compute"]["median"])
    met = all(r["compute"]["median"] <= TARGET_MEDIAN_MS and r["compute"]["p95"] <= TARGET_P95_MS for r in rows)
    print(f"compute() target (median ≤ {TARGET_MEDIAN_MS:.0f}, p95 ≤ {TARGET_P95_MS:.0f} ms): "
          f"{'met' if met else 'NOT met'}; worst median {worst['compute']['median']} ms "
          f"({worst['scope']}, {worst['period']})")
    for label, d in report.get("dashboard", {}).items():
        print(f"dashboard {label}: {d['median']} / {d['p95']} ms ({d['what']}) — target ≤ {TARGET_PAGE_MS:.0f} ms")
    for sl in report.get("sqlite", []):
        worst_sqlite = max(r["compute"]["median"] for r in sl["results"])
        same = all(r["same"] for r in sl["results"])
        print(f"SQLite county {sl['county']} ({sl['file_mb']} MB): worst compute median {worst_sqlite} ms — "
              f"target ≤ {TARGET_SQLITE_MS:.0f} ms; figures {'equal' if same else 'DIFFER'}")
    print(f"peak RSS: {report.get('peak_rss_mb_pg')} MB after PostgreSQL, "
          f"{report.get('peak_rss_mb_with_duckdb')} MB with DuckDB")
    if report.get("mismatches"):
        print("MISMATCHES between DuckDB and compute():\n  " + "\n  ".join(report["mismatches"]))
    elif "mismatches" in report:
        print("DuckDB and compute() agree on every indicator of every scope.")


if __name__ == "__main__":
    sys.exit(main())

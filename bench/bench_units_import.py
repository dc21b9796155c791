"""Benchmark: import 100,000 units from .xlsx on SQLite (issue 2, item 13).

    .venv/bin/python bench/bench_units_import.py [--rows 100000] [--keep DIR] [--tracemalloc]

Builds a throwaway SQLite database under a temporary directory (migrated like production,
then 平江县 with its 25 townships, 4 grids each, the standard departments and one county
administrator), writes a deterministic .xlsx of N valid units in a child process (so its
memory is not counted), then runs exactly what a user runs, ``anjian import units FILE``
(``call_command("import_ledger", …)``), and times:

* the import of N new units (the target: ≤ 30 s and ≤ 500 MB peak memory);
* re-importing the same file (every row unchanged: nothing written);
* a dry run of the same file.

Peak memory is the process's peak RSS (``ru_maxrss``: the interpreter, Django, the migrated
schema and the import together); ``--tracemalloc`` adds the Python-heap peak of the import
alone (slower, so its times are not the reported ones). Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import platform
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0
TARGET_MB = 500.0
sys.path.insert(0, str(REPO))

from bench.ledger_data import GRIDS_PER_TOWNSHIP, PINGJIANG_TOWNSHIPS, grid_name, write_units_xlsx  # noqa: E402

# Departments and the sectors they answer for (管行业必须管安全), by sector code.
DEPARTMENTS = {
    "应急管理局": ["non_coal_mine", "hazardous_chemicals", "fireworks", "metallurgy", "industry_trade",
              "civil_explosives"],
    "住房和城乡建设局": ["construction", "gas"],
    "交通运输局": ["road_transport", "waterway"],
    "市场监督管理局": ["food", "special_equipment"],
    "商务局": ["commerce"],
    "文化旅游广电体育局": ["culture_tourism"],
    "教育局": ["education"],
    "卫生健康局": ["medical"],
    "民政局": ["elderly_care"],
    "农业农村局": ["agriculture"],
    "自然资源局": ["natural_resources"],
    "消防救援大队": ["fire"],
}  # fmt: skip


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def setup_django(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["ANJIAN_VAR_DIR"] = str(workdir)  # secret key and job queue stay out of ./var
    os.environ["DJANGO_SETTINGS_MODULE"] = "anjian.settings"
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()


def build_county() -> str:
    """平江县 with townships, grids, departments and a county administrator; returns the username."""
    from django.core.management import call_command

    from anjian.accounts.models import Organization, OrgKind, User
    from anjian.accounts.roles import Role
    from anjian.regions.models import Division, Grid, Level
    from anjian.units.models import Sector

    call_command("migrate", verbosity=0)
    hunan = Division.objects.create(code="430000000000", name="湖南省", level=Level.PROVINCE)
    yueyang = Division.objects.create(code="430600000000", name="岳阳市", level=Level.CITY, parent=hunan)
    county = Division.objects.create(code="430626000000", name="平江县", level=Level.COUNTY, parent=yueyang)
    townships = Division.objects.bulk_create(
        Division(code=code.ljust(12, "0"), name=name, level=Level.TOWNSHIP, parent=county)
        for code, name in PINGJIANG_TOWNSHIPS
    )
    Grid.objects.bulk_create(
        Grid(township=t, name=grid_name(t.name, n), region_code=t.code)
        for t in townships
        for n in range(1, GRIDS_PER_TOWNSHIP + 1)
    )
    office = Organization.objects.create(kind=OrgKind.COUNTY_OFFICE, name="平江县安委办", region_code=county.code)
    sectors = {s.code: s for s in Sector.objects.all()}
    for name, codes in DEPARTMENTS.items():
        dept = Organization.objects.create(kind=OrgKind.DEPARTMENT, name=name, region_code=county.code)
        dept.sectors.set([sectors[c] for c in codes if c in sectors])
    User.objects.create(username="bench_admin", full_name="县管理员", role=Role.COUNTY_ADMIN, org=office)
    return "bench_admin"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_import(path: Path, username: str, *extra: str) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, the command's output) of ``anjian import units FILE``."""
    from django.core.management import call_command

    out = io.StringIO()
    start, cpu = time.perf_counter(), cpu_seconds()
    call_command("import_ledger", "units", str(path), "--user", username, *extra, stdout=out, stderr=out)
    return time.perf_counter() - start, cpu_seconds() - cpu, out.getvalue().strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temporary one)")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure the Python-heap peak (slower)")
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="anjian-bench-import-"))
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "bench.sqlite3").unlink(missing_ok=True)
    xlsx = workdir / f"units-{args.rows}.xlsx"

    start = time.perf_counter()
    # A child process writes the file, so the generator's memory never counts as the import's.
    child = multiprocessing.get_context("fork").Process(target=write_units_xlsx, args=(xlsx, args.rows))
    child.start()
    child.join()
    if child.exitcode != 0:
        print("generating the file failed", file=sys.stderr)
        return 1
    generated = time.perf_counter() - start

    setup_django(workdir)
    username = build_county()
    from anjian.core.models import AuditEntry
    from anjian.units.models import Unit

    base_rss = rss_mb()
    load = os.getloadavg()
    if args.tracemalloc:
        tracemalloc.start()
    seconds, cpu, output = timed_import(xlsx, username)
    heap_peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    tracemalloc.stop()
    peak_rss = rss_mb()
    units = Unit.objects.count()
    audits = AuditEntry.objects.filter(action="unit.create").count()
    again, again_cpu, again_output = timed_import(xlsx, username)
    dry, dry_cpu, dry_output = timed_import(xlsx, username, "--dry-run")

    processor = platform.processor() or platform.machine()
    print(
        f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({processor}), "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
    print(
        f"file: {xlsx.name}, {args.rows} rows × 16 columns, {xlsx.stat().st_size / 2**20:.1f} MB "
        f"(generated in {generated:.1f} s)"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load)} (other work on the machine slows the wall time)")
    print(f"import:    {seconds:6.1f} s wall, {cpu:5.1f} s CPU  ({args.rows / seconds:,.0f} rows/s)  {output}")
    print(f"re-import: {again:6.1f} s wall, {again_cpu:5.1f} s CPU  {again_output}")
    print(f"dry run:   {dry:6.1f} s wall, {dry_cpu:5.1f} s CPU  {dry_output}")
    print(f"units in database: {units}, unit.create audit entries: {audits}")
    print(
        f"peak RSS: {peak_rss:.0f} MB during the import (before it: {base_rss:.0f} MB; "
        f"after re-import and dry run: {rss_mb():.0f} MB)"
    )
    if heap_peak is not None:
        print(f"tracemalloc peak (Python heap, import only): {heap_peak:.0f} MB")
    ok = seconds <= TARGET_SECONDS and peak_rss <= TARGET_MB and units == args.rows
    if args.tracemalloc:
        # tracemalloc slows every allocation and keeps its own records: no verdict on its numbers.
        print("target: not judged in a --tracemalloc run (run without it for time and RSS)")
        ok = units == args.rows
    else:
        print(f"target ≤ {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB:.0f} MB: {'met' if ok else 'NOT met'}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

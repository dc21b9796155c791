"""The benchmark's own PostgreSQL cluster: a data directory that may outlive the run.

Listens on a Unix socket in the directory only (no TCP), as ``.ci/run`` and
``bench/bench_hazard_api.py`` do; run as the ``postgres`` user when we are root. The settings are
those docs/performance.md recommends for a statistics-serving database (``SETTINGS``) plus
``fsync=off``: the benchmark only reads, and the cluster holds nothing worth keeping through an
OS crash (re-generate it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

# Deployment advice for a database that serves the statistics (docs/performance.md, issue 5).
SETTINGS = {
    "shared_buffers": "2GB",
    "effective_cache_size": "8GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "1GB",
    "max_parallel_workers_per_gather": "2",
    "random_page_cost": "1.1",
    # Measured: no difference either way for compute() (docs/performance.md, issue 5); off is the
    # predictable choice for short analytic queries.
    "jit": "off",
}


def bindir() -> Path:
    dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not dirs or not (dirs[-1] / "initdb").exists():
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql); or pass --pg-dsn")
    return dirs[-1]


def _prefix(path: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    subprocess.run(["id", "-u", "postgres"], check=True, capture_output=True)
    shutil.chown(path, "postgres")
    return ["runuser", "-u", "postgres", "--"]


def _as_pg(path: Path, *args: str) -> None:
    subprocess.run([*_prefix(path), *args], check=True, cwd=path, capture_output=True, text=True)


def dsn(path: Path) -> str:
    """The DATABASE_URL of the cluster in ``path`` (dj-database-url reads %2F as a socket directory)."""
    return f"postgres://anjian@{str(path).replace('/', '%2F')}/anjian"


def libpq_dsn(path: Path) -> str:
    return f"host={path} user=anjian dbname=anjian"


@contextlib.contextmanager
def running(path: Path, settings: dict[str, str] | None = None) -> Iterator[tuple[str, bool]]:
    """Start the cluster in ``path`` (initdb first if there is none); yields (DATABASE_URL, created).

    The server is stopped when the block ends; the data directory stays.
    """
    path.mkdir(parents=True, exist_ok=True)
    data = path / "data"
    created = not (data / "PG_VERSION").exists()
    pg = bindir()
    if created:
        _as_pg(
            path, str(pg / "initdb"), "-D", str(data), "-U", "anjian", "--auth=trust", "--encoding=UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
    options = [
        "-c listen_addresses=''", f"-c unix_socket_directories='{path}'", "-c max_connections=20",
        "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
    ]  # fmt: skip
    options += [f"-c {k}={v}" for k, v in (settings if settings is not None else SETTINGS).items()]
    try:
        _as_pg(path, str(pg / "pg_ctl"), "-D", str(data), "-l", str(path / "server.log"), "-w", "-o",
               " ".join(options), "start")  # fmt: skip
    except subprocess.CalledProcessError:
        print((path / "server.log").read_text()[-3000:], file=sys.stderr)
        raise
    try:
        if created:
            subprocess.run([str(pg / "createdb"), "-h", str(path), "-U", "anjian", "anjian"], check=True)
        yield dsn(path), created
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            _as_pg(path, str(pg / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")


def version() -> str:
    try:
        out = subprocess.run([str(bindir() / "postgres"), "--version"], capture_output=True, text=True)
    except SystemExit:
        return ""
    return out.stdout.strip()

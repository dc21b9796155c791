"""Benchmark: hazard reports through the API under 200 concurrent clients (issue 3, item 11).

    .venv/bin/python bench/bench_hazard_api.py [--db postgres|sqlite] [--database-url URL]
        [--clients 200] [--warmup 5] [--duration 30] [--workers 2] [--threads 4]
        [--pool | --no-pool] [--no-fsync] [--units 1000] [--profile] [--keep]

Target (issue 3): ≥ 300 reports/s with p99 ≤ 200 ms and zero errors, on PostgreSQL with the
production server, on this 2-core machine. Every request goes to 127.0.0.1 only, and the run
is bounded (warm-up + duration, each request with a timeout).

1. The database: by default a throwaway PostgreSQL cluster started here, in a temp dir, as
   the ``postgres`` user, listening on a Unix socket only (like .ci/run), with PostgreSQL's
   durable defaults (fsync and synchronous_commit on; ``--no-fsync`` for CI's settings).
   ``--database-url`` (or ``DATABASE_URL`` in the environment) uses an existing, empty
   database instead; ``--db sqlite`` a throwaway SQLite file (WAL, as production).
2. ``anjian migrate``, then ``bench/hazard_seed.py``: 平江县, 100 grids, N units, one user per
   client with an API token (half grid workers, half unit safety officers).
3. The production server, ``anjian serve --no-jobs`` (granian, worker processes with threads), with
   ``ANJIAN_DB_POOL=1`` unless ``--no-pool`` (PostgreSQL only; needs psycopg-pool).
4. ``bench/hazard_load.py``: the clients POST ``/api/v1/hazards`` in a closed loop, or paced at
   ``--rate`` reports/s in all (latency counted from each report's scheduled time).
5. Afterwards: hazards in the database = 201 answers, ``anjian audit verify`` passes; peak
   RSS of the server's processes (sampled every 0.25 s), CPU seconds of server, database and
   clients. ``--profile`` also samples the workers with py-spy and tells where time goes.

Not a test: run it by hand or with bench/run. Every process and cluster it starts, it stops.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter as Tally
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PYTHON = REPO / ".venv" / "bin" / "python"
ANJIAN = REPO / ".venv" / "bin" / "anjian"
PY_SPY = REPO / ".venv" / "bin" / "py-spy"
TARGET_RATE = 300.0
TARGET_P99_MS = 200.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
# What a sampled stack is counted under, first match wins (frame text contains the key).
PROFILE_BUCKETS = [
    ("next_value (counter row lock)", "numbering.py"),
    ("events.append (hash chain)", "core/events.py"),
    ("audit.record", "core/audit.py"),
    ("idempotency lookup", "_idempotent"),
    ("token authentication", "tokens.py"),
    ("response: _detail / HazardDetailOut", "_detail"),
    ("validation (_validate_report)", "_validate_report"),
    ("request parsing (ninja/pydantic)", "ninja/signature"),
]


# --- processes ------------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    tree = _children()
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(tree.get(current, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return total


@dataclass
class Monitor:
    """Samples the server's total RSS (all its processes), the CPU of each component and, on
    PostgreSQL, what the server's database sessions are doing (pg_stat_activity)."""

    server_pid: int
    db_pid: int | None
    database_url: str = ""
    peak_rss: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    # (state, wait_event_type, wait_event) → samples, over the server's sessions
    sessions: Tally[str] = field(default_factory=Tally)
    pg_samples: int = 0

    def run(self) -> None:
        pg = self._pg()
        while not self.stop.is_set():
            self.peak_rss = max(self.peak_rss, rss_bytes(descendants(self.server_pid)))
            if pg is not None:
                with contextlib.suppress(Exception):
                    rows = pg.execute(
                        "SELECT state, coalesce(wait_event_type, ''), coalesce(wait_event, ''), count(*) "
                        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND backend_type = 'client backend' GROUP BY 1, 2, 3"
                    ).fetchall()
                    self.pg_samples += 1
                    for state, wtype, wevent, n in rows:
                        label = state if not wtype or state != "active" else f"active, waiting: {wtype}/{wevent}"
                        self.sessions[label] += n
            self.stop.wait(0.25)
        if pg is not None:
            pg.close()

    def _pg(self) -> Any:
        if not self.database_url.startswith("postgres"):
            return None
        try:
            import dj_database_url
            import psycopg

            cfg = dj_database_url.parse(self.database_url)
            return psycopg.connect(
                host=cfg["HOST"], port=cfg["PORT"] or None, user=cfg["USER"], password=cfg["PASSWORD"] or None,
                dbname=cfg["NAME"], autocommit=True,
            )  # fmt: skip
        except Exception as exc:  # the benchmark goes on without this detail
            print(f"pg_stat_activity sampling off: {exc}", file=sys.stderr)
            return None

    def cpu(self) -> dict[str, float]:
        out = {"server": cpu_seconds(descendants(self.server_pid))}
        if self.db_pid is not None:
            out["database"] = cpu_seconds(descendants(self.db_pid))
        return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(cmd: list[str], env: dict[str, str], **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, check=True, text=True, capture_output=True, **kw)


# --- PostgreSQL -----------------------------------------------------------------------------------


def pg_bindir() -> Path | None:
    dirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    return dirs[-1] if dirs and (dirs[-1] / "initdb").exists() else None


@contextlib.contextmanager
def postgres_cluster(workdir: Path, fsync: bool, max_connections: int) -> Iterator[tuple[str, int]]:
    """A throwaway cluster on a Unix socket in ``workdir``; yields (DATABASE_URL, postmaster pid)."""
    bindir = pg_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql), or use --db sqlite")
    pgdir = workdir / "pg"
    pgdir.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: the Debian package's postgres user runs it.
        subprocess.run(["id", "-u", "postgres"], check=True, capture_output=True)
        shutil.chown(workdir, "postgres")
        shutil.chown(pgdir, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]

    def as_pg(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, cwd=pgdir, capture_output=True, text=True)

    as_pg(
        str(bindir / "initdb"), "-D", str(pgdir / "data"), "-U", "anjian", "--auth=trust",
        "--encoding=UTF8", "--locale=C.UTF-8",
    )  # fmt: skip
    options = [
        "-c listen_addresses=''",
        f"-c unix_socket_directories='{pgdir}'",
        f"-c max_connections={max_connections}",
        "-c shared_buffers=256MB",
    ]
    if not fsync:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    try:
        as_pg(
            str(bindir / "pg_ctl"), "-D", str(pgdir / "data"), "-l", str(pgdir / "server.log"), "-w",
            "-o", " ".join(options), "start",
        )  # fmt: skip
    except subprocess.CalledProcessError:
        print((pgdir / "server.log").read_text(), file=sys.stderr)
        raise
    try:
        subprocess.run([str(bindir / "createdb"), "-h", str(pgdir), "-U", "anjian", "anjian"], check=True)
        pid = int((pgdir / "data" / "postmaster.pid").read_text().split()[0])
        yield f"postgres://anjian@{str(pgdir).replace('/', '%2F')}/anjian", pid
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            as_pg(str(bindir / "pg_ctl"), "-D", str(pgdir / "data"), "-m", "fast", "-w", "stop")


# --- the server -----------------------------------------------------------------------------------


@contextlib.contextmanager
def server(env: dict[str, str], port: int, workers: int, threads: int, log: Path) -> Iterator[int]:
    """``anjian serve`` on 127.0.0.1:port until the block ends; yields its pid."""
    cmd = [
        str(ANJIAN), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--threads", str(threads), "--no-jobs",
    ]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/hazards", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # 401: up and answering
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("server did not start within 60 s") from None
                time.sleep(0.2)
        yield proc.pid
    finally:
        # Our own process group only (start_new_session): SIGTERM is the server's graceful stop.
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=45)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


# --- profiling --------------------------------------------------------------------------------------


def summarise_profile(raw: Path) -> list[tuple[str, float]]:
    """Share of sampled worker time (excluding idle waits) under each bucket, from py-spy's raw output."""
    totals: Tally[str] = Tally()
    busy = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not count_text.isdigit():
            continue
        count = int(count_text)
        # Idle worker threads waiting for a request or for the GIL-free accept loop.
        if "wait (threading.py" in stack or "select (selectors.py" in stack or "_run_once" in stack:
            continue
        busy += count
        for label, key in PROFILE_BUCKETS:
            if key in stack:
                totals[label] += count
        for label, key in (
            ("… of which: database calls (psycopg/sqlite execute)", "execute ("),
            ("… of which: waiting for a pooled connection", "getconn"),
            ("… of which: commit", "commit ("),
            ("… of which: JSON encoding/decoding", "json/"),
        ):
            if key in stack:
                totals[label] += count
    return [(label, 100.0 * n / busy) for label, n in totals.most_common()] + [("busy samples", float(busy))]


# --- main -------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    bindir = pg_bindir()
    pg = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{os.sysconf('SC_PHYS_PAGES') * PAGE / 2**30:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": pg if bindir else "",
        "sqlite": sqlite3.sqlite_version,
        "load average before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def bench(args: argparse.Namespace, workdir: Path, database_url: str, db_pid: int | None) -> dict[str, Any]:
    postgres = database_url.startswith("postgres")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ANJIAN_VAR_DIR": str(workdir / "var"),
        "SECRET_KEY": "bench-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "anjian.settings",
        "LOG_LEVEL": "WARNING",
        "ANJIAN_DB_POOL": "1" if (args.pool and postgres) else "0",
    }
    (workdir / "var" / "static").mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    run([str(ANJIAN), "migrate", "--noinput", "-v", "0"], env)
    clients_file = workdir / "clients.json"
    seeded = run(
        [str(PYTHON), str(BENCH / "hazard_seed.py"), str(clients_file), "--users", str(args.clients),
         "--units", str(args.units)],
        env,
    )  # fmt: skip
    print(seeded.stdout.strip(), f"(migrate + seed {time.monotonic() - started:.1f} s)")

    port = free_port()
    result: dict[str, Any] = {}
    with server(env, port, args.workers, args.threads, workdir / "server.log") as pid:
        monitor = Monitor(server_pid=pid, db_pid=db_pid, database_url=database_url)
        sampler = threading.Thread(target=monitor.run, daemon=True)
        sampler.start()
        cpu_before = monitor.cpu()
        load = subprocess.Popen(
            [str(PYTHON), str(BENCH / "hazard_load.py"), str(clients_file), "--port", str(port),
             "--clients", str(args.clients), "--warmup", str(args.warmup), "--duration", str(args.duration),
             "--out", str(workdir / "load.json")] + (["--rate", str(args.rate)] if args.rate else []),
            env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        spy = None
        if args.profile:
            if not PY_SPY.exists():
                print("--profile: py-spy is not installed (.venv/bin/pip install py-spy); skipped", file=sys.stderr)
            else:
                time.sleep(args.warmup)
                spy = subprocess.Popen(
                    [str(PY_SPY), "record", "--pid", str(pid), "--subprocesses", "--duration",
                     str(int(args.duration)), "--rate", "97", "--format", "raw", "--threads",
                     "--output", str(workdir / "profile.txt"), "--nonblocking"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
        try:
            load.wait(timeout=args.warmup + args.duration + 120)
        finally:
            if load.poll() is None:
                load.kill()
                load.wait()
            if spy is not None:
                try:
                    spy.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    spy.kill()
                    spy.wait()
        cpu_after = monitor.cpu()
        monitor.stop.set()
        sampler.join()
        result = json.loads((workdir / "load.json").read_text())
        result["server_peak_rss_mb"] = round(monitor.peak_rss / 2**20, 1)
        result["cpu_s"] = {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_after}
        result["cpu_s"]["clients"] = result.pop("client_cpu_s")
        if monitor.sessions:
            # Average number of the server's database sessions in each state over the run: 'idle in
            # transaction' is a request holding its transaction (and the counter row lock, once
            # taken) while its Python thread runs or waits for the CPU/GIL.
            samples = max(1, monitor.pg_samples)
            result["db_sessions"] = {k: round(v / samples, 2) for k, v in monitor.sessions.most_common()}
        if spy is not None and (workdir / "profile.txt").exists():
            shares = summarise_profile(workdir / "profile.txt")
            result["profile"] = [(label, round(share, 1)) for label, share in shares]

    # What the database holds must match what the clients were told.
    count_script = (
        "import django; django.setup(); from anjian.hazards.models import Hazard, HazardEvent; "
        "print(Hazard.objects.count(), HazardEvent.objects.count(), "
        "Hazard.objects.values('number').distinct().count())"
    )
    hazards, events, numbers = map(int, run([str(PYTHON), "-c", count_script], env).stdout.split())
    verify = subprocess.run([str(ANJIAN), "audit", "verify"], env=env, capture_output=True, text=True)
    result["database"] = {
        "hazards": hazards,
        "events": events,
        "distinct_numbers": numbers,
        "audit_verify": "ok" if verify.returncode == 0 else (verify.stderr.strip()[-500:] or "failed"),
    }
    return result


def report(args: argparse.Namespace, info: dict[str, str], result: dict[str, Any], db_label: str) -> None:
    lat = result["latency_ms"]
    ok = (
        result["throughput_per_s"] >= TARGET_RATE
        and lat["p99"] <= TARGET_P99_MS
        and result["errors"] == 0
        and result["database"]["audit_verify"] == "ok"
    )
    print()
    print(f"## {db_label}: {args.clients} clients, {args.workers} workers × {args.threads} threads")
    for key, value in info.items():
        print(f"- {key}: {value}")
    print(f"- load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print("| reports/s | p50 ms | p95 ms | p99 ms | max ms | errors | server peak RSS | CPU s server / db / clients |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    cpu = result["cpu_s"]
    print(
        f"| {result['throughput_per_s']} | {lat['p50']} | {lat['p95']} | {lat['p99']} | {lat['max']} | "
        f"{result['errors']} | {result['server_peak_rss_mb']} MB | "
        f"{cpu.get('server')} / {cpu.get('database', '–')} / {cpu.get('clients')} |"
    )
    print()
    print(f"statuses: {result['statuses']}; database: {result['database']}")
    for sample in result.get("error_samples", [])[:5]:
        print(f"  error: {sample}")
    for state, mean in result.get("db_sessions", {}).items():
        print(f"  database sessions (mean): {state}: {mean}")
    for label, share in result.get("profile", []):
        print(f"  profile: {label}: {share}")
    print(f"\ntarget (≥ {TARGET_RATE:.0f}/s, p99 ≤ {TARGET_P99_MS:.0f} ms, no errors): {'MET' if ok else 'NOT MET'}")
    if args.rate is None:
        # Little's law: with every client always waiting, mean latency = clients / throughput.
        print(
            f"(closed loop: the mean latency is {args.clients} / throughput whatever the server does; "
            f"the latency target is judged with --rate {TARGET_RATE:.0f})"
        )
    print(json.dumps(result, ensure_ascii=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", ""), help="an existing, empty database"
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument(
        "--rate", type=float, help="paced clients offering this many reports/s in all (hazard_load.py --rate)"
    )
    parser.add_argument("--workers", type=int, default=2, help="web server workers (default 2: one per core)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4, as anjian serve)")
    parser.add_argument("--pool", action=argparse.BooleanOptionalAction, default=True, help="ANJIAN_DB_POOL=1")
    parser.add_argument("--no-fsync", dest="fsync", action="store_false", help="the throwaway cluster without fsync")
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="sample the workers with py-spy")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, profile) — not the cluster")
    args = parser.parse_args()
    if args.duration > 600:
        parser.error("--duration is at most 600 s: a load run here is always bounded")

    info = machine()
    workdir = Path(tempfile.mkdtemp(prefix="anjian-bench-hazard-"))
    try:
        if args.database_url:
            label = "given database"
            result = bench(args, workdir, args.database_url, None)  # not ours: its CPU is not measured
        elif args.db == "sqlite":
            label = "SQLite (WAL)"
            result = bench(args, workdir, f"sqlite:///{workdir / 'bench.sqlite3'}", None)
        else:
            label = f"PostgreSQL ({'fsync on' if args.fsync else 'fsync off'}, pool {'on' if args.pool else 'off'})"
            max_connections = args.workers * args.threads + 20
            with postgres_cluster(workdir, args.fsync, max_connections) as (url, pid):
                result = bench(args, workdir, url, pid)
        report(args, info, result, label)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

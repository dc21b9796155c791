"""Load generator of bench_hazard_api.py: N concurrent keep-alive clients POSTing hazard reports.

    .venv/bin/python bench/hazard_load.py CLIENTS.json --port 8000 [--clients 200]
        [--warmup 5] [--duration 30] [--rate R] [--out results.json]

Standard library only (asyncio streams, HTTP/1.1 with keep-alive): one process, so that its
own CPU use stays small and is measured apart from the server's. Client *i* uses the API
token of user *i* of CLIENTS.json (from hazard_seed.py) and, in a closed loop, sends
``POST /api/v1/hazards`` with a fresh ``Idempotency-Key`` and a report the user may make
(网格员 → source grid on a unit of their grid; 单位安全员 → self_check on their unit),
waits for the answer, and sends the next. Requests that *start* during the warm-up are not
counted; the run stops by itself after warm-up + duration (and every request has a timeout).

With ``--rate R`` the clients are *paced* instead: together they offer R reports per second,
client *i* sending at fixed times ``t0 + offset_i + k × clients / R``. A client still waits for
its answer before its next request; if the answer comes after the next scheduled time it sends at
once, and its latency is counted **from the scheduled time**, so a slow server cannot hide its
queue by slowing the clients down (no "coordinated omission"). In a closed loop (no ``--rate``)
the mean latency is clients / throughput by Little's law, whatever the server does; the paced mode
answers the other question — what latency do 200 connected clients see at a given rate.

Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import sys
import time
import uuid
from pathlib import Path

HOST = "127.0.0.1"  # loopback only: the benchmark never sends traffic anywhere else
REQUEST_TIMEOUT = 30.0


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []  # seconds, measured requests answered 201
        self.statuses: dict[str, int] = {}
        self.errors: list[str] = []
        self.first_ids: list[int] = []


def _body(client: dict, seq: int, rng: random.Random, today: dt.date) -> bytes:
    payload = {
        "unit_id": rng.choice(client["units"]),
        "description": f"压测上报 {seq}：仓库消防通道堆放杂物，堵塞疏散通道",
        "level": "general",
        "found_on": today.isoformat(),
        "deadline": (today + dt.timedelta(days=7)).isoformat(),
        "source": client["source"],
        "category": "消防安全",
    }
    if client["self_check_level"]:
        payload["self_check_level"] = client["self_check_level"]
    return json.dumps(payload, ensure_ascii=False).encode()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, keep-alive) of one HTTP/1.1 response with a Content-Length or chunked body."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size + 2)
        body = body  # chunk terminators included; only the status matters here
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    keep = headers.get("connection", "").lower() != "close"
    return status, body, keep


async def _client(
    index: int,
    client: dict,
    port: int,
    path: str,
    start_at: float,
    stop_at: float,
    stats: Stats,
    interval: float | None = None,
) -> None:
    rng = random.Random(index)
    today = dt.date.today()
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    seq = 0
    # Spread the connections' first requests (over 0.5 s, or over one interval when paced), as real
    # clients do not start in lockstep.
    scheduled = time.monotonic() + rng.random() * (interval or 0.5)
    await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
    while time.monotonic() < stop_at:
        if interval is not None:
            if seq:
                scheduled += interval
            if scheduled >= stop_at:
                break
            await asyncio.sleep(max(0.0, scheduled - time.monotonic()))
        seq += 1
        body = _body(client, seq, rng, today)
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nAuthorization: Bearer {client['token']}\r\n"
            f"Idempotency-Key: {uuid.uuid4().hex}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
        ).encode() + body
        sent = time.monotonic()
        # Paced: the latency the user sees runs from when the report was due, not from when a
        # client that fell behind got round to sending it.
        began = scheduled if interval is not None else sent
        measured = began >= start_at
        try:
            if writer is None:
                reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), REQUEST_TIMEOUT)
            assert reader is not None
            writer.write(request)
            status, answer, keep = await asyncio.wait_for(_read_response(reader), REQUEST_TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            if measured:
                stats.statuses["exception"] = stats.statuses.get("exception", 0) + 1
                if len(stats.errors) < 20:
                    stats.errors.append(f"{type(exc).__name__}: {exc}")
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        elapsed = time.monotonic() - began
        if not keep:
            writer.close()
            reader = writer = None
        if not measured:
            continue
        stats.statuses[str(status)] = stats.statuses.get(str(status), 0) + 1
        if status == 201:
            stats.latencies.append(elapsed)
        elif len(stats.errors) < 20:
            stats.errors.append(f"{status}: {answer[:300].decode('utf-8', 'replace')}")
    if writer is not None:
        writer.close()


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


async def run(args: argparse.Namespace) -> dict:
    clients = json.loads(Path(args.clients_file).read_text())[: args.clients]
    if len(clients) < args.clients:
        raise SystemExit(f"only {len(clients)} users with tokens for {args.clients} clients")
    stats = Stats()
    interval = args.clients / args.rate if args.rate else None
    now = time.monotonic()
    start_at = now + args.warmup
    stop_at = start_at + args.duration
    cpu0 = time.process_time()
    await asyncio.gather(
        *(_client(i, c, args.port, args.path, start_at, stop_at, stats, interval) for i, c in enumerate(clients))
    )
    ended = time.monotonic()
    latencies = sorted(stats.latencies)
    measured_for = min(ended, stop_at + REQUEST_TIMEOUT) - start_at
    ok = len(latencies)
    total = sum(stats.statuses.values())
    return {
        "clients": args.clients,
        "offered_per_s": args.rate,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "measured_s": round(measured_for, 3),
        "requests": total,
        "created": ok,
        "errors": total - ok,
        "statuses": stats.statuses,
        "error_samples": stats.errors,
        "throughput_per_s": round(ok / args.duration, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 1),
            "p95": round(percentile(latencies, 0.95) * 1000, 1),
            "p99": round(percentile(latencies, 0.99) * 1000, 1),
            "max": round(latencies[-1] * 1000, 1) if latencies else None,
            "mean": round(sum(latencies) / ok * 1000, 1) if ok else None,
        },
        "client_cpu_s": round(time.process_time() - cpu0, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clients_file")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/api/v1/hazards")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--rate", type=float, help="paced: reports per second offered by all clients together")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    if args.duration <= 0 or args.duration > 600:
        parser.error("--duration must be in (0, 600] seconds: a load run here is always bounded")
    result = asyncio.run(run(args))
    text = json.dumps(result, ensure_ascii=False, indent=2)
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

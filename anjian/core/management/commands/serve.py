"""``anjian serve``: the production server, granian plus the huey job consumer, as one process group.

``make run`` ends with this command. Two children are started and watched:

* granian serving ``anjian.wsgi`` (worker processes, each running the WSGI application in a few
  threads; its HTTP side is Rust, outside the GIL; WhiteNoise in the middleware serves the static
  files that ``anjian collectstatic`` gathered). Chosen over gunicorn for throughput: the same
  application answered 35 % more hazard reports per second under 200 clients on the 2-core machine
  (docs/performance.md, issue 3; docs/decisions.md);
* ``anjian run_huey``, the consumer of the job queue (SqliteHuey under ./var/ by default).

Ctrl-C or SIGTERM stops both gracefully; if either child dies on its own, the other is stopped
and the command exits non-zero, so a supervisor (systemd, a container runtime) sees the failure
instead of a half-working platform.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

# How long the children get to finish in-flight requests and jobs before they are killed.
# The server's own kill timeout for its workers is a little shorter so that it normally wins.
STOP_TIMEOUT = 35.0
GRACEFUL_TIMEOUT = 30
POLL_SECONDS = 0.2
# Workers are replaced now and then, so that a slow leak cannot grow without bound.
WORKER_LIFETIME = "12h"

# Each child's graceful-stop signal: granian finishes requests on SIGTERM; huey's consumer finishes
# running jobs on SIGINT (SIGTERM is its immediate stop).
GRACEFUL = {"web": signal.SIGTERM, "jobs": signal.SIGINT}

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM if ``anjian serve`` itself dies.

    The children run in their own session (so a terminal's Ctrl-C reaches only this process,
    which then stops each child with its *graceful* signal, once). Without this, a SIGKILL of
    ``anjian serve`` would leave the web server holding the port.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass


def web_command(bind: str, workers: int, threads: int) -> list[str]:
    """granian serving the WSGI application on ``bind`` (HOST:PORT or unix:PATH)."""
    cmd = [sys.executable, "-m", "granian", "--interface", "wsgi", "anjian.wsgi:application"]
    if bind.startswith("unix:"):
        cmd += ["--uds", bind.removeprefix("unix:")]
    else:
        host, _, port = bind.rpartition(":")
        cmd += ["--host", host or bind, "--port", port if host else "8000"]
    return [
        *cmd,
        "--workers", str(workers),
        "--blocking-threads", str(threads),
        "--http", "1",
        "--no-ws",
        "--respawn-failed-workers",
        "--workers-lifetime", WORKER_LIFETIME,
        "--workers-kill-timeout", str(GRACEFUL_TIMEOUT),
        "--access-log",
    ]  # fmt: skip


def jobs_command() -> list[str]:
    # The same console-script entry point, so the consumer gets our settings and aliases.
    return [sys.executable, "-m", "anjian.cli", "run_huey"]


def display_url(bind: str) -> str:
    if bind.startswith("unix:"):
        return bind
    host, _, port = bind.rpartition(":")
    if not host:
        host, port = bind, "8000"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "启动生产服务：granian（网页与 API）及后台任务进程（huey），Ctrl-C 停止。"

    # Serving needs no system checks beyond those `migrate` and `collectstatic` already ran.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("ANJIAN_BIND", "127.0.0.1:8000"),
            help="监听地址 HOST:PORT 或 unix:PATH（默认 127.0.0.1:8000，环境变量 ANJIAN_BIND）",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("ANJIAN_WORKERS", "2")),
            help="网页服务工作进程数（默认 2，环境变量 ANJIAN_WORKERS）",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("ANJIAN_THREADS", "4")),
            help="每个工作进程的线程数（默认 4，环境变量 ANJIAN_THREADS）",
        )
        parser.add_argument("--no-jobs", action="store_true", help="不启动后台任务进程（另行运行 anjian run_huey 时）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers 与 --threads 至少为 1")
        web = web_command(options["bind"], options["workers"], options["threads"])
        commands = {"web": web}
        if options["no_jobs"]:
            pass
        elif settings.HUEY.get("immediate"):
            # Immediate mode runs each job inside the request; a consumer would have nothing to do.
            self.stdout.write("后台任务为即时模式（ANJIAN_JOBS_IMMEDIATE），不启动任务进程。")
        else:
            commands["jobs"] = jobs_command()
        code = Supervisor(commands, self.stdout.write, self.stderr.write).run(
            started=lambda: self.stdout.write(
                self.style.SUCCESS(f"anjian 已启动：{display_url(options['bind'])}  （Ctrl-C 停止）")
            )
        )
        if code:
            raise SystemExit(code)


class Supervisor:
    """Start named children, forward stop signals, and stop them all when one of them dies."""

    def __init__(self, commands: dict[str, list[str]], out: Callable[[str], Any], err: Callable[[str], Any]) -> None:
        self.commands = commands
        self.out = out
        self.err = err
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.stop_signal: int | None = None

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stop_signal = signum

    def run(self, started: Callable[[], Any]) -> int:
        stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        previous = {s: signal.signal(s, self._on_signal) for s in stops}
        try:
            for name, cmd in self.commands.items():
                self.children[name] = subprocess.Popen(cmd, start_new_session=True, preexec_fn=_die_with_parent)
            started()
            return self._watch()
        finally:
            self._stop_all()
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _watch(self) -> int:
        while self.stop_signal is None:
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    self.err(f"{name} 进程已退出（状态 {code}），正在停止其余进程。")
                    # Shell convention: a child killed by signal N reports 128+N; a clean exit is still
                    # a failure here, since neither child should stop on its own.
                    return 128 - code if code < 0 else (code or 1)
            time.sleep(POLL_SECONDS)
        self.out(f"收到 {signal.Signals(self.stop_signal).name}，正在停止……")
        return 0

    def _stop_all(self) -> None:
        running = {n: c for n, c in self.children.items() if c.poll() is None}
        for name, child in running.items():
            try:
                child.send_signal(GRACEFUL.get(name, signal.SIGTERM))
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, child in running.items():
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.err(f"{name} 进程未按时退出，强制结束。")
                child.kill()
                child.wait()

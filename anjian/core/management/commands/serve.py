"""``anjian serve``: the production server, gunicorn plus the huey job consumer, as one process group.

``make run`` ends with this command. Two children are started and watched:

* gunicorn serving ``anjian.wsgi`` (threaded workers; WhiteNoise in the middleware serves the
  static files that ``anjian collectstatic`` gathered);
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
# Gunicorn's own graceful timeout is set a little shorter so that it normally wins.
STOP_TIMEOUT = 35.0
GRACEFUL_TIMEOUT = 30
POLL_SECONDS = 0.2

# Each child's graceful-stop signal: gunicorn finishes requests on SIGTERM (SIGINT is its quick
# stop); huey's consumer finishes running jobs on SIGINT (SIGTERM is its immediate stop).
GRACEFUL = {"web": signal.SIGTERM, "jobs": signal.SIGINT}

PR_SET_PDEATHSIG = 1
# Only gunicorn's heartbeat file goes here (created by gunicorn with mkstemp, mode 0600).
SHM = "/dev/shm"  # noqa: S108


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM if ``anjian serve`` itself dies.

    The children run in their own session (so a terminal's Ctrl-C reaches only this process,
    which then stops each child with its *graceful* signal, once). Without this, a SIGKILL of
    ``anjian serve`` would leave gunicorn holding the port.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            pass


def gunicorn_command(bind: str, workers: int, threads: int, timeout: int) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "anjian.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        str(GRACEFUL_TIMEOUT),
        # Recycle workers now and then so a slow leak cannot grow without bound; the jitter keeps
        # them from all restarting at once.
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--access-logfile",
        "-",
        "--name",
        "anjian",
        # Gunicorn 27's control socket defaults to one path in $HOME shared by every instance on the
        # machine; anjian does not use it, and two deployments side by side would fight over it.
        "--no-control-socket",
    ]
    # Gunicorn's worker heartbeat writes to a temp file; on a disk-backed /tmp (some containers)
    # that can stall workers, so use the RAM-backed /dev/shm when the machine has it.
    if os.path.isdir(SHM) and os.access(SHM, os.W_OK):
        cmd += ["--worker-tmp-dir", SHM]
    return cmd


def jobs_command() -> list[str]:
    # The same console-script entry point, so the consumer gets our settings and aliases.
    return [sys.executable, "-m", "anjian.cli", "run_huey"]


def display_url(bind: str) -> str:
    if bind.startswith(("unix:", "fd://")):
        return bind
    host, _, port = bind.rpartition(":")
    if not host:
        host, port = bind, "8000"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = "启动生产服务：gunicorn（网页与 API）及后台任务进程（huey），Ctrl-C 停止。"

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
            help="gunicorn 工作进程数（默认 2，环境变量 ANJIAN_WORKERS）",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("ANJIAN_THREADS", "4")),
            help="每个工作进程的线程数（默认 4，环境变量 ANJIAN_THREADS）",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=int(os.environ.get("ANJIAN_REQUEST_TIMEOUT", "120")),
            # Large ledger uploads are parsed in a job, but the upload itself can take a while.
            help="单个请求的超时秒数（默认 120）",
        )
        parser.add_argument("--no-jobs", action="store_true", help="不启动后台任务进程（另行运行 anjian run_huey 时）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers 与 --threads 至少为 1")
        web = gunicorn_command(options["bind"], options["workers"], options["threads"], options["timeout"])
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

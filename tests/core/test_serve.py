"""``anjian serve`` — what ``make run`` ends with: the production server really starts, answers, and stops cleanly.

A real process on a free loopback port with its own SQLite file and var/ directory (not the test
database): migrate, collectstatic, then ``anjian serve --no-jobs``; the login page must answer 200
with the static files' hashed names, and SIGTERM must end the whole process group with status 0.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ANJIAN = [sys.executable, "-m", "anjian.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update({
        "ANJIAN_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "SECRET_KEY": "serve-test-" + "x" * 50,
        "ANJIAN_JOBS_IMMEDIATE": "1",
    })
    for step in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([*ANJIAN, *step], env=env, check=True, timeout=300)
    return env


def test_serve_answers_and_stops_on_sigterm(env: dict[str, str]) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [*ANJIAN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--no-jobs"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as r:
                    assert r.status == 200
                    body = r.read().decode()
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                time.sleep(0.3)
        assert "登录" in body
        # WhiteNoise serves the collected, hashed static files (no nginx needed for one county).
        css = body.split('href="/static/vendor/bootstrap/bootstrap.min.', 1)[1].split('"', 1)[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/vendor/bootstrap/bootstrap.min.{css}") as r:
            assert r.status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # Nothing is left listening on the port.
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0

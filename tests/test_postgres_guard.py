"""Guards on how the suite itself is run: CI must cover PostgreSQL and the browser, never skip them.

`make test` runs the suite on SQLite and, when TEST_DATABASE_URL is set, again with
DATABASE_URL=TEST_DATABASE_URL; `.ci/run` starts a throwaway PostgreSQL and sets it. These tests
fail a CI run in which that wiring broke, instead of letting it pass on SQLite alone.
"""

from __future__ import annotations

import os

import dj_database_url
import pytest
from django.db import connection

from tests.conftest import IN_CI


def test_database_is_the_one_database_url_names() -> None:
    # settings read DATABASE_URL once; a run meant for PostgreSQL must really be on it.
    url = os.environ.get("DATABASE_URL")
    expected = dj_database_url.parse(url)["ENGINE"] if url else "django.db.backends.sqlite3"
    assert connection.settings_dict["ENGINE"] == expected


@pytest.mark.skipif(not IN_CI, reason="only CI must run on PostgreSQL as well")
def test_ci_runs_the_suite_on_postgresql_too() -> None:
    on_postgres = connection.vendor == "postgresql"
    assert on_postgres or os.environ.get("TEST_DATABASE_URL", "").startswith(("postgres://", "postgresql://")), (
        "CI=true but no PostgreSQL run is configured: .ci/run must export TEST_DATABASE_URL"
    )


@pytest.mark.skipif(not IN_CI, reason="only CI must have the browser")
def test_ci_has_chromium() -> None:
    assert os.access("/usr/bin/chromium", os.X_OK), "CI=true but /usr/bin/chromium is missing"

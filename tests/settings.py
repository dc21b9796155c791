"""Test settings: the production settings with a fast password hasher and immediate jobs."""

from __future__ import annotations

import os

os.environ.setdefault("ANJIAN_TESTING", "1")

from anjian.settings import *  # noqa: F403
from anjian.settings import PASSWORD_HASHERS as PRODUCTION_HASHERS

# Argon2 is deliberately slow; personas are made by the dozen per test. The production
# hasher is checked in tests/accounts/test_security.py with PRODUCTION_HASHERS.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PRODUCTION_HASHERS]

# Uploaded evidence goes to a throwaway folder, never into the checkout's var/, and the folder goes
# when the process ends (each test run and each subprocess that loads these settings makes its own).
import atexit  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="anjian-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# A second alias for the statistics' read replica (anjian/core/dbrouter.py): a second connection to
# the test database, as a streaming replica is a second server holding the same rows. Routing stays
# off (``STATS_READ_DATABASE``) except in tests/core/test_replica.py, which turns it on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
STATS_READ_DATABASE = None

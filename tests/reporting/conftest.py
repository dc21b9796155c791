"""分级上报 fixtures: the city above the test county (岳阳市, 4306), its office and people, and packages
fabricated and signed here, independently of the code under test.

The test database is one deployment playing both levels: 平江县 (430626, the shared ``county``
fixture) reports to 岳阳市 (430600), whose office keeps the register. ``sign`` writes the signature the
way the format is specified (Ed25519 over the canonical JSON: sorted keys, no spaces, UTF-8, every
member but ``signature``), without calling ``anjian.reporting.package``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from anjian.accounts.models import Organization, OrgKind, User
from anjian.accounts.roles import Role
from anjian.reporting import keys
from anjian.reporting.models import Subordinate
from anjian.stats import indicators as ind
from tests.conftest import County, make_user
from tests.e2e.conftest import e2e_county, seeded_db  # noqa: F401 - a committed county, for the live server
from tests.stats.conftest import facts  # noqa: F401 - the statistics fixture county, reused here

CITY = "430600000000"
# A fixed deployment key (RFC 8032 test vector 1's secret key): the deployment's packages are reproducible.
DEPLOYMENT_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"


@dataclass
class City:
    office: Organization
    users: dict[str, User] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def deployment_key(settings: Any, tmp_path: Path) -> Iterator[Ed25519PrivateKey]:
    """This deployment's signing key, and a var/ of its own (nothing is written into the checkout)."""
    settings.VAR_DIR = tmp_path / "var"
    settings.ANJIAN_REPORT_KEY = DEPLOYMENT_SEED
    keys._load.cache_clear()
    yield Ed25519PrivateKey.from_private_bytes(bytes.fromhex(DEPLOYMENT_SEED))
    keys._load.cache_clear()


@pytest.fixture
def city(county: County) -> City:
    office = Organization.objects.create(kind=OrgKind.COUNTY_OFFICE, name="岳阳市安委办", region_code=CITY)
    dept = Organization.objects.create(kind=OrgKind.DEPARTMENT, name="岳阳市住建局", region_code=CITY)
    c = City(office)
    c.users.update(
        admin=make_user("city_admin", Role.COUNTY_ADMIN, org=office, full_name="市管理员"),
        leader=make_user("city_leader", Role.LEADER, org=office, full_name="市领导"),
        auditor=make_user("city_auditor", Role.AUDITOR, org=office, full_name="市审计员"),
        department=make_user("city_dept", Role.DEPARTMENT, org=dept, full_name="市住建局监管员"),
        sysadmin=make_user("city_sysadmin", Role.SYSADMIN, org=office, full_name="市系统管理员"),
    )
    return c


def public_b64(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def kid(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(body: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if k != "signature"}
    out.setdefault("key_id", kid(key))
    out["signature"] = base64.b64encode(key.sign(canonical(out))).decode()
    return out


def zeros() -> dict[str, Any]:
    """Every indicator of the catalogue with its type's zero: 0, "0.00", null."""
    out: dict[str, Any] = {}
    for i in ind.CATALOGUE:
        out[i.code] = None if i.kind == ind.RATE else ("0.00" if i.kind == ind.MONEY_KIND else 0)
    return out


def fabricate(region: str, key: Ed25519PrivateKey, *, date_from: str = "2026-03-01", date_to: str = "2026-03-31",
              generated_at: str = "2026-04-01T09:00:00+08:00", name: str = "", **values: Any) -> dict[str, Any]:
    """A signed package of ``region`` whose indicators are 0 except ``values``."""
    indicators = zeros() | values
    body = {
        "format": "anjian-report/1", "region": region, "region_name": name or region, "from": date_from,
        "to": date_to, "as_of": date_to, "generated_at": generated_at, "source": f"{name or region}应急管理局",
        "indicators": indicators, "parts": {}, "part_names": {},
    }
    return sign(body, key)


def raw(package: dict[str, Any]) -> bytes:
    return json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")


def register(region: str, key: Ed25519PrivateKey | str, name: str, **kw: Any) -> Subordinate:
    """A subordinate of the city, registered directly (the register's own rules are tested in test_register)."""
    public = key if isinstance(key, str) else public_b64(key)
    return Subordinate.objects.create(
        upper_region=CITY, region_code=region.ljust(12, "0"), name=name, public_key=public,
        key_id=hashlib.sha256(base64.b64decode(public)).hexdigest()[:16], **kw,
    )


@pytest.fixture
def api_client_for(db: Any) -> Any:
    """``api_client_for(user)``: an API client (tests/api/conftest.py) with a fresh token of ``user``."""
    from django.test import Client

    from anjian.accounts.tokens import token_create
    from tests.api.conftest import ApiClient

    def make(user: User) -> ApiClient:
        _, token = token_create(actor=user, user=user, name="tests")
        return ApiClient(Client(), token)

    return make

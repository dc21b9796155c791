"""Shared fixtures: a small real county (平江县, two townships) with one persona per role.

Personas follow healthchecks' style: named people with a role and an organisation,
so a test reads "the 安定镇 township officer sees 安定镇's units and not 三市镇's".
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from typing import Any

import pytest

from anjian.accounts.models import Organization, OrgKind, User
from anjian.accounts.roles import Role
from anjian.core import uscc
from anjian.regions.models import Division, Grid, Level
from anjian.units.models import Sector, Unit
from anjian.units.services import UnitData, unit_create

PASSWORD = "Anjian#2026pass"

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config: pytest.Config) -> None:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM is fine with it here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def credit_code(seq: int, region: str = "430626") -> str:
    """A valid 统一社会信用代码 for a fictional enterprise registered in ``region``."""
    return uscc.make(f"91{region}{seq:09d}"[:17])


@dataclass
class County:
    county: Division
    andingzhen: Division
    sanshizhen: Division
    village: Division
    grid_a: Grid
    grid_b: Grid
    office: Organization
    town_a: Organization
    town_b: Organization
    yingji: Organization
    zhujian: Organization
    other_office: Organization
    sectors: dict[str, Sector]
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def _division(code: str, name: str, level: Level, parent: Division | None) -> Division:
    return Division.objects.create(code=code.ljust(12, "0"), name=name, level=level, parent=parent)


def make_user(username: str, role: str, **kwargs: Any) -> User:
    user = User(username=username, role=role, full_name=kwargs.pop("full_name", username), **kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


def ensure_reference_data() -> None:
    """Put back what the data migrations seed, if a transactional test's flush emptied it.

    pytest-django runs transactional tests last, each ending with a flush of every table —
    the sectors, major-hazard criteria and checklists the migrations loaded included. The seeds
    are run again only when their table is empty.
    """
    from importlib import import_module

    from django.apps import apps

    from anjian.hazards.models import MajorCriterion
    from anjian.inspections.models import Checklist

    if not Sector.objects.exists():
        import_module("anjian.units.migrations.0002_seed_sectors").seed(apps, None)
    if not MajorCriterion.objects.exists():
        import_module("anjian.hazards.migrations.0002_load_criteria").load(apps, None)
    if not Checklist.objects.exists():
        import_module("anjian.inspections.migrations.0002_seed_checklists").seed(apps, None)


@pytest.fixture
def county(db: Any) -> County:
    ensure_reference_data()
    hunan = _division("43", "湖南省", Level.PROVINCE, None)
    yueyang = _division("4306", "岳阳市", Level.CITY, hunan)
    pingjiang = _division("430626", "平江县", Level.COUNTY, yueyang)
    anding = _division("430626101", "安定镇", Level.TOWNSHIP, pingjiang)
    sanshi = _division("430626102", "三市镇", Level.TOWNSHIP, pingjiang)
    village = _division("430626101201", "小田村", Level.VILLAGE, anding)
    changsha = _division("4301", "长沙市", Level.CITY, hunan)
    furong = _division("430102", "芙蓉区", Level.COUNTY, changsha)
    _division("430102001", "文艺路街道", Level.TOWNSHIP, furong)
    grid_a = Grid.objects.create(township=anding, name="安定镇第一网格", region_code=anding.code)
    grid_b = Grid.objects.create(township=anding, name="安定镇第二网格", region_code=anding.code)
    sectors = {s.code: s for s in Sector.objects.all()}
    office = Organization.objects.create(kind=OrgKind.COUNTY_OFFICE, name="平江县安委办", region_code=pingjiang.code)
    town_a = Organization.objects.create(kind=OrgKind.TOWNSHIP, name="安定镇人民政府", region_code=anding.code)
    town_b = Organization.objects.create(kind=OrgKind.TOWNSHIP, name="三市镇人民政府", region_code=sanshi.code)
    yingji = Organization.objects.create(kind=OrgKind.DEPARTMENT, name="应急管理局", region_code=pingjiang.code)
    yingji.sectors.set([sectors["hazardous_chemicals"], sectors["fireworks"]])
    zhujian = Organization.objects.create(kind=OrgKind.DEPARTMENT, name="住房和城乡建设局", region_code=pingjiang.code)
    zhujian.sectors.set([sectors["construction"]])
    other = Organization.objects.create(kind=OrgKind.COUNTY_OFFICE, name="芙蓉区安委办", region_code=furong.code)
    c = County(
        county=pingjiang,
        andingzhen=anding,
        sanshizhen=sanshi,
        village=village,
        grid_a=grid_a,
        grid_b=grid_b,
        office=office,
        town_a=town_a,
        town_b=town_b,
        yingji=yingji,
        zhujian=zhujian,
        other_office=other,
        sectors=sectors,
    )
    admin = make_user("county_admin", Role.COUNTY_ADMIN, org=office, full_name="县管理员")
    c.users["county_admin"] = admin
    furong_admin = make_user("furong_admin", Role.COUNTY_ADMIN, org=other, full_name="芙蓉区管理员")
    c.users["other_county_admin"] = furong_admin

    def unit(key: str, name: str, region: Division, sector: str, seq: int, actor: User = admin, **kw: Any) -> Unit:
        data = UnitData(
            name=name,
            region_code=region.code,
            sector=sectors[sector],
            credit_code=credit_code(seq, region.code[:6]),
            **kw,
        )
        u = unit_create(actor=actor, data=data)
        c.units[key] = u
        return u

    unit("chem_a", "平江县汇丰化工有限公司", anding, "hazardous_chemicals", 1, grid=grid_a, key_supervision=True,
         risk_class="B", address="安定镇工业园1号")
    unit("build_a", "平江县安定建筑工程有限公司", village, "construction", 2, grid=grid_b, address="小田村")
    unit("fire_b", "三市镇花炮批发部", sanshi, "fireworks", 3, key_supervision=True, risk_class="C",
         address="三市镇老街8号")
    unit("build_b", "三市镇宏远建设有限公司", sanshi, "construction", 4)
    unit("other", "芙蓉区长岛商贸有限公司", Division.objects.get(code="430102001000"), "commerce", 5,
         actor=furong_admin)

    c.users.update(
        department=make_user("yingji", Role.DEPARTMENT, org=yingji, full_name="应急局监管员"),
        zhujian=make_user("zhujian", Role.DEPARTMENT, org=zhujian, full_name="住建局监管员"),
        township=make_user("anding", Role.TOWNSHIP, org=town_a, full_name="安定镇监管员"),
        township_b=make_user("sanshi", Role.TOWNSHIP, org=town_b, full_name="三市镇监管员"),
        grid_worker=make_user("grid_a", Role.GRID_WORKER, org=town_a, grid=grid_a, full_name="网格员甲"),
        unit_staff=make_user("huifeng", Role.UNIT_STAFF, unit=c.units["chem_a"], full_name="汇丰安全员"),
        expert=make_user("expert", Role.EXPERT, org=office, full_name="专家"),
        leader=make_user("leader", Role.LEADER, org=office, full_name="县领导"),
        auditor=make_user("auditor", Role.AUDITOR, org=office, full_name="审计员"),
        sysadmin=make_user("sysadmin", Role.SYSADMIN, org=office, full_name="系统管理员"),
    )
    return c


def chromium_path() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


@pytest.fixture
def api_as(county: County) -> Any:
    """``api_as("township")``: an API client (tests/api/conftest.py ``ApiClient``, or the subclass given as
    the second argument) with a fresh bearer token of that persona."""
    from django.test import Client

    from anjian.accounts.tokens import token_create
    from tests.api.conftest import ApiClient

    def make(persona: str, cls: type[ApiClient] = ApiClient) -> ApiClient:
        user = county.users[persona]
        _, raw = token_create(actor=user, user=user, name="tests")
        return cls(Client(), raw)

    return make

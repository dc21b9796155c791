"""A new county from the command line: ``anjian init-county`` and ``anjian user create``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from anjian.accounts import services
from anjian.accounts.departments import STANDARD_DEPARTMENTS
from anjian.accounts.models import Organization, OrgKind, User
from anjian.accounts.roles import Role
from anjian.accounts.services import AccountError, PermissionDenied, generate_password, user_create
from anjian.core import uscc
from anjian.core.models import AuditEntry
from anjian.regions.models import Division, Grid
from anjian.regions.services import DivisionRow, builtin_rows, divisions_import
from anjian.units.models import Sector, Unit

GOOD_PASSWORD = "Pingjiang#2026"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@cache
def rows(within: str) -> list[DivisionRow]:
    return list(builtin_rows(within))


@pytest.fixture
def divisions(db: None) -> None:
    """平江县 and its townships and villages only (~580 rows), from the shipped data."""
    divisions_import(rows("430626"))


@pytest.fixture(scope="class")
def county_unit(django_db_setup: None, django_db_blocker: Any) -> Iterator[Unit]:
    """平江县 set up once for a class of tests (rolled back after it): 3 grids a township, one unit.

    Each test runs in a savepoint inside (the ``db`` fixture), so what it writes is undone.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        divisions_import(rows("430626"))
        run("init_county", "430626", "--grids", "3")
        yield Unit.objects.create(
            name="平江县汇丰化工有限公司",
            credit_code=uscc.make("91430626MA4L00001"),
            region_code="430626101000",
            sector=Sector.objects.get(code="hazardous_chemicals"),
        )
        transaction.set_rollback(True)


# --- init-county ---------------------------------------------------------------------------


def test_init_county_creates_office_townships_and_departments(divisions):
    out = run("init_county", "430626")
    assert "乡镇/街道 25 个（新建 25）" in out and "行业主管部门 15 个（新建 15）" in out
    office = Organization.objects.get(kind=OrgKind.COUNTY_OFFICE)
    assert (office.name, office.region_code) == ("平江县安全生产委员会办公室", "430626000000")
    towns = Organization.objects.filter(kind=OrgKind.TOWNSHIP)
    assert towns.count() == 25
    codes = set(Division.objects.filter(parent_id="430626000000").values_list("code", flat=True))
    assert set(towns.values_list("region_code", flat=True)) == codes
    names = dict(towns.values_list("region_code", "name"))
    assert names["430626101000"] == "安定镇人民政府"
    assert names["430626001000"] == "汉昌街道办事处"
    assert names["430626200000"] == "三阳乡人民政府"
    departments = Organization.objects.filter(kind=OrgKind.DEPARTMENT, region_code="430626000000")
    assert departments.count() == 15
    for name, short_name, sector_codes in STANDARD_DEPARTMENTS:
        dept = departments.get(name=name)
        assert dept.short_name == short_name
        assert sorted(dept.sectors.values_list("code", flat=True)) == sorted(sector_codes)
    assert AuditEntry.objects.filter(action="org.create").count() == 41


def test_init_county_is_idempotent_and_keeps_a_deployers_edits(divisions):
    run("init_county", "430626")
    yingji = Organization.objects.get(name="应急管理局")
    yingji.sectors.remove(Sector.objects.get(code="metallurgy"))
    before = list(Organization.objects.order_by("id").values_list("id", "name", "region_code"))
    out = run("init_county", "430626")
    assert "（已有）" in out and "新建 0" in out
    assert list(Organization.objects.order_by("id").values_list("id", "name", "region_code")) == before
    assert not yingji.sectors.filter(code="metallurgy").exists()
    assert AuditEntry.objects.filter(action="org.create").count() == 41


def test_init_county_loads_the_divisions_when_missing(db, monkeypatch):
    # The real command loads the whole shipped list (tests/regions/test_builtin.py loads it once);
    # here the loader is narrowed to 平江县 to keep the test fast.
    from anjian.accounts.management.commands import init_county
    from anjian.regions.services import load_builtin

    monkeypatch.setattr(init_county, "load_builtin", lambda: load_builtin(within="430626"))
    out = run("init_county", "430626", "--grids", "2")
    assert "已载入内置区划数据" in out
    assert Organization.objects.filter(kind=OrgKind.TOWNSHIP).count() == 25
    assert Grid.objects.count() == 50
    assert "网格：新建 0 个" in run("init_county", "430626", "--grids", "2")


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("4306", "县级区划代码应为6位数字"),
        ("430626101", "县级区划代码应为6位数字"),
        ("430626101000", "县级区划代码应为6位数字"),
        ("439999", "内置区划数据中没有区划代码 439999"),
        ("430600", "岳阳市（430600）不是县级区划"),
    ],
)
def test_init_county_rejects_what_is_not_a_county(divisions, monkeypatch, code, reason):
    from anjian.accounts.management.commands import init_county
    from anjian.regions.services import load_builtin

    monkeypatch.setattr(init_county, "load_builtin", lambda: load_builtin(within="430626"))
    with pytest.raises(CommandError, match=reason):
        run("init_county", code)
    assert not Organization.objects.exists()


# --- user create ---------------------------------------------------------------------------

ROLE_CASES = {
    # role: (--org, extra args, expected org name or None, expects unit, expects grid)
    "county_admin": ("430626", [], "平江县安全生产委员会办公室"),
    "department": ("应急管理局", [], "应急管理局"),
    "township": ("430626101", [], "安定镇人民政府"),
    "grid_worker": ("430626101", ["--grid", "安定镇第1网格"], "安定镇人民政府"),
    "unit_staff": ("UNIT", [], None),
    "expert": ("430626", [], "平江县安全生产委员会办公室"),
    "leader": ("430626102", [], "三市镇人民政府"),
    "auditor": ("430626", [], "平江县安全生产委员会办公室"),
    "sysadmin": ("430626", [], "平江县安全生产委员会办公室"),
}


@pytest.mark.usefixtures("db")
class TestUserCreate:
    """``anjian user create`` on a county set up once for the class."""

    @pytest.mark.parametrize("role", list(ROLE_CASES))
    def test_user_create_for_every_role(self, county_unit, role):
        org_ref, extra, org_name = ROLE_CASES[role]
        if org_ref == "UNIT":
            org_ref = county_unit.credit_code
        out = run(
            "user",
            "create",
            f"u_{role}",
            "--role",
            role,
            "--org",
            org_ref,
            "--password",
            GOOD_PASSWORD,
            "--name",
            "测试员",
            *extra,
        )
        assert f"已创建账号 u_{role}" in out and "初始密码" not in out
        user = User.objects.get(username=f"u_{role}")
        assert user.role == role and user.full_name == "测试员"
        assert user.check_password(GOOD_PASSWORD)
        assert (user.org.name if user.org else None) == org_name
        assert user.unit == (county_unit if role == Role.UNIT_STAFF else None)
        assert (user.grid.name if user.grid else None) == ("安定镇第1网格" if role == Role.GRID_WORKER else None)
        entry = AuditEntry.objects.get(action="user.create", object_id=str(user.pk))
        assert entry.channel == "cli" and entry.actor_name.startswith("cli")
        assert GOOD_PASSWORD not in str(entry.changes)

    def test_user_create_generates_a_password_shown_once(self, county_unit):
        out = run("user", "create", "zhang", "--role", "county_admin", "--org", "430626")
        password = re.search(r"初始密码：(\S+)", out).group(1)
        assert User.objects.get(username="zhang").check_password(password)

    def test_org_may_name_a_department_with_its_county(self, county_unit):
        run(
            "user",
            "create",
            "a1",
            "--role",
            "department",
            "--org",
            "住房和城乡建设局@430626",
            "--password",
            GOOD_PASSWORD,
        )
        run("user", "create", "a2", "--role", "部门监管员", "--org", "平江县交通运输局", "--password", GOOD_PASSWORD)
        assert User.objects.get(username="a1").org.name == "住房和城乡建设局"
        assert User.objects.get(username="a2").org.name == "交通运输局"

    def test_sysadmin_without_org_administers_the_deployment(self, county_unit):
        run("user", "create", "root", "--role", "sysadmin", "--password", GOOD_PASSWORD)
        assert User.objects.get(username="root").org is None

    @pytest.mark.parametrize(
        ("args", "reason"),
        [
            (["--role", "boss", "--org", "430626"], "未知角色“boss”，可选：county_admin（县级管理员）"),
            (["--role", "leader", "--org", "999999"], "区划代码 999999 不存在"),
            (["--role", "leader", "--org", "430626101201"], "是村/社区"),
            (["--role", "department", "--org", "宣传部"], "没有名为“宣传部”的部门"),
            (["--role", "department", "--org", "应急管理局@430102"], "区划代码 430102 不存在"),
            (["--role", "unit_staff", "--org", "91430626MA4L000010"], "校验位错误：按 GB 32100-2015 第18位应为"),
            (["--role", "unit_staff", "--org", uscc.make("91430626MA4L99999")], "没有统一社会信用代码为"),
            (["--role", "unit_staff", "--org", "430626"], "统一社会信用代码"),
            (["--role", "township", "--org", "430626"], "乡镇监管员应属于乡镇/街道"),
            (["--role", "county_admin", "--org", "应急管理局"], "县级管理员应属于"),
            (["--role", "grid_worker", "--org", "430626101"], "网格员须指定网格"),
            (["--role", "grid_worker", "--org", "430626101", "--grid", "不存在网格"], "现有网格：安定镇第1网格"),
            (["--role", "leader", "--org", "430626", "--grid", "安定镇第1网格"], "只有网格员需要指定网格"),
            (["--role", "leader", "--org", ""], "请用 --org 指定所属机构"),
            (["--role", "leader", "--org", "430626", "--password", "abc"], "密码不符合要求：密码太短"),
            (["--role", "leader", "--org", "430626", "--password", "password123"], "密码不符合要求："),
            (["--role", "leader", "--org", "430626", "--password", "Wangwu2026"], "太相似"),
        ],
    )
    def test_user_create_errors_are_chinese_and_create_nothing(self, county_unit, args, reason):
        before = User.objects.count()
        with pytest.raises(CommandError) as info:
            run("user", "create", "wangwu", "--password", GOOD_PASSWORD, *args)
        assert str(info.value).startswith("未创建账号：")
        assert reason in str(info.value)
        assert User.objects.count() == before
        assert not AuditEntry.objects.filter(action="user.create").exists()

    def test_duplicate_username_and_bad_username(self, county_unit):
        run("user", "create", "lisi", "--role", "leader", "--org", "430626", "--password", GOOD_PASSWORD)
        with pytest.raises(CommandError, match="用户名“LiSi”已存在"):
            run("user", "create", "LiSi", "--role", "leader", "--org", "430626", "--password", GOOD_PASSWORD)
        with pytest.raises(CommandError, match="只能包含字母、数字"):
            run("user", "create", "li si", "--role", "leader", "--org", "430626", "--password", GOOD_PASSWORD)

    def test_a_department_name_shared_by_two_counties_needs_the_county(self, county_unit):
        divisions_import(rows("430102"))  # 芙蓉区
        run("init_county", "430102")
        with pytest.raises(
            CommandError, match="有 2 个名为“应急管理局”的部门，请写明所属县：应急管理局@430102、应急管理局@430626"
        ):
            run("user", "create", "x", "--role", "department", "--org", "应急管理局", "--password", GOOD_PASSWORD)
        run("user", "create", "x", "--role", "department", "--org", "应急管理局@430102", "--password", GOOD_PASSWORD)
        assert User.objects.get(username="x").org.region_code == "430102000000"

    def test_who_may_create_accounts_in_the_service(self, county_unit):
        admin = user_create(actor=None, username="admin", role="county_admin", org_ref="430626").user
        leader = user_create(actor=None, username="leader", role="leader", org_ref="430626").user
        made = user_create(actor=admin, username="t1", role="township", org_ref="430626101", password=GOOD_PASSWORD)
        assert made.password is None
        assert AuditEntry.objects.get(action="user.create", object_id=str(made.user.pk)).actor == admin
        with pytest.raises(PermissionDenied, match="无权创建账号"):
            user_create(actor=leader, username="t2", role="township", org_ref="430626101")
        with pytest.raises(PermissionDenied, match="三员分立"):
            user_create(actor=admin, username="t3", role="auditor", org_ref="430626")
        divisions_import(rows("430102"))
        services.county_init("430102")
        with pytest.raises(PermissionDenied, match="本辖区"):
            user_create(actor=admin, username="t4", role="township", org_ref="430102001")


def test_generated_passwords_meet_the_policy(db):
    for _ in range(20):
        password = generate_password()
        services.check_password(password, User(username="someone"))
        assert len(password) == 16


def test_user_command_needs_a_subcommand():
    with pytest.raises(CommandError):
        call_command("user")


def test_role_from_accepts_code_or_label():
    assert services.role_from("网格员") == Role.GRID_WORKER
    assert services.role_from(" grid_worker ") == Role.GRID_WORKER
    with pytest.raises(AccountError):
        services.role_from("网格长")

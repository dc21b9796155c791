"""Writes to organisations and accounts: set up a county, create users.

A new county starts from the command line (docs/deployment.md): ``county_init`` creates the
county office, one office per township of the division tree and the standard industry
departments with their sectors; ``user_create`` adds accounts. Both are what the commands
``anjian init-county`` and ``anjian user create`` call, and what a web form would call.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from anjian.accounts.departments import STANDARD_DEPARTMENTS
from anjian.accounts.models import Organization, OrgKind, User
from anjian.accounts.roles import ACCOUNT_ADMINS, Role
from anjian.core import audit, uscc
from anjian.core.text import clean
from anjian.regions.models import Division, Grid, Level, pad
from anjian.regions.services import cli_actor_name
from anjian.units.models import Sector, Unit

if TYPE_CHECKING:
    from collections.abc import Iterable


class AccountError(Exception):
    """A rejected request; the message is Chinese and meant for the user."""


class PermissionDenied(AccountError):
    """The actor may not do this."""


# --- county set-up -----------------------------------------------------------------------


def county_office_name(county: Division) -> str:
    return f"{county.name}安全生产委员会办公室"


def township_office_name(township: Division) -> str:
    """安定镇 → 安定镇人民政府, 汉昌街道 → 汉昌街道办事处; other units (开发区, 农场…) keep their name."""
    if township.name.endswith("街道"):
        return f"{township.name}办事处"
    if township.name.endswith(("镇", "乡")):
        return f"{township.name}人民政府"
    return township.name


@dataclass
class CountyInit:
    county: Division
    office: Organization
    townships: list[Organization] = field(default_factory=list)
    departments: list[Organization] = field(default_factory=list)
    created: list[Organization] = field(default_factory=list)

    def summary(self) -> str:
        def new(kind: str) -> int:
            return sum(1 for o in self.created if o.kind == kind)

        office_state = "新建" if self.office in self.created else "已有"
        return (
            f"{self.county.name}（{self.county.prefix}）：县级机构 {self.office.name}（{office_state}）；"
            f"乡镇/街道 {len(self.townships)} 个（新建 {new(OrgKind.TOWNSHIP)}）；"
            f"行业主管部门 {len(self.departments)} 个（新建 {new(OrgKind.DEPARTMENT)}）"
        )


def county_code(code: str) -> str:
    """A county code checked for form: 6 digits (or 12 digits padded), returned padded to 12."""
    code = clean(code)
    if not code.isdigit() or len(code) not in (6, 12) or (len(code) == 12 and code[6:] != "000000"):
        raise AccountError(f"县级区划代码应为6位数字（如 430626），而不是“{code}”")
    return pad(code)


def county_division(code: str) -> Division:
    """The county of a 6-digit (or 12-digit padded) code, or AccountError in Chinese."""
    padded = county_code(code)
    division = Division.objects.filter(code=padded).first()
    if division is None:
        raise AccountError(f"区划代码 {padded[:6]} 不存在，请先导入区划（anjian import-divisions）")
    # 东莞、中山、儋州 have no counties: their townships hang on the city (regions/data/SOURCE.md).
    has_townships = division.children.filter(level=Level.TOWNSHIP).exists()
    if division.level != Level.COUNTY and not (division.level == Level.CITY and has_townships):
        raise AccountError(f"{division.name}（{padded[:6]}）不是县级区划")
    return division


def county_init(code: str, *, actor: User | None = None) -> CountyInit:
    """Create the county office, its township offices and the standard departments.

    Idempotent: what exists (found by kind and region, departments also by name) is kept
    as it is, including a deployer's edits to names and sectors; only what is missing is
    created. Departments get their sectors from anjian/accounts/departments.py
    (管行业必须管安全, 《安全生产法》第三条).
    """
    county = county_division(code)
    sectors = {s.code: s for s in Sector.objects.all()}
    missing = sorted({c for _, _, codes in STANDARD_DEPARTMENTS for c in codes} - set(sectors))
    if missing:
        raise AccountError(f"缺少行业领域 {'、'.join(missing)}，请先运行 anjian migrate")
    who = cli_actor_name(actor)
    created: list[Organization] = []

    def create(region: Division, sector_codes: list[str] | None = None, **fields: str) -> Organization:
        org = Organization.objects.create(region_code=region.code, **fields)
        changes: dict[str, object] = {"kind": org.kind, "region_code": org.region_code, "name": org.name}
        if sector_codes is not None:
            org.sectors.set([sectors[c] for c in sector_codes])
            changes["sectors"] = sector_codes
        created.append(org)
        audit.record(actor=actor, action="org.create", obj=org, changes=changes, actor_name=who)
        return org

    with transaction.atomic():
        offices = Organization.objects.filter(kind=OrgKind.COUNTY_OFFICE, region_code=county.code)
        office = offices.order_by("id").first() or create(
            county, kind=OrgKind.COUNTY_OFFICE, name=county_office_name(county), short_name="安委办"
        )
        townships = []
        for township in county.children.filter(level=Level.TOWNSHIP).order_by("code"):
            org = Organization.objects.filter(kind=OrgKind.TOWNSHIP, region_code=township.code).order_by("id").first()
            if org is None:
                org = create(
                    township, kind=OrgKind.TOWNSHIP, name=township_office_name(township), short_name=township.name[:16]
                )
            townships.append(org)
        departments = []
        for name, short_name, sector_codes in STANDARD_DEPARTMENTS:
            dept = Organization.objects.filter(kind=OrgKind.DEPARTMENT, region_code=county.code, name=name).first()
            if dept is None:
                dept = create(county, sector_codes, kind=OrgKind.DEPARTMENT, name=name, short_name=short_name)
            departments.append(dept)
    return CountyInit(county, office, townships, departments, created)


# --- users ---------------------------------------------------------------------------------

# Which organisations each role may belong to. A unit's staff belong to a unit, not an organisation;
# a system administrator may belong to none (then it administers the whole deployment).
ROLE_ORG_KINDS: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: frozenset({OrgKind.COUNTY_OFFICE}),
    Role.DEPARTMENT: frozenset({OrgKind.DEPARTMENT}),
    Role.TOWNSHIP: frozenset({OrgKind.TOWNSHIP}),
    Role.GRID_WORKER: frozenset({OrgKind.TOWNSHIP}),
    Role.EXPERT: frozenset(OrgKind.values),
    Role.LEADER: frozenset(OrgKind.values),
    Role.AUDITOR: frozenset(OrgKind.values),
    Role.SYSADMIN: frozenset({OrgKind.COUNTY_OFFICE}),
}
# 三员分立 (GB/T 22239-2019 8.1.4.2): the system administrator and the auditor are made by a
# system administrator, never by a county administrator.
SEPARATED_ROLES = frozenset({Role.SYSADMIN, Role.AUDITOR})


class UserCreated(NamedTuple):
    user: User
    # The generated password, to show once; None when the caller chose the password.
    password: str | None


def role_from(text: str) -> Role:
    """A role from its code (``grid_worker``) or its Chinese label (网格员)."""
    text = clean(text)
    for role in Role:
        if text in (role.value, role.label):
            return role
    choices = "、".join(f"{r.value}（{r.label}）" for r in Role)
    raise AccountError(f"未知角色“{text}”，可选：{choices}")


def resolve_org_ref(ref: str) -> Organization | Unit:
    """What ``--org`` names: an organisation, or a unit for unit staff.

    - a division code (6 digits for a county, 9 for a township; 12-digit padded also works) →
      that county's office or that township's office;
    - an 18-character 统一社会信用代码 → the unit with that code;
    - otherwise a department name: ``应急管理局`` when one department in the deployment has that
      name, ``应急管理局@430626`` to say which county's, or with the county name in front
      (``平江县应急管理局``).
    """
    ref = clean(ref)
    if not ref:
        raise AccountError("请用 --org 指定所属机构：区划代码、部门名称或单位的统一社会信用代码")
    compact = uscc.normalise(ref)
    if len(compact) == 18:
        try:
            code = uscc.validate(compact)
        except uscc.CreditCodeError as exc:
            raise AccountError(str(exc)) from exc
        unit = Unit.objects.filter(credit_code=code).first()
        if unit is None:
            raise AccountError(f"没有统一社会信用代码为 {code} 的单位")
        if not unit.is_active:
            raise AccountError(f"单位“{unit.name}”已注销，不能再添加账号")
        return unit
    if ref.isdigit():
        return _office_of_division(ref)
    name, _, county_code = ref.partition("@")
    departments = Organization.objects.filter(kind=OrgKind.DEPARTMENT)
    if county_code:
        county = county_division(county_code)
        found = list(departments.filter(name=name, region_code=county.code))
        if not found:
            raise AccountError(f"{county.name}没有名为“{name}”的部门")
        return found[0]
    found = list(departments.filter(name=name).order_by("region_code"))
    if not found:
        found = _departments_with_county_prefix(name, departments.all())
    if len(found) == 1:
        return found[0]
    if not found:
        raise AccountError(f"没有名为“{name}”的部门或机构；--org 可以是区划代码、部门名称或统一社会信用代码")
    counties = "、".join(f"{name}@{o.region_code[:6]}" for o in found)
    raise AccountError(f"有 {len(found)} 个名为“{name}”的部门，请写明所属县：{counties}")


def _office_of_division(code: str) -> Organization:
    if len(code) not in (2, 4, 6, 9, 12):
        raise AccountError(f"区划代码应为6位（县）或9位（乡镇/街道）数字，而不是“{code}”")
    division = Division.objects.filter(code=pad(code)).first()
    if division is None:
        raise AccountError(f"区划代码 {code} 不存在")
    if division.level == Level.VILLAGE:
        raise AccountError(f"{division.name}是村/社区，没有监管机构；请用所在乡镇的代码 {division.code[:9]}")
    kind = OrgKind.TOWNSHIP if division.level == Level.TOWNSHIP else OrgKind.COUNTY_OFFICE
    org = Organization.objects.filter(kind=kind, region_code=division.code).order_by("id").first()
    if org is None:
        if kind == OrgKind.TOWNSHIP:
            hint = f"anjian init-county {division.code[:6]}"
        else:
            hint = f"anjian init-county {division.prefix}"
        raise AccountError(f"{division.name}（{code}）还没有机构，请先运行 {hint}")
    return org


def _departments_with_county_prefix(name: str, departments: Iterable[Organization]) -> list[Organization]:
    """'平江县应急管理局' → the 应急管理局 of 平江县."""
    found = []
    counties = {d.code: d.name for d in Division.objects.filter(code__in={o.region_code for o in departments})}
    for dept in departments:
        county_name = counties.get(dept.region_code, "")
        if county_name and name == county_name + dept.name:
            found.append(dept)
    return found


def generate_password(length: int = 16) -> str:
    """A random password with every character class (the policy asks for 3 of 4)."""
    # No look-alikes (0/O, 1/l/I) so that it can be read out or copied from paper.
    upper = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    lower = "abcdefghijkmnopqrstuvwxyz"
    digits = "23456789"
    symbols = "@#%+=!?"
    pool = upper + lower + digits + symbols
    chars = [secrets.choice(s) for s in (upper, lower, digits, symbols)]
    chars += [secrets.choice(pool) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def check_password(password: str, user: User) -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), reasons in Chinese."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise AccountError("密码不符合要求：" + "".join(exc.messages)) from exc


def _check_actor(actor: User | None, role: Role, target_region: str | None) -> None:
    """Who may create which account (None = the command line, which the deployer runs)."""
    if actor is None:
        return
    if actor.role not in ACCOUNT_ADMINS:
        raise PermissionDenied(f"{actor.get_role_display()}无权创建账号")
    if actor.role == Role.COUNTY_ADMIN and role in SEPARATED_ROLES:
        raise PermissionDenied(f"{role.label}账号只能由系统管理员创建（三员分立）")
    if actor.org_id is not None:
        prefix = actor.org.region_prefix  # type: ignore[union-attr]
        if target_region is None or not target_region.startswith(prefix):
            raise PermissionDenied("只能为本辖区内的机构或单位创建账号")


def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    org_ref: str = "",
    password: str | None = None,
    full_name: str = "",
    grid: str = "",
    phone: str = "",
    must_change: bool = True,
) -> UserCreated:
    """Create an account with a role in an organisation (or unit, or grid).

    ``org_ref`` is resolved by :func:`resolve_org_ref`. A grid worker also needs ``grid``, the
    name of a grid of its township. Without ``password`` a strong one is generated and
    returned once; a given password must pass the password policy. Audited as ``user.create``
    (the password is never recorded).
    """
    role_ = role_from(role)
    username = clean(username)
    full_name = clean(full_name)
    if not username:
        raise AccountError("用户名不能为空")
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise AccountError(f"用户名“{username}”只能包含字母、数字和 @ . + - _") from exc
    if len(username) > 150:
        raise AccountError("用户名不能超过150个字符")
    if len(full_name) > 32:
        raise AccountError("姓名不能超过32个字")
    # Case-insensitively unique: 'Zhang' and 'zhang' would be two people to the system, one to people.
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"用户名“{username}”已存在")

    org: Organization | None = None
    unit: Unit | None = None
    grid_obj: Grid | None = None
    if role_ == Role.SYSADMIN and not clean(org_ref):
        pass  # a deployment-wide system administrator
    else:
        target = resolve_org_ref(org_ref)
        if isinstance(target, Unit):
            if role_ != Role.UNIT_STAFF:
                raise AccountError(f"“{target.name}”是生产经营单位，单位账号的角色应为 unit_staff（单位安全员）")
            unit = target
        else:
            if role_ == Role.UNIT_STAFF:
                raise AccountError("单位安全员账号的 --org 应为所在单位的统一社会信用代码")
            if target.kind not in ROLE_ORG_KINDS[role_]:
                allowed = "、".join(OrgKind(k).label for k in sorted(ROLE_ORG_KINDS[role_]))
                raise AccountError(f"{role_.label}应属于{allowed}，而“{target.name}”是{OrgKind(target.kind).label}")
            org = target
    grid = clean(grid)
    if role_ == Role.GRID_WORKER:
        if not grid:
            raise AccountError("网格员须指定网格（--grid 网格名称）")
        assert org is not None
        grid_obj = Grid.objects.filter(region_code=org.region_code, name=grid).first()
        if grid_obj is None:
            names = list(Grid.objects.filter(region_code=org.region_code).values_list("name", flat=True)[:20])
            listed = "、".join(names) if names else "（尚无网格，可用 anjian init-county CODE --grids N 创建）"
            raise AccountError(f"{org.name}没有名为“{grid}”的网格；现有网格：{listed}")
    elif grid:
        raise AccountError("只有网格员需要指定网格")

    target_region = unit.region_code if unit else org.region_code if org else None
    _check_actor(actor, role_, target_region)

    # A password somebody else chose is changed at the first sign-in (GB/T 22239-2019 8.1.4.1 a,
    # anjian.accounts.policy); only the demo county's documented accounts are made without that.
    user = User(
        username=username, role=role_, org=org, unit=unit, grid=grid_obj, full_name=full_name, phone=clean(phone),
        must_change_password=must_change, password_changed_at=timezone.now(),
    )
    generated = None
    if password is None:
        generated = password = generate_password()
    check_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            audit.record(
                actor=actor,
                action="user.create",
                obj=user,
                changes={
                    "username": username,
                    "role": role_.value,
                    "org": org.pk if org else None,
                    "unit": unit.pk if unit else None,
                    "grid": grid_obj.pk if grid_obj else None,
                },
                actor_name=cli_actor_name(actor),
            )
    except IntegrityError as exc:  # a concurrent request took the username
        raise AccountError(f"用户名“{username}”已存在") from exc
    return UserCreated(user, generated)


def describe(user: User) -> str:
    """'网格员，安定镇人民政府 / 安定镇第1网格' — for command output."""
    parts = [user.get_role_display()]
    where = [str(x) for x in (user.unit, user.org, user.grid) if x is not None]
    if where:
        parts.append(" / ".join(where))
    elif user.role == Role.SYSADMIN:
        parts.append("全部署范围")
    return "，".join(parts)


# --- password and account policy (等保 2.0, anjian.accounts.policy) ------------------------------

def password_changed(user: User) -> None:
    """The user chose a new password: the 90 days start again and nothing is forced any more."""
    user.password_changed_at = timezone.now()
    user.must_change_password = False
    user.save(update_fields=["password_changed_at", "must_change_password"])


def may_manage_accounts(actor: User | None) -> bool:
    """三员分立 (DOMAIN.md §6): the system administrator manages accounts, or the server's command line."""
    return actor is None or actor.role == Role.SYSADMIN


def _sysadmin_or_cli(actor: User | None, what: str) -> None:
    # 三员分立 (DOMAIN.md §6): the system administrator manages accounts; on the command line the
    # operator of the server is (actor None, recorded as the command line in the audit trail).
    if not may_manage_accounts(actor):
        raise PermissionDenied(f"只有系统管理员可以{what}（三员分立）")


def user_named(username: str) -> User:
    user = User.objects.filter(username__iexact=clean(username)).first()
    if user is None:
        raise AccountError(f"没有用户名为“{clean(username)}”的账号")
    return user


@transaction.atomic
def password_reset(*, actor: User | None, username: str) -> str:
    """A new generated password, shown once; the user must change it at the next sign-in."""
    _sysadmin_or_cli(actor, "重置密码")
    user = user_named(username)
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record(actor=actor, action="user.password_reset", obj=user,  # never the password
                 actor_name=cli_actor_name(actor))
    return password


@transaction.atomic
def user_set_active(*, actor: User | None, username: str, active: bool, reason: str) -> User:
    """Disable or re-enable an account, with the reason in the audit trail; nothing is deleted."""
    _sysadmin_or_cli(actor, "停用或启用账号")
    reason = clean(reason)
    if not reason:
        raise AccountError("请写明停用或启用的原因")
    user = user_named(username)
    if user.is_active == active:
        raise AccountError(f"账号“{user.username}”已{'启用' if active else '停用'}")
    if actor is not None and user.pk == actor.pk and not active:
        raise AccountError("不能停用自己的账号")
    user.is_active = active
    fields = ["is_active"]
    if active:
        # Re-enabled after being dormant: the dormant rule must not take it again tomorrow.
        user.last_login = timezone.now()
        fields.append("last_login")
    user.save(update_fields=fields)
    audit.record(actor=actor, action="user.enable" if active else "user.disable", obj=user,
                 changes={"reason": reason}, actor_name=cli_actor_name(actor))
    return user


DORMANT_REASON = "连续{days}天未登录，按等级保护要求停用（GB/T 22239-2019 8.1.4.2：及时删除或停用多余、过期的账号）"


DORMANT_JOB = "系统（长期未登录账号检查）"


def dormant_days() -> int:
    return int(settings.ANJIAN_DORMANT_DAYS)


@transaction.atomic
def dormant_disable(*, now: dt.datetime | None = None) -> list[User]:
    """Disable accounts not signed in with for ``ANJIAN_DORMANT_DAYS`` days (the daily job).

    Never signed in counts from the day the account was made. System administrators are left
    alone: disabling the last one would leave nobody to re-enable the others.
    """
    days = dormant_days()
    if days <= 0:
        return []
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    dormant = (
        User.objects.filter(is_active=True)
        .exclude(role=Role.SYSADMIN)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("pk")
    )
    users = list(dormant.select_for_update())
    reason = DORMANT_REASON.format(days=days)
    for user in users:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(actor=None, action="user.disable", obj=user, changes={"reason": reason},
                     actor_name=DORMANT_JOB)
    return users

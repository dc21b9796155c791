"""单位台账: the unit registry's ledger columns (ledgers.md) for import, export and the template.

Key: 统一社会信用代码, else 单位名称 + the township of 所属区划 (the same pair the registry
keeps unique). A row whose key exists updates that unit; identical values change nothing.

Checks are the registry's own rules (``anjian.units.services``), run here against lookup
caches so that a 100,000-row file is checked in seconds instead of one query per rule per
row. Small files are then written through ``unit_create``/``unit_update``, which check
again; large files are inserted in bulk with the same fields, pinyin keys and audit
entries the service writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from anjian.accounts.models import Organization, OrgKind
from anjian.accounts.roles import Role
from anjian.core import audit, uscc
from anjian.core.models import AuditEntry
from anjian.core.scope import region_prefix, scope_q
from anjian.ledgers.bulk import insert_many
from anjian.ledgers.columns import Boolean, Choice, Code, Column, Number, Text
from anjian.ledgers.engine import CREATE, UNCHANGED, UPDATE, Ledger, Planned, Row, RowError
from anjian.ledgers.pinyin import pinyin_keys
from anjian.ledgers.registry import register
from anjian.regions.models import Division, Grid, Level
from anjian.units.models import RiskClass, Sector, Unit, UnitStatus
from anjian.units.selectors import unit_list

# The registry's own rules, reused rather than restated.
from anjian.units.services import (
    LAT_RANGE,
    LNG_RANGE,
    UNIT_FIELDS,
    PermissionDenied,
    UnitData,
    UnitError,
    default_department,
    unit_create,
    unit_in_scope,
    unit_update,
)

if TYPE_CHECKING:
    from anjian.accounts.models import User

FK_FIELDS = ("grid", "sector", "department")


def _sector_names() -> list[str]:
    return list(Sector.objects.order_by("order", "code").values_list("name", flat=True))


def _name_of(obj: Any) -> str:
    return obj.name if obj is not None else ""


COLUMNS: list[Column] = [
    Column("单位名称", "name", Text(128), required=True, width=32),
    Column(
        "统一社会信用代码",
        "credit_code",
        Code(),
        width=22,
        note="18 位，按 GB 32100-2015 校验第 18 位；个体户、场所没有的可不填",
    ),
    Column(
        "所属区划",
        "region_code",
        Code(),
        required=True,
        width=16,
        export=lambda u: u.region_code,
        note="6、9 或 12 位统计用区划代码（县、乡镇/街道、村/社区），也可填本辖区内唯一的乡镇或村名称",
    ),
    Column("网格", "grid", Text(64), export=lambda u: _name_of(u.grid), note="所在乡镇下的网格名称", width=18),
    Column("地址", "address", Text(200), width=30),
    Column("经度", "lng", Number(6, *LNG_RANGE, label="经度"), note="WGS-84 十进制度", width=12),
    Column("纬度", "lat", Number(6, *LAT_RANGE, label="纬度"), note="WGS-84 十进制度", width=12),
    Column(
        "行业领域",
        "sector",
        Text(32),
        required=True,
        choices=_sector_names,
        export=lambda u: _name_of(u.sector),
        width=14,
    ),
    Column("国民经济行业代码", "industry_code", Code(5), note="GB/T 4754-2017 行业代码", width=10),
    Column(
        "监管部门",
        "department",
        Text(64),
        export=lambda u: _name_of(u.department),
        width=18,
        note="本县的行业主管部门名称；不填则按行业领域确定（管行业必须管安全）",
    ),
    Column("重点监管", "key_supervision", Boolean(), width=10),
    Column("分级分类", "risk_class", Choice({c.label: c.value for c in RiskClass}), width=10),
    Column("规模以上", "above_scale", Boolean(), width=10),
    Column("主要负责人", "principal", Text(32), width=12),
    Column("联系电话", "phone", Text(32), width=16),
    Column(
        "状态",
        "status",
        Choice({c.label: c.value for c in UnitStatus}, default=UnitStatus.NORMAL),
        width=12,
        note="不填为“正常”",
    ),
]


@dataclass
class _Context:
    actor: User
    sectors: dict[str, Sector]
    divisions: dict[str, Division | None] = field(default_factory=dict)
    division_names: dict[str, list[str]] | None = None
    grids: dict[tuple[str, str], Grid | None] = field(default_factory=dict)
    departments: dict[tuple[str, str], Organization | None] = field(default_factory=dict)
    defaults: dict[tuple[int, str], Organization | None] = field(default_factory=dict)
    scope: dict[tuple[str, int], bool] = field(default_factory=dict)
    # Keys already claimed by an earlier row of the file: key → row number.
    codes: dict[str, int] = field(default_factory=dict)
    names: dict[tuple[str, str], int] = field(default_factory=dict)
    targets: dict[int, int] = field(default_factory=dict)

    def division(self, code: str) -> Division | None:
        if code not in self.divisions:
            self.divisions[code] = Division.objects.filter(code=code).first()
        return self.divisions[code]

    def division_by_name(self, name: str) -> list[str]:
        """Codes of the townships/villages called ``name`` inside the actor's region."""
        if self.division_names is None:
            prefix = region_prefix(self.actor) or ""
            self.division_names = {}
            rows = Division.objects.filter(code__startswith=prefix, level__gte=Level.TOWNSHIP)
            for code, div_name in rows.values_list("code", "name"):
                self.division_names.setdefault(div_name, []).append(code)
        return self.division_names.get(name, [])

    def grid(self, township: str, name: str) -> Grid | None:
        key = (township, name)
        if key not in self.grids:
            self.grids[key] = Grid.objects.filter(township_id=township, name=name).first()
        return self.grids[key]

    def department(self, county: str, name: str) -> Organization | None:
        key = (county, name)
        if key not in self.departments:
            self.departments[key] = (
                Organization.objects.filter(kind=OrgKind.DEPARTMENT, region_code__startswith=county, name=name)
                .order_by("id")
                .first()
                or Organization.objects.filter(kind=OrgKind.DEPARTMENT, region_code__startswith=county, short_name=name)
                .order_by("id")
                .first()
            )
        return self.departments[key]

    def default_department(self, sector: Sector, region_code: str) -> Organization | None:
        key = (sector.pk, region_code[:6])
        if key not in self.defaults:
            self.defaults[key] = default_department(sector, region_code)
        return self.defaults[key]

    def in_scope(self, region_code: str, sector: Sector) -> bool:
        key = (region_code, sector.pk)
        if key not in self.scope:
            self.scope[key] = unit_in_scope(self.actor, Unit(region_code=region_code, sector=sector))
        return self.scope[key]


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class UnitLedger(Ledger):
    name = "units"
    title = "单位台账"
    list_url = "units:list"
    columns = COLUMNS
    key_help = "有统一社会信用代码的按代码匹配已有单位，否则按 单位名称 + 所属区划所在乡镇 匹配；匹配到的单位被更新"
    notes = (
        "表头必须在第一行（其上可有标题行），列的顺序不限，带 * 的列必填，未识别的列会被忽略。",
        "整个文件要么全部导入，要么一行都不导入：任何一行有错，系统会列出所有错误行，不写入任何数据。",
        "重复导入同一文件不会产生重复单位：已有单位按文件内容更新，内容相同则不变。",
        "更新已有单位时，文件中没有的列保持原值；有该列但单元格为空，则清空该项。",
        "只能导入本辖区内的单位。",
    )
    # Creating at least this many units in one file takes the bulk path; fewer go one by one
    # through unit_create (the reference path, re-checking everything).
    bulk_min = 500

    # --- import ------------------------------------------------------------------------
    def begin(self, actor: User, present: frozenset[str]) -> _Context:
        return _Context(actor=actor, sectors={s.name: s for s in Sector.objects.all()})

    def _region(self, ctx: _Context, row: Row) -> str | None:
        """The row's 12-digit region code, or None (with the error added)."""
        header = "所属区划"
        raw = row.values["region_code"]
        if raw.isdigit():
            if len(raw) not in (6, 9, 12):
                row.error(header, f"应为 6、9 或 12 位区划代码，实际为 {len(raw)} 位", "region_code")
                return None
            code = raw.ljust(12, "0")
            if ctx.division(code) is None:
                row.error(header, f"区划代码 {code} 不存在", "region_code")
                return None
            return code
        codes = ctx.division_by_name(raw)
        if len(codes) == 1:
            return codes[0]
        if codes:
            row.error(header, f"辖区内有 {len(codes)} 个“{raw}”，请填写区划代码", "region_code")
        else:
            row.error(header, f"“{raw}”不是区划代码，也不是辖区内的乡镇或村名称", "region_code")
        return None

    def check_batch(self, ctx: _Context, rows: list[Row]) -> list[Planned]:
        # Pass 1: per-row cell rules that need no other unit.
        keyed: list[tuple[Row, str, str | None, Sector | None]] = []
        for row in rows:
            code = ""
            if row.ok("credit_code") and row.values["credit_code"]:
                try:
                    code = uscc.validate(row.values["credit_code"])
                except uscc.CreditCodeError as exc:
                    row.error("统一社会信用代码", str(exc), "credit_code")
            region = self._region(ctx, row) if row.ok("region_code") else None
            sector = None
            if row.ok("sector"):
                sector = ctx.sectors.get(row.values["sector"])
                if sector is None:
                    row.error(
                        "行业领域",
                        f"“{row.values['sector']}”不是行业领域，可选：{'、'.join(ctx.sectors)}",
                        "sector",
                    )
            keyed.append((row, code, region, sector))

        # Pass 2: the existing units these rows may be, two queries per batch.
        codes = {code for _, code, _, _ in keyed if code}
        names = {row.values["name"] for row, _, region, _ in keyed if region and row.ok("name")}
        related = ("sector", "grid", "department")
        # exclude(credit_code="") states the condition of the partial unique index, so SQLite uses it.
        with_codes = Unit.objects.filter(credit_code__in=codes).exclude(credit_code="")
        by_code = {u.credit_code: u for u in with_codes.select_related(*related)}
        by_name = {(u.name, u.region_code[:9]): u for u in Unit.objects.filter(name__in=names).select_related(*related)}
        candidates = {u.pk for u in (*by_code.values(), *by_name.values())}
        visible = set(
            Unit.objects.filter(scope_q(ctx.actor, Unit.SCOPE), pk__in=candidates).values_list("pk", flat=True)
        )

        plans: list[Planned] = []
        for row, code, region, sector in keyed:
            if region is None or sector is None or not row.ok("name"):
                continue
            plan = self._check_row(ctx, row, code, region, sector, by_code, by_name, visible)
            if plan is not None:
                plans.append(plan)
        return plans

    def _check_row(
        self,
        ctx: _Context,
        row: Row,
        code: str,
        region: str,
        sector: Sector,
        by_code: dict[str, Unit],
        by_name: dict[tuple[str, str], Unit],
        visible: set[int],
    ) -> Planned | None:
        name = row.values["name"]
        township = region[:9]
        # Which existing unit is this row? (统一社会信用代码, else 单位名称 + 乡镇)
        target = by_code.get(code) if code else None
        same_name = by_name.get((name, township))
        if target is None and same_name is not None:
            if not code or not same_name.credit_code:
                target = same_name  # the same unit; a row may add the code it lacked
        if same_name is not None and (target is None or same_name.pk != target.pk):
            row.error("单位名称", f"同一乡镇已有同名单位（{same_name.region_code}）")
        if target is not None and target.pk not in visible:
            header = "统一社会信用代码" if code and code in by_code else "单位名称"
            row.error(header, "该单位不在您的管辖范围内")

        # Twice in the same file: report the later row, naming the earlier one.
        if code and code in ctx.codes:
            row.error("统一社会信用代码", f"与第{ctx.codes[code]}行的统一社会信用代码重复")
        elif (name, township) in ctx.names:
            row.error("单位名称", f"与第{ctx.names[(name, township)]}行重复（同一乡镇的同名单位）")
        elif target is not None and target.pk in ctx.targets:
            row.error("单位名称", f"与第{ctx.targets[target.pk]}行是同一单位")
        if code:
            ctx.codes.setdefault(code, row.number)
        ctx.names.setdefault((name, township), row.number)
        if target is not None:
            ctx.targets.setdefault(target.pk, row.number)

        if not ctx.in_scope(region, sector):
            row.error("所属区划", "该单位不在您的管辖范围内")
        data = self._data(ctx, row, target, code, region, sector)
        if data is None or row.errors:
            return None
        if target is None:
            return Planned(row.number, CREATE, (data, None))
        before = audit.snapshot(target, UNIT_FIELDS)
        after = audit.snapshot(self._apply(ctx, Unit(), data), UNIT_FIELDS)
        if not audit.diff(before, after):
            return Planned(row.number, UNCHANGED)  # nothing to keep for a row that changes nothing
        return Planned(row.number, UPDATE, (data, target))

    def _data(
        self, ctx: _Context, row: Row, target: Unit | None, code: str, region: str, sector: Sector
    ) -> UnitData | None:
        """The unit's data after this row: the row's columns over the unit's current values."""
        values = row.values
        base: dict[str, Any] = {f: getattr(target, f) for f in UNIT_FIELDS} if target is not None else {}
        data = UnitData(name=values["name"], region_code=region, sector=sector)
        for name in UNIT_FIELDS:
            if name in ("name", "region_code", "sector", "credit_code", "grid", "department"):
                continue
            if name in values:
                setattr(data, name, values[name])
            elif name in base:
                setattr(data, name, base[name])
        data.credit_code = code if "credit_code" in values else base.get("credit_code", "")

        if values.get("grid"):
            data.grid = ctx.grid(township=region[:9].ljust(12, "0"), name=values["grid"])
            if data.grid is None:
                row.error("网格", f"网格“{values['grid']}”不属于该单位所在乡镇")
        elif "grid" not in values and target is not None:
            data.grid = target.grid
            if data.grid is not None and data.grid.region_code[:9] != region[:9]:
                row.error("网格", f"网格“{data.grid.name}”不属于该单位所在乡镇")
        if values.get("department"):
            data.department = ctx.department(region[:6], values["department"])
            if data.department is None:
                row.error("监管部门", f"“{values['department']}”不是本县的行业主管部门")
        elif "department" not in values and target is not None:
            data.department = target.department
        return data if not row.errors else None

    def _apply(self, ctx: _Context, unit: Unit, data: UnitData) -> Unit:
        """What unit_create/unit_update store for ``data`` (the service's field assignment)."""
        for name in UNIT_FIELDS:
            setattr(unit, name, getattr(data, name))
        if unit.department is None:
            unit.department = ctx.default_department(data.sector, data.region_code)
        return unit

    def write(self, ctx: _Context, items: list[Planned], tick: Callable[[int], None]) -> list[RowError]:
        errors: list[RowError] = []
        done = 0
        updates = [i for i in items if i.action == UPDATE]
        creates = [i for i in items if i.action == CREATE]
        # Updates first: a rename frees its old name before a new unit may take it.
        for item in updates:
            data, target = item.payload
            try:
                unit_update(actor=ctx.actor, unit=target, data=data)
            except (UnitError, PermissionDenied) as exc:
                errors.extend(self._refusal(item.row, exc))
            done += 1
            if done % 200 == 0:
                tick(done)
        if len(creates) >= self.bulk_min:
            errors.extend(self._bulk_create(ctx, creates, tick, done))
        else:
            for item in creates:
                data, _ = item.payload
                try:
                    unit_create(actor=ctx.actor, data=data)
                except (UnitError, PermissionDenied) as exc:
                    errors.extend(self._refusal(item.row, exc))
                done += 1
                if done % 200 == 0:
                    tick(done)
        tick(len(items))
        return errors

    def _refusal(self, row: int, exc: Exception) -> list[RowError]:
        if isinstance(exc, UnitError):
            headers = {c.field: c.header for c in self.columns}
            return [
                RowError(row, headers.get(name, "单位"), message)
                for name, messages in exc.errors.items()
                for message in messages
            ]
        return [RowError(row, "单位名称", str(exc))]

    def _bulk_create(
        self, ctx: _Context, items: list[Planned], tick: Callable[[int], None], done: int
    ) -> list[RowError]:
        """Insert many units as unit_create would, 1,000 at a time, with their audit entries."""
        actor = ctx.actor
        where = audit.current_origin()
        label = Unit._meta.label_lower
        try:
            with transaction.atomic():
                for chunk in _chunks(items, 1000):
                    rows, snapshots = [], []
                    for item in chunk:
                        data: UnitData = item.payload[0]
                        if data.department is None:
                            data.department = ctx.default_department(data.sector, data.region_code)
                        row = {f"{n}_id" if n in FK_FIELDS else n: getattr(data, n) for n in UNIT_FIELDS}
                        for name in FK_FIELDS:
                            row[f"{name}_id"] = getattr(row[f"{name}_id"], "pk", None)
                        row["name_initials"], row["name_pinyin"] = pinyin_keys(data.name)
                        rows.append(row)
                        # The same snapshot unit_create records: audit.snapshot reads the same fields.
                        snapshots.append(audit.snapshot(data, UNIT_FIELDS))  # type: ignore[arg-type]
                    ids = insert_many(Unit, rows)
                    insert_many(
                        AuditEntry,
                        [
                            {
                                "actor_id": actor.pk,
                                "actor_name": actor.get_username(),
                                "source": where.source,
                                "channel": where.channel,
                                "action": "unit.create",
                                "success": True,
                                "object_type": label,
                                "object_id": str(pk),
                                "object_repr": row["name"][:200],
                                "changes": snapshot,
                            }
                            for pk, row, snapshot in zip(ids, rows, snapshots, strict=True)
                        ],
                    )
                    done += len(chunk)
                    tick(done)
        except IntegrityError:
            # Someone registered one of these units between the check and the write.
            return [RowError(None, "", "写入时发现重复单位（可能有人同时录入），本次未导入任何数据，请重新预检")]
        return []

    # --- export and template -----------------------------------------------------------
    def export_objects(self, user: User | None, params: dict[str, Any]) -> Iterable[Any]:
        from anjian.units.filters import filters_from_params

        assert user is not None
        return unit_list(user, filters_from_params(params)).iterator(chunk_size=2000)

    def example(self, user: User | None) -> dict[str, Any]:
        prefix = (region_prefix(user) if user is not None else None) or ""
        townships = Division.objects.filter(code__startswith=prefix, level=Level.TOWNSHIP).order_by("code")
        township = townships.first() or Division.objects.filter(level=Level.TOWNSHIP).order_by("code").first()
        code = township.code if township is not None else "430626101000"
        county = Division.objects.filter(code=code[:6].ljust(12, "0")).first()
        sector = None
        if user is not None and user.role == Role.DEPARTMENT and user.org_id is not None:
            sector = user.org.sectors.order_by("order", "code").first()  # type: ignore[union-attr]
        sector = sector or Sector.objects.filter(code="hazardous_chemicals").first() or Sector.objects.first()
        grid = Grid.objects.filter(township_id=code).order_by("name").first()
        return {
            "name": f"{county.name if county else ''}示例化工有限公司",
            "credit_code": uscc.make(f"91{code[:6]}MA4L0001E"),
            "region_code": code[:9],
            "grid": grid.name if grid else "",
            "address": f"{township.name if township else ''}工业园1号",
            "lng": 113.583,
            "lat": 28.701,
            "sector": sector.name if sector else "",
            "industry_code": "2614",
            "department": "",
            "key_supervision": "是",
            "risk_class": "B",
            "above_scale": "否",
            "principal": "张三",
            "phone": "0730-6221234",
            "status": "正常",
        }


register(UnitLedger())

"""Importing the unit ledger: all or nothing, every bad row reported, re-import changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anjian.core.models import AuditEntry
from anjian.core.text import pinyin_full, pinyin_initials
from anjian.units.models import Unit, UnitStatus
from tests.conftest import credit_code
from tests.ledgers.conftest import HEADERS, do_import, messages, unit_row, write_csv, write_xlsx


def unit_audits() -> int:
    return AuditEntry.objects.filter(action__startswith="unit.").count()


def test_good_file_creates_units(county, tmp_path, write_path):
    admin = county.users["county_admin"]
    rows = [
        unit_row(1),
        unit_row(2, 网格="", 所属区划="430626102", 行业领域="建筑施工", 重点监管="否", 分级分类="", 状态="停产整顿"),
        unit_row(3, 统一社会信用代码="", 所属区划="430626101201", 网格="安定镇第二网格", 监管部门="住房和城乡建设局"),
    ]
    before = Unit.objects.count()
    audits = unit_audits()

    report = do_import(write_xlsx(tmp_path / "units.xlsx", rows), admin)

    assert messages(report) == []
    assert (report.total, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert report.written
    assert Unit.objects.count() == before + 3
    first = Unit.objects.get(credit_code=credit_code(1001))
    assert first.name == "平江县测试1号化工有限公司"
    assert first.region_code == "430626101000"
    assert first.grid == county.grid_a
    assert first.sector == county.sectors["hazardous_chemicals"]
    assert first.department == county.yingji  # empty 监管部门: the sector's department
    assert first.key_supervision is True
    assert first.risk_class == "B"
    assert first.lng == Decimal("113.583100")
    assert first.phone == "0730-6221234"
    assert first.name_initials == pinyin_initials(first.name)
    assert first.name_pinyin == pinyin_full(first.name)
    assert first.is_active and first.created_at is not None and first.deactivated_reason == ""
    second = Unit.objects.get(credit_code=credit_code(1002))
    assert (second.region_code, second.grid, second.status) == ("430626102000", None, UnitStatus.SUSPENDED)
    assert second.department == county.zhujian
    third = Unit.objects.get(name="平江县测试3号化工有限公司")
    assert (third.credit_code, third.region_code, third.grid) == ("", "430626101201", county.grid_b)
    assert third.department == county.zhujian  # named in the file, not the sector's default
    # Every unit has its audit entry, attributed to the importer, plus one for the import.
    created = AuditEntry.objects.filter(action="unit.create", actor=admin)
    assert unit_audits() == audits + 3
    assert created.filter(object_id=str(first.pk), changes__name=first.name).exists()
    assert AuditEntry.objects.filter(action="ledger.import.units", changes__created=3).count() == 1


def test_bad_rows_report_every_error_and_write_nothing(county, tmp_path, write_path):
    bad_code = credit_code(1003)[:-1] + ("0" if credit_code(1003)[-1] != "0" else "1")
    rows = [
        unit_row(1),  # row 2: fine
        unit_row(2, 单位名称=""),  # row 3
        unit_row(3, 统一社会信用代码=bad_code, 所属区划="4306261"),  # row 4
        unit_row(4, 行业领域="养猪", 重点监管="有"),  # row 5
        unit_row(5, 状态="营业", 分级分类="E", 经度="东经113"),  # row 6
        unit_row(6, 网格="三市镇第一网格", 监管部门="财政局"),  # row 7
        unit_row(7, 所属区划="430626999"),  # row 8
        unit_row(8, 纬度="80"),  # row 9
    ]
    before = Unit.objects.count()
    audits = AuditEntry.objects.count()

    report = do_import(write_xlsx(tmp_path / "bad.xlsx", rows), county.users["county_admin"])

    expected = credit_code(1003)[-1]
    assert messages(report) == [
        "第3行 单位名称: 不能为空",
        f"第4行 统一社会信用代码: 统一社会信用代码校验位错误：按 GB 32100-2015 第18位应为“{expected}”，"
        f"实际为“{bad_code[-1]}”",
        "第4行 所属区划: 应为 6、9 或 12 位区划代码，实际为 7 位",
        "第5行 行业领域: “养猪”不是行业领域，可选：非煤矿山、危险化学品、烟花爆竹、冶金、工贸、建筑施工、道路运输、"
        "水上交通、城镇燃气、消防、食品制造、特种设备、商贸流通、文化旅游、教育、医疗卫生、养老服务、农业农村、"
        "地质矿产、民用爆炸物品",
        "第5行 重点监管: 应为 是 或 否，实际为“有”",
        "第6行 经度: 应为数字，实际为“东经113”",
        "第6行 分级分类: 应为 A、B、C、D 之一，实际为“E”",
        "第6行 状态: 应为 正常、停产整顿、关闭 之一，实际为“营业”",
        "第7行 网格: 网格“三市镇第一网格”不属于该单位所在乡镇",
        "第7行 监管部门: “财政局”不是本县的行业主管部门",
        "第8行 所属区划: 区划代码 430626999000 不存在",
        "第9行 纬度: 纬度应在 3—54 之间",
    ]
    assert not report.written
    assert Unit.objects.count() == before
    assert AuditEntry.objects.count() == audits


def test_gb18030_csv(county, tmp_path, write_path):
    rows = [
        unit_row(1, 单位名称="平江县𠀾镕炜化工有限公司"),
        unit_row(2, 地址="三市镇·老街（东）8号", 所属区划="430626102", 网格=""),
    ]
    path = write_csv(tmp_path / "gbk.csv", rows, "gb18030")
    path.read_bytes().decode("gb18030")  # really GB18030 …
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # … and not UTF-8

    report = do_import(path, county.users["county_admin"])

    assert messages(report) == []
    assert report.created == 2
    assert Unit.objects.filter(name="平江县𠀾镕炜化工有限公司", region_code="430626101000").exists()
    # NFKC, as for every name and address: full-width brackets become ASCII ones.
    assert Unit.objects.get(credit_code=credit_code(1002)).address == "三市镇·老街(东)8号"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_utf8_csv_with_and_without_bom(county, tmp_path, encoding):
    path = write_csv(tmp_path / "u.csv", [unit_row(1)], encoding)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")

    report = do_import(path, county.users["county_admin"])

    assert messages(report) == []
    assert Unit.objects.filter(name="平江县测试1号化工有限公司").count() == 1


def test_reimport_changes_nothing(county, tmp_path, write_path):
    admin = county.users["county_admin"]
    rows = [unit_row(i) for i in range(1, 4)] + [unit_row(4, 统一社会信用代码="", 监管部门="应急管理局")]
    path = write_xlsx(tmp_path / "units.xlsx", rows)
    first = do_import(path, admin)
    assert (first.created, first.updated, first.unchanged) == (4, 0, 0)
    units = {u.pk: u.updated_at for u in Unit.objects.all()}
    audits = AuditEntry.objects.count()

    again = do_import(path, admin)

    assert messages(again) == []
    assert (again.total, again.created, again.updated, again.unchanged) == (4, 0, 0, 4)
    assert {u.pk: u.updated_at for u in Unit.objects.all()} == units
    assert AuditEntry.objects.count() == audits


def test_existing_unit_is_updated_by_credit_code_and_by_name(county, tmp_path):
    chem = county.units["chem_a"]
    rows = [
        unit_row(1, 单位名称=chem.name, 统一社会信用代码=chem.credit_code, 地址="安定镇工业园2号", 分级分类="A"),
        # No code: found by name in its township; the row adds the missing code.
        unit_row(2, 单位名称="平江县无码小店", 统一社会信用代码=""),
    ]
    write_xlsx(tmp_path / "a.xlsx", rows[1:])
    assert do_import(tmp_path / "a.xlsx", county.users["county_admin"]).created == 1
    rows[1]["统一社会信用代码"] = credit_code(77)
    audits = AuditEntry.objects.filter(action="unit.update").count()

    report = do_import(write_xlsx(tmp_path / "b.xlsx", rows), county.users["county_admin"])

    assert messages(report) == []
    assert (report.created, report.updated) == (0, 2)
    chem.refresh_from_db()
    assert (chem.address, chem.risk_class) == ("安定镇工业园2号", "A")
    assert Unit.objects.get(name="平江县无码小店").credit_code == credit_code(77)
    assert AuditEntry.objects.filter(action="unit.update").count() == audits + 2
    change = AuditEntry.objects.get(action="unit.update", object_id=str(chem.pk))
    assert change.changes["address"] == ["安定镇工业园1号", "安定镇工业园2号"]


def test_columns_absent_from_the_file_keep_their_values(county, tmp_path):
    chem = county.units["chem_a"]
    headers = ["单位名称", "统一社会信用代码", "所属区划", "行业领域", "联系电话"]
    row = {
        "单位名称": chem.name,
        "统一社会信用代码": chem.credit_code,
        "所属区划": "430626101",
        "行业领域": "危险化学品",
        "联系电话": "13800000001",
    }

    report = do_import(write_xlsx(tmp_path / "p.xlsx", [row], headers), county.users["county_admin"])

    assert messages(report) == []
    assert report.updated == 1
    chem.refresh_from_db()
    assert chem.phone == "13800000001"
    assert (chem.address, chem.grid, chem.key_supervision, chem.risk_class) == (
        "安定镇工业园1号",
        county.grid_a,
        True,
        "B",
    )


def test_duplicates_within_the_file(county, tmp_path, write_path):
    rows = [
        unit_row(1),
        unit_row(2, 统一社会信用代码=credit_code(1001)),  # the code of row 2
        unit_row(3, 统一社会信用代码=""),
        unit_row(4, 单位名称="平江县测试3号化工有限公司", 统一社会信用代码="", 所属区划="430626101201", 网格=""),
        unit_row(5, 单位名称="平江县测试3号化工有限公司", 统一社会信用代码="", 所属区划="430626102", 网格=""),
    ]
    before = Unit.objects.count()

    report = do_import(write_xlsx(tmp_path / "dup.xlsx", rows), county.users["county_admin"])

    assert messages(report) == [
        "第3行 统一社会信用代码: 与第2行的统一社会信用代码重复",
        "第5行 单位名称: 与第4行重复（同一乡镇的同名单位）",
    ]
    assert Unit.objects.count() == before  # row 6 (another township) was fine, but nothing is written


def test_duplicate_of_a_registered_unit(county, tmp_path):
    chem = county.units["chem_a"]
    # A new code, but the name of 汇丰化工 in the same township (a village of it).
    row = unit_row(1, 单位名称=chem.name, 所属区划="430626101201", 网格="")

    report = do_import(write_xlsx(tmp_path / "d.xlsx", [row]), county.users["county_admin"])

    assert messages(report) == ["第2行 单位名称: 同一乡镇已有同名单位（430626101000）"]


def test_out_of_scope_rows_are_rejected_for_a_township_officer(county, tmp_path, write_path):
    fire = county.units["fire_b"]  # 三市镇
    rows = [
        unit_row(1),  # 安定镇: the officer's own township
        unit_row(2, 所属区划="430626102", 网格=""),  # a new unit in 三市镇
        unit_row(
            3, 单位名称=fire.name, 统一社会信用代码=fire.credit_code, 所属区划="430626101", 网格="", 行业领域="烟花爆竹"
        ),  # 三市镇's unit, moved into 安定镇
    ]
    before = Unit.objects.count()

    report = do_import(write_xlsx(tmp_path / "s.xlsx", rows), county.users["township"])

    assert messages(report) == [
        "第3行 所属区划: 该单位不在您的管辖范围内",
        "第4行 统一社会信用代码: 该单位不在您的管辖范围内",
    ]
    assert Unit.objects.count() == before
    fire.refresh_from_db()
    assert fire.region_code == "430626102000"


def test_department_may_import_only_its_sectors(county, tmp_path):
    rows = [unit_row(1), unit_row(2, 行业领域="建筑施工"), unit_row(3, 行业领域="建筑施工", 状态="营业")]

    report = do_import(write_xlsx(tmp_path / "dep.xlsx", rows), county.users["department"])

    assert messages(report) == [
        "第3行 所属区划: 该单位不在您的管辖范围内",
        "第4行 所属区划: 该单位不在您的管辖范围内",  # reported along with the row's other error
        "第4行 状态: 应为 正常、停产整顿、关闭 之一，实际为“营业”",
    ]


@pytest.mark.parametrize("persona", ["leader", "auditor", "grid_worker", "unit_staff", "expert"])
def test_roles_that_may_not_import(county, tmp_path, persona):
    report = do_import(write_xlsx(tmp_path / "r.xlsx", [unit_row(1)]), county.users[persona])

    user = county.users[persona]
    assert messages(report) == [f"{user.get_role_display()}无权导入单位台账"]
    assert not Unit.objects.filter(name="平江县测试1号化工有限公司").exists()


def test_dry_run_writes_nothing(county, tmp_path, write_path):
    chem = county.units["chem_a"]
    rows = [unit_row(1), unit_row(2, 单位名称=chem.name, 统一社会信用代码=chem.credit_code, 地址="新地址")]
    before = Unit.objects.count()
    audits = AuditEntry.objects.count()

    report = do_import(write_xlsx(tmp_path / "dry.xlsx", rows), county.users["county_admin"], dry_run=True)

    assert messages(report) == []
    assert (report.created, report.updated, report.unchanged, report.written) == (1, 1, 0, False)
    assert report.summary() == "共 2 行：将新增 1，将更新 1，未变 0"
    assert Unit.objects.count() == before
    chem.refresh_from_db()
    assert chem.address == "安定镇工业园1号"
    assert AuditEntry.objects.count() == audits


def test_headers_in_any_order_with_marks_spaces_and_unknown_columns(county, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([" 行业领域＊", "备注", "所属区划 *", "单 位 名 称", "统一社会信用代码", "重点监管"])
    code = credit_code(9)
    full_width = code.lower().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    sheet.append([" 危险化学品 ", "忽略我", "４３０６２６１０１", "  平江县全角测试厂  ", f" {full_width} ", "是"])
    book.save(tmp_path / "h.xlsx")

    report = do_import(tmp_path / "h.xlsx", county.users["county_admin"])

    assert messages(report) == []
    assert report.notices == ["已忽略未识别的列：备注"]
    unit = Unit.objects.get(credit_code=code)
    assert (unit.name, unit.region_code, unit.key_supervision) == ("平江县全角测试厂", "430626101000", True)


def test_title_rows_above_the_header_are_skipped(county, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["平江县生产经营单位台账"])
    sheet.append([])
    sheet.append(HEADERS)
    sheet.append(list(unit_row(1).values()))
    sheet.append(list(unit_row(2, 状态="歇业").values()))
    book.save(tmp_path / "t.xlsx")

    report = do_import(tmp_path / "t.xlsx", county.users["county_admin"])

    assert messages(report) == ["第5行 状态: 应为 正常、停产整顿、关闭 之一，实际为“歇业”"]
    assert report.notices == ["第3行为表头，其上的 2 行已跳过"]


def test_missing_required_column_and_empty_files(county, tmp_path):
    headers = [h for h in HEADERS if h != "行业领域*"]
    report = do_import(write_xlsx(tmp_path / "m.xlsx", [unit_row(1)], headers), county.users["county_admin"])
    assert messages(report) == ["第1行 行业领域: 缺少必填列"]

    report = do_import(write_xlsx(tmp_path / "e.xlsx", []), county.users["county_admin"])
    assert messages(report) == ["文件中没有数据行"]

    (tmp_path / "fake.xlsx").write_bytes(b"not a workbook")
    report = do_import(tmp_path / "fake.xlsx", county.users["county_admin"])
    assert messages(report) == ["无法读取该 .xlsx 文件，请确认它是 Excel 工作簿（不是改了扩展名的其他文件）"]


def test_numeric_cells_and_region_names(county, tmp_path):
    rows = [
        unit_row(1, 所属区划=430626101, 联系电话=13800000000, 经度=113.5831, 纬度=28.7),
        unit_row(2, 所属区划="小田村", 网格=""),
        unit_row(3, 所属区划="三市镇", 网格=""),
        unit_row(4, 所属区划="长沙", 网格=""),
    ]

    report = do_import(write_xlsx(tmp_path / "n.xlsx", rows), county.users["county_admin"])

    assert messages(report) == ["第5行 所属区划: “长沙”不是区划代码，也不是辖区内的乡镇或村名称"]
    rows.pop()
    report = do_import(write_xlsx(tmp_path / "n.xlsx", rows), county.users["county_admin"])
    assert messages(report) == []
    first = Unit.objects.get(credit_code=credit_code(1001))
    assert (first.region_code, first.phone, first.lat) == ("430626101000", "13800000000", Decimal("28.700000"))
    assert Unit.objects.get(credit_code=credit_code(1002)).region_code == "430626101201"
    assert Unit.objects.get(credit_code=credit_code(1003)).region_code == "430626102000"


def test_a_refusal_while_writing_rolls_the_whole_file_back(county, tmp_path, write_path, ledger, monkeypatch):
    """Someone registers a unit between the check and the write: nothing of the file stays."""
    from anjian.ledgers import engine
    from anjian.units.services import UnitData, unit_create

    rows = [unit_row(i) for i in range(1, 6)]
    path = write_xlsx(tmp_path / "race.xlsx", rows)
    admin = county.users["county_admin"]
    before = Unit.objects.count()

    def racing_progress(phase: str, done: int, total: int | None) -> None:
        if phase == "validate" and not Unit.objects.filter(credit_code=credit_code(1004)).exists():
            unit_create(
                actor=admin,
                data=UnitData(
                    name="抢先登记的单位",
                    region_code="430626102000",
                    sector=county.sectors["commerce"],
                    credit_code=credit_code(1004),
                ),
            )

    report = engine.run_import(ledger, path, admin, progress=racing_progress)

    assert not report.written
    if write_path == "service":
        assert messages(report) == ["第5行 统一社会信用代码: 统一社会信用代码已被“抢先登记的单位”使用"]
    else:
        assert messages(report) == ["写入时发现重复单位（可能有人同时录入），本次未导入任何数据，请重新预检"]
    assert Unit.objects.count() == before + 1  # only the racing unit
    assert not AuditEntry.objects.filter(action="ledger.import.units").exists()

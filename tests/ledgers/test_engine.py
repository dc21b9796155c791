"""The engine on its own: parsers, encodings, and a toy ledger declared the way later ones will be."""

from __future__ import annotations

import codecs
import datetime as dt
import random
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from pypinyin.pinyin_dict import pinyin_dict

from anjian.core.text import pinyin_full, pinyin_initials
from anjian.ledgers.columns import Boolean, CellError, Choice, Column, Date, Integer, Number, Text, normalise_header
from anjian.ledgers.engine import CREATE, Ledger, Planned, RowError, run_import
from anjian.ledgers.pinyin import pinyin_keys
from anjian.ledgers.readers import decode
from anjian.ledgers.writers import write_template


@pytest.mark.parametrize(
    "raw",
    [
        "2023-05-12",
        "2023/5/12",
        "2023年5月12日",
        " 2023-5-12 ",
        "2023-05-12 00:00:00",
        "２０２３年５月１２日",
        dt.datetime(2023, 5, 12, 0, 0),
        dt.date(2023, 5, 12),
    ],
)
def test_dates(raw):
    assert Date()(raw) == dt.date(2023, 5, 12)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2023.13.01", "日期“2023.13.01”不存在"),
        ("12/05/2023", "日期格式应为 2023-05-12、2023/5/12 或 2023年5月12日，实际为“12/05/2023”"),
        ("去年", "日期格式应为 2023-05-12、2023/5/12 或 2023年5月12日，实际为“去年”"),
    ],
)
def test_bad_dates(raw, message):
    with pytest.raises(CellError) as raised:
        Date()(raw)
    assert str(raised.value) == message


def test_other_parsers():
    assert Boolean()("是") is True and Boolean()("否") is False and Boolean()(True) is True
    with pytest.raises(CellError, match="应为 是 或 否，实际为“Y”"):
        Boolean()("Y")
    choice = Choice({"一般": "minor", "重大": "major"})
    assert choice("重大") == "major" and choice.format("minor") == "一般"
    with pytest.raises(CellError, match="应为 一般、重大 之一，实际为“较大”"):
        choice("较大")
    assert Number(6)("113.5") == Decimal("113.500000")
    assert Number()("1,200.5") == Decimal("1200.5")
    assert Number()(3.0) == Decimal("3")
    with pytest.raises(CellError, match="应为数字"):
        Number()("NaN")
    assert Integer()("１２") == 12
    with pytest.raises(CellError, match="应为整数"):
        Integer()("1.5")
    with pytest.raises(CellError, match="不能小于0"):
        Integer()("-1")
    assert Text(4)(" 平江 ") == "平江"
    assert Text()(430626101.0) == "430626101"
    with pytest.raises(CellError, match="不能超过4个字（实际5个）"):
        Text(4)("平江县安定")


def test_header_normalisation():
    assert {normalise_header(h) for h in ["单位名称*", " 单位名称 ", "单位名称＊", "单 位 名 称"]} == {"单位名称"}


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("单位名称\n汇丰".encode("gb18030"), "gb18030"),
        ("单位名称\n汇丰".encode("gbk"), "gb18030"),
        (codecs.BOM_UTF8 + "单位名称\n汇丰".encode(), "utf-8-sig"),
        ("单位名称\n汇丰".encode(), "utf-8-sig"),
        ("单位名称\t地址\n汇丰\t".encode("utf-16"), "utf-16"),
    ],
)
def test_csv_encodings_are_detected(data, encoding):
    text, found = decode(data)
    assert found == encoding
    assert text.lstrip("\ufeff").startswith("单位名称")


def test_pinyin_keys_equal_the_registry_functions():
    """The bulk path's pinyin is the registry's pinyin, for every character pypinyin knows."""
    chars = [chr(c) for c in pinyin_dict]
    rnd = random.Random(7)
    rnd.shuffle(chars)
    samples = ["".join(chars[i : i + 12]) for i in range(0, len(chars), 12)]
    extras = [*"ABCabc0123（）()-·、 Ⅱü", "平江县汇丰化工有限公司", "重庆长江银行", "平江县第3号化工厂(东区)"]
    samples += ["".join(rnd.choice(chars[:300] + extras) for _ in range(rnd.randint(1, 20))) for _ in range(3000)]
    samples += extras
    mismatches = [s for s in samples if pinyin_keys(s) != (pinyin_initials(s), pinyin_full(s))]
    assert mismatches == []


# --- a toy ledger, declared as inspections or hazards will be ---------------------------

RECORDS: list[dict] = []


class ToyLedger(Ledger):
    name = "toy"
    title = "检查记录"
    columns = (
        Column("检查编号", "number", Text(20), required=True),
        Column("检查日期", "date", Date(), required=True),
        Column("检查类型", "kind", Choice({f"类型{i}": i for i in range(60)})),  # too long to inline
        Column("罚款金额", "fine", Number(2), aliases=("罚款金额(元)",)),
    )

    def check_actor(self, actor):
        return None

    def begin(self, actor, present):
        return {"seen": {}}

    def check_batch(self, ctx, rows):
        plans = []
        for row in rows:
            if row.ok("number") and row.values["number"] in ctx["seen"]:
                row.error("检查编号", f"与第{ctx['seen'][row.values['number']]}行重复")
            elif row.ok("number"):
                ctx["seen"][row.values["number"]] = row.number
            plans.append(Planned(row.number, CREATE, dict(row.values)))
        return plans

    def write(self, ctx, items, tick):
        RECORDS.extend(item.payload for item in items)
        return [RowError(items[0].row, "检查编号", "拒绝")] if items[0].payload["number"] == "REFUSE" else []

    def example(self, user):
        return {"number": "JC-001", "date": dt.date(2026, 3, 1), "kind": "类型1"}


def _toy_file(tmp_path, rows):
    book = Workbook()
    book.active.append(["罚款金额(元)", "检查日期", "检查编号*"])
    for row in rows:
        book.active.append(row)
    book.save(tmp_path / "toy.xlsx")
    return tmp_path / "toy.xlsx"


def test_a_toy_ledger_imports_with_the_same_engine(county, tmp_path):
    RECORDS.clear()
    rows = [
        [100, dt.datetime(2026, 3, 1), "A1"],
        ["", "2026/3/2", "A2"],
        [None, None, None],
        ["1.5", "2026年3月3日", "A3"],
    ]

    report = run_import(ToyLedger(), _toy_file(tmp_path, rows), county.users["county_admin"])

    assert [str(e) for e in report.errors] == []
    assert (report.total, report.created) == (3, 3)  # the blank row is not a row
    assert RECORDS == [
        {"fine": Decimal("100.00"), "date": dt.date(2026, 3, 1), "number": "A1"},
        {"fine": None, "date": dt.date(2026, 3, 2), "number": "A2"},
        {"fine": Decimal("1.50"), "date": dt.date(2026, 3, 3), "number": "A3"},
    ]


def test_a_toy_ledger_reports_every_bad_row_in_row_and_column_order(county, tmp_path):
    RECORDS.clear()
    rows = [["x", "2026-02-30", "A1"], [5, "", "A1"], [1, "2026-3-1", ""], [1, "2026-3-1", "A1"]]

    report = run_import(ToyLedger(), _toy_file(tmp_path, rows), county.users["county_admin"])

    assert [str(e) for e in report.errors] == [
        "第2行 检查日期: 日期“2026-02-30”不存在",
        "第2行 罚款金额: 应为数字，实际为“x”",
        "第3行 检查编号: 与第2行重复",
        "第3行 检查日期: 不能为空",
        "第4行 检查编号: 不能为空",
        "第5行 检查编号: 与第2行重复",
    ]
    assert RECORDS == []


def test_a_refusal_while_writing_is_reported_and_nothing_is_kept(county, tmp_path):
    from anjian.core.models import AuditEntry

    report = run_import(ToyLedger(), _toy_file(tmp_path, [[1, "2026-3-1", "REFUSE"]]), county.users["county_admin"])
    assert [str(e) for e in report.errors] == ["第2行 检查编号: 拒绝"]
    assert not report.written
    assert not AuditEntry.objects.filter(action="ledger.import.toy").exists()


def test_long_choice_lists_go_to_a_hidden_sheet(tmp_path):
    write_template(ToyLedger(), None, tmp_path / "t.xlsx")

    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == ["检查记录", "选项", "填写说明"]
    assert book["选项"].sheet_state == "hidden"
    (validation,) = book["检查记录"].data_validations.dataValidation
    assert str(validation.sqref) == "C2:C1048576"
    assert validation.formula1 == "'选项'!$C$2:$C$61"
    assert [c.value for c in book["选项"]["C"]][1:] == [f"类型{i}" for i in range(60)]
    rows = list(book["检查记录"].iter_rows(values_only=True))
    assert rows == [
        ("检查编号*", "检查日期*", "检查类型", "罚款金额"),
        ("JC-001", dt.datetime(2026, 3, 1), "类型1", None),
    ]

"""``anjian import units FILE`` and ``anjian export units FILE``: output and exit status."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from anjian.cli import main
from anjian.core.models import AuditEntry
from anjian.units.models import Unit
from tests.ledgers.conftest import HEADERS, unit_row, write_xlsx


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_the_counts(county, tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", [unit_row(1), unit_row(2)])

    out, _ = run("import_ledger", "units", str(path), "--user", "county_admin")

    assert out.strip() == "导入完成：共 2 行：新增 2，更新 0，未变 0"
    assert Unit.objects.filter(name__startswith="平江县测试").count() == 2
    entry = AuditEntry.objects.filter(action="unit.create").latest("id")
    assert (entry.actor, entry.channel) == (county.users["county_admin"], "cli")


def test_rejected_import_prints_every_error_and_exits_non_zero(county, tmp_path):
    path = write_xlsx(tmp_path / "bad.xlsx", [unit_row(1), unit_row(2, 状态="营业"), unit_row(3, 行业领域="")])
    before = Unit.objects.count()
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_ledger", "units", str(path), "--user", "county_admin", stdout=io.StringIO(), stderr=err)

    assert raised.value.returncode == 1
    assert str(raised.value) == "导入被拒绝：2 处错误，未写入任何数据"
    assert err.getvalue().splitlines() == [
        "第3行 状态: 应为 正常、停产整顿、关闭 之一，实际为“营业”",
        "第4行 行业领域: 不能为空",
    ]
    assert Unit.objects.count() == before


def test_console_script_exit_status(county, tmp_path, capsys, monkeypatch):
    """What a shell sees: `anjian import units bad.xlsx` exits with status 1, a good file with 0."""
    from django.db import connections

    # run_from_argv closes every connection when it ends, the test's own included (on PostgreSQL
    # that ends the test's transaction); a real process exits right after anyway.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    bad = write_xlsx(tmp_path / "bad.xlsx", [unit_row(1, 所属区划="999999")])
    with pytest.raises(SystemExit) as raised:
        main(["anjian", "import", "units", str(bad), "--user", "county_admin"])
    assert raised.value.code == 1
    assert "第2行 所属区划: 区划代码 999999000000 不存在" in capsys.readouterr().err

    good = write_xlsx(tmp_path / "good.xlsx", [unit_row(1)])
    main(["anjian", "import", "units", str(good), "--user", "county_admin"])  # returns: status 0
    assert "新增 1" in capsys.readouterr().out


def test_dry_run_writes_nothing(county, tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", [unit_row(1)])
    before = Unit.objects.count()

    out, _ = run("import_ledger", "units", str(path), "--dry-run", "--user", "anding")

    assert out.strip() == "预检通过（未写入）：共 1 行：将新增 1，将更新 0，未变 0"
    assert Unit.objects.count() == before


def test_user_is_required_unless_there_is_a_single_county_admin(county, tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", [unit_row(1)])
    # The fixture has two county administrators (平江县 and 芙蓉区).
    with pytest.raises(CommandError, match="请用 --user 指定导入人"):
        run("import_ledger", "units", str(path))
    with pytest.raises(CommandError, match="用户“nobody”不存在或已停用"):
        run("import_ledger", "units", str(path), "--user", "nobody")

    county.users["other_county_admin"].is_active = False
    county.users["other_county_admin"].save()
    out, _ = run("import_ledger", "units", str(path))
    assert "新增 1" in out
    assert Unit.objects.get(name="平江县测试1号化工有限公司")
    assert AuditEntry.objects.filter(action="unit.create", actor=county.users["county_admin"]).exists()


def test_import_errors_for_the_command_line(county, tmp_path):
    with pytest.raises(CommandError, match="没有名为“nonsense”的台账"):
        run("import_ledger", "nonsense", str(tmp_path / "x.xlsx"), "--user", "county_admin")
    with pytest.raises(CommandError, match="文件不存在"):
        run("import_ledger", "units", str(tmp_path / "missing.xlsx"), "--user", "county_admin")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CommandError) as raised:
        run("import_ledger", "units", str(tmp_path / "old.xls"), "--user", "county_admin")
    assert raised.value.returncode == 1


def _names_in(path) -> list[str]:
    book = load_workbook(path)
    rows = list(book["单位台账"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    return sorted(r[0] for r in rows[1:])


def test_export_everything_or_a_region(county, tmp_path):
    everything = tmp_path / "all.xlsx"
    out, _ = run("export_ledger", "units", str(everything))
    assert out.strip() == f"已导出 5 行到 {everything}"
    assert _names_in(everything) == sorted(u.name for u in county.units.values())  # both counties

    anding = tmp_path / "anding.xlsx"
    run("export_ledger", "units", str(anding), "--region", "430626101000")
    assert _names_in(anding) == sorted([county.units["chem_a"].name, county.units["build_a"].name])

    pingjiang = tmp_path / "pingjiang.csv"
    run("export_ledger", "units", str(pingjiang), "--region", "430626")
    rows = list(csv.reader(io.StringIO(pingjiang.read_text(encoding="utf-8-sig"))))
    assert rows[0] == HEADERS
    assert sorted(r[0] for r in rows[1:]) == sorted(u.name for k, u in county.units.items() if k != "other")
    entry = AuditEntry.objects.filter(action="ledger.export.units").latest("id")
    assert (entry.actor, entry.actor_name, entry.channel) == (None, "命令行", "cli")
    assert entry.changes["rows"] == 4


def test_export_as_a_user_follows_scope_and_hides_deactivated_units(county, tmp_path):
    from anjian.units.services import unit_deactivate

    unit_deactivate(actor=county.users["county_admin"], unit=county.units["build_a"], reason="已搬迁")
    path = tmp_path / "town.xlsx"
    run("export_ledger", "units", str(path), "--user", "anding")
    assert _names_in(path) == [county.units["chem_a"].name]

    run("export_ledger", "units", str(path), "--user", "anding", "--all")
    assert _names_in(path) == sorted([county.units["chem_a"].name, county.units["build_a"].name])

    with pytest.raises(CommandError, match=r"扩展名应为 \.xlsx 或 \.csv"):
        run("export_ledger", "units", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError, match="区划代码应为不超过 12 位的数字"):
        run("export_ledger", "units", str(path), "--region", "平江县")

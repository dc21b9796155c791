"""The progress table (进展情况统计表): workbook read back, text form, command line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from anjian.stats.compute import compute
from anjian.stats.grouped import compute_by
from anjian.stats.progress import progress_table_text, progress_table_xlsx
from anjian.stats.scope import ScopeError, build_scope

CODES = ["hazards_found", "hazards_rectified", "rectification_rate", "fines_yuan", "road_accidents"]


def scope():
    return build_scope(region="430626", date_from="2024-01-01", date_to="2024-06-30")


def test_workbook_read_back(facts):
    s = scope()
    wb = load_workbook(io.BytesIO(progress_table_xlsx(s, "township", CODES)))
    ws = wb.active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "平江县2024年1月1日至6月30日安全生产工作进展情况统计表"
    assert rows[1] == ("乡镇（街道）", "排查隐患总数（个）", "已整改隐患数（个）", "整改率（%）", "罚款金额（元）",
                       "道路交通事故起数（起）")
    names = [r[0] for r in rows[2:]]
    assert names[:2] == ["安定镇", "三市镇"] and names[-1] == "合计"
    total = compute(s)
    last = rows[-1]
    assert last[1:3] == (total["hazards_found"], total["hazards_rectified"])
    assert last[3] == pytest.approx(total["rectification_rate"])
    assert last[4] == pytest.approx(float(total["fines_yuan"]))
    assert last[5] == total["road_accidents"]
    # The township rows add up to the 合计 row for these additive columns.
    for col in (1, 2, 4, 5):
        assert sum(r[col] for r in rows[2:-1]) == pytest.approx(last[col])
    assert ws.cell(row=len(rows), column=4).number_format == "0.00%"


def test_text_and_unknown_indicator(facts):
    s = scope()
    text = progress_table_text(s, "department", CODES, compute_by(s, "department"))
    assert text.splitlines()[1].startswith("监管部门")
    assert text.splitlines()[-1].startswith("合计")
    with pytest.raises(ScopeError):
        progress_table_xlsx(s, "township", ["nope"])


def test_command_line(facts, tmp_path, capsys):
    period = ["--region", "430626", "--from", "2024-01-01", "--to", "2024-06-30"]
    target = tmp_path / "进展.xlsx"
    call_command("stats", *period, "--by", "township", "--xlsx", str(target), "--indicators", ",".join(CODES))
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[-1][0] == "合计"
    assert "已写入" in capsys.readouterr().out
    call_command("stats", *period, "--by", "department", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["hazards_found"] == compute(scope())["hazards_found"]
    assert data["by"] == "department" and data["rows"]
    with pytest.raises(CommandError):
        call_command("stats", *period, "--xlsx", str(target))
    with pytest.raises(CommandError):
        call_command("stats", *period, "--by", "township", "--indicators", "nope")

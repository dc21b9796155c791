"""Helpers for ledger tests: real .xlsx files written with openpyxl, real CSV bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from anjian.ledgers.engine import ImportReport, run_import
from anjian.ledgers.registry import get_ledger
from anjian.units.ledger import UnitLedger
from tests.conftest import credit_code

HEADERS = [
    "单位名称*",
    "统一社会信用代码",
    "所属区划*",
    "网格",
    "地址",
    "经度",
    "纬度",
    "行业领域*",
    "国民经济行业代码",
    "监管部门",
    "重点监管",
    "分级分类",
    "规模以上",
    "主要负责人",
    "联系电话",
    "状态",
]


def unit_row(seq: int, **overrides: Any) -> dict[str, Any]:
    """A valid row for a new unit in 安定镇 (county fixture); keys are headers without '*'."""
    row: dict[str, Any] = {
        "单位名称": f"平江县测试{seq}号化工有限公司",
        "统一社会信用代码": credit_code(1000 + seq),
        "所属区划": "430626101",
        "网格": "安定镇第一网格",
        "地址": f"安定镇工业园{seq}号",
        "经度": "113.5831",
        "纬度": "28.7012",
        "行业领域": "危险化学品",
        "国民经济行业代码": "2614",
        "监管部门": "",
        "重点监管": "是",
        "分级分类": "B",
        "规模以上": "否",
        "主要负责人": "张三",
        "联系电话": "0730-6221234",
        "状态": "正常",
    }
    row.update(overrides)
    return row


def _table(rows: Sequence[dict[str, Any]], headers: Sequence[str] | None) -> list[list[Any]]:
    headers = list(headers or HEADERS)
    keys = [h.rstrip("*").strip() for h in headers]
    return [headers, *[[row.get(k, "") for k in keys] for row in rows]]


def write_xlsx(path: Path, rows: Sequence[dict[str, Any]], headers: Sequence[str] | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    for line in _table(rows, headers):
        sheet.append(line)
    book.save(path)
    return path


def write_csv(path: Path, rows: Sequence[dict[str, Any]], encoding: str, headers: Sequence[str] | None = None) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(_table(rows, headers))
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ledger() -> UnitLedger:
    found = get_ledger("units")
    assert isinstance(found, UnitLedger)
    return found


@pytest.fixture(params=["service", "bulk"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test once through unit_create per row and once through the bulk insert."""
    monkeypatch.setattr(UnitLedger, "bulk_min", 10**9 if request.param == "service" else 1)
    return str(request.param)


def do_import(path: Path, user: Any, *, dry_run: bool = False) -> ImportReport:
    return run_import(get_ledger("units"), path, user, dry_run=dry_run)


def messages(report: ImportReport) -> list[str]:
    return [str(e) for e in report.errors]

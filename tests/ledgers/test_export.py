"""The blank template and the export, read back with openpyxl."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from anjian.core.models import AuditEntry
from anjian.units.models import Unit
from tests.ledgers.conftest import HEADERS, do_import, messages

DROPDOWNS = {
    "行业领域*": None,  # from the database, checked against Sector below
    "重点监管": ["是", "否"],
    "分级分类": ["A", "B", "C", "D"],
    "规模以上": ["是", "否"],
    "状态": ["正常", "停产整顿", "关闭"],
}


def _rows(path_or_bytes) -> list[list]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    book = load_workbook(source)
    sheet = book["单位台账"]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("persona", ["county_admin", "township", "department"])
def test_template_has_header_example_and_dropdowns_and_the_example_imports(county, client, tmp_path, persona):
    from anjian.units.models import Sector

    user = county.users[persona]
    client.force_login(user)
    response = client.get(reverse("ledgers:template", args=["units"]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)

    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[:2] == ["单位台账", "填写说明"]
    sheet = book["单位台账"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert len(rows) == 2 and rows[1][0].endswith("示例化工有限公司")
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        header = rows[0][ord(column) - ord("A")]
        assert validation.type == "list"
        assert str(validation.sqref).startswith(f"{column}2:")
        lists[header] = validation.formula1.strip('"').split(",")
    sectors = list(Sector.objects.order_by("order", "code").values_list("name", flat=True))
    assert lists == {**DROPDOWNS, "行业领域*": sectors}
    notes = [r[0] for r in book["填写说明"].iter_rows(values_only=True)]
    assert "单位名称" in notes and "状态" in notes

    path = tmp_path / "template.xlsx"
    path.write_bytes(data)
    report = do_import(path, user)
    assert messages(report) == []
    assert report.created == 1
    assert Unit.objects.filter(name=rows[1][0], credit_code=rows[1][1]).exists()


def test_export_contains_exactly_the_filtered_units(county, client):
    client.force_login(county.users["county_admin"])
    url = reverse("ledgers:export", args=["units"]) + "?township=430626101&sector=hazardous_chemicals"

    rows = _rows(_download(client, url))

    chem = county.units["chem_a"]
    assert rows[0] == HEADERS
    assert rows[1:] == [
        [
            chem.name,
            chem.credit_code,
            "430626101000",
            "安定镇第一网格",
            "安定镇工业园1号",
            None,
            None,
            "危险化学品",
            None,
            "应急管理局",
            "是",
            "B",
            "否",
            None,
            None,
            "正常",
        ],
    ]
    entry = AuditEntry.objects.get(action="ledger.export.units")
    assert entry.actor == county.users["county_admin"]
    assert entry.changes["filters"] == {"township": "430626101", "sector": "hazardous_chemicals"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("county_admin", {"chem_a", "build_a", "fire_b", "build_b"}),
        ("township", {"chem_a", "build_a"}),
        ("zhujian", {"build_a", "build_b"}),
        ("expert", set()),
    ],
)
def test_export_follows_scope(county, client, persona, expected):
    client.force_login(county.users[persona])

    rows = _rows(_download(client, reverse("ledgers:export", args=["units"])))

    assert {r[0] for r in rows[1:]} == {county.units[k].name for k in expected}


def test_csv_export(county, client):
    client.force_login(county.users["township"])

    data = _download(client, reverse("ledgers:export", args=["units"]) + "?format=csv&key=1")

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert [r[0] for r in rows[1:]] == [county.units["chem_a"].name]
    assert rows[1][2] == "430626101000" and rows[1][10] == "是"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_reimports_without_changes(county, client, tmp_path, suffix):
    """Export → import is the identity: every column round-trips (coordinates, grid, department…)."""
    from decimal import Decimal

    chem = county.units["chem_a"]
    chem.lng, chem.lat, chem.phone, chem.principal = Decimal("113.583100"), Decimal("28.7"), "13800000000", "李四"
    chem.save()
    client.force_login(county.users["county_admin"])
    query = "?format=csv" if suffix == ".csv" else ""
    path = tmp_path / f"export{suffix}"
    path.write_bytes(_download(client, reverse("ledgers:export", args=["units"]) + query))
    audits = AuditEntry.objects.filter(action__startswith="unit.").count()

    report = do_import(path, county.users["county_admin"])

    assert messages(report) == []
    assert (report.total, report.created, report.updated, report.unchanged) == (4, 0, 0, 4)
    assert AuditEntry.objects.filter(action__startswith="unit.").count() == audits

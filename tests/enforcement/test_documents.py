"""Documents: 文号 without gaps or repeats, each generated .docx read back with python-docx."""

from __future__ import annotations

import hashlib
import io
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from docx import Document as Docx

from anjian.enforcement import documents
from anjian.enforcement.documents import document_issue, rmb_upper
from anjian.enforcement.models import ActionKind, Document, DocumentType
from anjian.enforcement.services import ActionData, EnforcementError, action_create

from .conftest import DAY


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def text_of(doc: Document) -> str:
    doc.file.open("rb")
    try:
        content = doc.file.read()
    finally:
        doc.file.close()
    assert hashlib.sha256(content).hexdigest() == doc.sha256
    parsed = Docx(io.BytesIO(content))
    return "\n".join(p.text for p in parsed.paragraphs)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0", "零元整"),
        ("30000", "叁万元整"),
        ("10010.5", "壹万零壹拾元伍角"),
        ("100000001", "壹亿零壹元整"),
        ("1000000", "壹佰万元整"),
        ("1005.07", "壹仟零伍元零柒分"),
        ("0.05", "伍分"),
        ("12345678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角"),
    ],
)
def test_rmb_upper(amount: str, expected: str) -> None:
    assert rmb_upper(Decimal(amount)) == expected


def penalty(county: Any, inspection: Any, hazards: Any) -> Any:
    return action_create(
        actor=county.users["department"],
        data=ActionData(
            unit=county.units["chem_a"],
            kind=ActionKind.PENALTY,
            date=DAY,
            inspection=inspection,
            hazards=hazards,
            cause="储罐区防火堤破损未修复",
            legal_basis="《中华人民共和国安全生产法》第一百零二条",
            fine=Decimal("30000"),
        ),
    )


def test_numbers_per_org_type_and_year_are_sequential(county: Any, inspection: Any, hazards: Any) -> None:
    county.yingji.short_name = "应急"
    county.yingji.save()
    actor = county.users["department"]
    action = penalty(county, inspection, hazards)
    first = document_issue(actor=actor, doc_type=DocumentType.RECTIFY_ORDER, action=action, day=DAY)
    second = document_issue(actor=actor, doc_type=DocumentType.RECTIFY_ORDER, action=action, day=DAY)
    other_type = document_issue(actor=actor, doc_type=DocumentType.PENALTY_DECISION, action=action, day=DAY)
    office = document_issue(
        actor=county.users["county_admin"], doc_type=DocumentType.RECTIFY_ORDER, action=action, day=DAY
    )
    assert first.number == "平应急责改〔2026〕1号"
    assert second.number == "平应急责改〔2026〕2号"
    assert other_type.number == "平应急罚〔2026〕1号"
    assert (office.org, office.seq) == (county.office, 1)


def test_failed_issuance_gives_its_number_back(county: Any, inspection: Any, hazards: Any) -> None:
    actor = county.users["department"]
    action = penalty(county, inspection, hazards)
    with mock.patch.object(documents, "render", side_effect=RuntimeError("模板损坏")), pytest.raises(RuntimeError):
        document_issue(actor=actor, doc_type=DocumentType.RECTIFY_ORDER, action=action, day=DAY)
    assert Document.objects.count() == 0
    doc = document_issue(actor=actor, doc_type=DocumentType.RECTIFY_ORDER, action=action, day=DAY)
    assert doc.seq == 1


def test_penalty_decision_fields(county: Any, inspection: Any, hazards: Any) -> None:
    action = penalty(county, inspection, hazards)
    doc = document_issue(
        actor=county.users["department"], doc_type=DocumentType.PENALTY_DECISION, action=action, day=DAY
    )
    text = text_of(doc)
    assert "行政处罚决定书" in text
    assert doc.number in text
    assert "平江县汇丰化工有限公司" in text
    assert "安定镇工业园1号" in text
    assert "叁万元整" in text and "30,000.00" in text
    assert "储罐区防火堤破损" in text
    assert "第一百零二条" in text
    assert "六十日内" in text and "六个月内" in text
    assert "平江县应急管理局" in text and "2026年3月2日" in text


def test_rectify_order_lists_hazards_with_deadlines(county: Any, inspection: Any, hazards: Any) -> None:
    action = penalty(county, inspection, hazards)
    doc = document_issue(actor=county.users["department"], doc_type=DocumentType.RECTIFY_ORDER, action=action, day=DAY)
    text = text_of(doc)
    assert "责令限期整改指令书" in text and doc.number in text
    assert "1. 第1处消防通道堵塞" in text and "2026年3月12日" in text
    assert "2. 储罐区防火堤破损（重大事故隐患）" in text and "2026年3月22日" in text
    assert "其中 1 项属于重大事故隐患" in text


def test_site_record_and_review_opinion(county: Any, inspection: Any, hazards: Any) -> None:
    actor = county.users["department"]
    record = document_issue(actor=actor, doc_type=DocumentType.SITE_RECORD, inspection=inspection, day=DAY)
    text = text_of(record)
    assert "现场检查记录" in text and record.number in text
    assert "李执法（证号 43060001）" in text and "储罐区防火堤有裂缝" in text
    order = document_issue(actor=actor, doc_type=DocumentType.RECTIFY_ORDER, inspection=inspection, day=DAY)
    review = document_issue(actor=actor, doc_type=DocumentType.REVIEW_OPINION, inspection=inspection, day=DAY)
    text = text_of(review)
    assert "整改复查意见书" in text and order.number in text
    assert "未整改完毕" in text


def test_penalty_decision_only_for_penalties_and_in_scope(county: Any, inspection: Any) -> None:
    action = action_create(
        actor=county.users["county_admin"],
        data=ActionData(unit=county.units["chem_a"], kind=ActionKind.ORDER_RECTIFY, date=DAY),
    )
    with pytest.raises(EnforcementError):
        document_issue(actor=county.users["county_admin"], doc_type=DocumentType.PENALTY_DECISION, action=action)
    with pytest.raises(EnforcementError):
        document_issue(actor=county.users["other_county_admin"], doc_type=DocumentType.RECTIFY_ORDER, action=action)


def test_administrator_template_wins(county: Any, inspection: Any, settings: Any, tmp_path: Path) -> None:
    from docx import Document as NewDocx

    custom = NewDocx()
    custom.add_paragraph("本县自定义格式 {{ number }} {{ unit_name }}")
    custom.save(str(tmp_path / "site_record.docx"))
    settings.ANJIAN_DOCX_TEMPLATE_DIR = str(tmp_path)
    doc = document_issue(actor=county.users["county_admin"], doc_type=DocumentType.SITE_RECORD, inspection=inspection)
    assert "本县自定义格式" in text_of(doc) and "平江县汇丰化工有限公司" in text_of(doc)


def test_template_fonts(county: Any) -> None:
    from docx.oxml.ns import qn

    for name in DocumentType.values:
        parsed = Docx(str(documents.DEFAULT_TEMPLATE_DIR / f"{name}.docx"))
        fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in parsed.paragraphs for r in p.runs}
        assert {"方正小标宋简体", "仿宋_GB2312"} <= fonts


# --- concurrency ---------------------------------------------------------------------------
THREADS = 8


def storm(actor: Any, action: Any, threads: int = THREADS) -> dict[str, Any]:
    start = threading.Barrier(threads)
    errors: list[str] = []
    lock = threading.Lock()

    def issue() -> None:
        try:
            start.wait()
            document_issue(actor=actor, doc_type=DocumentType.RECTIFY_ORDER, action=action, day=DAY)
        except Exception as exc:
            with lock:
                errors.append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=issue) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    seqs = sorted(Document.objects.values_list("seq", flat=True))
    return {"errors": errors, "seqs": seqs, "numbers": len(set(Document.objects.values_list("number", flat=True)))}


def assert_gap_free(outcome: dict[str, Any]) -> None:
    assert outcome["errors"] == []
    assert outcome["seqs"] == list(range(1, THREADS + 1))
    assert outcome["numbers"] == THREADS


SQLITE_STORM = """
import json, tempfile
import django
django.setup()
from django.conf import settings
settings.MEDIA_ROOT = tempfile.mkdtemp()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import datetime as dt
from anjian.accounts.models import Organization, OrgKind
from anjian.accounts.roles import Role
from anjian.enforcement.services import ActionData, action_create
from anjian.regions.models import Division, Level
from anjian.units.models import Sector
from anjian.units.services import UnitData, unit_create
from tests.conftest import credit_code, make_user
from tests.enforcement.test_documents import storm

county = Division.objects.create(code="430626000000", name="平江县", level=Level.COUNTY)
town = Division.objects.create(code="430626101000", name="安定镇", level=Level.TOWNSHIP, parent=county)
office = Organization.objects.create(kind=OrgKind.COUNTY_OFFICE, name="平江县安委办", region_code=county.code)
admin = make_user("county_admin", Role.COUNTY_ADMIN, org=office)
unit = unit_create(actor=admin, data=UnitData(
    name="平江县汇丰化工有限公司", region_code=town.code, sector=Sector.objects.get(code="hazardous_chemicals"),
    credit_code=credit_code(1),
))
action = action_create(actor=admin, data=ActionData(unit=unit, kind="order_rectify", date=dt.date(2026, 3, 2)))
print(json.dumps(storm(admin, action)))
"""


def test_concurrent_issuance_on_a_sqlite_file(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    if connection.vendor == "postgresql":
        pytest.skip("covered in process on PostgreSQL")
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'storm.sqlite3'}",
        "PYTHONPATH": str(root),
    }
    done = subprocess.run(
        [sys.executable, "-c", SQLITE_STORM], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert_gap_free(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuance_in_process_on_postgresql(county: Any, inspection: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot wait for a lock; see the subprocess test")
    actor = county.users["county_admin"]
    action = action_create(actor=actor, data=ActionData(unit=county.units["chem_a"], kind="order_rectify", date=DAY))
    assert_gap_free(storm(actor, action))

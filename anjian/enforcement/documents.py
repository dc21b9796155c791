"""Official documents: 文号 without gaps or repeats, rendered from replaceable .docx templates.

文号 format (DOMAIN.md §3.2): <区划简称><机关简称><文书代字>〔<年>〕<序号>号, e.g.
平应急责改〔2026〕12号. The sequence is per organisation, document type and year, taken with
:func:`anjian.core.numbering.next_value` inside the issuing transaction, so concurrent
issuances queue and a failed issuance gives its number back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from anjian.core import audit
from anjian.core.numbering import next_value
from anjian.enforcement.models import ActionKind, Document, DocumentType, EnforcementAction
from anjian.enforcement.services import EnforcementError, check_enforcer
from anjian.hazards.models import Hazard, Level, Status
from anjian.regions.models import Division
from anjian.units.selectors import unit_visible

if TYPE_CHECKING:
    from anjian.accounts.models import Organization, User
    from anjian.inspections.models import Inspection

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parent / "docx"

# 文书代字 of the 2018+ MEM document set (DOMAIN.md §3.2).
TYPE_CODES = {
    DocumentType.SITE_RECORD: "检记",
    DocumentType.RECTIFY_ORDER: "责改",
    DocumentType.REVIEW_OPINION: "复查",
    DocumentType.PENALTY_DECISION: "罚",
}

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
BIG_UNITS = ("", "万", "亿", "万")


def rmb_upper(amount: Decimal | int | str) -> str:
    """人民币大写: 30000 → 叁万元整, 10010.5 → 壹万零壹拾元伍角 (中国人民银行《支付结算办法》附件写法)."""
    value = Decimal(str(amount))
    if value < 0:
        raise ValueError("金额不能为负数")
    cents = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    yuan, rest = divmod(cents, 100)
    jiao, fen = divmod(rest, 10)
    if cents == 0:
        return "零元整"
    out = ""
    if yuan:
        text = str(yuan)
        if len(text) > 16:
            raise ValueError("金额过大")
        pending_zero = False
        for i, ch in enumerate(text):
            pos = len(text) - 1 - i
            digit = int(ch)
            if digit == 0:
                pending_zero = True
            else:
                if pending_zero:
                    out += "零"
                    pending_zero = False
                out += DIGITS[digit] + SMALL_UNITS[pos % 4]
            if pos % 4 == 0 and pos > 0 and int(text[max(0, i - 3) : i + 1]) != 0:
                out += BIG_UNITS[pos // 4]
        out += "元"
    if jiao == 0 and fen == 0:
        return out + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    return out


def date_cn(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _county(org: Organization) -> Division | None:
    return Division.objects.filter(code=org.region_code[:6].ljust(12, "0")).first()


def issuer_prefix(org: Organization) -> str:
    """区划简称 + 机关简称: 平江县应急管理局 → 平应急, 平江县住房和城乡建设局 → 平住建."""
    county = _county(org)
    region = county.name[:1] if county else ""
    if org.short_name:
        agency = org.short_name  # init-county sets 应急, 住建 … for departments, 安委办 for the office
    elif org.kind == "department":
        agency = "住建" if org.name.startswith("住房") else org.name[:2]
    else:
        agency = "安委"
    if len(agency) > 1 and agency.endswith("办"):
        agency = agency[:-1]
    return f"{region}{agency}"


def format_number(org: Organization, doc_type: str, year: int, seq: int) -> str:
    return f"{issuer_prefix(org)}{TYPE_CODES[DocumentType(doc_type)]}〔{year}〕{seq}号"


def authority_name(org: Organization) -> str:
    county = _county(org)
    if county and not org.name.startswith(county.name):
        return f"{county.name}{org.name}"
    return org.name


def template_path(doc_type: str) -> Path:
    """The administrator's template when ``ANJIAN_DOCX_TEMPLATE_DIR`` has one of that name, else ours."""
    name = f"{doc_type}.docx"
    custom = getattr(settings, "ANJIAN_DOCX_TEMPLATE_DIR", None)
    if custom:
        path = Path(custom) / name
        if path.is_file():
            return path
    return DEFAULT_TEMPLATE_DIR / name


def render(doc_type: str, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(template_path(doc_type)))
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


# --- context ------------------------------------------------------------------------------------


def _hazards(action: EnforcementAction | None, inspection: Inspection | None) -> list[Hazard]:
    if action is not None:
        hazards = list(action.hazards.order_by("found_on", "id"))
        if hazards or inspection is None:
            return hazards
    if inspection is not None:
        return list(Hazard.objects.filter(inspection=inspection).order_by("found_on", "id"))
    return []


def _review(hazard: Hazard) -> str:
    if hazard.status == Status.CLOSED:
        return f"已整改，于{date_cn(hazard.closed_on)}验收销号"
    if hazard.rectified_on:
        return f"已报告整改完成（{date_cn(hazard.rectified_on)}），待验收"
    return "未整改完毕，继续督促整改，逾期未整改的依法处理"


def build_context(
    *,
    org: Organization,
    doc_type: str,
    number: str,
    day: dt.date,
    action: EnforcementAction | None,
    inspection: Inspection | None,
) -> dict[str, Any]:
    unit = action.unit if action is not None else inspection.unit  # type: ignore[union-attr]
    county = _county(org)
    county_name = county.name if county else ""
    hazards = _hazards(action, inspection)
    items = [
        {
            "index": i,
            "description": h.description,
            "major": h.level == Level.MAJOR,
            "deadline_cn": date_cn(h.deadline),
            "review": _review(h),
        }
        for i, h in enumerate(hazards, start=1)
    ]
    fine = action.fine_current if action is not None else None
    context: dict[str, Any] = {
        "title": DocumentType(doc_type).label,
        "number": number,
        "authority": authority_name(org),
        "date_cn": date_cn(day),
        "unit_name": unit.name,
        "unit_address": unit.address,
        "unit_principal": unit.principal,
        "unit_phone": unit.phone,
        "hazards": items,
        "major_count": sum(1 for i in items if i["major"]),
        "deadline_cn": date_cn(max((h.deadline for h in hazards), default=None)),
        "legal_basis": (action.legal_basis if action else "") or "《中华人民共和国安全生产法》",
        "cause": action.cause if action else "",
        "fine_figures": f"{fine:,.2f}" if fine is not None else "",
        "fine_upper": rmb_upper(fine) if fine is not None else "",
        # Remedies (《行政复议法》第二十条 60 日, 《行政诉讼法》第四十六条 6 个月).
        "kind_word": "决定" if doc_type == DocumentType.PENALTY_DECISION else "指令",
        "review_body": f"{county_name}人民政府或者上一级主管部门" if county_name else "本级人民政府或者上一级主管部门",
        "court": f"{county_name}人民法院" if county_name else "有管辖权的人民法院",
        "place": unit.address,
        "purpose": "",
        "findings": "",
        "officials": "",
        "experts": "",
        "signatory": "",
        "inspected_cn": "",
        "order_number": "",
        "order_date_cn": "",
        "opinion": "",
    }
    if inspection is not None:
        officials = inspection.officials.all()
        experts = inspection.experts.all()
        context.update(
            purpose=inspection.get_kind_display(),
            findings=inspection.findings,
            officials="、".join(f"{p.name}（证号 {p.cert_no}）" if p.cert_no else p.name for p in officials),
            experts="、".join(f"{p.name}（{p.employer}）" if p.employer else p.name for p in experts),
            signatory=inspection.unit_signatory,
            inspected_cn=date_cn(inspection.date),
        )
    if doc_type == DocumentType.REVIEW_OPINION:
        order = Document.objects.filter(doc_type=DocumentType.RECTIFY_ORDER)
        order = order.filter(action=action) if action is not None else order.filter(inspection=inspection)
        last = order.order_by("-issued_on", "-id").first()
        if last is not None:
            context.update(order_number=last.number, order_date_cn=date_cn(last.issued_on))
        open_count = sum(1 for h in hazards if h.status != Status.CLOSED)
        context["opinion"] = (
            "经复查，上述问题已全部整改。"
            if not open_count
            else f"经复查，尚有 {open_count} 项问题未整改完毕，请继续整改。"
        )
    return context


# --- issuance ------------------------------------------------------------------------------------


def _validate(
    actor: User, doc_type: str, action: EnforcementAction | None, inspection: Inspection | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if doc_type not in DocumentType.values:
        errors.setdefault("doc_type", []).append("文书类型无效")
        return errors
    if action is None and inspection is None:
        errors.setdefault("__all__", []).append("须指定执法措施或检查记录")
        return errors
    if action is not None and inspection is not None and action.unit_id != inspection.unit_id:
        errors.setdefault("__all__", []).append("执法措施与检查记录不属于同一单位")
    unit = action.unit if action is not None else inspection.unit  # type: ignore[union-attr]
    if not unit_visible(actor, unit):
        errors.setdefault("__all__", []).append("该单位不在您的管辖范围内")
    if actor.org_id is None:
        errors.setdefault("__all__", []).append("您不属于任何机构，不能签发文书")
    if doc_type == DocumentType.SITE_RECORD and inspection is None and (action is None or action.inspection_id is None):
        errors.setdefault("doc_type", []).append("现场检查记录须对应一次检查")
    if doc_type == DocumentType.PENALTY_DECISION and (action is None or action.kind != ActionKind.PENALTY):
        errors.setdefault("doc_type", []).append("行政处罚决定书只能对行政处罚签发")
    return errors


def document_issue(
    *,
    actor: User,
    doc_type: str,
    action: EnforcementAction | None = None,
    inspection: Inspection | None = None,
    day: dt.date | None = None,
) -> Document:
    """Issue one document: take its 文号, render it, store the file with its SHA-256, audit."""
    check_enforcer(actor)
    if inspection is None and action is not None and action.inspection_id is not None:
        inspection = action.inspection
    errors = _validate(actor, doc_type, action, inspection)
    if errors:
        raise EnforcementError(errors)
    org = actor.org
    assert org is not None
    day = day or timezone.localdate()
    unit = action.unit if action is not None else inspection.unit  # type: ignore[union-attr]
    stored: list[Document] = []
    try:
        with transaction.atomic():
            # Taken as late as possible: the counter's lock is held from here to commit.
            seq = next_value(f"doc:{org.pk}:{doc_type}:{day.year}")
            number = format_number(org, doc_type, day.year, seq)
            content = render(
                doc_type,
                build_context(org=org, doc_type=doc_type, number=number, day=day, action=action, inspection=inspection),
            )
            document = Document(
                doc_type=doc_type,
                org=org,
                year=day.year,
                seq=seq,
                number=number,
                action=action,
                inspection=inspection,
                region_code=unit.region_code,
                unit=unit,
                sha256=hashlib.sha256(content).hexdigest(),
                issued_on=day,
                issued_by=actor if actor.pk else None,
            )
            document.file.save(f"{doc_type}-{day.year}-{org.pk}-{seq}.docx", ContentFile(content), save=False)
            stored.append(document)
            document.save()
            audit.record(
                actor=actor,
                action="document.issue",
                obj=document,
                changes={"doc_type": doc_type, "number": number, "sha256": document.sha256},
            )
    except BaseException:
        for doc in stored:  # the row is gone with the transaction; so is its file
            doc.file.delete(save=False)
        raise
    return document

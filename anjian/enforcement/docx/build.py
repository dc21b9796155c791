"""Build the default .docx templates of the enforcement documents (run: python -m anjian.enforcement.docx.build).

The templates follow the layout of the enforcement document set (DOMAIN.md §3.2): title in
方正小标宋简体, body in 仿宋_GB2312 (《党政机关公文格式》GB/T 9704-2012 fonts), the 文号 under
the title, the addressee, the body, the remedies (复议 60 日、诉讼 6 个月) and the authority and
date. The placeholders are docxtpl (Jinja2) tags; an administrator may edit the files or put
replacements of the same name in ``ANJIAN_DOCX_TEMPLATE_DIR``.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"

APPEAL = (
    "如不服本{{ kind_word }}，可以在收到本{{ kind_word }}之日起六十日内依法向{{ review_body }}申请行政复议，"
    "或者在六个月内依法向{{ court }}提起行政诉讼，但本{{ kind_word }}不停止执行，法律另有规定的除外。"
)


def _font(paragraph: Paragraph, name: str, size: float, bold: bool = False) -> None:
    for run in paragraph.runs:
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _doc(title: str) -> DocxDocument:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = Pt(16)  # 三号
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    head = doc.add_paragraph("{{ authority }}")
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(head, TITLE_FONT, 22)
    p = doc.add_paragraph(title)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p, TITLE_FONT, 22)  # 二号
    num = doc.add_paragraph("{{ number }}")
    num.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(num, BODY_FONT, 16)
    return doc


def _body(doc: DocxDocument, *lines: str) -> None:
    for line in lines:
        _font(doc.add_paragraph(line), BODY_FONT, 16)


def _closing(doc: DocxDocument) -> None:
    for line in ("{{ authority }}（印章）", "{{ date_cn }}"):
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p, BODY_FONT, 16)


HAZARD_LOOP = (
    "{%p for h in hazards %}",
    "{{ h.index }}. {{ h.description }}{% if h.major %}（重大事故隐患）{% endif %}，整改期限：{{ h.deadline_cn }}",
    "{%p endfor %}",
)


def site_record() -> DocxDocument:
    doc = _doc("现场检查记录")
    _body(
        doc,
        "被检查单位：{{ unit_name }}",
        "地址：{{ unit_address }}",
        "法定代表人（负责人）：{{ unit_principal }}　联系电话：{{ unit_phone }}",
        "检查场所：{{ place }}",
        "检查时间：{{ inspected_cn }}",
        "检查人：{{ officials }}",
        "检查专家：{{ experts }}",
        "事由和目的：{{ purpose }}",
        "检查情况：{{ findings }}",
        "发现的问题：",
        *HAZARD_LOOP,
        "检查人员（签名）：　　　　　　证号：",
        "被检查单位现场负责人（签名）：{{ signatory }}",
    )
    _closing(doc)
    return doc


def rectify_order() -> DocxDocument:
    doc = _doc("责令限期整改指令书")
    _body(
        doc,
        "{{ unit_name }}：",
        "经查，你单位存在下列问题：",
        *HAZARD_LOOP,
        "其中 {{ major_count }} 项属于重大事故隐患。",
        "现责令你单位对上述问题于 {{ deadline_cn }} 前整改完毕，达到有关法律法规规章和标准规定的要求。"
        "由此造成事故的，依法追究有关人员的责任。",
        "整改期间，你单位应当采取措施，确保安全生产。对安全生产违法行为，将依法予以行政处罚。",
        "法律依据：{{ legal_basis }}",
        APPEAL,
        "安全生产执法人员（签名）：　　　　　　证号：",
        "被检查单位负责人（签名）：",
        "本文书一式两份：一份由{{ authority }}备案，一份交被检查单位。",
    )
    _closing(doc)
    return doc


def review_opinion() -> DocxDocument:
    doc = _doc("整改复查意见书")
    _body(
        doc,
        "{{ unit_name }}：",
        "本机关于 {{ order_date_cn }} 作出了责令限期整改指令书（{{ order_number }}），"
        "经对你单位整改情况进行复查，提出如下意见：",
        "{%p for h in hazards %}",
        "{{ h.index }}. {{ h.description }}：{{ h.review }}",
        "{%p endfor %}",
        "{{ opinion }}",
        "被复查单位负责人（签名）：",
        "安全生产执法人员（签名）：　　　　　　证号：",
    )
    _closing(doc)
    return doc


def penalty_decision() -> DocxDocument:
    doc = _doc("行政处罚决定书")
    _body(
        doc,
        "被处罚单位：{{ unit_name }}",
        "地址：{{ unit_address }}",
        "法定代表人（负责人）：{{ unit_principal }}",
        "违法事实及证据：{{ cause }}",
        "{%p for h in hazards %}",
        "{{ h.index }}. {{ h.description }}",
        "{%p endfor %}",
        "以上事实违反了{{ legal_basis }}的规定。",
        "依据上述规定，本机关决定给予以下行政处罚：罚款人民币{{ fine_upper }}（¥{{ fine_figures }}）。",
        "罚款限于收到本决定书之日起十五日内缴至指定银行账户。到期不缴纳的，本机关可以每日按罚款数额的百分之三加处罚款。",
        APPEAL,
    )
    _closing(doc)
    return doc


BUILDERS = {
    "site_record": site_record,
    "rectify_order": rectify_order,
    "review_opinion": review_opinion,
    "penalty_decision": penalty_decision,
}


def build(target: Path = HERE) -> list[Path]:
    written = []
    for name, builder in BUILDERS.items():
        path = target / f"{name}.docx"
        builder().save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in build():
        print(written_path)

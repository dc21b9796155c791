"""月度考核 as files: the ranking as .xlsx (title row like ``stats/ranking.py``) and the 通报 as .docx.

Both are written from the stored snapshot (``selectors.assessment_table``), never from live data:
a published assessment exports the same file every time.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from anjian.campaigns.models import AssessedGroup, Assessment, Direction
from anjian.campaigns.selectors import RankedRow
from anjian.stats.render import DASH

DRAFT_MARK = "（草稿）"


def title(assessment: Assessment) -> str:
    """平江县安全生产治本攻坚2026年3月乡镇（街道）考核排名 (草稿 marked)."""
    scheme = assessment.scheme
    text = f"{scheme.campaign.name}{assessment.month_label}{scheme.get_group_display()}考核排名"
    return text + (DRAFT_MARK if assessment.is_draft else "")


def rule_text(item: dict[str, Any]) -> str:
    """One item's rule in words: 检查单位次数不低于30家次，10分."""
    unit = item["unit"]
    word = "不低于" if item["direction"] == Direction.AT_LEAST else "不高于"
    quota = _number(Decimal(item["quota"]))
    text = f"{item['name']}{word}{quota}{unit}，{_number(Decimal(item['points']))}分"
    if item["direction"] == Direction.AT_MOST:
        per = "每超出1个百分点" if item["unit"] == "%" else f"每超出1{item['unit']}"
        text += f"（{per}扣{_number(Decimal(item['deduction']))}分，扣完为止）"
    if item["overrides"]:
        text += f"（{len(item['overrides'])}个单位另定指标）"
    return text


def _number(value: Decimal) -> str:
    """12.50 → "12.5", 30.00 → "30" (quotas and points as written in a notice)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def header(assessment: Assessment) -> list[str]:
    group = AssessedGroup(assessment.scheme.group).label
    cols = ["名次", group]
    for item in assessment.items:
        cols += [f"{item['name']}（{item['unit']}）", f"{item['name']}得分"]
    return [*cols, "加减分", "总分"]


def assessment_xlsx(assessment: Assessment, table: list[RankedRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "考核排名"
    cols = header(assessment)
    ws.append([title(assessment)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(cols))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(cols)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for r in table:
        line: list[Any] = [r.rank, r.name]
        for item, c in zip(assessment.items, r.cells, strict=True):
            if c.value is None:
                line.append(DASH)
            elif item["kind"] == "money":
                line.append(float(Decimal(c.value)))
            else:
                line.append(c.value)
            line.append(float(c.score))
        line += [float(r.adjustment_total), float(r.total)]
        ws.append(line)
        for n, item in enumerate(assessment.items):
            figure = ws.cell(row=ws.max_row, column=3 + 2 * n)
            if item["kind"] == "rate" and figure.value != DASH:
                figure.number_format = "0.00%"
            ws.cell(row=ws.max_row, column=4 + 2 * n).number_format = "0.00"
        ws.cell(row=ws.max_row, column=len(cols) - 1).number_format = "0.00"
        ws.cell(row=ws.max_row, column=len(cols)).number_format = "0.00"
    ws.append([])
    ws.append([f"数据截至 {assessment.as_of:%Y-%m-%d}；考核指标：" + "；".join(rule_text(i) for i in assessment.items)])
    ws.column_dimensions["B"].width = 20
    for col in range(3, len(cols) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ordinal_names(table: list[RankedRow], rank: int) -> str:
    return "、".join(r.name for r in table if r.rank == rank)


def notice_paragraphs(assessment: Assessment, table: list[RankedRow]) -> list[str]:
    """The 通报's body before and after the table."""
    scheme = assessment.scheme
    group = scheme.get_group_display()
    rules = "；".join(rule_text(i) for i in assessment.items)
    total = sum((Decimal(i["points"]) for i in assessment.items), Decimal(0))
    out = [
        f"根据《{scheme.campaign.name}{group}考核细则》，按照数据截至{assessment.as_of.year}年"
        f"{assessment.as_of.month}月{assessment.as_of.day}日的统计，对各{group}{assessment.month_label}"
        f"工作情况进行了考核（满分{_number(total)}分，另有加减分）。考核指标为：{rules}。现将考核结果通报如下：",
    ]
    if table:
        best, worst = table[0].rank, table[-1].rank
        summary = f"{assessment.month_label}考核排名第一的是{_ordinal_names(table, best)}"
        if worst != best:
            summary += f"，排名末位的是{_ordinal_names(table, worst)}"
        out.append(summary + "。请排名靠后的单位认真分析原因，对照指标任务抓好整改落实。")
    return out


def assessment_docx(assessment: Assessment, table: list[RankedRow]) -> bytes:
    """The 通报 (notice) with the ranking table, in the fonts of GB/T 9704-2012 like the briefing."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    # The briefing's font helpers, so that both documents set fonts the one way WPS and Word both read.
    from anjian.stats.briefing import (
        BODY_FONT,
        ERHAO,
        HEADING_FONT,
        SANHAO,
        TITLE_FONT,
        body_paragraph,
        page_numbers,
        run_font,
        strip_title_border,
        style_font,
    )

    xiaosi = 12  # 小四: the table's size, so that a dozen columns fit across the page
    doc = Document()
    section = doc.sections[0]
    wide = len(assessment.items) > 2
    # A wide ranking table reads better across a landscape page.
    if wide:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37 if not wide else 28), Mm(35 if not wide else 26)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    style_font(normal, BODY_FONT, SANHAO)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    style_font(doc.styles["Title"], TITLE_FONT, ERHAO)
    strip_title_border(doc.styles["Title"])
    doc.styles["Title"].paragraph_format.line_spacing = Pt(36)

    scheme = assessment.scheme
    heading = f"关于{assessment.month_label}{scheme.campaign.name}{scheme.get_group_display()}考核情况的通报"
    if assessment.is_draft:
        heading += DRAFT_MARK
    t = doc.add_paragraph(heading, style="Title")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run_font(t, TITLE_FONT, ERHAO)
    doc.add_paragraph()
    paragraphs = notice_paragraphs(assessment, table)
    for text in paragraphs[:1]:
        body_paragraph(doc, text)

    cols = header(assessment)
    grid = doc.add_table(rows=1, cols=len(cols))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, cols, strict=True):
        cell.text = text
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run_font(p, HEADING_FONT, xiaosi)
    for r in table:
        values = [str(r.rank), r.name]
        for c in r.cells:
            values += [c.text, f"{c.score:.2f}"]
        values += [f"{r.adjustment_total:+.2f}" if r.adjustment_total else "0", f"{r.total:.2f}"]
        row = grid.add_row()
        for cell, text in zip(row.cells, values, strict=True):
            cell.text = text
            for p in cell.paragraphs:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.line_spacing = Pt(18)
                run_font(p, BODY_FONT, xiaosi)
    doc.add_paragraph()
    for text in paragraphs[1:]:
        body_paragraph(doc, text)
    reasons = [(r.name, a) for r in table for a in r.adjustments]
    if reasons:
        lines = "；".join(f"{name}{a.points:+.2f}分（{a.reason}）" for name, a in reasons)
        body_paragraph(doc, f"加减分情况：{lines}。")
    page_numbers(section)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


"""The generated work-summary briefing (工作简报): its figures, sections, period phrases, .docx and command.

The expected figures are the fixture county's hand-computed values (``conftest.py``; the same ones
``test_catalogue.py`` asserts), written by hand in the catalogue's rendering (37.91万元, 33.33%, 50%).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from anjian.stats import indicators as ind
from anjian.stats.briefing import (
    NO_DATA,
    briefing_docx,
    briefing_markdown,
    build_briefing,
    period_phrase,
)
from anjian.stats.compute import with_yoy
from anjian.stats.management.commands.report import Command as ReportCommand
from anjian.stats.render import percent, value_text
from anjian.stats.scope import ScopeError, build_scope

from . import factories as f
from .factories import d

H1: dict[str, Any] = {"region": "430626", "date_from": "2024-01-01", "date_to": "2024-06-30", "as_of": "2024-06-30"}
DATES = re.compile(r"(\d{4}年)?\d{1,2}月\d{1,2}日")
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:%|万元)?")


def numbers(text: str) -> list[str]:
    """The figures written in a paragraph, in order (dates such as 截至6月30日 are not figures)."""
    return NUMBER.findall(DATES.sub("", text))


def briefing(**kw):
    return build_briefing(build_scope(**(H1 | kw)))


def by_key(b):
    return {s.key: s for s in b.sections}


# --- the figures ------------------------------------------------------------------------------------

# The fixture county, H1 2024, as_of 30 June — each figure by hand (conftest.py):
EXPECTED = {
    # 1 group; outings: group 5 Mar, group 2 Apr, the ledger one; 甲乙丙 3 + 甲 1 + 4 named by count; experts 1 + 1;
    # units chem_a, build_a, fire_b, build_b; 4 inspections.
    "inspections": ["1", "3", "8", "2", "4", "4"],
    # major: 2 found, 1 closed (fire_b 20 June) → 50%; general: 3 found, 1 closed by 30 June → 33.33%;
    # together 5 / 2 → 40%; supervised in the period: major2 (twice, one hazard); open 4, of which overdue 3.
    "hazards": ["2", "1", "50%", "3", "1", "33.33%", "5", "2", "40%", "1", "4", "3"],
    # documents 2; orders to 2 units; 1 case (fire_b); 2 penalties on chem_a, 100000 + 279100 = 37.91万元;
    # suspend, close, licence suspended, revoked: 1 each; 1 transfer; 1 criminal transfer.
    "enforcement": ["2", "2", "1", "1", "2", "1", "37.91万元", "1", "1", "1", "1", "1", "1"],
    # interview (chem_a; `other` is out of the county) + notice (fire_b): 2 events, 2 units, 3 + 2 persons;
    # one exposure naming build_b and fire_b.
    "interviews": ["2", "2", "5", "1", "2"],
    # production: 1 Jan 00:30 (1 dead, 2 injured, 50000) + 1 Mar on a road (2 dead) → 2 accidents, 3 deaths;
    # a year earlier 1 accident, 1 death → +100%, +200%; road: the 1 Mar one + 1 Apr → 2, 3 deaths; 1 fire.
    "accidents": ["2", "3", "100%", "200%", "2", "5.00万元", "2", "3", "1"],
    # trainings 50 + 30 (the 999 one is elsewhere); 1 drill of 20; publicity + film + contest; 500 + 100 leaflets.
    "outreach": ["2", "80", "1", "20", "3", "600"],
    # tasks of the campaigns running in H1: 3 + 1; done by 30 June: 1; overdue: task 2 and the sub-campaign's.
    "tasks": ["4", "1", "2"],
}


def test_each_section_carries_the_hand_computed_figures(facts):
    b = briefing()
    assert [s.key for s in b.sections] == list(EXPECTED)
    for s in b.sections:
        assert numbers(s.paragraph) == EXPECTED[s.key], s.key


def test_the_text_in_full_in_the_register_of_the_summaries(facts):
    s = by_key(briefing())
    assert s["inspections"].paragraph == (
        "上半年，全县共组织各类检查组1个，出动3次，检查人员8人次，派出专家2人次，检查生产经营单位4家、4家次。"
    )
    assert s["hazards"].paragraph == (
        "共排查重大隐患2个，已整改1个，整改率50%；排查一般隐患3个，已整改1个，整改率33.33%；"
        "合计排查隐患5个，已整改2个，整改率40%。挂牌督办重大隐患1个。截至6月30日，未销号隐患4个，其中逾期未整改3个。"
    )
    assert s["accidents"].paragraph == (
        "共发生生产安全事故2起、死亡3人，同比分别上升100%、200%；受伤2人，直接经济损失5.00万元。"
        "同期发生道路交通事故2起、死亡3人；火灾1起。"
    )
    assert s["interviews"].paragraph == "共约谈通报2次、涉及单位2家，约谈5人次；警示曝光1个、曝光单位2家。"
    assert s["tasks"].paragraph == "各专项行动共部署任务4项，截至6月30日已完成1项，逾期未完成2项。"
    assert [x.heading for x in s.values()] == [
        "一、检查督导", "二、隐患排查治理", "三、执法处罚", "四、约谈通报和警示曝光", "五、事故情况",
        "六、宣传教育培训", "七、专项行动任务",
    ]


def test_the_text_carries_exactly_the_figures_that_stats_returns(facts):
    """Each number of the text is the `anjian stats --json` figure it names, rendered by render.py."""
    out = StringIO()
    call_command("stats", "--region", "430626", "--from", "2024-01-01", "--to", "2024-06-30", "--json", stdout=out)
    data = json.loads(out.getvalue())
    b = briefing()
    for s in b.sections:
        written = []
        for fig in s.figures:
            if fig.yoy:
                assert fig.text == percent(abs(data["yoy"][fig.code]))
            else:
                assert fig.text == value_text(fig.code, data["indicators"][fig.code], text=True), fig.code
            written.append(fig.text)
        assert numbers(s.paragraph) == written, s.key
    codes = {fig.code for s in b.sections for fig in s.figures}
    # Every family of the catalogue but the registry is written (all non-zero in the fixture) …
    assert {i.family for i in ind.CATALOGUE if i.code in codes} == {"检查", "隐患", "执法", "约谈与曝光", "事故",
                                                                    "宣传教育", "专项行动"}
    # … and the only figure left out is 0: fire deaths.
    left = {i.code for i in ind.CATALOGUE if i.family not in ("台账",)} - codes
    assert left == {"fire_deaths"} and data["indicators"]["fire_deaths"] == 0


def test_computes_once_with_one_query_per_table(facts, django_assert_max_num_queries):
    scope = build_scope(**H1)
    # with_yoy: one query per fact table, for the period and a year earlier; + the region's name.
    with django_assert_max_num_queries(2 * len(ind.TABLES) + 1):
        build_briefing(scope)
    computed = with_yoy(scope)
    with django_assert_max_num_queries(1):
        b = build_briefing(scope, computed)
    assert b == build_briefing(scope)


# --- what is left out ---------------------------------------------------------------------------------


def test_sections_without_data_are_left_out_and_the_rest_renumbered(facts):
    # 三市镇: no outreach and no campaign task there (both recorded at county level).
    b = briefing(region=facts.county.sanshizhen.code[:9])
    assert [s.key for s in b.sections] == ["inspections", "hazards", "enforcement", "interviews", "accidents"]
    assert b.sections[-1].heading == "五、事故情况"
    md = briefing_markdown(b)
    assert "宣传教育培训" not in md and "专项行动任务" not in md
    # The opening names the township: 全镇. fire_b (2 April, routine, group: 甲) and build_b (ledger, 4 + 1).
    assert b.sections[0].paragraph == (
        "上半年，全镇共组织各类检查组1个，出动2次，检查人员5人次，派出专家1人次，检查生产经营单位2家、2家次。"
    )
    # build_b's road accident (2 dead); nothing in 三市镇 a year earlier: 上升 with no percentage (DOMAIN.md §7.3).
    assert b.sections[-1].paragraph == (
        "共发生生产安全事故1起、死亡2人，同比均上升。同期发生道路交通事故1起、死亡2人；火灾1起。"
    )


def test_zero_clauses_are_left_out(facts):
    # Only the supervisory inspections (5 March, group, 甲乙丙 + 专家一): no ledger-only outing; its hazard closed.
    s = by_key(briefing(inspection_kind="督导检查"))
    assert s["inspections"].paragraph.startswith("上半年，全县共组织督导检查组1个，出动1次，督导检查人员3人次，")
    # Only the hazard found by that inspection, general and closed: no major clause, no total; and since no
    # hazard of that kind is open at as_of, the register's "已全部整改销号".
    assert s["hazards"].paragraph == "共排查一般隐患1个，已整改1个，整改率100%。截至6月30日，隐患已全部整改销号。"


def test_an_accident_without_deaths(facts):
    f.accident("production", dt.datetime(2025, 2, 1, 8), unit=facts.county.units["chem_a"], injuries=1)
    s = by_key(briefing(date_from="2025-01-01", date_to="2025-06-30", as_of="2025-06-30"))
    # 1 accident against 2 a year earlier (-50%); no death against 3 (-100%); 1 injured, no loss written.
    assert s["accidents"].paragraph == (
        "共发生生产安全事故1起，未造成人员死亡，事故起数同比下降50%，死亡人数同比下降100%；受伤1人。"
    )


def test_no_accident_this_year_but_some_last_year_is_said(facts):
    b = briefing(date_from="2025-01-01", date_to="2025-06-30", as_of="2025-06-30")
    s = by_key(b)
    assert s["accidents"].paragraph == "未发生生产安全事故，事故起数、死亡人数同比均下降100%。"
    # Nothing found in 2025, but four hazards still open (all past their deadline): the first sentence keeps its
    # own date and takes the region's word.
    assert b.sections[0].key == "hazards"
    assert b.sections[0].paragraph == "截至6月30日，全县未销号隐患4个，其中逾期未整改4个。"
    assert "inspections" not in s and "outreach" not in s


def test_a_period_without_any_data(facts):
    b = briefing(date_from="2021-01-01", date_to="2021-12-31", as_of="2021-12-31")
    assert b.sections == () and b.paragraphs == [NO_DATA]
    assert b.title == "平江县2021年安全生产工作情况（统计部分）"
    assert NO_DATA in briefing_markdown(b)


def test_unknown_region_is_refused(facts):
    with pytest.raises(ScopeError, match="区划不存在"):
        briefing(region="430699")


# --- the campaign -----------------------------------------------------------------------------------


def test_the_campaign_filter_changes_the_figures_and_names_the_campaign(facts):
    whole, camp = by_key(briefing()), briefing(campaign="安全生产治本攻坚")
    s = by_key(camp)
    assert camp.title == "平江县2024年上半年安全生产治本攻坚工作情况（统计部分）"
    assert camp.campaign == "安全生产治本攻坚"
    assert "专项行动：安全生产治本攻坚（含下级行动）" in camp.note
    assert camp.sections[0].paragraph.startswith("上半年，在安全生产治本攻坚中，全县共组织")
    # The campaign's figures (test_catalogue.py): chem_a's inspection of the sub-campaign — group, 甲乙, 专家一;
    # its hazard (found by that inspection), closed; one penalty of 100000; the notice of 2 persons; 1 training of
    # 30; the tree's 4 tasks.
    assert numbers(s["inspections"].paragraph) == ["1", "1", "2", "1", "1", "1"]
    assert numbers(s["hazards"].paragraph) == ["1", "1", "100%"]
    assert numbers(s["enforcement"].paragraph) == ["1", "1", "10.00万元"]
    assert numbers(s["interviews"].paragraph) == ["1", "1", "2"]
    assert numbers(s["outreach"].paragraph) == ["1", "30"]
    assert s["tasks"].paragraph == "本专项行动共部署任务4项，截至6月30日已完成1项，逾期未完成2项。"
    assert numbers(whole["inspections"].paragraph) != numbers(s["inspections"].paragraph)
    # The sub-campaign alone, named by its own name.
    sub = briefing(campaign="危化品专项整治")
    assert sub.title == "平江县2024年上半年危化品专项整治工作情况（统计部分）"
    assert by_key(sub)["tasks"].paragraph == "本专项行动共部署任务1项，截至6月30日已完成0项，逾期未完成1项。"


# --- period phrases ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "short", "full"), [
    ("2024-01-01", "2024-12-31", "2024年", "2024年"),
    ("2024-01-01", "2024-06-30", "上半年", "2024年上半年"),
    ("2024-07-01", "2024-12-31", "下半年", "2024年下半年"),
    ("2024-01-01", "2024-03-31", "第一季度", "2024年第一季度"),
    ("2024-04-01", "2024-06-30", "第二季度", "2024年第二季度"),
    ("2024-10-01", "2024-12-31", "第四季度", "2024年第四季度"),
    ("2024-03-01", "2024-03-31", "3月", "2024年3月"),
    ("2024-02-01", "2024-02-29", "2月", "2024年2月"),
    ("2024-01-01", "2024-09-30", "1—9月", "2024年1—9月"),
    ("2024-04-01", "2024-08-31", "4—8月", "2024年4—8月"),
    ("2024-03-05", "2024-04-20", "3月5日至4月20日", "2024年3月5日至4月20日"),
    ("2024-01-01", "2024-06-29", "1月1日至6月29日", "2024年1月1日至6月29日"),
    ("2024-02-01", "2024-02-28", "2月1日至2月28日", "2024年2月1日至2月28日"),  # not the whole of February 2024
    ("2024-05-04", "2024-05-04", "5月4日", "2024年5月4日"),
    ("2023-12-01", "2024-02-29", "2023年12月至2024年2月", "2023年12月至2024年2月"),
    ("2023-12-15", "2024-01-15", "2023年12月15日至2024年1月15日", "2023年12月15日至2024年1月15日"),
])
def test_period_phrase(start, end, short, full):
    assert period_phrase(d(start), d(end)) == short
    assert period_phrase(d(start), d(end), year=True) == full


def test_titles_and_openings_follow_the_period(facts):
    b = briefing(date_from="2024-01-01", date_to="2024-03-31", as_of="2024-03-31")
    assert b.title == "平江县2024年第一季度安全生产工作情况（统计部分）"
    assert b.sections[0].paragraph.startswith("第一季度，全县共")
    b = briefing(date_from="2024-03-01", date_to="2024-06-30", as_of="2024-07-15")
    assert b.title == "平江县2024年3—6月安全生产工作情况（统计部分）"
    assert b.note == "（统计范围：平江县；时段：2024年3月1日至2024年6月30日；整改、逾期情况截至2024年7月15日）"
    assert "截至7月15日，未销号隐患" in by_key(b)["hazards"].paragraph


# --- Markdown and .docx -----------------------------------------------------------------------------


def markdown_paragraphs(md: str) -> list[str]:
    """The body paragraphs of the Markdown: the non-empty lines that are neither headings nor the note."""
    lines = [line for line in md.splitlines() if line.strip()]
    return [line for line in lines[2:] if not line.startswith("#")]


def test_markdown(facts):
    b = briefing()
    md = briefing_markdown(b)
    assert md.startswith("# 平江县2024年上半年安全生产工作情况（统计部分）\n\n（统计范围：平江县；")
    assert [line[3:] for line in md.splitlines() if line.startswith("## ")] == [s.heading for s in b.sections]
    assert markdown_paragraphs(md) == [s.paragraph for s in b.sections]


def style(p: Any) -> str:
    return p.style.name if p.style is not None else ""


def east_asia(element) -> str | None:
    rpr = element.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def test_docx_is_editable_with_official_fonts_and_the_markdowns_paragraphs(facts):
    b = briefing()
    doc = Document(io.BytesIO(briefing_docx(b)))
    paras = [p for p in doc.paragraphs if p.text.strip()]
    title, note = paras[0], paras[1]
    assert title.text == "平江县2024年上半年安全生产工作情况（统计部分）" and style(title) == "Title"
    assert {east_asia(r._element) for r in title.runs} == {"方正小标宋简体"}
    assert {r.font.size for r in title.runs} == {Pt(22)}  # 二号
    assert note.text == b.note and {east_asia(r._element) for r in note.runs} == {"楷体_GB2312"}
    headings = [p for p in paras if style(p) == "Heading 1"]
    assert [p.text for p in headings] == [s.heading for s in b.sections]
    assert all({east_asia(r._element) for r in p.runs} == {"黑体"} for p in headings)
    body = [p for p in paras[2:] if style(p) == "Normal"]
    assert [p.text for p in body] == markdown_paragraphs(briefing_markdown(b))
    for p in body:
        assert {east_asia(r._element) for r in p.runs} == {"仿宋_GB2312"}
        assert {r.font.size for r in p.runs} == {Pt(16)}  # 三号
        assert p.paragraph_format.first_line_indent == Pt(32)  # 首行缩进2字
    # The styles name the fonts too, so paragraphs an editor adds look the same.
    styles = doc.styles
    assert east_asia(styles["Normal"].element) == "仿宋_GB2312"
    assert east_asia(styles["Title"].element) == "方正小标宋简体"
    assert east_asia(styles["Heading 1"].element) == "黑体"
    assert east_asia(styles["Heading 2"].element) == "楷体_GB2312"
    section = doc.sections[0]
    # A4, 版心 156 × 225 mm (twips round the millimetres).
    sizes = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin)
    mm = [round(x.mm) if x is not None else None for x in sizes]
    assert mm == [210, 297, 37, 35, 28, 26]
    assert "PAGE" in section.footer.paragraphs[0]._p.xml


def test_docx_of_a_briefing_without_data(facts):
    b = briefing(date_from="2021-01-01", date_to="2021-12-31", as_of="2021-12-31")
    doc = Document(io.BytesIO(briefing_docx(b)))
    assert [p.text for p in doc.paragraphs if p.text.strip()][-1] == NO_DATA


# --- the command ------------------------------------------------------------------------------------

PERIOD = ["--from", "2024-01-01", "--to", "2024-06-30"]
ARGS = ["--region", "430626", *PERIOD, "--as-of", "2024-06-30"]


def test_command_writes_both_formats(facts, tmp_path: Path):
    out = StringIO()
    call_command("report", *ARGS, "--format", "md", "-o", str(tmp_path / "b.md"), stdout=out)
    assert "已写入" in out.getvalue()
    md = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert md == briefing_markdown(build_scope(**H1))
    call_command("report", *ARGS, "--format", "docx", "-o", str(tmp_path / "b.docx"), stdout=StringIO())
    doc = Document(str(tmp_path / "b.docx"))
    body = [p.text for p in doc.paragraphs if p.text.strip() and style(p) == "Normal"]
    assert body == markdown_paragraphs(md)
    stdout = StringIO()
    call_command("report", *ARGS, "--campaign", "安全生产治本攻坚", "--format", "md", "-o", "-", stdout=stdout)
    assert stdout.getvalue().startswith("# 平江县2024年上半年安全生产治本攻坚工作情况（统计部分）")
    assert "在安全生产治本攻坚中" in stdout.getvalue()


@pytest.mark.parametrize(("args", "message"), [
    (["--region", "43062", *PERIOD, "--format", "md", "-o", "-"], "区划代码无效"),
    (["--region", "430699", *PERIOD, "--format", "md", "-o", "-"], "区划不存在"),
    (["--region", "430626", "--from", "2024-13-01", "--to", "2024-06-30", "--format", "md", "-o", "-"], "日期无效"),
    (["--region", "430626", "--from", "2024-07-01", "--to", "2024-06-30", "--format", "md", "-o", "-"], "起止日期有误"),
    (["--region", "430626", *PERIOD, "--format", "pdf", "-o", "x"], "输出格式无效"),
    (["--region", "430626", *PERIOD, "-o", "x"], "输出格式无效"),
    (["--region", "430626", *PERIOD, "--format", "docx", "-o", "-"], "标准输出"),
    (["--region", "430626", *PERIOD, "--format", "md"], "缺少参数：-o"),
    (["--region", "430626", "--to", "2024-06-30", "--format", "md", "-o", "-"], "缺少参数：--from"),
    (["--region", "430626", *PERIOD, "--campaign", "没有", "--format", "md", "-o", "-"], "专项行动不存在"),
    (["--region", "430626", *PERIOD, "--format", "md",
      "-o", "/nonexistent/dir/b.md"], "无法写入文件"),
])
def test_command_refuses_bad_input_in_chinese(facts, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, stdout=StringIO())


def test_command_exits_non_zero_on_bad_input(facts, capsys):
    with pytest.raises(SystemExit) as exc:
        ReportCommand().run_from_argv(["anjian", "report", *ARGS, "--format", "pdf", "-o", "x"])
    assert exc.value.code != 0
    assert "输出格式无效" in capsys.readouterr().err


def test_stats_command_still_refuses_in_chinese(facts):
    # The scope arguments moved to anjian/stats/cli.py; `anjian stats` keeps them, with Chinese refusals.
    with pytest.raises(CommandError, match="缺少参数：--region"):
        call_command("stats", "--from", "2024-01-01", "--to", "2024-06-30", stdout=StringIO())
    with pytest.raises(CommandError, match="单位编号无效"):
        call_command("stats", *ARGS, "--unit", "x", stdout=StringIO())
    out = StringIO()
    unit = facts.county.units["chem_a"].pk
    call_command("stats", *ARGS, "--unit", str(unit), "--json", stdout=out)
    assert json.loads(out.getvalue())["indicators"]["units"] == 1


def test_as_of_in_another_year_is_written_with_its_year(facts):
    b = briefing(date_from="2024-01-01", date_to="2024-12-31", as_of=dt.date(2025, 1, 10).isoformat())
    assert "截至2025年1月10日" in by_key(b)["hazards"].paragraph

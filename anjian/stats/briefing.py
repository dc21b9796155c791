"""The generated work-summary briefing (工作简报): the statistical part of a work summary, from the catalogue.

For a scope (region, period, optional campaign and filters) :func:`build_briefing` writes the sentences a
county office puts in its half-year or annual summary — "上半年，全县共组织各类检查组101个，检查人员691人次，
派出专家6人次 …" — in sections (一、检查督导 … 七、专项行动任务). Every figure comes from one
:func:`anjian.stats.compute.with_yoy` call (one query per fact table, for the period and the same dates a year
earlier) and is written with the catalogue's rendering rules (``render.py``): counts as integers with the
catalogue's unit, money in 万元 with two decimals, rates in percent with two decimals and trailing zeros dropped,
同比 through ``render.change``. :func:`briefing_markdown` and :func:`briefing_docx` write the same paragraphs
as Markdown and as an editable .docx in the fonts of 《党政机关公文格式》(GB/T 9704-2012).

What is left out, and why (the register of the summaries, DOMAIN.md §7.2):

- A section whose leading figures are all 0 is left out entirely: a summary does not say "开展培训0场".
  The sections and their leading figures: 检查督导 (inspections), 隐患排查治理 (hazards found, hazards still
  open at ``as_of``), 执法处罚 (each enforcement count), 约谈通报和警示曝光 (interviews, exposures),
  事故情况 (production-safety accidents this year *or last year*, road accidents, fires), 宣传教育培训
  (each outreach count), 专项行动任务 (tasks). Numbering (一、二、…) follows the sections kept.
- Within a section a clause whose leading figure is 0 is left out ("派出专家0人次", "重大隐患0个"), and so is a
  money amount of 0 (a penalty of a warning only). A subordinate figure of a clause that stays is kept even
  when 0 ("排查一般隐患3个，已整改0个，整改率0%"): there the 0 is the news.
- A rate whose denominator is 0 is undefined and never written (indicators.md "Rates and rounding").
- Accidents: "共发生生产安全事故2起、死亡3人，同比分别上升100%、200%". When last year's figure was 0 the
  change is undefined; the register then says "上升" without a percentage (or "持平" when both years are 0,
  DOMAIN.md §7.3). No accident this year but some last year is still news: "未发生生产安全事故，事故起数同比
  下降100%". When no death is recorded, "未造成人员死亡" (and the death count's 同比 only if last year had deaths).
- The region's word ("全县", "全镇" …) and the period phrase ("上半年", "1—9月" …) open the first sentence, with
  the campaign named after them when the briefing is for one ("上半年，在安全生产治本攻坚中，全县共组织…"); a
  first sentence that carries its own date keeps it instead of the period ("截至6月30日，全县未销号隐患…").
- A briefing with no section at all says so in one line (:data:`NO_DATA`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from anjian.stats.compute import Values, with_yoy
from anjian.stats.indicators import BY_CODE, COUNT
from anjian.stats.render import change, percent, value_text
from anjian.stats.scope import Scope, ScopeError

YoYs = dict[str, float | None]

CN_NUMERALS = "一二三四五六七八九十"
QUARTERS = {(1, 3): "第一季度", (4, 6): "第二季度", (7, 9): "第三季度", (10, 12): "第四季度"}
NO_DATA = "该时段内无统计数据。"
TITLE_TAIL = "工作情况（统计部分）"

# 《党政机关公文格式》GB/T 9704-2012: title 2号方正小标宋简体, body 3号仿宋_GB2312, level-1 headings 黑体,
# level-2 headings 楷体_GB2312; 版心 156 × 225 mm on A4 (margins 37/35/28/26 mm), 22 lines of 28 characters.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
ERHAO, SANHAO, SIHAO = 22, 16, 14  # 二号, 三号, 四号 in points
NOTE_STYLE = "简报说明"  # the line under the title (scope, period, as_of), in 楷体 like a 公文's subtitle


# --- the briefing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number written in the text: the indicator it comes from and how it is written.

    ``yoy`` marks a 同比 change of that indicator rather than its value.
    """

    code: str
    text: str
    yoy: bool = False


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # 检查督导
    heading: str  # 一、检查督导
    sentences: tuple[str, ...]
    figures: tuple[Figure, ...] = ()

    @property
    def paragraph(self) -> str:
        return "".join(self.sentences)


@dataclass(frozen=True)
class Briefing:
    title: str  # 平江县2024年上半年安全生产工作情况（统计部分）
    region_name: str  # 平江县
    period: str  # 上半年 (the phrase opening the text)
    period_full: str  # 2024年上半年 (the phrase of the title)
    note: str  # （统计范围：…；时段：…；整改、逾期情况截至…）
    campaign: str | None
    sections: tuple[Section, ...]
    scope: Scope = field(compare=False, repr=False)

    @property
    def paragraphs(self) -> list[str]:
        """The body, one paragraph per section (or the one line saying there is no data)."""
        return [s.paragraph for s in self.sections] or [NO_DATA]


# --- period phrases -------------------------------------------------------------------------------


def _month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _ymd(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_phrase(date_from: dt.date, date_to: dt.date, *, year: bool = False) -> str:
    """The period as a summary names it: "上半年", "第一季度", "3月", "1—9月", else "3月5日至4月20日".

    With ``year=True`` (for a title) the year comes first: "2024年上半年", "2024年1—9月". A whole year is
    "2024年" either way; a period across the turn of a year always names both years.
    """
    y = f"{date_from.year}年"
    if date_from.year != date_to.year:
        if date_from.day == 1 and _month_end(date_to):
            return f"{date_from.year}年{date_from.month}月至{date_to.year}年{date_to.month}月"
        return f"{_ymd(date_from)}至{_ymd(date_to)}"
    prefix = y if year else ""
    if date_from.day == 1 and _month_end(date_to):
        first, last = date_from.month, date_to.month
        if (first, last) == (1, 12):
            return y
        if (first, last) == (1, 6):
            return prefix + "上半年"
        if (first, last) == (7, 12):
            return prefix + "下半年"
        if (first, last) in QUARTERS:
            return prefix + QUARTERS[(first, last)]
        if first == last:
            return f"{prefix}{first}月"
        return f"{prefix}{first}—{last}月"
    if date_from == date_to:
        return prefix + _md(date_from)
    return f"{prefix}{_md(date_from)}至{_md(date_to)}"


def _as_of_phrase(scope: Scope) -> str:
    """截至6月30日; with the year when the period is not within the year of ``as_of``."""
    same = scope.date_from.year == scope.date_to.year == scope.as_of.year
    return f"截至{_md(scope.as_of) if same else _ymd(scope.as_of)}"


# --- writing the sections -------------------------------------------------------------------------


class _Writer:
    """Builds the sentences of one section, recording each figure as it is written."""

    def __init__(self, values: Values, yoys: YoYs) -> None:
        self.values, self.yoys = values, yoys
        self.figures: list[Figure] = []

    def v(self, code: str) -> Any:
        return self.values[code]

    def n(self, code: str, unit: str | None = None) -> str:
        """A figure with the catalogue's unit: "101个", "37.91万元", "82.17%"."""
        text = value_text(code, self.values[code], text=True)
        self.figures.append(Figure(code, text))
        i = BY_CODE[code]
        if i.kind == COUNT:
            return text + (unit if unit is not None else i.unit)
        return text

    def rate(self, code: str) -> str | None:
        if self.values[code] is None:
            return None
        return self.n(code)

    def change_word(self, code: str) -> str:
        """"上升100%", "下降25%", "持平"; "上升" (no percentage) when last year was 0 and this year is not."""
        y = self.yoys.get(code)
        if y is None:
            return "上升" if self.values[code] else "持平"
        word = change(y).removeprefix("同比")
        if y != 0:
            self.figures.append(Figure(code, percent(abs(y)), yoy=True))
        return word

    def changes(self, codes: list[str]) -> str:
        """同比上升100% / 同比分别上升100%、200% / 同比分别下降25%、持平 / 同比均持平 / 同比均上升."""
        words = [self.change_word(c) for c in codes]
        if len(words) == 1:
            return "同比" + words[0]
        if len(set(words)) == 1:
            return "同比均" + words[0]
        verbs = {w[:2] for w in words}
        if len(verbs) == 1 and all(len(w) > 2 for w in words):
            # Same direction, all with a percentage: say the verb once.
            return "同比分别" + words[0][:2] + "、".join(w[2:] for w in words)
        return "同比分别" + "、".join(words)


def _inspections(w: _Writer, scope: Scope) -> list[str]:
    if not w.v("inspections"):
        return []
    kind = _kind_label(scope)
    parts = []
    if w.v("inspection_groups"):
        parts.append(f"组织{'' if scope.inspection_kind else '各类'}{kind}组{w.n('inspection_groups')}")
    parts.append(f"出动{w.n('outings')}")
    if w.v("inspector_visits"):
        parts.append(f"{kind}人员{w.n('inspector_visits')}")
    if w.v("expert_visits"):
        parts.append(f"派出专家{w.n('expert_visits')}")
    parts.append(f"{kind}生产经营单位{w.n('units_inspected')}、{w.n('inspections')}")
    return ["共" + "，".join(parts) + "。"]


def _hazards(w: _Writer, scope: Scope) -> list[str]:
    out = []
    found = []
    for level, name in (("major", "重大隐患"), ("general", "一般隐患")):
        if w.v(f"hazards_{level}_found"):
            clause = f"排查{name}{w.n(f'hazards_{level}_found')}，已整改{w.n(f'hazards_{level}_rectified')}"
            rate = w.rate(f"rectification_rate_{level}")
            found.append(clause + (f"，整改率{rate}" if rate else ""))
    if len(found) == 2:
        # Both levels: the total too (with one level it would only repeat it).
        total = f"合计排查隐患{w.n('hazards_found')}，已整改{w.n('hazards_rectified')}"
        rate = w.rate("rectification_rate")
        found.append(total + (f"，整改率{rate}" if rate else ""))
    if found:
        out.append("共" + "；".join(found) + "。")
    if w.v("hazards_major_supervised"):
        out.append(f"挂牌督办重大隐患{w.n('hazards_major_supervised')}。")
    if w.v("hazards_open"):
        sentence = f"{_as_of_phrase(scope)}，未销号隐患{w.n('hazards_open')}"
        if w.v("hazards_overdue"):
            sentence += f"，其中逾期未整改{w.n('hazards_overdue')}"
        out.append(sentence + "。")
    elif found:
        out.append(f"{_as_of_phrase(scope)}，隐患已全部整改销号。")
    return out


def _enforcement(w: _Writer, scope: Scope) -> list[str]:
    groups: list[list[str]] = [[], [], [], []]
    if w.v("documents_issued"):
        groups[0].append(f"下达执法文书{w.n('documents_issued')}")
    if w.v("orders_rectify_units"):
        groups[0].append(f"责令限期整改单位{w.n('orders_rectify_units')}")
    if w.v("cases_filed"):
        groups[1].append(f"立案查处{w.n('cases_filed')}、涉及单位{w.n('case_units')}")
    if w.v("penalty_cases"):
        clause = f"实施行政处罚{w.n('penalty_cases')}、处罚单位{w.n('penalized_units')}"
        if w.v("fines_yuan"):
            clause += f"，罚款{w.n('fines_yuan')}"
        groups[1].append(clause)
    for code, words in (("suspended_units", "责令停产停业整顿"), ("closed_units", "关闭取缔"),
                        ("licenses_suspended", "暂扣许可证"), ("licenses_revoked", "吊销许可证")):
        if w.v(code):
            groups[2].append(words + w.n(code))
    if w.v("cases_transferred"):
        groups[3].append(f"移交其他部门案件{w.n('cases_transferred')}")
    if w.v("criminal_transfers"):
        groups[3].append(f"移送司法机关案件{w.n('criminal_transfers')}")
    clauses = ["，".join(g) for g in groups if g]
    return ["共" + "；".join(clauses) + "。"] if clauses else []


def _interviews(w: _Writer, scope: Scope) -> list[str]:
    clauses = []
    if w.v("interviews"):
        clause = f"约谈通报{w.n('interviews')}、涉及单位{w.n('interviewed_units')}"
        if w.v("interviewed_persons"):
            clause += f"，约谈{w.n('interviewed_persons')}"
        clauses.append(clause)
    if w.v("exposures"):
        clauses.append(f"警示曝光{w.n('exposures')}、曝光单位{w.n('exposed_units')}")
    return ["共" + "；".join(clauses) + "。"] if clauses else []


def _accidents(w: _Writer, scope: Scope) -> list[str]:
    out = []
    accidents, deaths = w.v("accidents"), w.v("deaths")
    # Last year's deaths (or accidents) were > 0 exactly when their change is defined.
    deaths_before = w.yoys.get("deaths") is not None
    if accidents:
        if deaths:
            head = f"共发生生产安全事故{w.n('accidents')}、死亡{w.n('deaths')}，{w.changes(['accidents', 'deaths'])}"
        else:
            head = f"共发生生产安全事故{w.n('accidents')}，未造成人员死亡，事故起数{w.changes(['accidents'])}"
            if deaths_before:
                head += f"，死亡人数{w.changes(['deaths'])}"
        extra = []
        if w.v("injuries"):
            extra.append(f"受伤{w.n('injuries')}")
        if w.v("direct_loss_yuan"):
            extra.append(f"直接经济损失{w.n('direct_loss_yuan')}")
        out.append(head + ("；" + "，".join(extra) if extra else "") + "。")
    elif w.yoys.get("accidents") is not None:
        codes = ["accidents", "deaths"] if deaths_before else ["accidents"]
        names = "事故起数、死亡人数" if deaths_before else "事故起数"
        out.append(f"未发生生产安全事故，{names}{w.changes(codes)}。")
    others = []
    for count, dead, name in (("road_accidents", "road_deaths", "道路交通事故"), ("fires", "fire_deaths", "火灾")):
        if w.v(count):
            clause = name + w.n(count)
            if w.v(dead):
                clause += f"、死亡{w.n(dead)}"
            others.append(clause)
    if others:
        # "同期", not "另": a production accident on a road is a road accident too (indicators.md 事故).
        out.append(("同期" if out else "共") + "发生" + "；".join(others) + "。")
    return out


def _outreach(w: _Writer, scope: Scope) -> list[str]:
    clauses = []
    for count, people, doing, taking in (("trainings", "training_attendees", "开展安全培训", "培训"),
                                         ("drills", "drill_participants", "组织应急演练", "参演")):
        if w.v(count):
            clause = doing + w.n(count)
            if w.v(people):
                clause += f"、{taking}{w.n(people)}"
            clauses.append(clause)
    publicity = []
    if w.v("publicity_events"):
        publicity.append(f"开展宣传活动{w.n('publicity_events')}")
    if w.v("materials_distributed"):
        publicity.append(f"发放宣传资料{w.n('materials_distributed')}")
    if publicity:
        clauses.append("，".join(publicity))
    return ["共" + "；".join(clauses) + "。"] if clauses else []


def _tasks(w: _Writer, scope: Scope) -> list[str]:
    if not w.v("tasks_total"):
        return []
    who = "本专项行动" if scope.campaign_ids is not None else "各专项行动"
    sentence = f"{who}共部署任务{w.n('tasks_total')}，{_as_of_phrase(scope)}已完成{w.n('tasks_done')}"
    if w.v("tasks_overdue"):
        sentence += f"，逾期未完成{w.n('tasks_overdue')}"
    return [sentence + "。"]


SECTIONS = (
    ("inspections", "检查督导", _inspections),
    ("hazards", "隐患排查治理", _hazards),
    ("enforcement", "执法处罚", _enforcement),
    ("interviews", "约谈通报和警示曝光", _interviews),
    ("accidents", "事故情况", _accidents),
    ("outreach", "宣传教育培训", _outreach),
    ("tasks", "专项行动任务", _tasks),
)


def _kind_label(scope: Scope) -> str:
    """"检查", or the kind filtered on ("督导检查"; "明查暗访（四不两直）" → "明查暗访")."""
    if not scope.inspection_kind:
        return "检查"
    from anjian.inspections.models import InspectionKind

    return str(InspectionKind(scope.inspection_kind).label).split("（")[0]


# --- names of the scope ---------------------------------------------------------------------------


def _region_name(scope: Scope) -> str:
    from anjian.regions.models import Division

    division = Division.objects.filter(code=scope.prefix.ljust(12, "0")).only("name").first()
    if division is None:
        raise ScopeError(f"区划不存在：{scope.region}")
    return division.name


# Longest suffix first: 社区 before 区, 自治县 before 县.
AREA_WORDS = (
    ("街道", "全街道"), ("社区", "全社区"), ("自治州", "全州"), ("自治县", "全县"), ("县", "全县"), ("区", "全区"),
    ("市", "全市"), ("旗", "全旗"), ("镇", "全镇"), ("乡", "全乡"), ("省", "全省"), ("村", "全村"),
)


def _area_word(region_name: str) -> str:
    """全县 / 全区 / 全市 / 全镇 … after the region's kind; "" when its name does not say."""
    for suffix, word in AREA_WORDS:
        if region_name.endswith(suffix):
            return word
    return ""


def _campaign_name(scope: Scope) -> str | None:
    """The campaign filtered on, by its own name (the root of the ids: the campaign and its sub-campaigns)."""
    if scope.campaign_ids is None:
        return None
    from anjian.campaigns.models import Campaign

    tree = list(Campaign.objects.filter(pk__in=scope.campaign_ids).only("name", "parent_id"))
    roots = [c for c in tree if c.parent_id not in scope.campaign_ids]
    return roots[0].name if roots else scope.campaign


def _filters_text(scope: Scope) -> list[str]:
    """The other filters of the scope, by name, for the note under the title."""
    out = []
    if scope.sector_id is not None:
        from anjian.units.models import Sector

        out.append(f"行业领域：{Sector.objects.get(pk=scope.sector_id).name}")
    if scope.department_id is not None:
        from anjian.accounts.models import Organization

        out.append(f"监管部门：{Organization.objects.get(pk=scope.department_id).name}")
    if scope.inspection_kind:
        from anjian.inspections.models import InspectionKind

        out.append(f"检查类型：{InspectionKind(scope.inspection_kind).label}")
    if scope.unit is not None:
        from anjian.units.models import Unit

        unit = Unit.objects.filter(pk=scope.unit).only("name").first()
        out.append(f"单位：{unit.name if unit else scope.unit}")
    return out


# --- the public interface -------------------------------------------------------------------------


def build_briefing(scope: Scope, computed: tuple[Values, YoYs] | None = None) -> Briefing:
    """The briefing of ``scope``; ``computed`` is ``with_yoy(scope)`` if the caller already has it.

    ScopeError when the region is not a known division (its name is the title's first word).
    """
    region_name = _region_name(scope)
    values, yoys = computed if computed is not None else with_yoy(scope)
    campaign = _campaign_name(scope)
    period = period_phrase(scope.date_from, scope.date_to)
    period_full = period_phrase(scope.date_from, scope.date_to, year=True)

    sections: list[Section] = []
    for key, title, write in SECTIONS:
        w = _Writer(values, yoys)
        sentences = write(w, scope)
        if sentences:
            heading = f"{CN_NUMERALS[len(sections)]}、{title}"
            sections.append(Section(key, title, heading, tuple(sentences), tuple(w.figures)))
    if sections:
        first = sections[0]
        opened = _open(first.sentences[0], period, campaign, _area_word(region_name))
        sections[0] = Section(first.key, first.title, first.heading, (opened, *first.sentences[1:]), first.figures)

    subject = campaign or "安全生产"
    title = f"{region_name}{period_full}{subject}{TITLE_TAIL}"
    span = f"{_ymd(scope.date_from)}至{_ymd(scope.date_to)}"
    note_parts = [f"统计范围：{region_name}", *(_filters_text(scope)), f"时段：{span}",
                  f"整改、逾期情况截至{_ymd(scope.as_of)}"]
    if campaign:
        note_parts.insert(1, f"专项行动：{campaign}（含下级行动）")
    note = "（" + "；".join(note_parts) + "）"
    return Briefing(title=title, region_name=region_name, period=period, period_full=period_full, note=note,
                    campaign=campaign, sections=tuple(sections), scope=scope)


def _open(sentence: str, period: str, campaign: str | None, area: str) -> str:
    """The period, the campaign and the region's word before the first sentence.

    "上半年，在X中，全县共组织…"; a sentence dated by itself ("截至6月30日，未销号隐患…") keeps its date
    instead of the period: "截至6月30日，全县未销号隐患…".
    """
    lead = f"在{campaign}中，" if campaign else ""
    if sentence.startswith("截至"):
        date, rest = sentence.split("，", 1)
        return f"{lead}{date}，{area}{rest}"
    return f"{period}，{lead}{area}{sentence}"


def _briefing(scope: Scope | Briefing, computed: tuple[Values, YoYs] | None) -> Briefing:
    return scope if isinstance(scope, Briefing) else build_briefing(scope, computed)


def _md_escape(text: str) -> str:
    for ch in "\\`*_[]<>":
        text = text.replace(ch, "\\" + ch)
    return text


def briefing_markdown(scope: Scope | Briefing, computed: tuple[Values, YoYs] | None = None) -> str:
    """The briefing as Markdown: the title, the note, and a level-2 heading and one paragraph per section."""
    b = _briefing(scope, computed)
    lines = [f"# {_md_escape(b.title)}", "", _md_escape(b.note), ""]
    if not b.sections:
        lines += [NO_DATA, ""]
    for s in b.sections:
        lines += [f"## {_md_escape(s.heading)}", "", _md_escape(s.paragraph), ""]
    return "\n".join(lines)


def briefing_docx(scope: Scope | Briefing, computed: tuple[Values, YoYs] | None = None) -> bytes:
    """The briefing as an editable .docx: real paragraphs in named styles, in the fonts of GB/T 9704-2012."""
    b = _briefing(scope, computed)
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)

    # Named styles, so that an editor who adds a paragraph gets the same fonts (and Word's outline works).
    normal = doc.styles["Normal"]
    style_font(normal, BODY_FONT, SANHAO)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)  # 22 lines on the 225 mm 版心
    fmt.space_before = fmt.space_after = Pt(0)
    style_font(doc.styles["Title"], TITLE_FONT, ERHAO)
    style_font(doc.styles["Heading 1"], HEADING_FONT, SANHAO)
    style_font(doc.styles["Heading 2"], SUBHEADING_FONT, SANHAO)
    for name in ("Title", "Heading 1", "Heading 2"):
        pf = doc.styles[name].paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(28)
        pf.keep_with_next = name != "Title"
    note_style = doc.styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    note_style.base_style = normal
    style_font(note_style, SUBHEADING_FONT, SANHAO)
    strip_title_border(doc.styles["Title"])
    doc.styles["Title"].paragraph_format.line_spacing = Pt(36)
    doc.styles["Heading 1"].paragraph_format.first_line_indent = Pt(2 * SANHAO)

    title = doc.add_paragraph(b.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run_font(title, TITLE_FONT, ERHAO)
    note = doc.add_paragraph(b.note, style=NOTE_STYLE)
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run_font(note, SUBHEADING_FONT, SANHAO)
    doc.add_paragraph()
    if not b.sections:
        body_paragraph(doc, NO_DATA)
    for s in b.sections:
        heading = doc.add_paragraph(s.heading, style="Heading 1")
        run_font(heading, HEADING_FONT, SANHAO)
        body_paragraph(doc, s.paragraph)
    page_numbers(section)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- .docx helpers --------------------------------------------------------------------------------


def _rfonts(rpr: Any, name: str) -> None:
    """Name the font for every script: ascii/hAnsi for Latin digits, eastAsia for the Chinese text.

    The theme attributes of python-docx's default styles (asciiTheme …) would win over the names: drop them.
    """
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def style_font(style: Any, name: str, size: float) -> None:
    from docx.shared import Pt, RGBColor

    style.font.name = name
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _rfonts(style.element.get_or_add_rPr(), name)


def run_font(paragraph: Any, name: str, size: float) -> None:
    """The font on the runs as well: WPS and older Word versions read the run's own rFonts first."""
    from docx.shared import Pt

    for run in paragraph.runs:
        run.font.size = Pt(size)
        _rfonts(run._element.get_or_add_rPr(), name)


def body_paragraph(doc: Any, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph(text, style="Normal")
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Pt(2 * SANHAO)  # 首行缩进2字
    run_font(p, BODY_FONT, SANHAO)


def strip_title_border(style: Any) -> None:
    """python-docx's Title style has a blue bottom border and widened characters, foreign to a 公文 title."""
    from docx.oxml.ns import qn

    for parent, tag in (("w:pPr", "w:pBdr"), ("w:rPr", "w:spacing"), ("w:rPr", "w:kern")):
        element = style.element.find(qn(parent))
        if element is not None:
            for child in element.findall(qn(tag)):
                element.remove(child)


def page_numbers(section: Any) -> None:
    """"— 1 —" centred at the foot, 4号宋体 (GB/T 9704-2012 §7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    number = p.add_run("1")
    p.add_run(" —")
    run_font(p, PAGE_NUMBER_FONT, SIHAO)
    # The middle run, with its font, becomes the PAGE field's shown result.
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number._r.addprevious(field)
    field.append(number._r)


"""The demo county's year of work: campaigns, inspections, enforcement, interviews, accidents, outreach.

Hazards alone leave most of the statistics dashboard and the briefing at 0. This module gives
平江县 what a county office records in a year — for **this year and last year**, so that 同比
has something to compare — in the two phases of ``hazards.py``:

1. :func:`plan` draws everything from one ``random.Random(seed)`` over facts read beforehand
   (units, organisations, the demo hazards found by inspections, checklists): pure Python over
   lists in a fixed order, so the same facts, seed and ``today`` give the same plan.
2. :func:`load_activity` writes the plan through the services (campaign_create, task_create,
   task_complete, person_create, group_create, action_create, penalty_record, document_issue,
   interview_create, accident_create, activity_create), in date order, so numbers (执法编号,
   文号, 约谈编号) come from the project's gap-free counters in the order of their dates, and
   scope, validation and audit records are what a deployment writes.

What goes around the services, and why:

- Inspections (~1,200) are bulk-inserted, as ``loader.py`` does for units: through
  inspection_create they would cost ~8 s. The writer does what it does — the same scope checks
  (once per officer), the same numbers (JC + county + year + ``next_value`` of the county's
  counter, in date order), the same audit entry — and the tests hold the rows to its rules.
- Hazards found by inspections are linked to an inspection of the same unit on the same day by
  the group of the office that reported them (``inspection``, ``inspection_ref`` and the
  inspection's campaign, what ``fail_item_to_hazard`` would have set). No hazard event records
  these fields, so the event chains and ``anjian audit verify`` are untouched.
- Checklist results, the unit's on-site signature (``signed_at`` is stamped *now* by
  inspection_sign) and 结案 (stamped today by inspection_close_case) carry the story's dates:
  they are bulk-written with the audit entries the services would write, dated as the story.
- A person's account (``Person.user``: the officer who records the office's inspections, and
  demo_expert for one expert of the pool) has no service; it is set after person_create, audited.

People. Each office acts through one officer: the county office through demo_admin, a department
or township through demo_dept / demo_township where they belong, else the ``dept_…`` / ``town_…``
officer of ``hazards.py`` (made here, without a usable password, when hazards were not loaded).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import Organization, OrgKind, User
from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.core.text import pinyin_full
from anjian.demo import plan as unit_plan
from anjian.regions.services import cli_actor_name

FULL_COUNTY_UNITS = 2000  # the volumes below are for a county of this many units, scaled for others
# Share of the hazards found by inspections that are linked to their inspection (all major ones).
LINK_SHARE = 0.4
OUTINGS_PER_MONTH = 16  # the floor a month reaches with outings that found nothing recorded
MIN_FREE_OUTINGS = 2  # even in a month full of hazard-finding outings: the county's own 督导
# Enforcement per full year (责令限期整改, 行政处罚 …), this year's growth on last year's.
ORDERS_PER_YEAR = 36
PENALTIES_PER_YEAR = 60
SUSPENSIONS_PER_YEAR = 5
CLOSURES_PER_YEAR = 2
LICENCE_SUSPENSIONS_PER_YEAR = 1
TRANSFERS_PER_YEAR = 2
CRIMINAL_PER_YEAR = 1
SITE_RECORDS_PER_YEAR = 10
INTERVIEWS_PER_YEAR = 18  # 约谈
NOTICES_PER_YEAR = 12  # 通报
EXPOSURES_PER_YEAR = 10  # 警示曝光
THIS_YEAR_GROWTH = 1.1  # enforcement and outreach stepped up under the campaign
# Accidents: (production on site, production on a road, road traffic, fire) — fewer this year.
ACCIDENTS = {"last": (3, 1, 2, 2), "this": (2, 0, 2, 1)}
# Outreach per full year, by kind.
OUTREACH_PER_YEAR = {"training": 28, "drill": 20, "publicity": 22, "contest": 4, "film": 6}
GENERAL_PROCEDURE_FINE = Decimal(10000)  # from here up a penalty is a filed case (立案) first

CHEM_SECTORS = ("hazardous_chemicals", "fireworks")
BUILD_SECTORS = ("construction", "gas")
FIRE_SECTORS = ("fire", "commerce", "culture_tourism", "education", "medical", "elderly_care")
CROWDED = FIRE_SECTORS  # 人员密集场所: where the fire law's clauses apply
INDUSTRIAL = (
    "non_coal_mine", "hazardous_chemicals", "fireworks", "metallurgy", "industry_trade", "food", "construction"
)

# --- texts -------------------------------------------------------------------------------------

CAMPAIGN_ROOT = "安全生产治本攻坚三年行动"
# (key, name, lead department's name, sectors, description)
SUB_CAMPAIGNS = (
    ("chem", "危险化学品安全治本攻坚专项行动", "应急管理局", CHEM_SECTORS,
     "聚焦危险化学品、烟花爆竹企业重大危险源和特殊作业，推动重大事故隐患动态清零。"),
    ("build", "建筑施工安全治本攻坚专项行动", "住房和城乡建设局", BUILD_SECTORS,
     "聚焦危大工程、起重机械和城镇燃气，严防高处坠落、坍塌和燃气事故。"),
    ("fire", "消防安全治本攻坚专项行动", "消防救援大队", FIRE_SECTORS,
     "聚焦人员密集场所、“九小场所”和电动自行车，整治消防通道和消防设施隐患。"),
)
# Roadmap tasks (重点任务推进路线图), ten a campaign, in the order of their time nodes.
TASKS: dict[str, tuple[tuple[str, str], ...]] = {
    "root": (
        ("制定印发县安全生产治本攻坚三年行动实施方案，召开动员部署会议", "县安委办"),
        ("建立县级重大事故隐患数据库，实行动态清零管理", "县安委办、各行业主管部门"),
        ("组织各乡镇（街道）、各部门主要负责人开展安全生产集中培训", "县应急管理局"),
        ("推动重点行业领域生产经营单位全面落实全员安全生产责任制", "各行业主管部门"),
        ("完成乡镇（街道）安全生产网格化监管体系建设，网格员全员培训", "各乡镇人民政府（街道办事处）"),
        ("建成隐患排查治理信息化平台，实现隐患闭环管理", "县应急管理局"),
        ("开展安全生产治本攻坚中期评估，形成评估报告", "县安委办"),
        ("落实“企业吹哨人”举报奖励制度，畅通举报渠道", "县应急管理局"),
        ("开展生产经营单位主要负责人安全生产法律法规全员轮训", "县应急管理局、各行业主管部门"),
        ("开展安全生产治本攻坚三年行动总结评估", "县安委办"),
    ),
    "chem": (
        ("完成全县危险化学品企业安全风险评估和分级管控", "县应急管理局"),
        ("实现加油站、液化气充装站重大危险源监测预警全覆盖", "县应急管理局、县城市管理和综合执法局"),
        ("开展危险化学品企业特殊作业专项检查", "县应急管理局"),
        ("开展烟花爆竹“打非治违”专项行动", "县应急管理局、县公安局"),
        ("完成化工企业自动化控制系统改造提升", "县应急管理局、县工业和信息化局"),
        ("开展危险化学品运输车辆专项整治", "县交通运输局、县公安局"),
        ("开展危险化学品企业安全生产标准化复评", "县应急管理局"),
        ("完成涉危险化学品企业主要负责人和安全管理人员考核", "县应急管理局"),
        ("建立危险化学品企业安全生产专家指导服务机制", "县应急管理局"),
        ("开展危险化学品安全治本攻坚总结评估", "县应急管理局"),
    ),
    "build": (
        ("开展房屋市政工程危大工程专项检查", "县住房和城乡建设局"),
        ("完成在建工程起重机械安全隐患排查整治", "县住房和城乡建设局、县市场监督管理局"),
        ("推动建筑施工企业落实安全生产标准化考评", "县住房和城乡建设局"),
        ("开展经营性自建房安全专项整治", "县住房和城乡建设局、各乡镇人民政府"),
        ("开展建筑施工高处坠落事故专项防治", "县住房和城乡建设局"),
        ("开展城镇燃气安全专项整治", "县城市管理和综合执法局"),
        ("组织建筑施工企业“安管人员”安全生产培训", "县住房和城乡建设局"),
        ("开展深基坑、高支模专家论证落实情况检查", "县住房和城乡建设局"),
        ("开展汛期建筑工地安全专项检查", "县住房和城乡建设局"),
        ("开展建筑施工安全治本攻坚总结评估", "县住房和城乡建设局"),
    ),
    "fire": (
        ("开展人员密集场所消防安全专项检查", "县消防救援大队"),
        ("完成高层建筑消防设施维护保养全覆盖", "县消防救援大队"),
        ("开展电动自行车消防安全综合治理", "县消防救援大队、各乡镇人民政府"),
        ("开展养老机构、学校、医院消防安全专项整治", "县消防救援大队、县民政局、县教育局、县卫生健康局"),
        ("开展“九小场所”消防安全排查整治", "县消防救援大队、各乡镇人民政府"),
        ("建成乡镇专职消防队和微型消防站", "各乡镇人民政府"),
        ("开展冬春火灾防控专项行动", "县消防救援大队"),
        ("开展消防安全“大宣传、大培训”活动", "县消防救援大队"),
        ("开展文物古建筑消防安全专项检查", "县消防救援大队、县文化旅游广电体育局"),
        ("开展消防安全治本攻坚总结评估", "县消防救援大队"),
    ),
}
TASK_PROGRESS = ("已按时间节点完成。", "已完成，相关材料已归档。", "已完成并报送县安委办。")
TASK_OPEN_PROGRESS = ("正在推进中。", "已部署，部分乡镇（部门）尚未完成。", "")

EXPERTS = (
    ("province", "湖南省安全生产科学研究院", ("hazardous_chemicals", "fireworks")),
    ("city", "岳阳市安全生产技术服务中心", ("industry_trade", "metallurgy")),
    ("city", "岳阳市特种设备检验检测所", ("special_equipment", "gas")),
    ("county", "平江县建筑工程质量安全监督站", ("construction",)),
    ("city", "湖南石油化工职业技术学院", ("hazardous_chemicals",)),
    ("county", "平江县消防救援大队（退休）", ("fire", "commerce", "culture_tourism")),
    ("city", "岳阳市应急管理局专家库", ("non_coal_mine", "natural_resources")),
    ("county", "平江县交通建设质量安全监督站", ("road_transport", "waterway")),
    ("province", "湖南省烟花爆竹安全技术中心", ("fireworks",)),
    ("county", "平江县人民医院", ("medical", "elderly_care")),
    ("city", "岳阳市燃气协会", ("gas",)),
    ("county", "平江县应急管理局专家库", ("industry_trade", "food", "agriculture")),
)

NO_FINDINGS = (
    "现场检查未发现明显事故隐患。",
    "安全生产主体责任基本落实，未发现事故隐患。",
    "安全管理制度、台账齐全，现场未发现事故隐患。",
    "重点部位、关键环节检查未发现问题，已提醒做好日常隐患自查。",
)
NOTE_FAIL = ("现场已指出，责令限期整改。", "已拍照取证，纳入隐患台账。")
NOTE_NA = "本单位不涉及。"

# (cause, legal basis, sectors it fits (None: all), fines in yuan)
VIOLATIONS: tuple[tuple[str, str, tuple[str, ...] | None, tuple[int, ...]], ...] = (
    ("未按规定对从业人员进行安全生产教育和培训", "《中华人民共和国安全生产法》第九十七条第（三）项", None,
     (2000, 3000, 5000, 5000, 8000, 10000)),
    ("未如实记录安全生产教育和培训情况", "《中华人民共和国安全生产法》第九十七条第（四）项", None, (2000, 3000, 5000)),
    ("未采取措施消除事故隐患", "《中华人民共和国安全生产法》第一百零二条", None, (3000, 5000, 8000, 10000, 20000)),
    ("安全设备未进行经常性维护、保养和定期检测", "《中华人民共和国安全生产法》第九十九条第（三）项", None,
     (3000, 5000, 8000, 10000)),
    ("特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业",
     "《中华人民共和国安全生产法》第九十七条第（七）项", INDUSTRIAL, (10000, 15000, 20000)),
    ("未建立安全风险分级管控和隐患排查治理双重预防机制", "《中华人民共和国安全生产法》第一百零一条第（五）项",
     INDUSTRIAL, (10000, 20000)),
    ("消防设施、器材未保持完好有效", "《中华人民共和国消防法》第六十条第一款第（一）项", CROWDED, (5000, 8000, 10000)),
    ("占用、堵塞、封闭疏散通道、安全出口", "《中华人民共和国消防法》第六十条第一款第（三）项", CROWDED,
     (5000, 5000, 10000)),
    ("施工现场临边、洞口等危险部位未设置安全防护设施", "《建设工程安全生产管理条例》第六十二条第（一）项",
     ("construction",), (10000, 20000, 30000)),
    ("危险化学品储存不符合国家标准或者国家有关规定", "《危险化学品安全管理条例》第八十条第一款第（四）项",
     ("hazardous_chemicals",), (50000,)),
    ("超出许可证载明的经营范围储存烟花爆竹", "《烟花爆竹安全管理条例》第三十八条", ("fireworks",), (10000, 20000)),
)
ORDER_CAUSES = ("检查发现事故隐患，责令限期整改", "存在事故隐患，责令限期消除", "安全管理存在问题，责令限期改正")
ORDER_BASIS = "《中华人民共和国安全生产法》第六十五条第一款第（三）项"
SUSPEND_BASIS = "《中华人民共和国安全生产法》第六十五条第一款第（三）项、第一百零二条"
CLOSE_CAUSE = "不具备安全生产条件且经停产停业整顿仍不具备安全生产条件"
CLOSE_BASIS = "《中华人民共和国安全生产法》第一百一十三条"
CRIMINAL_CAUSE = "存在重大事故隐患被依法责令停产停业整顿后拒不执行，涉嫌危险作业罪，移送公安机关"
CRIMINAL_BASIS = "《中华人民共和国刑法》第一百三十四条之一；《行政执法机关移送涉嫌犯罪案件的规定》"
TRANSFER_CAUSES = (("特种设备未经定期检验继续使用", "移交县市场监督管理局依法处理"),
                   ("涉嫌无证经营", "移交县市场监督管理局依法处理"),
                   ("道路运输车辆违规载货", "移交县交通运输局依法处理"))
LICENCE_CAUSE = "烟花爆竹经营场所安全条件不符合要求，暂扣《烟花爆竹经营（零售）许可证》"
LICENCE_BASIS = "《烟花爆竹安全管理条例》第三十八条"

ROADS = ("G106国道", "S308省道", "平汝高速", "X045县道", "S207省道", "汨罗江大道")
PRODUCTION_KINDS: dict[str, tuple[str, ...]] = {
    "construction": ("高处坠落", "物体打击", "坍塌"),
    "non_coal_mine": ("物体打击", "坍塌", "车辆伤害"),
    "industry_trade": ("机械伤害", "物体打击", "触电"),
    "metallurgy": ("灼烫", "起重伤害"),
    "food": ("机械伤害",),
    "agriculture": ("机械伤害", "淹溺"),
    "hazardous_chemicals": ("灼烫", "中毒和窒息"),
    "special_equipment": ("起重伤害",),
}

# --- the facts the plan reads ------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFacts:
    id: int
    name: str
    sector: str
    township: str  # 9 digits
    region_code: str  # 12 digits
    key: bool
    risk_class: str
    status: str
    principal: str


@dataclass(frozen=True)
class OrgFacts:
    id: int
    kind: str  # OrgKind
    name: str
    short_name: str
    region_code: str  # 12 digits
    sectors: tuple[str, ...] = ()


@dataclass(frozen=True)
class HazardFacts:
    """A demo hazard found by an inspection: who reported it (their organisation) and how it ended."""

    id: int
    unit_id: int
    found_on: dt.date
    major: bool
    org_id: int
    closed_on: dt.date | None


@dataclass(frozen=True)
class Facts:
    today: dt.date
    units: tuple[UnitFacts, ...]
    office: OrgFacts
    departments: tuple[OrgFacts, ...]  # those with sectors
    townships: tuple[OrgFacts, ...]
    hazards: tuple[HazardFacts, ...] = ()  # found by inspections, in (found_on, id) order
    checklists: tuple[tuple[str, int, tuple[int, ...]], ...] = ()  # (sector, checklist id, item ids)
    scale: float = 1.0  # units of the county / FULL_COUNTY_UNITS


# --- the plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    key: str
    kind: str  # official / expert
    name: str
    org_id: int
    cert_no: str = ""
    phone: str = ""
    expert_level: str = ""
    employer: str = ""
    sectors: tuple[str, ...] = ()
    account: bool = False  # linked to the org's officer (an official) or demo_expert (an expert)


@dataclass(frozen=True)
class CampaignSpec:
    key: str
    name: str
    start: dt.date
    end: dt.date
    parent: str | None = None
    lead: str = ""  # the lead department's name
    description: str = ""


@dataclass(frozen=True)
class TaskSpec:
    campaign: str
    number: str
    content: str
    due: dt.date
    responsible: str
    completed_on: dt.date | None
    progress: str


@dataclass(frozen=True)
class GroupSpec:
    key: str
    name: str
    org_id: int
    leader: str
    members: tuple[str, ...]
    start: dt.date
    end: dt.date
    campaign: str | None
    kinds: tuple[tuple[str, int], ...]  # inspection kinds it makes, weighted
    sectors: tuple[str, ...] | None  # the units it inspects (None: any)
    township: str = ""  # a township's group inspects its own units only


@dataclass
class InspectionSpec:
    key: int
    unit_id: int
    kind: str
    date: dt.date
    group: str
    org_id: int  # whose officer records it
    officials: tuple[str, ...]
    experts: tuple[str, ...]
    campaign: str | None
    hazards: tuple[int, ...] = ()
    checklist: int | None = None
    results: tuple[tuple[int, str, str], ...] = ()  # (item id, result, note)
    findings: str = ""
    follows: int | None = None
    signatory: str = ""
    case_closed_on: dt.date | None = None


@dataclass
class ActionSpec:
    key: int
    unit_id: int
    kind: str
    date: dt.date
    org_id: int
    inspection: int | None
    hazards: tuple[int, ...] = ()
    campaign: str | None = None
    cause: str = ""
    legal_basis: str = ""
    fine: Decimal | None = None
    stages: tuple[tuple[str, dt.date, Decimal | None, str], ...] = ()  # penalty history after 作出决定


@dataclass(frozen=True)
class DocumentSpec:
    doc_type: str
    day: dt.date
    org_id: int
    action: int | None = None
    inspection: int | None = None


@dataclass(frozen=True)
class InterviewSpec:
    kind: str
    date: dt.date
    org_id: int
    units: tuple[int, ...]
    persons: int
    person_names: str
    reason: str
    campaign: str | None = None


@dataclass(frozen=True)
class AccidentSpec:
    seq: int  # within its year
    occurred_at: dt.datetime  # naive, local time
    category: str
    region_code: str
    unit_id: int | None
    road: bool
    deaths: int
    injuries: int
    direct_loss: Decimal
    summary: str
    investigation: str


@dataclass(frozen=True)
class OutreachSpec:
    seq: int  # within its year
    kind: str
    date: dt.date
    org_id: int  # the organiser
    actor_org_id: int  # whose officer records it
    region_code: str
    name: str
    attendees: int
    materials: int
    unit_id: int | None = None
    campaign: str | None = None


@dataclass
class Plan:
    persons: list[PersonSpec] = field(default_factory=list)
    campaigns: list[CampaignSpec] = field(default_factory=list)
    tasks: list[TaskSpec] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)
    inspections: list[InspectionSpec] = field(default_factory=list)  # in (date, key) order
    actions: list[ActionSpec] = field(default_factory=list)  # in (date, key) order
    documents: list[DocumentSpec] = field(default_factory=list)  # in date order
    interviews: list[InterviewSpec] = field(default_factory=list)
    accidents: list[AccidentSpec] = field(default_factory=list)
    outreach: list[OutreachSpec] = field(default_factory=list)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def _count(rng: random.Random, per_year: float, share: float) -> int:
    """A year's ``per_year`` for the ``share`` of it that has passed, rounded at random (unbiased)."""
    value = per_year * share
    whole = int(value)
    return whole + (1 if rng.random() < value - whole else 0)


def _workday(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A random Monday–Friday in [start, end] (any day when the range has none)."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    work = [d for d in days if d.weekday() < 5]
    return rng.choice(work or days)


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def _unit_weight(u: UnitFacts) -> float:
    return {"A": 0.6, "B": 1.0, "C": 1.5, "D": 2.2}.get(u.risk_class, 1.0) * (2.5 if u.key else 1.0)


def _sample(rng: random.Random, items: Sequence[Any], weights: Sequence[float], k: int) -> list[Any]:
    """``k`` distinct items, likelier with more weight (Efraimidis–Spirakis), in their given order."""
    if k <= 0 or not items:
        return []
    scores = [rng.random() ** (1.0 / w) if w > 0 else 0.0 for w in weights]
    best = sorted(range(len(items)), key=lambda i: -scores[i])[:k]
    return [items[i] for i in sorted(best)]


def plan(facts: Facts, seed: int) -> Plan:
    """The county's two years of work (last year whole, this year up to ``facts.today``)."""
    rng = random.Random(seed)
    out = Plan()
    today = facts.today
    years = (today.year - 1, today.year)
    _people(rng, facts, out)
    _campaigns(rng, facts, out)
    for year in years:
        _groups(facts, out, year)
    _inspections(rng, facts, out, years)
    _enforcement(rng, facts, out, years)
    _interviews(rng, facts, out, years)
    _accidents(rng, facts, out, years)
    _outreach(rng, facts, out, years)
    return out


def _year_share(year: int, today: dt.date) -> float:
    """How much of ``year`` lies up to ``today`` (1 for a past year)."""
    if year < today.year:
        return 1.0
    start = dt.date(year, 1, 1)
    return ((today - start).days + 1) / ((dt.date(year, 12, 31) - start).days + 1)


def _people(rng: random.Random, facts: Facts, out: Plan) -> None:
    """Officials of the office, the departments and the townships (执法证号), and the expert pool."""
    serial = 0
    offices = [(facts.office, 5)] + [(d, 5 if d.short_name == "应急" else 3) for d in facts.departments]
    offices += [(t, 2) for t in facts.townships]
    for org, n in offices:
        for i in range(n):
            serial += 1
            out.persons.append(
                PersonSpec(
                    key=f"o{org.id}-{i}",
                    kind="official",
                    name=unit_plan.person_name(rng),
                    org_id=org.id,
                    cert_no=f"{unit_plan.COUNTY_CODE}{serial:05d}",
                    phone=unit_plan.phone_number(rng),
                    account=i == 0,
                )
            )
    for i, (level, employer, sectors) in enumerate(EXPERTS):
        out.persons.append(
            PersonSpec(
                key=f"e{i}",
                kind="expert",
                name=unit_plan.person_name(rng),
                org_id=facts.office.id,
                phone=unit_plan.phone_number(rng),
                expert_level=level,
                employer=employer,
                sectors=sectors,
                account=i == 0,
            )
        )


def _officials(out: Plan, org_id: int) -> list[str]:
    return [p.key for p in out.persons if p.kind == "official" and p.org_id == org_id]


def _experts(out: Plan, sectors: Sequence[str] | None = None) -> list[str]:
    return [
        p.key
        for p in out.persons
        if p.kind == "expert" and (sectors is None or any(s in p.sectors for s in sectors))
    ]


def _campaigns(rng: random.Random, facts: Facts, out: Plan) -> None:
    """The three-year 治本攻坚 tree (this year its last) with ten roadmap tasks per campaign."""
    today = facts.today
    start, end = dt.date(today.year - 2, 1, 1), dt.date(today.year, 12, 31)
    out.campaigns.append(
        CampaignSpec(
            "root",
            f"{unit_plan.COUNTY_NAME}{CAMPAIGN_ROOT}",
            start,
            end,
            description=f"贯彻落实《安全生产治本攻坚三年行动方案（{start.year}—{end.year}年）》，"
            "聚焦重大事故隐患动态清零，推动安全生产治理模式向事前预防转型。",
        )
    )
    sub_start = dt.date(start.year, 3, 1)
    for key, name, lead, _, description in SUB_CAMPAIGNS:
        out.campaigns.append(CampaignSpec(key, name, sub_start, end, "root", lead, description))
    for campaign in out.campaigns:
        span = (campaign.end - campaign.start).days
        for i, (content, responsible) in enumerate(TASKS[campaign.key]):
            # Time nodes spread over the three years, each at the end of its month.
            node = campaign.start + dt.timedelta(days=round(span * (i + 0.7) / len(TASKS[campaign.key])))
            due = _month_end(node.year, node.month)
            done: dt.date | None = None
            if due < today and rng.random() < 0.8:
                done = min(due - dt.timedelta(days=rng.randint(0, 20)), today)
            elif due >= today and rng.random() < 0.25:
                done = today - dt.timedelta(days=rng.randint(0, 60))
            if done is not None:
                done = max(done, campaign.start)
            progress = rng.choice(TASK_PROGRESS) if done else rng.choice(TASK_OPEN_PROGRESS)
            out.tasks.append(TaskSpec(campaign.key, f"{i + 1:02d}", content, due, responsible, done, progress))


def _groups(facts: Facts, out: Plan, year: int) -> None:
    """A year's inspection groups: the office's 督导组, expert and 四不两直 groups; one per department
    (and a campaign group for the three lead departments); one per township."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    office = facts.office.id
    county = _officials(out, office)
    depts = {d.id: _officials(out, d.id) for d in facts.departments}
    dept_ids = [d.id for d in facts.departments]
    experts = _experts(out)
    for i, numeral in enumerate("一二三四"):
        # Each 督导组: a county official leads, two departments' officials and an expert go along.
        helpers = [depts[dept_ids[(2 * i + j) % len(dept_ids)]] for j in (0, 1)] if dept_ids else []
        members = (county[i % len(county)], *dict.fromkeys(p[-1] for p in helpers), experts[i % len(experts)])
        out.groups.append(
            GroupSpec(f"{year}:sup{i}", f"{year}年县安委会第{numeral}督导组", office, members[0], members, start, end,
                      "root", (("supervisory", 1),), None)
        )
    out.groups.append(
        GroupSpec(f"{year}:exp", f"{year}年安全生产专家巡查组", office, county[-1],
                  (county[-1], *experts[1:5]), start, end, "root", (("expert", 1),), INDUSTRIAL)
    )
    chem = next((d for d in facts.departments if d.short_name == "应急"), None)
    unannounced = (county[-2], *(depts[chem.id][:1] if chem else ()))
    out.groups.append(
        GroupSpec(f"{year}:anf", f"{year}年明查暗访（四不两直）组", office, county[-2], unannounced, start, end,
                  None, (("unannounced", 1),), None)
    )
    for dept in facts.departments:
        people = depts[dept.id]
        out.groups.append(
            GroupSpec(f"{year}:d{dept.id}", f"{year}年{dept.name}安全生产执法检查组", dept.id, people[0],
                      tuple(people), start, end, None,
                      (("enforcement", 5), ("random", 3), ("special", 2)), dept.sectors)
        )
        for key, name, lead, sectors, _ in SUB_CAMPAIGNS:
            if dept.name != lead:
                continue
            mine = tuple(s for s in sectors if s in dept.sectors)
            if not mine:
                continue
            members = (people[1 % len(people)], *people[2:], *_experts(out, mine)[:2])
            out.groups.append(
                GroupSpec(f"{year}:c{dept.id}", f"{year}年{name.removesuffix('专项行动')}检查组", dept.id,
                          members[0], tuple(dict.fromkeys(members)), start, end, key, (("special", 1),), mine)
            )
    for town in facts.townships:
        people = _officials(out, town.id)
        out.groups.append(
            GroupSpec(f"{year}:t{town.id}", f"{year}年{town.short_name or town.name}安全生产检查组", town.id,
                      people[0], tuple(people), start, end, None, (("routine", 7), ("special", 3)), None,
                      town.region_code[:9])
        )


def _pool(facts: Facts, group: GroupSpec) -> list[UnitFacts]:
    return [
        u
        for u in facts.units
        if u.status != "closed"
        and (not group.township or u.township == group.township)
        and (group.sectors is None or u.sector in group.sectors)
    ]


def _inspections(rng: random.Random, facts: Facts, out: Plan, years: tuple[int, int]) -> None:
    today = facts.today
    groups = {g.key: g for g in out.groups}
    units = {u.id: u for u in facts.units}
    pools = {g.key: _pool(facts, g) for g in out.groups}
    pool_weights = {k: [_unit_weight(u) for u in pool] for k, pool in pools.items()}
    by_org: dict[int, list[GroupSpec]] = defaultdict(list)
    for g in out.groups:
        by_org[g.org_id].append(g)
    first = dt.date(years[0], 1, 1)
    # 1. Outings that found the hazards: (group, date) → unit → hazards.
    outings: dict[tuple[str, dt.date], dict[int, list[int]]] = {}
    for h in facts.hazards:
        if h.found_on < first or h.unit_id not in units:
            continue
        if not h.major and rng.random() >= LINK_SHARE:
            continue
        group = _group_for(rng, by_org.get(h.org_id, []), h.found_on.year, units[h.unit_id])
        if group is None:
            continue
        outings.setdefault((group.key, h.found_on), {}).setdefault(h.unit_id, []).append(h.id)
    # 2. Outings that found nothing recorded, up to the month's floor.
    linked: dict[tuple[int, int], int] = defaultdict(int)
    for _, day in outings:
        linked[(day.year, day.month)] += 1
    free_weights = [(g, _free_weight(g)) for g in out.groups]
    month = first
    while month <= today:
        last = min(_month_end(month.year, month.month), today)
        share = ((last - month).days + 1) / _month_end(month.year, month.month).day
        target = OUTINGS_PER_MONTH * facts.scale * share
        # At least one a month, so that even on 2 January this year has an inspection to report.
        free = max(round(target) - linked[(month.year, month.month)], round(MIN_FREE_OUTINGS * share), 1)
        year_groups = [(g, w) for g, w in free_weights if g.start.year == month.year]
        for _ in range(free):
            group = _weighted(rng, year_groups)
            day = _workday(rng, month, last)
            outings.setdefault((group.key, day), {})
        month = last + dt.timedelta(days=1)
    # 3. Each outing: its units (the hazards' and a few more), people, kind and findings.
    key = 0
    checklists = {sector: (cid, items) for sector, cid, items in facts.checklists}
    for (group_key, day), found in sorted(outings.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        group = groups[group_key]
        extra = rng.randint(0, 2) if found else rng.randint(2, 5)
        pool = [u for u in pools[group_key] if u.id not in found]
        weights = [w for u, w in zip(pools[group_key], pool_weights[group_key], strict=True) if u.id not in found]
        visited = list(found) + [u.id for u in _sample(rng, pool, weights, extra)]
        kind = _weighted(rng, group.kinds)
        officials = _members(rng, out, group, "official", 2, 4)
        experts = _members(rng, out, group, "expert", 1 if kind == "expert" else 0, 3 if kind == "expert" else 1)
        if kind not in ("supervisory", "expert") and rng.random() < 0.7:
            experts = ()
        for unit_id in visited:
            unit = units[unit_id]
            hazards = tuple(found.get(unit_id, ()))
            key += 1
            spec = InspectionSpec(
                key=key,
                unit_id=unit_id,
                kind=kind,
                date=day,
                group=group_key,
                org_id=group.org_id,
                officials=officials,
                experts=experts,
                campaign=group.campaign or _sub_campaign(rng, unit.sector),
                hazards=hazards,
                findings=_findings(rng, hazards, facts),
                signatory=unit.principal if rng.random() < 0.85 else "",
            )
            if unit.sector in checklists and rng.random() < 0.5:
                spec.checklist, items = checklists[unit.sector]
                spec.results = _results(rng, items, bool(hazards))
            out.inspections.append(spec)
    out.inspections.sort(key=lambda s: (s.date, s.key))
    # 结案: an inspection whose hazards were all verified and closed, a few days after the last.
    closed = {h.id: h.closed_on for h in facts.hazards}
    for spec in out.inspections:
        dates = [closed.get(h) for h in spec.hazards]
        if spec.hazards and all(dates):
            last_closed = max(d for d in dates if d is not None)
            spec.case_closed_on = min(last_closed + dt.timedelta(days=rng.randint(0, 5)), today)


def _free_weight(g: GroupSpec) -> float:
    if g.township:
        return 1.5
    if g.key.split(":")[1].startswith(("sup", "exp", "anf")):
        return 3.0
    return 2.0


def _group_for(rng: random.Random, groups: list[GroupSpec], year: int, unit: UnitFacts) -> GroupSpec | None:
    """The group of the reporting office that would have found a hazard at ``unit`` in ``year``."""
    mine = [g for g in groups if g.start.year == year and (g.sectors is None or unit.sector in g.sectors)]
    mine = [g for g in mine if not g.township or g.township == unit.township]
    if not mine:
        return None
    return _weighted(rng, [(g, 3 if g.campaign and g.sectors else 1) for g in mine])


def _members(rng: random.Random, out: Plan, group: GroupSpec, kind: str, low: int, high: int) -> tuple[str, ...]:
    kinds = {p.key: p.kind for p in out.persons}
    pool = [m for m in group.members if kinds[m] == kind]
    if not pool:
        return ()
    n = min(len(pool), rng.randint(low, high))
    if kind == "official" and group.leader in pool and n:
        rest = [m for m in pool if m != group.leader]
        return (group.leader, *rng.sample(rest, min(n - 1, len(rest))))
    return tuple(rng.sample(pool, n))


def _sub_campaign(rng: random.Random, sector: str) -> str | None:
    for key, _, _, sectors, _ in SUB_CAMPAIGNS:
        if sector in sectors and rng.random() < 0.5:
            return key
    return None


def _findings(rng: random.Random, hazards: tuple[int, ...], facts: Facts) -> str:
    if not hazards:
        return rng.choice(NO_FINDINGS)
    majors = sum(1 for h in facts.hazards if h.id in hazards and h.major)
    text = f"检查发现事故隐患{len(hazards)}项"
    if majors:
        text += f"，其中重大事故隐患{majors}项"
    return text + "，已当场告知单位负责人并责令限期整改。"


def _results(rng: random.Random, items: tuple[int, ...], found: bool) -> tuple[tuple[int, str, str], ...]:
    failing = rng.choice(items) if found else None
    results = []
    for item in items:
        if item == failing:
            results.append((item, "fail", rng.choice(NOTE_FAIL)))
        elif rng.random() < 0.08:
            results.append((item, "na", NOTE_NA))
        else:
            results.append((item, "pass", ""))
    return tuple(results)


# --- enforcement -------------------------------------------------------------------------------


def _enforcement(rng: random.Random, facts: Facts, out: Plan, years: tuple[int, int]) -> None:
    """Orders, penalties (with 立案 and their history), suspensions, closures, transfers, documents."""
    today = facts.today
    units = {u.id: u for u in facts.units}
    township_orgs = {t.id for t in facts.townships}
    majors = {h.id for h in facts.hazards if h.major}
    closed = {h.id: h.closed_on for h in facts.hazards}
    groups = {g.key: g for g in out.groups}
    next_key = [0]
    follow_ups: list[InspectionSpec] = []

    def add(**fields: Any) -> ActionSpec:
        next_key[0] += 1
        action = ActionSpec(key=next_key[0], **fields)
        out.actions.append(action)
        return action

    last_key = [max((s.key for s in out.inspections), default=0)]

    def new_key() -> int:
        last_key[0] += 1
        return last_key[0]

    for year in years:
        share = _year_share(year, today)
        growth = THIS_YEAR_GROWTH if year == today.year else 1.0
        # Enforcement belongs to the office and the departments (anjian.enforcement.services.ENFORCERS).
        pool = [s for s in out.inspections if s.date.year == year and s.org_id not in township_orgs]
        if not pool:
            continue
        weight = [1 + 2 * bool(s.hazards) + 4 * any(h in majors for h in s.hazards) for s in pool]
        # 责令限期整改, its 指令书 the same day, and a 复查 with its 意见书 once the hazards are closed.
        # At least one of each this year, however early in the year: the briefing has an enforcement section.
        orders = max(_count(rng, ORDERS_PER_YEAR * facts.scale * growth, share), 1)
        for s in _sample(rng, pool, weight, orders):
            action = add(unit_id=s.unit_id, kind="order_rectify", date=s.date, org_id=s.org_id, inspection=s.key,
                         hazards=s.hazards, campaign=s.campaign, cause=rng.choice(ORDER_CAUSES),
                         legal_basis=ORDER_BASIS)
            out.documents.append(DocumentSpec("rectify_order", s.date, s.org_id, action=action.key))
            ends = [closed.get(h) for h in s.hazards]
            if s.hazards and all(ends):
                review = max(d for d in ends if d is not None) + dt.timedelta(days=rng.randint(0, 3))
            else:
                review = s.date + dt.timedelta(days=rng.choice((15, 20, 30)))
            if review <= today and rng.random() < 0.6:
                # The same office's group of the review's year (a December order is reviewed in January).
                group = groups[f"{review.year}:{s.group.split(':', 1)[1]}"]
                follow = InspectionSpec(
                    key=new_key(), unit_id=s.unit_id, kind="follow_up", date=review, group=group.key,
                    org_id=s.org_id, officials=_members(rng, out, group, "official", 2, 2), experts=(),
                    campaign=s.campaign, findings="复查，责令整改的事故隐患已整改完毕。", follows=s.key,
                    signatory=units[s.unit_id].principal,
                )
                follow_ups.append(follow)
                out.documents.append(DocumentSpec("review_opinion", review, s.org_id, action=action.key,
                                                  inspection=follow.key))
        # 行政处罚: a general-procedure one is a filed case first; the decision, then payment (or not yet).
        penalties = _count(rng, PENALTIES_PER_YEAR * facts.scale * growth, share)
        for s in _sample(rng, pool, weight, penalties):
            unit = units[s.unit_id]
            cause, basis, _, fines = rng.choice(
                [v for v in VIOLATIONS if v[2] is None or unit.sector in v[2]]
            )
            fine = Decimal(rng.choice(fines))
            decided = s.date + dt.timedelta(days=rng.randint(3, 12))
            common = dict(unit_id=s.unit_id, org_id=s.org_id, inspection=s.key, hazards=s.hazards,
                          campaign=s.campaign, legal_basis=basis)
            if fine >= GENERAL_PROCEDURE_FINE:
                filed = s.date + dt.timedelta(days=rng.randint(1, 5))
                if filed > today:
                    continue
                add(kind="case_filed", date=filed, cause=f"涉嫌{cause}，立案调查", **common)
                decided = filed + dt.timedelta(days=rng.randint(15, 45))
            if decided > today:
                continue  # decided later: the case stands filed
            stages = _penalty_stages(rng, decided, fine, today)
            action = add(kind="penalty", date=decided, cause=cause, fine=fine, stages=stages, **common)
            out.documents.append(DocumentSpec("penalty_decision", decided, s.org_id, action=action.key))
        if year == today.year and not any(a.kind == "penalty" and a.date.year == year for a in out.actions):
            # Early in the year: one on-the-spot penalty (当场处罚, 《行政处罚法》第五十一条, up to 3,000 yuan).
            s = pool[-1]
            cause, basis, _, _ = VIOLATIONS[1]
            action = add(unit_id=s.unit_id, kind="penalty", date=s.date, org_id=s.org_id, inspection=s.key,
                         campaign=s.campaign, cause=cause, legal_basis=basis, fine=Decimal(2000))
            out.documents.append(DocumentSpec("penalty_decision", s.date, s.org_id, action=action.key))
        # 现场检查记录 of some enforcement inspections.
        enforcing = [s for s in pool if s.kind in ("enforcement", "special", "unannounced")]
        for s in _sample(rng, enforcing, [1.0] * len(enforcing),
                         _count(rng, SITE_RECORDS_PER_YEAR * facts.scale, share)):
            out.documents.append(DocumentSpec("site_record", s.date, s.org_id, inspection=s.key))
        # 停产停业整顿 where majors were found (else at high-risk key units), now and then a 关闭取缔.
        severe = [s for s in pool if any(h in majors for h in s.hazards)]
        severe += [s for s in pool if not s.hazards and units[s.unit_id].key and s.kind != "supervisory"]
        for s in _sample(rng, severe, [5 if s.hazards else 1 for s in severe],
                         _count(rng, SUSPENSIONS_PER_YEAR * facts.scale, share)):
            add(unit_id=s.unit_id, kind="suspend", date=s.date, org_id=s.org_id, inspection=s.key,
                hazards=tuple(h for h in s.hazards if h in majors), campaign=s.campaign,
                cause="存在重大事故隐患，责令暂时停产停业整顿", legal_basis=SUSPEND_BASIS)
        _rare(rng, facts, out, pool, year, share, add, new_key)
    out.inspections.extend(follow_ups)
    out.inspections.sort(key=lambda s: (s.date, s.key))
    out.actions.sort(key=lambda a: (a.date, a.key))
    out.documents.sort(key=lambda d: d.day)


def _penalty_stages(
    rng: random.Random, decided: dt.date, fine: Decimal, today: dt.date
) -> tuple[tuple[str, dt.date, Decimal | None, str], ...]:
    stages: list[tuple[str, dt.date, Decimal | None, str]] = []
    roll = rng.random()
    if roll < 0.05:  # 行政复议 lowered it, then paid
        lowered = (fine * Decimal("0.6")).quantize(Decimal(1))
        day = decided + dt.timedelta(days=rng.randint(30, 60))
        if day <= today:
            stages.append(("reconsidered", day, lowered, "行政复议决定变更罚款数额"))
            decided = day
    elif roll < 0.08:  # not paid: 强制执行 through the court
        day = decided + dt.timedelta(days=rng.randint(120, 200))
        if day <= today:
            return (("enforced", day, None, "逾期未缴纳，申请人民法院强制执行，加处罚款另行计算"),)
        return ()
    paid = decided + dt.timedelta(days=rng.randint(3, 30))
    if paid <= today and rng.random() < 0.92:
        stages.append(("paid", paid, None, "已按期缴纳罚款"))
    return tuple(stages)


def _rare(
    rng: random.Random,
    facts: Facts,
    out: Plan,
    pool: list[InspectionSpec],
    year: int,
    share: float,
    add: Any,
    new_key: Any,
) -> None:
    """关闭取缔, 暂扣许可证, 移交, 行刑衔接: a few a year."""
    units = {u.id: u for u in facts.units}
    scale = facts.scale
    # Closures fall on units the registry already marks closed: an unannounced visit found them operating.
    gone = [u for u in facts.units if u.status == "closed"]
    anf = next((g for g in out.groups if g.key == f"{year}:anf"), None)
    for u in _sample(rng, gone, [1.0] * len(gone), _count(rng, CLOSURES_PER_YEAR * scale, share)):
        if anf is None:
            break
        day = _workday(rng, dt.date(year, 1, 1), min(dt.date(year, 12, 31), facts.today))
        key = new_key()
        out.inspections.append(
            InspectionSpec(key=key, unit_id=u.id, kind="unannounced", date=day, group=anf.key, org_id=anf.org_id,
                           officials=(anf.leader,), experts=(), campaign=None,
                           findings="暗访发现该单位不具备安全生产条件仍擅自组织生产经营。", signatory="")
        )
        add(unit_id=u.id, kind="close", date=day, org_id=anf.org_id, inspection=key, cause=CLOSE_CAUSE,
            legal_basis=CLOSE_BASIS)
    fireworks = [s for s in pool if units[s.unit_id].sector == "fireworks"]
    for s in _sample(rng, fireworks, [1.0] * len(fireworks), _count(rng, LICENCE_SUSPENSIONS_PER_YEAR * scale, share)):
        add(unit_id=s.unit_id, kind="license_suspend", date=s.date, org_id=s.org_id, inspection=s.key,
            campaign=s.campaign, cause=LICENCE_CAUSE, legal_basis=LICENCE_BASIS)
    for s in _sample(rng, pool, [1.0] * len(pool), _count(rng, TRANSFERS_PER_YEAR * scale, share)):
        cause, where = rng.choice(TRANSFER_CAUSES)
        add(unit_id=s.unit_id, kind="transfer", date=s.date + dt.timedelta(days=2), org_id=s.org_id,
            inspection=s.key, campaign=s.campaign, cause=f"{cause}，{where}", legal_basis="")
    suspended = [a for a in out.actions if a.kind == "suspend" and a.date.year == year]
    for a in _sample(rng, suspended, [1.0] * len(suspended), _count(rng, CRIMINAL_PER_YEAR * scale, share)):
        day = a.date + dt.timedelta(days=rng.randint(10, 20))
        if day <= facts.today:
            add(unit_id=a.unit_id, kind="criminal", date=day, org_id=a.org_id, inspection=a.inspection,
                hazards=a.hazards, campaign=a.campaign, cause=CRIMINAL_CAUSE, legal_basis=CRIMINAL_BASIS)


# --- interviews, notices, exposure ------------------------------------------------------------


def _interviews(rng: random.Random, facts: Facts, out: Plan, years: tuple[int, int]) -> None:
    """约谈 after penalties and suspensions, 通报 of several units, 警示曝光 of penalised ones."""
    today = facts.today
    units = {u.id: u for u in facts.units}
    office = facts.office.id
    for year in years:
        share = _year_share(year, today)
        serious = [a for a in out.actions if a.date.year == year and a.kind in ("penalty", "suspend", "case_filed")]
        wanted = max(_count(rng, INTERVIEWS_PER_YEAR * facts.scale, share), 1 if year == today.year else 0)
        for a in _sample(rng, serious, [3 if a.kind == "suspend" else 1 for a in serious], wanted):
            day = min(a.date + dt.timedelta(days=rng.randint(1, 10)), today)
            unit = units[a.unit_id]
            persons = rng.randint(1, 3)
            names = [unit.principal] + [unit_plan.person_name(rng) for _ in range(persons - 1)]
            out.interviews.append(
                InterviewSpec("interview", day, office, (a.unit_id,), persons, "、".join(names),
                              f"{unit.name}{a.cause}，约谈单位主要负责人，督促落实安全生产主体责任。", a.campaign)
            )
        penalties = [a for a in out.actions if a.date.year == year and a.kind in ("penalty", "order_rectify")]
        for _ in range(_count(rng, NOTICES_PER_YEAR * facts.scale, share)):
            named = _sample(rng, penalties, [1.0] * len(penalties), rng.randint(3, 6))
            if not named:
                break
            day = min(max(a.date for a in named) + dt.timedelta(days=rng.randint(1, 15)), today)
            ids = tuple(dict.fromkeys(a.unit_id for a in named))
            out.interviews.append(
                InterviewSpec("notice", day, office, ids, 0, "",
                              f"通报{len(ids)}家生产经营单位事故隐患整改不力、安全生产违法行为查处情况。", "root")
            )
        fined = [a for a in out.actions if a.date.year == year and a.kind == "penalty"]
        for a in _sample(rng, fined, [float(a.fine or 1) for a in fined],
                         _count(rng, EXPOSURES_PER_YEAR * facts.scale, share)):
            day = min(a.date + dt.timedelta(days=rng.randint(5, 20)), today)
            out.interviews.append(
                InterviewSpec("exposure", day, office, (a.unit_id,), 0, "",
                              f"{units[a.unit_id].name}{a.cause}，被依法处以罚款{int(a.fine or 0)}元，予以警示曝光。",
                              a.campaign)
            )
    out.interviews.sort(key=lambda i: i.date)


# --- accidents -----------------------------------------------------------------------------------


def _accidents(rng: random.Random, facts: Facts, out: Plan, years: tuple[int, int]) -> None:
    today = facts.today
    towns = facts.townships
    for year, counts in zip(years, (ACCIDENTS["last"], ACCIDENTS["this"]), strict=True):
        share = _year_share(year, today)
        first, last = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
        made: list[tuple[dt.datetime, dict[str, Any]]] = []
        for category, per_year in zip(("production", "production_road", "road", "fire"), counts, strict=True):
            n = _count(rng, per_year * max(facts.scale, 0.5), share)
            if category == "production" and year == today.year:
                n = max(n, 1)  # a briefing of this year has an accident to report
            for _ in range(n):
                day = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                when = dt.datetime.combine(day, dt.time(rng.randint(6, 21), rng.choice((0, 10, 20, 30, 40, 50))))
                made.append((when, _accident(rng, facts, category, day, today, towns)))
        made.sort(key=lambda m: m[0])
        for seq, (when, fields) in enumerate(made, start=1):
            out.accidents.append(AccidentSpec(seq=seq, occurred_at=when, **fields))


def _accident(
    rng: random.Random, facts: Facts, category: str, day: dt.date, today: dt.date, towns: Sequence[OrgFacts]
) -> dict[str, Any]:
    investigation = "concluded" if (today - day).days > 120 else "pending"
    if category == "production":
        units = [u for u in facts.units if u.sector in PRODUCTION_KINDS and u.status != "closed"]
        unit = rng.choices(units, [_unit_weight(u) for u in units])[0]
        what = rng.choice(PRODUCTION_KINDS[unit.sector])
        # This year's, under the campaign, are fewer and less deadly.
        deaths = rng.choice((0, 1, 1) if day.year == today.year else (0, 1, 1, 2))
        injuries = rng.choice((0, 1, 2, 3))
        if deaths == injuries == 0:
            injuries = 1
        loss = Decimal(rng.choice((8, 15, 30, 60, 120, 180))) * 10000
        summary = f"{unit.name}作业现场发生一起{what}事故，" + _casualties(deaths, injuries)
        return dict(category="production", region_code=unit.region_code, unit_id=unit.id, road=False, deaths=deaths,
                    injuries=injuries, direct_loss=loss, summary=summary, investigation=investigation)
    if category == "production_road":
        units = [u for u in facts.units if u.sector == "road_transport" and u.status != "closed"] or list(facts.units)
        unit = rng.choice(units)
        deaths, injuries = 1, rng.randint(0, 2)
        summary = f"{unit.name}所属营运货车在{rng.choice(ROADS)}发生交通事故，" + _casualties(deaths, injuries)
        return dict(category="production", region_code=unit.region_code, unit_id=unit.id, road=True, deaths=deaths,
                    injuries=injuries, direct_loss=Decimal(rng.choice((20, 35, 50))) * 10000, summary=summary,
                    investigation=investigation)
    town = rng.choice(list(towns))
    if category == "road":
        deaths, injuries = rng.choice((0, 1, 1, 2)), rng.randint(1, 4)
        summary = f"{town.short_name or town.name}境内{rng.choice(ROADS)}发生一起两车相撞交通事故，" + _casualties(
            deaths, injuries
        )
        return dict(category="road", region_code=town.region_code, unit_id=None, road=True, deaths=deaths,
                    injuries=injuries, direct_loss=Decimal(rng.choice((3, 5, 8, 12))) * 10000, summary=summary,
                    investigation="none")
    area = rng.choice((30, 60, 120, 200))
    summary = f"{town.short_name or town.name}一居民自建房发生火灾，过火面积约{area}平方米，未造成人员伤亡。"
    return dict(category="fire", region_code=town.region_code, unit_id=None, road=False, deaths=0, injuries=0,
                direct_loss=Decimal(area * rng.choice((600, 800, 1000))), summary=summary,
                investigation="concluded" if (today - day).days > 60 else "pending")


def _casualties(deaths: int, injuries: int) -> str:
    parts = ([f"{deaths}人死亡"] if deaths else []) + ([f"{injuries}人受伤"] if injuries else [])
    return "造成" + "、".join(parts) + "。"


# --- outreach ----------------------------------------------------------------------------------

TRAININGS = (
    "{year}年生产经营单位主要负责人和安全管理人员安全生产培训班",
    "危险化学品企业安全管理人员专题培训",
    "特种作业人员安全技术培训",
    "乡镇（街道）安全生产网格员业务培训",
    "建筑施工企业“安管人员”安全生产培训",
    "消防安全管理人培训",
    "{town}安全生产专题讲座",
    "安全生产“开工第一课”",
)
DRILLS = (
    "{unit}火灾应急疏散演练",
    "{unit}生产安全事故应急演练",
    "{unit}有限空间作业事故应急演练",
    "{town}地质灾害避险转移演练",
    "{year}年全县防汛抢险应急演练",
)
PUBLICITY = (
    "“安全生产月”宣传咨询日活动",
    "“5·12”防灾减灾日宣传活动",
    "“11·9”消防宣传日活动",
    "安全宣传“五进”活动（进企业）",
    "安全宣传“五进”活动（进社区）",
    "{town}安全生产集中宣传活动",
    "“安全生产法”宣传周活动",
)
CONTESTS = ("{year}年安全生产知识竞赛", "“安全生产月”网络知识竞赛")
FILMS = ("安全生产公益电影下乡放映（{town}）",)


def _outreach(rng: random.Random, facts: Facts, out: Plan, years: tuple[int, int]) -> None:
    today = facts.today
    office = facts.office
    yingji = next((d for d in facts.departments if d.short_name == "应急"), office)
    fire = next((d for d in facts.departments if d.short_name == "消防"), yingji)
    towns = list(facts.townships)
    # June is 安全生产月; the summer flood season and November's 消防宣传月 are busy too.
    month_weights = (1, 1, 2, 2, 3, 6, 2, 1, 1, 1, 3, 1)
    for year in years:
        share = _year_share(year, today)
        growth = THIS_YEAR_GROWTH if year == today.year else 1.0
        made: list[dict[str, Any]] = []
        last = min(dt.date(year, 12, 31), today)
        months = [m for m in range(1, 13) if dt.date(year, m, 1) <= last]
        for kind, per_year in OUTREACH_PER_YEAR.items():
            n = max(_count(rng, per_year * facts.scale * growth, share), 1 if kind != "contest" else 0)
            for _ in range(n):
                month = rng.choices(months, [month_weights[m - 1] for m in months])[0]
                day = _workday(rng, dt.date(year, month, 1), min(_month_end(year, month), last))
                town = rng.choice(towns)
                made.append(_activity(rng, facts, kind, day, town, office, yingji, fire))
        made.sort(key=lambda m: (m["date"], m["kind"]))
        for seq, fields in enumerate(made, start=1):
            out.outreach.append(OutreachSpec(seq=seq, **fields))


def _activity(
    rng: random.Random,
    facts: Facts,
    kind: str,
    day: dt.date,
    town: OrgFacts,
    office: OrgFacts,
    yingji: OrgFacts,
    fire: OrgFacts,
) -> dict[str, Any]:
    """One activity: its organiser, who records it (the office, or a township for its own) and where."""
    place = town.short_name or town.name
    base: dict[str, Any] = dict(kind=kind, date=day, unit_id=None, materials=0, campaign=None)
    county = dict(actor_org_id=office.id, region_code=office.region_code)
    local = dict(org_id=town.id, actor_org_id=town.id, region_code=town.region_code)
    if kind == "training":
        pattern = rng.choice(TRAININGS)
        name = pattern.format(year=day.year, town=place)
        where = local if "{town}" in pattern else county | dict(org_id=yingji.id)
        return base | where | dict(name=name, attendees=rng.randint(40, 260), materials=rng.choice((0, 0, 100, 200)),
                                   campaign="root" if rng.random() < 0.3 else None)
    if kind == "drill":
        pattern = rng.choice(DRILLS)
        if "{unit}" in pattern:
            units = [u for u in facts.units if u.key and u.status == "normal" and u.township == town.region_code[:9]]
            unit = rng.choice(units or [u for u in facts.units if u.status == "normal"] or list(facts.units))
            # A unit's drill is recorded by its township, which has every unit of the township in scope.
            own = _township_of(facts, unit)
            return base | dict(org_id=own.id, actor_org_id=own.id, region_code=unit.region_code,
                               name=pattern.format(unit=unit.name), attendees=rng.randint(20, 150), unit_id=unit.id)
        where = county | dict(org_id=yingji.id) if "{year}" in pattern else local
        return base | where | dict(name=pattern.format(year=day.year, town=place), attendees=rng.randint(80, 400))
    if kind == "publicity":
        pattern = rng.choice(PUBLICITY)
        if "{town}" in pattern:
            where = local
        else:
            where = county | dict(org_id=fire.id if "消防" in pattern else yingji.id)
        return base | where | dict(name=pattern.format(town=place), attendees=rng.randint(200, 2000),
                                   materials=rng.choice((500, 800, 1000, 2000, 3000, 5000)),
                                   campaign="fire" if "消防" in pattern else None)
    if kind == "contest":
        return base | county | dict(org_id=yingji.id, name=rng.choice(CONTESTS).format(year=day.year),
                                    attendees=rng.randint(100, 3000))
    return base | local | dict(name=FILMS[0].format(town=place), attendees=rng.randint(100, 500),
                               materials=rng.choice((200, 300, 500)))


def _township_of(facts: Facts, unit: UnitFacts) -> OrgFacts:
    return next(t for t in facts.townships if t.region_code[:9] == unit.township)


# --- reading the facts -------------------------------------------------------------------------


def _item_ids(checklist_id: int) -> tuple[int, ...]:
    from anjian.inspections.models import ChecklistItem

    items = ChecklistItem.objects.filter(checklist_id=checklist_id).order_by("order", "id")
    return tuple(items.values_list("id", flat=True))


def read_facts(today: dt.date) -> Facts:
    """What the plan needs of the database: the county's units, offices, inspection hazards, checklists."""
    from anjian.hazards.models import Hazard, Source
    from anjian.inspections.models import Checklist
    from anjian.units.models import Unit

    county = unit_plan.COUNTY_CODE
    units = tuple(
        UnitFacts(pk, name, sector, region[:9], region, key, risk, status, principal)
        for pk, name, sector, region, key, risk, status, principal in Unit.objects.filter(
            region_code__startswith=county, is_active=True
        )
        .order_by("region_code", "name", "id")
        .values_list(
            "id", "name", "sector__code", "region_code", "key_supervision", "risk_class", "status", "principal"
        )
    )
    orgs = Organization.objects.filter(region_code__startswith=county).order_by("region_code", "kind", "id")
    sectors: dict[int, list[str]] = defaultdict(list)
    for org_id, code in Organization.sectors.through.objects.filter(organization__in=orgs).order_by(
        "sector__code"
    ).values_list("organization_id", "sector__code"):
        sectors[org_id].append(code)

    def facts_of(o: Organization) -> OrgFacts:
        return OrgFacts(o.pk, o.kind, o.name, o.short_name, o.region_code, tuple(sectors.get(o.pk, ())))

    office = next(facts_of(o) for o in orgs if o.kind == OrgKind.COUNTY_OFFICE)
    departments = tuple(facts_of(o) for o in orgs if o.kind == OrgKind.DEPARTMENT and sectors.get(o.pk))
    townships = tuple(facts_of(o) for o in orgs if o.kind == OrgKind.TOWNSHIP)
    hazards = tuple(
        HazardFacts(pk, unit_id, found_on, level == "major", org_id, closed_on)
        for pk, unit_id, found_on, level, org_id, closed_on in Hazard.objects.filter(
            region_code__startswith=county, source=Source.INSPECTION, inspection__isnull=True,
            reported_by__org__isnull=False, found_on__lte=today,
        )
        .order_by("found_on", "id")
        .values_list("id", "unit_id", "found_on", "level", "reported_by__org_id", "closed_on")
    )
    checklists = tuple(
        (code, pk, _item_ids(pk))
        for pk, code in Checklist.objects.filter(active=True, sector__isnull=False)
        .order_by("id")
        .values_list("id", "sector__code")
    )
    return Facts(
        today=today,
        units=units,
        office=office,
        departments=departments,
        townships=townships,
        hazards=hazards,
        checklists=checklists,
        scale=len(units) / FULL_COUNTY_UNITS,
    )


# --- writing the plan ------------------------------------------------------------------------


@dataclass
class ActivityResult:
    counts: dict[str, int] = field(default_factory=dict)
    accounts_created: int = 0
    hazards_linked: int = 0
    skipped: str = ""
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        """One line for load-demo's output."""
        if self.skipped:
            return self.skipped
        c = self.counts
        return (
            f"演示工作记录（去年全年和今年至今）：专项行动 {c.get('campaigns', 0)} 个、"
            f"任务 {c.get('tasks', 0)} 项，检查组 {c.get('groups', 0)} 个、"
            f"检查 {c.get('inspections', 0)} 家次（关联隐患 {self.hazards_linked} 条），"
            f"执法措施 {c.get('actions', 0)} 项、执法文书 {c.get('documents', 0)} 份，"
            f"约谈通报曝光 {c.get('interviews', 0)} 次，事故 {c.get('accidents', 0)} 起，"
            f"宣教活动 {c.get('outreach', 0)} 次。"
        )


def load_activity(*, seed: int, today: dt.date | None = None, force: bool = False) -> ActivityResult:
    """Write the demo county's two years of work. Declines (``skipped``) when it has inspections already."""
    from anjian.inspections.models import Inspection

    started = time.monotonic()
    result = ActivityResult()
    county = unit_plan.COUNTY_CODE
    if not force and Inspection.objects.filter(region_code__startswith=county).exists():
        result.skipped = "演示县已有检查记录，未再生成工作记录"
        return result
    today = today or timezone.localdate()
    facts = read_facts(today)
    if not facts.units:
        result.skipped = "演示县没有单位，未生成工作记录"
        return result
    the_plan = plan(facts, seed)
    with transaction.atomic():
        writer = _Writer(the_plan, facts, random.Random(seed + 2))
        writer.write()
        audit.record(
            actor=None,
            action="demo.activity",
            obj=None,
            changes={"seed": seed, "today": today.isoformat(), **writer.counts, "hazards_linked": writer.linked},
            actor_name=cli_actor_name(None),
        )
    result.counts = writer.counts
    result.accounts_created = writer.accounts_created
    result.hazards_linked = writer.linked
    result.seconds = time.monotonic() - started
    return result


class _Writer:
    """Tells the plan through the services, in date order."""

    def __init__(self, plan: Plan, facts: Facts, rng: random.Random) -> None:
        self.plan = plan
        self.facts = facts
        self.rng = rng  # names of officers made here: a stream of its own
        self.counts: dict[str, int] = {}
        self.linked = 0
        self.accounts_created = 0
        self.officers: dict[int, User] = {}
        self.persons: dict[str, Any] = {}
        self.campaigns: dict[str, Any] = {}
        self.groups: dict[str, Any] = {}
        self.inspections: dict[int, Any] = {}
        self.actions: dict[int, Any] = {}
        from anjian.units.models import Unit

        self.units: dict[int, Unit] = Unit.objects.in_bulk([u.id for u in facts.units])

    def write(self) -> None:
        self._officers()
        self._people()
        self._campaigns()
        self._groups()
        self._inspections()
        self._enforcement()
        self._interviews()
        self._accidents()
        self._outreach()

    # People ------------------------------------------------------------------------------------

    def _officers(self) -> None:
        """The officer each office acts through (see the module doc), made if missing."""
        county = self.facts.office.region_code
        demo = {u.username: u for u in User.objects.filter(username__in=("demo_admin", "demo_dept", "demo_township"))}
        admin = demo.get("demo_admin") or User.objects.filter(
            role=Role.COUNTY_ADMIN, org_id=self.facts.office.id, is_active=True
        ).order_by("id").first()
        if admin is None:
            raise RuntimeError(f"{county} 没有县级管理员账号，无法生成工作记录")
        self.officers[self.facts.office.id] = admin
        new: list[User] = []
        wanted: list[tuple[OrgFacts, str, Role, User | None]] = []
        for dept in self.facts.departments:
            wanted.append((dept, f"dept_{pinyin_full(dept.short_name or dept.name)}", Role.DEPARTMENT,
                           demo.get("demo_dept")))
        for town in self.facts.townships:
            wanted.append((town, f"town_{town.region_code[:9]}", Role.TOWNSHIP, demo.get("demo_township")))
        existing = {u.username: u for u in User.objects.filter(username__in=[w[1] for w in wanted])}
        for org, username, role, demo_user in wanted:
            if demo_user is not None and demo_user.org_id == org.id:
                self.officers[org.id] = demo_user
            elif username in existing:
                self.officers[org.id] = existing[username]
            else:
                user = User(username=username, role=role, org_id=org.id, full_name=unit_plan.person_name(self.rng),
                            phone=unit_plan.phone_number(self.rng))
                user.set_unusable_password()
                new.append(user)
        if new:
            User.objects.bulk_create(new)
            who = cli_actor_name(None)
            for user in User.objects.filter(username__in=[u.username for u in new]).order_by("id"):
                self.officers[user.org_id] = user  # type: ignore[index]
                audit.record(actor=None, action="user.create", obj=user, actor_name=who,
                             changes={"username": user.username, "role": user.role, "org": user.org_id, "demo": True})
        self.accounts_created = len(new)

    def officer(self, org_id: int) -> User:
        return self.officers[org_id]

    def _people(self) -> None:
        from anjian.inspections.models import Person
        from anjian.inspections.services import PersonData, person_create
        from anjian.units.models import Sector

        sectors = {s.code: s for s in Sector.objects.all()}
        orgs = Organization.objects.in_bulk([p.org_id for p in self.plan.persons])
        expert_account = User.objects.filter(username="demo_expert", is_active=True).first()
        linked = set(Person.objects.exclude(user=None).values_list("user_id", flat=True))
        admin = self.officer(self.facts.office.id)
        for spec in self.plan.persons:
            actor = admin if spec.kind == "expert" else self.officer(spec.org_id)
            person = person_create(
                actor=actor,
                data=PersonData(
                    kind=spec.kind,
                    name=spec.name,
                    cert_no=spec.cert_no,
                    phone=spec.phone,
                    expert_level=spec.expert_level,
                    employer=spec.employer,
                    sectors=[sectors[c] for c in spec.sectors if c in sectors],
                    org=orgs[spec.org_id],
                ),
            )
            self.persons[spec.key] = person
            account = expert_account if spec.kind == "expert" else actor
            if spec.account and account is not None and account.pk not in linked:
                # No service links a person to an account; recorded as the update it is.
                Person.objects.filter(pk=person.pk).update(user=account, name=account.display_name)
                person.user, person.name = account, account.display_name
                linked.add(account.pk)
                audit.record(actor=admin, action="person.update", obj=person,
                             changes={"user": [None, account.pk], "name": [spec.name, account.display_name]})
        self.counts["persons"] = len(self.plan.persons)

    # Campaigns ---------------------------------------------------------------------------------

    def _campaigns(self) -> None:
        from anjian.campaigns.services import CampaignData, TaskData, campaign_create, task_complete, task_create

        admin = self.officer(self.facts.office.id)
        leads = {d.name: d.id for d in self.facts.departments}
        orgs = Organization.objects.in_bulk(list(leads.values()))
        for spec in self.plan.campaigns:
            lead = orgs.get(leads.get(spec.lead, -1))
            self.campaigns[spec.key] = campaign_create(
                actor=admin,
                data=CampaignData(
                    name=spec.name,
                    start=spec.start,
                    end=spec.end,
                    region_code=self.facts.office.region_code,
                    parent=self.campaigns[spec.parent] if spec.parent else None,
                    lead_department=lead,
                    description=spec.description,
                ),
            )
        for t in self.plan.tasks:
            task = task_create(
                actor=admin,
                data=TaskData(campaign=self.campaigns[t.campaign], number=t.number, content=t.content, due=t.due,
                              responsible=t.responsible, progress="" if t.completed_on else t.progress),
            )
            if t.completed_on is not None:
                task_complete(actor=admin, task=task, on=t.completed_on, progress=t.progress)
        self.counts["campaigns"] = len(self.plan.campaigns)
        self.counts["tasks"] = len(self.plan.tasks)

    def campaign(self, key: str | None) -> Any:
        return self.campaigns[key] if key else None

    # Inspections -------------------------------------------------------------------------------

    def _groups(self) -> None:
        from anjian.inspections.services import GroupData, group_create

        for spec in self.plan.groups:
            self.groups[spec.key] = group_create(
                actor=self.officer(spec.org_id),
                data=GroupData(
                    name=spec.name,
                    leader=self.persons[spec.leader],
                    members=[self.persons[m] for m in spec.members],
                    start=spec.start,
                    end=spec.end,
                    campaign=self.campaign(spec.campaign),
                ),
            )
        self.counts["groups"] = len(self.plan.groups)

    def _inspections(self) -> None:
        """Inspections in bulk — one by one through inspection_create would cost ~8 s for 1,200 — with
        what inspection_create does: its scope checks (here once per officer), its numbers (JC + county +
        year + the county's gap-free counter, taken in date order) and its audit entry."""
        from anjian.core.models import AuditEntry
        from anjian.core.scope import scope_q
        from anjian.hazards.models import Hazard
        from anjian.inspections.models import Inspection, InspectionItem, InspectionKind, Person
        from anjian.inspections.services import INSPECTION_FIELDS, next_inspection_number, people_q
        from anjian.units.models import Unit

        today = timezone.localdate()
        visible_units: dict[int, set[int]] = {}
        visible_people: dict[int, set[int]] = {}
        for org_id in sorted({s.org_id for s in self.plan.inspections}):
            actor = self.officer(org_id)
            visible_units[org_id] = set(Unit.objects.filter(scope_q(actor, Unit.SCOPE)).values_list("id", flat=True))
            visible_people[org_id] = set(Person.objects.filter(people_q(actor)).values_list("id", flat=True))
        rows: list[Inspection] = []
        for spec in self.plan.inspections:
            actor = self.officer(spec.org_id)
            unit = self.units[spec.unit_id]
            people = [self.persons[p].pk for p in (*spec.officials, *spec.experts)]
            # inspection_create's rules (anjian.inspections.services._validate), which the plan keeps.
            if (
                unit.pk not in visible_units[spec.org_id]
                or not set(people) <= visible_people[spec.org_id]
                or spec.kind not in InspectionKind.values
                or spec.date > today
            ):
                raise RuntimeError(f"演示检查不符合录入规则：{unit.name} {spec.date} {spec.kind}")
            number = next_inspection_number(unit, spec.date)
            rows.append(
                Inspection(
                    number=number,
                    unit=unit,
                    region_code=unit.region_code,
                    sector_id=unit.sector_id,
                    grid_id=unit.grid_id,
                    kind=spec.kind,
                    date=spec.date,
                    group=self.groups[spec.group],
                    official_count=len(spec.officials),
                    expert_count=len(spec.experts),
                    campaign=self.campaign(spec.campaign),
                    checklist_id=spec.checklist,
                    findings=spec.findings,
                    created_by=actor,
                    # Signed on site on the day (inspection_sign stamps now); 结案 once its hazards closed.
                    unit_signatory=spec.signatory,
                    signed_at=_at(spec.date, 11 + len(rows) % 6) if spec.signatory else None,
                    case_closed_on=spec.case_closed_on,
                    case_closed_by=actor if spec.case_closed_on else None,
                )
            )
        Inspection.objects.bulk_create(rows, batch_size=500)  # sets the keys (SQLite ≥ 3.35, PostgreSQL)
        for spec, row in zip(self.plan.inspections, rows, strict=True):
            self.inspections[spec.key] = row
        follows = []
        for spec, row in zip(self.plan.inspections, rows, strict=True):
            if spec.follows is not None:
                row.follows = self.inspections[spec.follows]
                follows.append(row)
        Inspection.objects.bulk_update(follows, ["follows"], batch_size=500)
        officials = Inspection.officials.through
        experts = Inspection.experts.through
        people_rows: list[Any] = []
        expert_rows: list[Any] = []
        items: list[InspectionItem] = []
        entries: list[AuditEntry] = []
        hazards: list[Hazard] = []
        found = Hazard.objects.in_bulk([h for s in self.plan.inspections for h in s.hazards])
        for spec, row in zip(self.plan.inspections, rows, strict=True):
            actor = self.officer(spec.org_id)
            people_rows += [officials(inspection_id=row.pk, person_id=self.persons[p].pk) for p in spec.officials]
            expert_rows += [experts(inspection_id=row.pk, person_id=self.persons[p].pk) for p in spec.experts]
            entries.append(audit.entry_for(actor=actor, action="inspection.create", obj=row,
                                           changes=audit.snapshot(row, INSPECTION_FIELDS)))
            for item_id, result, note in spec.results:  # as record_item_result writes them
                items.append(InspectionItem(inspection=row, item_id=item_id, result=result, note=note))
                entries.append(audit.entry_for(actor=actor, action="inspection.item", obj=row,
                                               changes={"item": item_id, "result": result}))
            if spec.signatory:
                entries.append(audit.entry_for(actor=actor, action="inspection.sign", obj=row,
                                               changes={"signatory": spec.signatory}))
            if spec.case_closed_on is not None:
                entries.append(audit.entry_for(actor=actor, action="inspection.close_case", obj=row,
                                               changes={"case_closed_on": spec.case_closed_on.isoformat()}))
            for hazard_id in spec.hazards:
                # What fail_item_to_hazard / hazard_report set for a hazard an inspection found.
                hazard = found[hazard_id]
                hazard.inspection, hazard.inspection_ref, hazard.campaign = row, row.number, row.campaign
                hazards.append(hazard)
        officials.objects.bulk_create(people_rows, batch_size=1000)
        experts.objects.bulk_create(expert_rows, batch_size=1000)
        InspectionItem.objects.bulk_create(items, batch_size=1000)
        Hazard.objects.bulk_update(hazards, ["inspection", "inspection_ref", "campaign"], batch_size=500)
        AuditEntry.objects.bulk_create(entries, batch_size=1000)
        self.linked = len(hazards)
        self.counts["inspections"] = len(rows)

    # Enforcement -------------------------------------------------------------------------------

    def _enforcement(self) -> None:
        from anjian.enforcement.documents import document_issue
        from anjian.enforcement.services import ActionData, action_create, penalty_record
        from anjian.hazards.models import Hazard

        rows = Hazard.objects.in_bulk([h for a in self.plan.actions for h in a.hazards])
        queue = list(range(len(self.plan.documents)))  # in date order already
        # Actions and documents interleaved by date: a 复查意见书 cites its 指令书, issued before it.
        for action_spec in self.plan.actions:
            while queue and self.plan.documents[queue[0]].day < action_spec.date:
                self._document(document_issue, self.plan.documents[queue.pop(0)])
            actor = self.officer(action_spec.org_id)
            action = action_create(
                actor=actor,
                data=ActionData(
                    unit=self.units[action_spec.unit_id],
                    kind=action_spec.kind,
                    date=action_spec.date,
                    inspection=self.inspections[action_spec.inspection] if action_spec.inspection else None,
                    hazards=[rows[h] for h in action_spec.hazards],
                    campaign=self.campaign(action_spec.campaign),
                    cause=action_spec.cause,
                    legal_basis=action_spec.legal_basis,
                    fine=action_spec.fine,
                ),
            )
            self.actions[action_spec.key] = action
            for stage, day, amount, note in action_spec.stages:
                penalty_record(actor=actor, action=action, stage=stage, date=day, amount=amount, note=note)
        for i in queue:
            self._document(document_issue, self.plan.documents[i])
        self.counts["actions"] = len(self.plan.actions)
        self.counts["documents"] = len(self.plan.documents)

    def _document(self, issue: Any, spec: DocumentSpec) -> None:
        issue(
            actor=self.officer(spec.org_id),
            doc_type=spec.doc_type,
            action=self.actions[spec.action] if spec.action is not None else None,
            inspection=self.inspections[spec.inspection] if spec.inspection is not None else None,
            day=spec.day,
        )

    def _interviews(self) -> None:
        from anjian.enforcement.services import InterviewData, interview_create

        for spec in self.plan.interviews:
            interview_create(
                actor=self.officer(spec.org_id),
                data=InterviewData(
                    kind=spec.kind,
                    date=spec.date,
                    units=[self.units[u] for u in spec.units],
                    persons=spec.persons,
                    person_names=spec.person_names,
                    reason=spec.reason,
                    campaign=self.campaign(spec.campaign),
                ),
            )
        self.counts["interviews"] = len(self.plan.interviews)

    def _accidents(self) -> None:
        from anjian.accidents.models import Accident
        from anjian.accidents.services import AccidentData, accident_create

        admin = self.officer(self.facts.office.id)
        county = unit_plan.COUNTY_CODE
        offsets: dict[int, int] = {}
        for spec in self.plan.accidents:
            year = spec.occurred_at.year
            if year not in offsets:  # numbers already taken this year (a load with --force)
                offsets[year] = Accident.objects.filter(number__startswith=f"SG{county}{year}").count()
            accident_create(
                actor=admin,
                data=AccidentData(
                    number=f"SG{county}{year}{offsets[year] + spec.seq:03d}",
                    occurred_at=timezone.make_aware(spec.occurred_at),
                    category=spec.category,
                    region_code=spec.region_code,
                    unit=self.units[spec.unit_id] if spec.unit_id else None,
                    road=spec.road,
                    deaths=spec.deaths,
                    injuries=spec.injuries,
                    direct_loss=spec.direct_loss,
                    summary=spec.summary,
                    investigation=spec.investigation,
                ),
            )
        self.counts["accidents"] = len(self.plan.accidents)

    def _outreach(self) -> None:
        from anjian.outreach.models import Activity
        from anjian.outreach.services import ActivityData, activity_create

        county = unit_plan.COUNTY_CODE
        orgs = Organization.objects.in_bulk(list({s.org_id for s in self.plan.outreach}))
        offsets: dict[int, int] = {}
        for spec in self.plan.outreach:
            year = spec.date.year
            if year not in offsets:
                offsets[year] = Activity.objects.filter(number__startswith=f"XJ{county}{year}").count()
            activity_create(
                actor=self.officer(spec.actor_org_id),
                data=ActivityData(
                    number=f"XJ{county}{year}{offsets[year] + spec.seq:04d}",
                    kind=spec.kind,
                    date=spec.date,
                    region_code=spec.region_code if spec.unit_id is None else "",
                    name=spec.name,
                    attendees=spec.attendees,
                    materials=spec.materials,
                    unit=self.units[spec.unit_id] if spec.unit_id else None,
                    campaign=self.campaign(spec.campaign),
                    org=orgs[spec.org_id],
                ),
            )
        self.counts["outreach"] = len(self.plan.outreach)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))

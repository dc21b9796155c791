"""The demo county's public tip-offs (举报受理与奖励), deterministic.

About 40 tip-offs over the last 14 months, so that the register, its filters and the reward
workflow have something real to show: every channel (12350电话, 来信, 来访, 网络), anonymous and
real-name reports, every state (已受理, 核查中, 延期, 逾期, 重复举报并件, 已办结 属实 / 部分属实 /
不属实), some leading to a demo hazard (the hazards reported from a tip-off, 群众举报) or a demo
penalty (the reward is 15 % of its fine, at least ¥3,000), and rewards in every state
(拟奖励, 已批准, 已发放, 逾期未领). Two phases, as ``hazards.py`` and ``activity.py``:

1. :func:`plan` draws every tip-off's story from one ``random.Random(seed)`` over facts read
   beforehand (units, the demo hazards found from tip-offs, the demo penalties, the offices):
   pure Python over lists in a fixed order.
2. :func:`load_tipoffs` tells the stories through ``anjian.tipoffs.services`` — tipoff_receive
   (in the order received, so the JB numbers follow the dates), tipoff_start_check,
   tipoff_extend, tipoff_merge, tipoff_close, tipoff_reward_propose / approve / pay and the
   daily scan_tipoffs that marks uncollected rewards forfeited — so numbers, scope, validation
   and audit entries are what a real deployment writes.

Dates. ``received_on``, the reward's ``notified_on`` and ``paid_on`` are inputs of the services.
``closed_on`` is stamped today by tipoff_close and tipoff_merge and recorded by no audit entry;
it is moved back to the story's day with a queryset update straight after the closes, before
the reward steps (which check the notice against it), as hazards.py does with its ``closed_on``.

People. Each office acts through the officer the other demo modules use: the county office
through demo_admin (12350, 网络, most letters; it approves extensions and rewards), 应急管理局
through demo_dept (12350 calls about its sectors' units), a township through demo_township or
the ``town_…`` officer (来访, letters handed in at the township). A tip-off that led to a demo
hazard was received by the office that reported the hazard. Reporters are made up
(``plan.person_name`` / ``plan.phone_number``), like every person of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import Organization, OrgKind, User
from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.demo import plan as unit_plan
from anjian.regions.services import cli_actor_name

SPAN_DAYS = 420  # about 14 months back from today (the demo hazards go back 15)
HANDLE_DAYS = 60  # anjian.tipoffs.services.HANDLE_DAYS: closed within 60 days of receipt as a rule
COLLECT_DAYS = 60  # anjian.tipoffs.services.COLLECT_DAYS

HOTLINE, LETTER, VISIT, ONLINE = "hotline", "letter", "visit", "online"
MAJOR, VIOLATION, ACCIDENT, GENERAL, OTHER = (
    "major_hazard", "violation", "concealed_accident", "general_hazard", "other"
)
TRUE, PARTLY, FALSE = "true", "partly", "false"
CHANNELS = ((HOTLINE, 40), (ONLINE, 25), (LETTER, 20), (VISIT, 15))  # how reports come in

# Sector groups the texts are written for.
GROUPS: dict[str, tuple[str, ...]] = {
    "chem": ("hazardous_chemicals",),
    "gas": ("gas",),
    "fireworks": ("fireworks",),
    "build": ("construction",),
    "crowded": ("fire", "commerce", "culture_tourism", "education", "medical", "elderly_care"),
    "factory": ("industry_trade", "metallurgy", "food"),
    "machining": ("industry_trade", "metallurgy"),
    "industrial": ("industry_trade", "metallurgy", "food", "construction", "non_coal_mine"),
    "shops": ("commerce", "food", "industry_trade"),
    "mine": ("non_coal_mine",),
    "transport": ("road_transport",),
    "waterway": ("waterway",),
}


@dataclass(frozen=True)
class Topic:
    """What a reporter says about a unit, and what the check can conclude (one text per outcome)."""

    group: str  # a key of GROUPS, or "*" for any sector
    kind: str
    content: str  # {unit}: the unit's name
    true: str
    partly: str
    false: str
    name_has: str = ""  # only for units whose name says so (加油站)


TOPICS: tuple[Topic, ...] = (
    Topic("chem", VIOLATION,
          "反映{unit}夜间向无牌无证的车辆和个人散装销售汽油，用塑料桶灌装，不登记购买人身份。",
          "经执法人员夜间暗访核查，该站确有向个人散装销售汽油且未实名登记的情况，举报属实。已责令立即停止违规销售，"
          "约谈站长，并列为重点检查对象。",
          "经核查，该站散装汽油销售登记不全，部分未登记购买人身份信息，但未发现用塑料桶灌装销售的情况，举报部分属实。"
          "已责令完善散装油品实名登记制度。",
          "经调取该站近一个月的视频监控和散装油品销售登记台账，散装汽油均凭公安机关证明销售并逐笔登记，"
          "未发现举报所称情况，举报不属实。",
          name_has="加油站"),
    Topic("chem", GENERAL,
          "{unit}卸油时没有接静电接地线，卸油口旁边就停着车，现场也没有人看守，很危险。",
          "经现场检查，卸油作业静电接地报警仪损坏未及时修复，卸油现场无专人监护，举报属实。已列入隐患台账，"
          "责令限期整改，并督促落实卸油作业现场监护制度。",
          "经现场检查，静电接地报警仪工作正常，但卸油作业时未按规定设置警戒区域，举报部分属实。已责令整改。",
          "经查看卸油作业记录和现场监控，卸油作业均连接静电接地并有专人监护，举报不属实。",
          name_has="加油站"),
    Topic("gas", MAJOR,
          "{unit}的可燃气体报警器早就坏了不响，钢瓶乱堆乱放，超过检验期的钢瓶也照样充装。",
          "经现场检查，充装间可燃气体检测报警装置失效，存在充装超期未检钢瓶的行为，举报属实。已责令停止充装、"
          "立即整改，并依法立案查处。",
          "经现场检查，可燃气体检测报警装置失效属实；钢瓶充装前均查验检验标志，未发现充装超期钢瓶，举报部分属实。"
          "已责令限期整改。",
          "经现场检查并查阅检测报告，可燃气体检测报警装置在检定有效期内且工作正常，钢瓶台账齐全，举报不属实。"),
    Topic("fireworks", VIOLATION,
          "{unit}在后面的民房里私设仓库存放大量烟花爆竹，远超许可的存放量，周边都是住户。",
          "经乡镇会同应急、公安部门联合核查，该零售点在许可场所以外的民房内储存烟花爆竹，举报属实。已责令立即清理，"
          "超量部分依法收缴，并依法立案查处。",
          "经联合核查，该零售点店内存放量超出许可限量，但未发现另设仓库，举报部分属实。已责令立即清理超量部分。",
          "经联合核查，举报所称民房为店主自住房屋，未发现存放烟花爆竹，店内存放量未超过许可限量，举报不属实。"),
    Topic("fireworks", GENERAL,
          "{unit}店里的烟花爆竹堆到了门口，店主就在店里抽烟，店里连灭火器都没有。",
          "经现场检查，店内烟花爆竹堆放超出经营区域、未配备灭火器材，举报属实。已责令立即整改，整改情况已复查。",
          "经现场检查，店内未配备灭火器材属实，未发现店内吸烟，举报部分属实。已责令立即配齐灭火器材。",
          "经现场检查，店内烟花爆竹按规定分区摆放，灭火器材配备齐全，举报不属实。"),
    Topic("build", VIOLATION,
          "{unit}工地的塔吊司机和信号工都没有操作证，听说是临时找来的。",
          "经住建、应急部门现场核查，塔吊司机未取得特种作业操作资格证书，举报属实。已责令立即停止塔吊作业、"
          "更换持证人员，并依法查处。",
          "经现场核查，塔吊司机持证上岗，信号工未取得相应资格证书，举报部分属实。已责令立即更换持证人员。",
          "经现场核查，塔吊司机和信号工均持有有效的特种作业操作资格证书，举报不属实。"),
    Topic("build", GENERAL,
          "{unit}的脚手架外侧没挂安全网，工人在高处干活不系安全带，楼下就是人行道。",
          "经现场检查，部分脚手架外侧安全网缺失，作业人员未正确系挂安全带，举报属实。已责令停工整改，整改后复查合格。",
          "经现场检查，脚手架安全网局部破损，作业人员均系挂安全带，举报部分属实。已责令立即修补。",
          "经现场检查，脚手架外侧安全网封闭完整，作业人员均按规定系挂安全带，举报不属实。"),
    Topic("crowded", GENERAL,
          "{unit}的安全出口用铁链锁住了，疏散通道里堆满了货物，万一着火人跑不出去。",
          "经现场检查，一处安全出口上锁、疏散通道堆放杂物，举报属实。已责令立即整改，现场督促清理完毕。",
          "经现场检查，疏散通道堆放杂物属实，安全出口未上锁，举报部分属实。已责令立即清理。",
          "经现场检查，安全出口、疏散通道均畅通，未发现上锁和堆放杂物，举报不属实。"),
    Topic("crowded", GENERAL,
          "{unit}楼道里每天晚上都有很多电动自行车在充电，电线从窗户上拉出来，担心起火。",
          "经现场检查，楼道内确有电动自行车停放充电、私拉电线，举报属实。已责令立即清理，并督促设置集中充电点。",
          "经现场检查，楼道内停放电动自行车属实，未发现充电和私拉电线，举报部分属实。已责令清理。",
          "经夜间现场检查，楼道内未发现电动自行车停放和充电，该单位已设置集中充电点，举报不属实。"),
    Topic("crowded", VIOLATION,
          "{unit}的消防栓被货架挡住了，灭火器很多都过期了，消防控制室晚上没有人值班。",
          "经现场检查，消火栓被遮挡、部分灭火器过期失效、消防控制室夜间无人值班，举报属实。已责令立即整改，并依法查处。",
          "经现场检查，部分灭火器过期失效属实，消火栓未被遮挡，消防控制室值班记录齐全，举报部分属实。已责令更换。",
          "经现场检查，消防设施器材完好有效，消防控制室值班人员在岗，举报不属实。"),
    Topic("machining", VIOLATION,
          "{unit}车间冲床的防护罩被拆掉了，新来的工人没有培训就直接上岗，上个月还有人压伤了手。",
          "经现场检查，两台冲床安全防护装置被拆除、新员工未经安全培训上岗，举报属实。已责令停用相关设备限期整改，"
          "并依法查处。",
          "经现场检查，一台冲床防护装置缺失属实；查阅培训档案，新员工均经三级安全教育，举报部分属实。已责令整改。",
          "经现场检查，冲床安全防护装置齐全有效，员工培训档案完整，未发现压伤事故，举报不属实。"),
    Topic("factory", GENERAL,
          "{unit}车间里粉尘很大，除尘设备平时不开，只在有人检查的时候才开，地上的积灰很厚。",
          "经现场检查，车间积尘未及时清理，除尘系统未按规定运行，举报属实。已责令立即清扫积尘、规范运行除尘系统。",
          "经现场检查，除尘系统运行正常，但部分区域积尘未及时清理，举报部分属实。已责令立即清理。",
          "经不打招呼现场检查，除尘系统正常运行，车间积尘按规定清扫，举报不属实。"),
    Topic("factory", VIOLATION,
          "{unit}让工人下到污水池里清淤，没有检测气体，也没有人在上面看着，太危险了。",
          "经现场核查，该单位有限空间作业未审批、未检测、未设监护人，举报属实。已责令立即停止作业，并依法查处。",
          "经现场核查，有限空间作业经审批并设监护人，但未配备气体检测仪，举报部分属实。已责令立即配备。",
          "经核查，该单位污水池清淤委托有资质的单位实施，作业审批、检测、监护记录齐全，举报不属实。"),
    Topic("mine", VIOLATION,
          "{unit}经常晚上放炮开采，开采范围已经超出了界桩，后山已经有裂缝了。",
          "经自然资源、应急部门联合核查，该矿存在越界开采行为，举报属实。已责令停止越界开采，并依法查处。",
          "经联合核查，未发现越界开采，但该矿夜间爆破作业未按规定报备，举报部分属实。已责令整改。",
          "经联合核查，开采范围在采矿许可范围内，爆破作业均在白天按规定实施，举报不属实。"),
    Topic("transport", VIOLATION,
          "{unit}的车经常超员，司机一天跑好几趟，明显疲劳驾驶。",
          "经调取动态监控数据核查，该单位车辆存在超员运输和驾驶员超时驾驶的情况，举报属实。已责令整改，并移交交通、"
          "公安部门依法处理。",
          "经调取动态监控数据核查，存在驾驶员超时驾驶的情况，未发现超员运输，举报部分属实。已责令整改。",
          "经调取动态监控数据和营运记录核查，未发现超员运输和超时驾驶，举报不属实。"),
    Topic("waterway", VIOLATION,
          "{unit}的渡船经常超载，乘客都不穿救生衣，涨水的时候也照样开船。",
          "经交通运输、应急部门联合核查，该渡口存在超载运输、未督促乘客穿着救生衣的情况，举报属实。已责令整改，"
          "并移交交通运输部门依法处理。",
          "经核查，该渡口未督促乘客穿着救生衣属实，未发现超载运输，举报部分属实。已责令整改。",
          "经多次现场暗访核查，该渡口按核定载客量运输，乘客均穿着救生衣，汛期按规定停航，举报不属实。"),
    Topic("*", VIOLATION,
          "{unit}从来不组织员工安全培训，新来的工人直接上岗，也没有签安全责任书。",
          "经现场检查并查阅档案，该单位未按规定组织从业人员安全生产教育和培训，举报属实。已责令限期改正，并依法查处。",
          "经查阅档案，该单位组织过年度培训，但新员工上岗前未经培训，举报部分属实。已责令限期改正。",
          "经查阅培训档案并随机询问从业人员，该单位按规定组织安全培训，举报不属实。"),
    Topic("chem", GENERAL,
          "{unit}仓库里桶装的化学品和其他货物混在一起堆放，仓库门口还经常有人抽烟。",
          "经现场检查，危险化学品仓库存在混存、超量储存的情况，现场未设置禁烟标志，举报属实。已责令立即整改，"
          "整改情况已复查。",
          "经现场检查，仓库内危险化学品与其他货物未分区存放属实，未发现吸烟现象，举报部分属实。已责令分区分类存放。",
          "经现场检查，危险化学品专库专储、分区存放，禁烟标志和管理制度落实，举报不属实。",
          name_has="化工"),
    Topic("shops", GENERAL,
          "{unit}把仓库隔出来给员工住，晚上十几个人住在里面，楼下就堆着货，电线到处乱拉。",
          "经夜间现场检查，该单位存在生产、储存、住宿“三合一”的情况，举报属实。已责令立即清理住人，"
          "督促落实防火分隔。",
          "经现场检查，仓库内设有员工临时休息室，但未发现夜间住宿，举报部分属实。已责令拆除临时休息室。",
          "经夜间现场检查，员工宿舍与仓库分开设置，未发现仓库住人，举报不属实。"),
    Topic("industrial", VIOLATION,
          "{unit}的电工、焊工都没有操作证，电焊的时候旁边就堆着易燃物，也没有人看火。",
          "经现场检查，该单位电焊作业人员未取得特种作业操作证、动火作业未审批，举报属实。已责令立即停止作业，"
          "并依法查处。",
          "经现场检查，电工持证上岗，一名焊工未取得特种作业操作证，举报部分属实。已责令停止其作业。",
          "经现场检查，该单位电工、焊工均持有有效的特种作业操作证，动火作业审批手续齐全，举报不属实。"),
    Topic("*", OTHER,
          "{unit}的负责人说安全检查都是走过场，让我们应付检查的时候把隐患排查台账补一补。",
          "经现场检查，该单位隐患排查台账存在事后补记的情况，举报属实。已约谈单位主要负责人，督促如实记录隐患排查情况。",
          "经现场检查，该单位隐患排查台账记录不完整，举报部分属实。已督促整改。",
          "经现场检查并询问从业人员，该单位隐患排查按规定开展并如实记录，举报不属实。"),
)

# A concealed accident: reported, investigated and found untrue.
ACCIDENT_TOPIC = Topic(
    "*", ACCIDENT,
    "听说{unit}上个月有工人干活时从高处摔下来后死了，单位和家属私了了，没有向政府报告。",
    "", "",
    "经调查走访并调取医院、派出所记录核实，该工人系在家中突发疾病死亡，与生产经营活动无关，不属于生产安全事故，"
    "举报不属实。",
)

# Reports of a place with no unit in the registry (unit_text + township): (group, unit_text, content, true, false).
NO_UNIT_TOPICS: tuple[tuple[str, str, str, str, str], ...] = (
    ("fireworks", "{village}一处民房（无招牌）",
     "{village}有一户人家在自家民房里囤积大量烟花爆竹对外批发，没有任何证照。",
     "经乡镇会同公安、应急部门联合核查，该处为非法储存烟花爆竹的窝点，举报属实。已依法收缴烟花爆竹，"
     "并移交公安机关处理。",
     "经乡镇会同公安、应急部门联合核查，该户未存放烟花爆竹，举报不属实。"),
    ("chem", "{village}路边铁皮房（无证加油点）",
     "{village}路边有人用铁皮房私设加油点，用油桶给摩托车和农用车加油。",
     "经联合核查，该处为无证非法加油点，举报属实。已依法取缔，暂扣油品和加油设备，移交相关部门处理。",
     "经联合核查，该处为村民自家农机临时存放柴油，未对外销售，举报不属实。已督促其规范存放。"),
    ("mine", "{village}后山（无名采石点）",
     "{village}后山有人无证私挖乱采，晚上还用炸药放炮。",
     "经自然资源、公安、应急部门联合核查，该处存在无证开采行为，举报属实。已依法责令停止开采，设备予以查封。",
     "经自然资源、应急部门现场踏勘，该处为经批准的农村道路建设取土点，未发现爆破作业，举报不属实。"),
)

# What a reporter of a penalised violation said, by the penalty's cause (anjian.demo.activity.VIOLATIONS).
CAUSE_CONTENT: dict[str, str] = {
    "未按规定对从业人员进行安全生产教育和培训": "{unit}新招的工人从来没有培训过，第一天就直接上岗操作设备。",
    "未如实记录安全生产教育和培训情况": "{unit}的安全培训记录都是编的，根本没有组织过培训，检查前让我们补签名字。",
    "未采取措施消除事故隐患": "{unit}上次检查查出来的问题到现在都没有整改，还是老样子。",
    "安全设备未进行经常性维护、保养和定期检测": "{unit}的安全设备坏了很久都没人修，报警器一直不响，也从来没有检测过。",
    "特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业":
        "{unit}的电工和焊工都没有操作证，是老板临时叫来的。",
    "未建立安全风险分级管控和隐患排查治理双重预防机制": "{unit}没有搞过隐患排查，墙上贴的风险告知卡都是摆样子的。",
    "消防设施、器材未保持完好有效": "{unit}的灭火器都过期了，消火栓里没有水，喷淋也是坏的。",
    "占用、堵塞、封闭疏散通道、安全出口": "{unit}把安全出口锁死了，疏散通道里堆满了杂物。",
    "施工现场临边、洞口等危险部位未设置安全防护设施":
        "{unit}工地楼层的临边和电梯井口都没有防护栏杆，工人随时可能掉下去。",
    "危险化学品储存不符合国家标准或者国家有关规定": "{unit}的危险化学品随便堆在仓库里，和别的货物混放在一起。",
    "超出许可证载明的经营范围储存烟花爆竹": "{unit}店里和后院存了大量烟花爆竹，还有礼花弹，明显超出了许可范围。",
}
CAUSE_DEFAULT = "{unit}存在安全生产违法行为，希望政府部门查一查。"
# What a reporter said of what the check then reported as a hazard, by the hazard's category; {unit}: the unit,
# {place}: the unit and where in it.
CATEGORY_CONTENT: dict[str, str] = {
    "消防安全": "{place}堆满了纸箱杂物，灭火器、消火栓也没人管，万一着火人都跑不出去。",
    "作业环境": "{place}地面湿滑、通道里堆满东西，照明也不够，工人很容易出事。",
    "安全管理": "{unit}安全管理很乱，工人没有培训就上岗，出了问题也没人管。",
    "用电安全": "{place}电线乱拉乱接，接头都露在外面，下雨天更危险。",
    "设备设施": "{place}机器的防护装置坏了很久都不修，工人照样在用。",
    "个体防护": "{unit}的工人干活不戴安全帽、不用防护用品，单位也不发。",
    "危化品储存": "{place}里化学品随意堆放，和其他货物混在一起，气味很大。",
    "特种设备": "{unit}的特种设备经常出故障，检验合格标志早就过期了。",
}
CATEGORY_DEFAULT = "{place}存在安全隐患，希望尽快派人来检查。"
# The reply when the check found the penalised violation (cause, fine in yuan).
PENALTY_TRUE = (
    "经执法检查核实，该单位存在“{cause}”的违法行为，举报属实。已依法作出罚款 {fine} 元的行政处罚，并责令限期改正。"
)
PENALTY_PARTLY = (
    "经执法检查核实，该单位存在“{cause}”的违法行为，已依法作出罚款 {fine} 元的行政处罚；"
    "举报反映的其他问题经核查不属实，举报部分属实。"
)
# The reply when the check found a hazard (reported as the linked demo hazard).
HAZARD_TRUE = "经现场核查，举报反映的问题属实，已作为隐患登记（{number}），责令单位限期整改，整改情况将跟踪复查。"
HAZARD_PARTLY = "经现场核查，举报反映的问题部分属实，属实部分已作为隐患登记（{number}）并责令限期整改；其余情况未发现。"
CHECK_NOTES = (
    "已安排执法人员现场核查。", "已转乡镇（街道）安监站会同核查。", "", "已电话联系被举报单位，近日现场核查。"
)
EXTENSION_REASONS = (
    "涉及多个部门联合核查，需调取相关单位资料，申请延长办理期限。",
    "被举报单位停产，负责人外出，暂无法现场核实，申请延长办理期限。",
    "需委托专业检测机构对相关设施进行检测鉴定，申请延长办理期限。",
)
MERGE_NOTE = "与 {number} 反映同一事项，并入该件一并办理。"


# --- the facts and the plan (no database writes) ----------------------------------------------


@dataclass(frozen=True)
class UnitFacts:
    id: int
    name: str
    sector: str
    region_code: str  # 12 digits
    township: str  # 9 digits


@dataclass(frozen=True)
class HazardFacts:
    """A demo hazard found from a tip-off (source 群众举报), with the office that reported it."""

    id: int
    unit_id: int
    number: str
    found_on: dt.date
    closed_on: dt.date | None
    reporter: str  # "admin" or a township's 9-digit code
    category: str = ""  # 消防安全, 用电安全 … (data/hazard_texts.csv)
    location: str = ""  # where in the unit


@dataclass(frozen=True)
class PenaltyFacts:
    id: int
    unit_id: int
    date: dt.date
    fine: Decimal
    cause: str


@dataclass(frozen=True)
class Facts:
    today: dt.date
    units: tuple[UnitFacts, ...]
    hazards: tuple[HazardFacts, ...]
    penalties: tuple[PenaltyFacts, ...]
    dept_sectors: frozenset[str]  # the sectors of demo_dept's office (应急管理局)
    villages: dict[str, tuple[str, ...]]  # township (9 digits) → its villages' names (小田村 …)


@dataclass
class Story:
    """One tip-off from its receipt to where it stands today. ``receiver``: "admin", "department" or a
    township's 9-digit code."""

    key: int
    received_on: dt.date
    channel: str
    kind: str
    content: str
    receiver: str
    unit_id: int | None = None
    unit_text: str = ""
    township: str = ""
    real_name: bool = False
    employee: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    checked: bool = False  # 核查中 (or further)
    check_note: str = ""
    extension_days: int = 0
    extension_reason: str = ""
    duplicate_of: int | None = None  # the key of the story it was merged into
    outcome: str = ""
    result_note: str = ""
    closed_on: dt.date | None = None  # closed, or merged, on
    hazard_id: int | None = None
    action_id: int | None = None
    reward: str = ""  # proposed / approved / paid / forfeited
    notified_on: dt.date | None = None
    paid_on: dt.date | None = None
    topic: Topic | None = field(default=None, repr=False)  # the conclusions' texts, for close()

    @property
    def closed(self) -> bool:
        return self.closed_on is not None


def _topics_for(u: UnitFacts, kinds: Sequence[str] | None = None) -> list[Topic]:
    """The topics a report about ``u`` may be on: its sector's first (three times as likely), then any sector's."""
    own = [t for t in TOPICS if t.group != "*" and u.sector in GROUPS[t.group] and t.name_has in u.name]
    common = [t for t in TOPICS if t.group == "*"]
    return [t for t in own * 3 + common if kinds is None or t.kind in kinds]


class _Planner:
    def __init__(self, facts: Facts, seed: int) -> None:
        self.facts = facts
        self.today = facts.today
        self.start = facts.today - dt.timedelta(days=SPAN_DAYS)
        self.rng = random.Random(seed)
        self.stories: list[Story] = []
        self.used_units: set[int] = set()
        self.used_penalties: set[int] = set()
        self.units = {u.id: u for u in facts.units}

    # helpers -----------------------------------------------------------------------------------

    def day(self, lo: int, hi: int) -> dt.date:
        """A day ``lo``..``hi`` days ago, within the period."""
        return max(self.today - dt.timedelta(days=self.rng.randint(lo, hi)), self.start)

    def add(self, **fields: Any) -> Story:
        story = Story(key=len(self.stories), **fields)
        self.stories.append(story)
        return story

    def reporter(self, story: Story, real_name: bool, employee: bool = False) -> None:
        story.real_name = real_name
        story.employee = employee and real_name
        if real_name:
            story.reporter_name = unit_plan.person_name(self.rng)
            story.reporter_phone = unit_plan.phone_number(self.rng)
        elif story.channel == HOTLINE and self.rng.random() < 0.3:
            story.reporter_phone = unit_plan.phone_number(self.rng)  # anonymous, but left a number for the reply

    def unit(self, sectors: Sequence[str] | None = None) -> UnitFacts | None:
        pool = [u for u in self.facts.units if u.id not in self.used_units and (sectors is None or u.sector in sectors)]
        if not pool:
            pool = [u for u in self.facts.units if sectors is None or u.sector in sectors]
        if not pool:
            return None
        u = self.rng.choice(pool)
        self.used_units.add(u.id)
        return u

    def receiver(self, channel: str, u: UnitFacts | None, township: str = "") -> str:
        if channel == VISIT:
            return township or (u.township if u else "admin")
        if channel == LETTER:
            return self.rng.choice(("admin", township or (u.township if u else "admin")))
        if channel == HOTLINE and u is not None and u.sector in self.facts.dept_sectors:
            return "department"
        return "admin"

    def channel(self) -> str:
        return self.rng.choices([c for c, _ in CHANNELS], weights=[w for _, w in CHANNELS])[0]

    def topic_story(
        self, received_on: dt.date, *, kinds: Sequence[str] | None = None, channel: str = "",
        real_name: bool | None = None, u: UnitFacts | None = None,
    ) -> Story | None:
        """A report about a unit of the registry on one of the TOPICS."""
        for _ in range(20):
            candidate = u or self.unit()
            if candidate is None:
                return None
            topics = _topics_for(candidate, kinds)
            if topics:
                break
            u = None
        else:
            return None
        topic = self.rng.choice(topics)
        channel = channel or self.channel()
        story = self.add(
            received_on=received_on, channel=channel, kind=topic.kind,
            content=topic.content.format(unit=candidate.name), receiver=self.receiver(channel, candidate),
            unit_id=candidate.id,
        )
        self.reporter(story, self.rng.random() < 0.45 if real_name is None else real_name,
                      employee=self.rng.random() < 0.4)
        story.topic = topic
        return story

    def close(self, story: Story, outcome: str, closed_on: dt.date, note: str = "") -> None:
        story.checked = True
        story.check_note = story.check_note or self.rng.choice(CHECK_NOTES)
        story.outcome = outcome
        story.closed_on = min(max(closed_on, story.received_on), self.today)
        story.result_note = note or (getattr(story.topic, outcome) if story.topic is not None else "")

    def penalty(self, lo: int, hi: int) -> PenaltyFacts | None:
        """An unused demo penalty decided ``lo``..``hi`` days ago."""
        pool = [
            p for p in self.facts.penalties
            if p.id not in self.used_penalties and lo <= (self.today - p.date).days <= hi
            and (self.today - p.date).days <= SPAN_DAYS - 40
        ]
        if not pool:
            return None
        p = self.rng.choice(pool)
        self.used_penalties.add(p.id)
        self.used_units.add(p.unit_id)
        return p

    # the stories -------------------------------------------------------------------------------

    def penalised(self, reward: str, lo: int, hi: int, *, real_name: bool = True, outcome: str = TRUE) -> None:
        """A report that led to a demo penalty (decided ``lo``..``hi`` days ago), its reward in state ``reward``.

        Without a penalty in that window (a small demo county), a report of a violation found true
        without a fine: the reward is the rule's minimum.
        """
        p = self.penalty(lo, hi)
        if p is None:
            decided = self.day(lo, hi)
            story = self.topic_story(decided - dt.timedelta(days=self.rng.randint(10, 30)), kinds=(VIOLATION,),
                                     real_name=real_name)
            if story is None:
                return
            self.close(story, outcome, decided + dt.timedelta(days=self.rng.randint(1, 6)))
        else:
            u = self.units[p.unit_id]
            received = max(p.date - dt.timedelta(days=self.rng.randint(8, 35)), self.start)
            channel = self.channel()
            story = self.add(
                received_on=received, channel=channel, kind=VIOLATION,
                content=CAUSE_CONTENT.get(p.cause, CAUSE_DEFAULT).format(unit=u.name),
                receiver=self.receiver(channel, u), unit_id=u.id, action_id=p.id,
            )
            self.reporter(story, real_name, employee=self.rng.random() < 0.5)
            fine = f"{p.fine:,.0f}"
            note = (PENALTY_TRUE if outcome == TRUE else PENALTY_PARTLY).format(cause=p.cause, fine=fine)
            self.close(story, outcome, p.date + dt.timedelta(days=self.rng.randint(1, 8)), note)
        if story.real_name and reward:
            self.reward(story, reward)

    def reward(self, story: Story, state: str, concluded: dt.date | None = None) -> None:
        """The reward's dates, after the check was ``concluded`` (the story's close) and up to today."""
        assert story.closed_on is not None
        concluded = max(concluded or story.closed_on, story.closed_on)
        story.reward = state
        if state == "proposed":
            return
        last = self.today - dt.timedelta(days=1)
        if state == "forfeited":  # notified more than 60 days ago, never collected
            notified = concluded + dt.timedelta(days=self.rng.randint(3, 10))
            story.notified_on = min(notified, self.today - dt.timedelta(days=COLLECT_DAYS + 5))
        elif state == "approved":  # within the 60 days to collect it
            story.notified_on = max(min(concluded + dt.timedelta(days=self.rng.randint(3, 10)), last),
                                    self.today - dt.timedelta(days=COLLECT_DAYS - 15))
        else:  # paid
            story.notified_on = min(concluded + dt.timedelta(days=self.rng.randint(3, 10)), last)
            story.paid_on = min(story.notified_on + dt.timedelta(days=self.rng.randint(4, 30)), self.today)
        story.notified_on = max(story.notified_on, concluded)

    def hazard_linked(self, h: HazardFacts, outcome: str, kind: str = GENERAL, reward: str = "") -> None:
        """A report the office checked and reported as the demo hazard ``h``."""
        u = self.units[h.unit_id]
        self.used_units.add(u.id)
        received = max(h.found_on - dt.timedelta(days=self.rng.randint(1, 6)), self.start)
        if h.reporter == "admin":
            channel = self.rng.choice((HOTLINE, ONLINE, LETTER))
            receiver = "admin"
        else:
            channel = self.rng.choice((VISIT, LETTER, VISIT))
            receiver = h.reporter
        place = f"{u.name}的{h.location}" if h.location else u.name
        content = CATEGORY_CONTENT.get(h.category, CATEGORY_DEFAULT).format(place=place, unit=u.name)
        story = self.add(received_on=received, channel=channel, kind=kind, content=content, receiver=receiver,
                         unit_id=u.id, hazard_id=h.id)
        self.reporter(story, bool(reward) or self.rng.random() < 0.4)
        closed = h.closed_on or (h.found_on + dt.timedelta(days=self.rng.randint(2, 12)))
        closed = min(closed, received + dt.timedelta(days=HANDLE_DAYS - 3), self.today)
        note = (HAZARD_TRUE if outcome == TRUE else HAZARD_PARTLY).format(number=h.number)
        self.close(story, outcome, max(closed, h.found_on), note)
        if reward and story.real_name and story.kind == VIOLATION:
            self.reward(story, reward)

    def no_unit(self, index: int, outcome: str, received: dt.date, real_name: bool) -> Story | None:
        """A report of a place not in the registry (no unit: the place as the reporter named it, and its township)."""
        _, unit_text, content, true, false = NO_UNIT_TOPICS[index % len(NO_UNIT_TOPICS)]
        towns = [t for t, villages in sorted(self.facts.villages.items()) if villages]
        if not towns:
            return None
        town = self.rng.choice(towns)
        village = self.rng.choice(self.facts.villages[town])
        channel = self.rng.choice((VISIT, LETTER, HOTLINE))
        story = self.add(received_on=received, channel=channel, kind=VIOLATION, content=content.format(village=village),
                         receiver=town if channel != HOTLINE else "admin", unit_text=unit_text.format(village=village),
                         township=town)
        self.reporter(story, real_name)
        if outcome:
            self.close(story, outcome, received + dt.timedelta(days=self.rng.randint(5, 25)),
                       true if outcome == TRUE else false)
        return story

    def build(self) -> list[Story]:
        rng = self.rng
        # Reports that led to a penalty, their rewards in every state (and one anonymous: no reward).
        self.penalised("forfeited", 110, 380)
        self.penalised("paid", 70, 380)
        self.penalised("paid", 70, 380, outcome=PARTLY)
        self.penalised("approved", 14, 45)
        self.penalised("proposed", 2, 12)
        self.penalised("", 20, 380, real_name=False)
        # Reports that led to a demo hazard (found from a tip-off), closed when it was.
        hazards = [h for h in self.facts.hazards if h.unit_id in self.units
                   and 15 <= (self.today - h.found_on).days <= SPAN_DAYS - 10]
        picked = rng.sample(hazards, min(6, len(hazards)))
        for i, h in enumerate(sorted(picked, key=lambda h: (h.found_on, h.id))):
            if i == 0:
                self.hazard_linked(h, TRUE, VIOLATION, reward="paid")
            else:
                self.hazard_linked(h, PARTLY if i % 3 == 2 else TRUE)
        # Found true or partly true, dealt with on the spot (no hazard or penalty of the demo).
        for _ in range(3):
            story = self.topic_story(self.day(30, SPAN_DAYS - 20), kinds=(GENERAL, OTHER))
            if story is not None:
                self.close(story, rng.choice((TRUE, PARTLY)), story.received_on + dt.timedelta(days=rng.randint(6, 40)))
        # Untrue, anonymous and real-name.
        for i in range(4):
            story = self.topic_story(self.day(25, SPAN_DAYS - 5), real_name=i % 2 == 0)
            if story is not None:
                self.close(story, FALSE, story.received_on + dt.timedelta(days=rng.randint(8, 45)))
        accident = self.unit(GROUPS["factory"] + GROUPS["build"])
        if accident is not None:
            received = self.day(60, 300)
            story = self.add(received_on=received, channel=HOTLINE, kind=ACCIDENT,
                             content=ACCIDENT_TOPIC.content.format(unit=accident.name), receiver="admin",
                             unit_id=accident.id)
            self.reporter(story, False)
            self.close(story, FALSE, received + dt.timedelta(days=rng.randint(20, 45)), ACCIDENT_TOPIC.false)
        # Places not in the registry: an illegal site closed down (reward paid), a report found untrue, one open.
        closed_down = self.no_unit(0, TRUE, self.day(90, 300), real_name=True)
        if closed_down is not None:
            self.reward(closed_down, "paid")
        self.no_unit(2, FALSE, self.day(60, 250), real_name=False)
        being_checked = self.no_unit(1, "", self.day(3, 20), real_name=False)
        if being_checked is not None:
            being_checked.checked = True
        self.duplicates()
        self.open()
        # Received in date order (the JB numbers follow the dates), ties in plan order.
        return sorted(self.stories, key=lambda s: (s.received_on, s.key))

    def duplicates(self) -> None:
        """Reports of one matter: the reward goes once, to the first real-name report received."""
        rng = self.rng
        # A: an anonymous call first, then a real-name letter — the letter is rewarded.
        root = self.topic_story(self.day(90, 200), kinds=(VIOLATION, MAJOR), channel=HOTLINE, real_name=False)
        if root is not None:
            u = self.units[root.unit_id]  # type: ignore[index]
            dup = self.add(received_on=root.received_on + dt.timedelta(days=rng.randint(3, 9)), channel=LETTER,
                           kind=root.kind, content=root.content, receiver=root.receiver, unit_id=u.id,
                           duplicate_of=root.key)
            self.reporter(dup, True, employee=True)
            dup.closed_on = dup.received_on + dt.timedelta(days=rng.randint(1, 3))
            self.close(root, TRUE, dup.closed_on + dt.timedelta(days=rng.randint(10, 30)))
            self.reward(dup, "paid", concluded=root.closed_on)
        # B: a real-name report online still being checked, and two more reports of it, merged.
        root = self.topic_story(self.day(25, 40), kinds=(VIOLATION, GENERAL), channel=ONLINE, real_name=True)
        if root is not None:
            root.checked = True
            root.check_note = CHECK_NOTES[0]
            for channel, real_name in ((HOTLINE, False), (VISIT, True)):
                received = min(root.received_on + dt.timedelta(days=rng.randint(2, 12)), self.today)
                u = self.units[root.unit_id]  # type: ignore[index]
                dup = self.add(received_on=received, channel=channel, kind=root.kind, content=root.content,
                               receiver=self.receiver(channel, u), unit_id=u.id, duplicate_of=root.key)
                self.reporter(dup, real_name)
                dup.closed_on = min(received + dt.timedelta(days=rng.randint(0, 2)), self.today)

    def open(self) -> None:
        """Still being handled: just received, being checked, extended, one overdue."""
        rng = self.rng
        for _ in range(3):
            self.topic_story(self.day(0, 6))
        for _ in range(4):
            story = self.topic_story(self.day(8, 45))
            if story is not None:
                story.checked = True
                story.check_note = rng.choice(CHECK_NOTES)
        extended = ((rng.randint(50, 70), True), (rng.randint(55, 80), True), (rng.randint(45, 58), False))
        for days_ago, checked in extended:
            story = self.topic_story(self.day(days_ago, days_ago))
            if story is not None:
                story.checked = checked
                story.extension_days = rng.choice((15, 20, 30))
                story.extension_reason = rng.choice(EXTENSION_REASONS)
        # Overdue: received 100 days ago, extended by 30, still not concluded.
        story = self.topic_story(self.day(96, 110), kinds=(VIOLATION, MAJOR))
        if story is not None:
            story.checked = True
            story.extension_days = 30
            story.extension_reason = EXTENSION_REASONS[2]


def plan(facts: Facts, seed: int) -> list[Story]:
    """About 40 tip-off stories, in the order they were received."""
    if not facts.units:
        return []
    return _Planner(facts, seed).build()


# --- reading the facts ------------------------------------------------------------------------


def read_facts(today: dt.date) -> Facts:
    from anjian.enforcement.models import ActionKind, EnforcementAction
    from anjian.hazards.models import Hazard, Source
    from anjian.regions.models import Division, Level
    from anjian.units.models import Unit

    county = unit_plan.COUNTY_CODE
    units = tuple(
        UnitFacts(pk, name, sector, region, region[:9])
        for pk, name, sector, region in Unit.objects.filter(region_code__startswith=county, is_active=True)
        .exclude(status="closed")
        .order_by("region_code", "name", "id")
        .values_list("id", "name", "sector__code", "region_code")
    )
    hazards = tuple(
        HazardFacts(pk, unit_id, number, found_on, closed_on, "admin" if role == Role.COUNTY_ADMIN else region[:9],
                    category, location)
        for pk, unit_id, number, found_on, closed_on, role, region, category, location in Hazard.objects.filter(
            region_code__startswith=county, source=Source.PUBLIC, found_on__lte=today,
            reported_by__role__in=(Role.COUNTY_ADMIN, Role.TOWNSHIP),
        )
        .order_by("found_on", "id")
        .values_list(
            "id", "unit_id", "number", "found_on", "closed_on", "reported_by__role", "reported_by__org__region_code",
            "category", "location",
        )
    )
    dept = User.objects.filter(username="demo_dept", is_active=True).select_related("org").first()
    penalties = tuple(
        PenaltyFacts(pk, unit_id, day, fine or Decimal(0), cause)
        for pk, unit_id, day, fine, cause in EnforcementAction.objects.filter(
            region_code__startswith=county, kind=ActionKind.PENALTY, date__lte=today, fine_initial__gt=0,
        )
        .order_by("date", "id")
        .values_list("id", "unit_id", "date", "fine_initial", "cause")
    )
    villages: dict[str, list[str]] = {}
    rows = Division.objects.filter(code__startswith=county, level=Level.VILLAGE).order_by("code")
    for code, name in rows.values_list("code", "name"):
        villages.setdefault(code[:9], []).append(unit_plan.Village(code, name).full)
    return Facts(
        today=today,
        units=units,
        hazards=hazards,
        penalties=penalties,
        dept_sectors=frozenset(dept.org.sectors.values_list("code", flat=True)) if dept and dept.org else frozenset(),
        villages={k: tuple(v) for k, v in villages.items()},
    )


# --- telling the stories ----------------------------------------------------------------------


@dataclass
class TipoffsResult:
    created: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    accounts_created: int = 0
    skipped: str = ""
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        """One line for load-demo's output."""
        if self.skipped:
            return self.skipped
        c = self.counts
        return (
            f"演示举报 {self.created} 件（近14个月）：办结 {c['closed']} 件（其中重复举报并件 {c['merged']} 件），"
            f"办理中 {c['open']} 件（延期 {c['extended']} 件）；举报奖励 拟奖励 {c['proposed']}、"
            f"已批准 {c['approved']}、已发放 {c['paid']}、逾期未领 {c['forfeited']} 件。"
        )


def load_tipoffs(*, seed: int, today: dt.date | None = None, force: bool = False) -> TipoffsResult:
    """Write the demo county's tip-offs. Declines (``skipped``) when the county has tip-offs already."""
    from anjian.tipoffs.models import Tipoff

    started = time.monotonic()
    result = TipoffsResult()
    county = unit_plan.COUNTY_CODE
    if not force and Tipoff.objects.filter(region_code__startswith=county).exists():
        result.skipped = "演示县已有举报记录，未再生成举报"
        return result
    today = today or timezone.localdate()
    facts = read_facts(today)
    stories = plan(facts, seed)
    if not stories:
        result.skipped = "演示县没有单位，未生成举报"
        return result
    with transaction.atomic():
        writer = _Writer(stories, facts, random.Random(seed + 3))
        writer.write()
        audit.record(
            actor=None,
            action="demo.tipoffs",
            obj=None,
            changes={"seed": seed, "today": today.isoformat(), "tipoffs": len(stories), **writer.counts},
            actor_name=cli_actor_name(None),
        )
    result.created = len(stories)
    result.counts = writer.counts
    result.accounts_created = writer.accounts_created
    result.seconds = time.monotonic() - started
    return result


class _Writer:
    def __init__(self, stories: list[Story], facts: Facts, rng: random.Random) -> None:
        from anjian.units.models import Unit

        self.stories = stories
        self.facts = facts
        self.rng = rng  # names of officers made here: a stream of its own
        self.counts: Counter[str] = Counter()
        self.accounts_created = 0
        self.officers: dict[str, User] = {}
        ids = sorted({s.unit_id for s in stories if s.unit_id is not None})
        self.units = Unit.objects.in_bulk(ids)
        self.rows: dict[int, Any] = {}  # story key → Tipoff

    def officer(self, key: str) -> User:
        return self.officers[key]

    def _officers(self) -> None:
        """demo_admin, demo_dept, and each township's officer (demo_township, else town_…, made if missing)."""
        county = unit_plan.COUNTY_CODE
        demo = {u.username: u for u in User.objects.filter(
            username__in=("demo_admin", "demo_dept", "demo_township"), is_active=True
        ).select_related("org")}
        admin = demo.get("demo_admin") or User.objects.filter(
            role=Role.COUNTY_ADMIN, org__kind=OrgKind.COUNTY_OFFICE, org__region_code=county.ljust(12, "0"),
            is_active=True,
        ).select_related("org").order_by("id").first()
        if admin is None:
            raise RuntimeError(f"{county} 没有县级管理员账号，无法生成举报")
        self.officers["admin"] = admin
        self.officers["department"] = demo.get("demo_dept") or admin
        towns = sorted({s.receiver for s in self.stories if s.receiver not in ("admin", "department")})
        orgs = {o.region_code[:9]: o for o in Organization.objects.filter(
            kind=OrgKind.TOWNSHIP, region_code__in=[t.ljust(12, "0") for t in towns])}
        existing = {u.username: u for u in User.objects.filter(
            username__in=[f"town_{t}" for t in towns], is_active=True).select_related("org")}
        township = demo.get("demo_township")
        new: list[User] = []
        for town in towns:
            if township is not None and township.org is not None and township.org.region_code[:9] == town:
                self.officers[town] = township
            elif f"town_{town}" in existing:
                self.officers[town] = existing[f"town_{town}"]
            elif town in orgs:
                user = User(username=f"town_{town}", role=Role.TOWNSHIP, org=orgs[town],
                            full_name=unit_plan.person_name(self.rng), phone=unit_plan.phone_number(self.rng))
                user.set_unusable_password()
                new.append(user)
            else:
                self.officers[town] = admin  # a township without an office: the county receives
        if new:
            User.objects.bulk_create(new)
            who = cli_actor_name(None)
            made = User.objects.filter(username__in=[u.username for u in new]).select_related("org")
            for user in made.order_by("id"):
                self.officers[user.username.removeprefix("town_")] = user
                audit.record(actor=None, action="user.create", obj=user, actor_name=who,
                             changes={"username": user.username, "role": user.role, "org": user.org_id, "demo": True})
        self.accounts_created = len(new)

    def _handler(self, story: Story) -> User:
        """Who closes: the receiving office, or the county office when what the check led to is outside its scope."""
        from anjian.core.scope import scoped
        from anjian.enforcement.models import EnforcementAction
        from anjian.hazards.models import Hazard

        actor = self.officer(story.receiver)
        if story.hazard_id is not None and not scoped(actor, Hazard.objects.filter(pk=story.hazard_id)).exists():
            return self.officer("admin")
        if story.action_id is not None and not scoped(
            actor, EnforcementAction.objects.filter(pk=story.action_id)
        ).exists():
            return self.officer("admin")
        return actor

    def write(self) -> None:
        from anjian.enforcement.models import EnforcementAction
        from anjian.hazards.models import Hazard
        from anjian.tipoffs import services
        from anjian.tipoffs.models import Tipoff

        self._officers()
        by_key = {s.key: s for s in self.stories}
        for s in self.stories:  # in the order received
            self.rows[s.key] = services.tipoff_receive(
                actor=self.officer(s.receiver),
                data=services.TipoffData(
                    received_on=s.received_on, channel=s.channel, kind=s.kind, content=s.content,
                    unit=self.units[s.unit_id] if s.unit_id is not None else None, unit_text=s.unit_text,
                    township=s.township, reporter_name=s.reporter_name, reporter_phone=s.reporter_phone,
                    real_name=s.real_name, employee=s.employee,
                ),
            )
        for s in self.stories:
            row = self.rows[s.key]
            if s.checked and s.duplicate_of is None:
                services.tipoff_start_check(actor=self.officer(s.receiver), tipoff=row, note=s.check_note)
            if s.extension_days:
                services.tipoff_extend(actor=self.officer("admin"), tipoff=row, days=s.extension_days,
                                       reason=s.extension_reason)
        for s in self.stories:
            if s.duplicate_of is not None:
                main = self.rows[s.duplicate_of]
                services.tipoff_merge(actor=self.officer(s.receiver), tipoff=self.rows[s.key], into=main,
                                      note=MERGE_NOTE.format(number=main.number))
        hazards = Hazard.objects.in_bulk([s.hazard_id for s in self.stories if s.hazard_id is not None])
        actions = EnforcementAction.objects.in_bulk([s.action_id for s in self.stories if s.action_id is not None])
        for s in self.stories:
            if s.closed and s.duplicate_of is None:
                services.tipoff_close(
                    actor=self._handler(s), tipoff=self.rows[s.key],
                    data=services.CloseData(
                        outcome=s.outcome, result_note=s.result_note,
                        hazard=hazards[s.hazard_id] if s.hazard_id is not None else None,
                        action=actions[s.action_id] if s.action_id is not None else None,
                    ),
                )
        # The closing days the services stamped with today, moved back to the stories' (see the module doc).
        by_day: dict[dt.date, list[int]] = {}
        for s in self.stories:
            if s.closed_on is not None:
                by_day.setdefault(s.closed_on, []).append(self.rows[s.key].pk)
        for day, pks in sorted(by_day.items()):
            Tipoff.objects.filter(pk__in=pks).update(closed_on=day)
        for s in self.stories:
            if not s.reward:
                continue
            row = Tipoff.objects.get(pk=self.rows[s.key].pk)
            root = by_key[s.duplicate_of] if s.duplicate_of is not None else s
            handler = self.officer(root.receiver)
            row = services.tipoff_reward_propose(actor=handler, tipoff=row)
            if s.reward == "proposed":
                continue
            row = services.tipoff_reward_approve(actor=self.officer("admin"), tipoff=row, notified_on=s.notified_on)
            if s.reward == "paid":
                services.tipoff_reward_pay(actor=handler, tipoff=row, paid_on=s.paid_on)
        # The morning scan (07:10 every day): rewards not collected within 60 days of the notice are forfeited.
        services.scan_tipoffs(self.facts.today)
        rows = Tipoff.objects.filter(pk__in=[r.pk for r in self.rows.values()])
        self.counts.update(
            closed=rows.filter(status="closed").count(),
            merged=rows.exclude(duplicate_of=None).count(),
            open=rows.exclude(status="closed").count(),
            extended=rows.exclude(status="closed").filter(extended_days__gt=0).count(),
        )
        self.counts.update(rows.exclude(reward_status="none").values_list("reward_status", flat=True))

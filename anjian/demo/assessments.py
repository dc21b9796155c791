"""The demo county's 专项行动考核 (monthly assessment of the townships), deterministic.

On the demo's root campaign (``activity.CAMPAIGN_ROOT``) the county office (demo_admin) sets a scheme for
the townships — 检查单位次数 at least 2 家次 (3 for 汉昌街道), 排查隐患 at least 2, 整改率 at least 90 %,
逾期未整改隐患 at most 0 (5 points off each) — 100 points in all; computes every previous month of this
year (at least the last two, reaching into last year in January and February); publishes all but the
latest, which stays a draft; and enters two adjustments with their reasons: a bonus in the last
published month (entered before it was published) and a deduction in the draft.

Everything goes through ``anjian.campaigns.services`` (scheme_save, assessment_compute, adjustment_add,
assessment_publish): the figures are the statistics of the demo's inspections and hazards, the rules and
the audit entries are what a deployment writes.

Dates. A published month was computed on the 3rd and published on the 5th of the month after (its
adjustment entered on the 4th); ``computed_at``, ``published_at`` and the adjustment's ``created_at``
are stamped now by the services and moved back to those days afterwards, as ``patrols.py`` moves a
visit's ``created_at``. The draft keeps the time it was computed. The audit entries keep theirs.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from anjian.accounts.models import User
from anjian.core import audit
from anjian.demo import plan as unit_plan
from anjian.demo.activity import CAMPAIGN_ROOT
from anjian.regions.models import pad
from anjian.regions.services import cli_actor_name

if TYPE_CHECKING:
    from anjian.campaigns.models import Assessment, Campaign

# (indicator, direction, quota, points, deduction, {township: own quota})
ITEMS: tuple[tuple[str, str, str, str, str, dict[str, str]], ...] = (
    ("inspections", "at_least", "2", "30", "1", {"430626001": "3"}),  # 汉昌街道: the county seat, more units
    ("hazards_found", "at_least", "2", "25", "1", {}),
    ("rectification_rate", "at_least", "90", "25", "1", {}),
    ("hazards_overdue", "at_most", "0", "20", "5", {}),
)
ADJUSTMENT_LIMIT = Decimal("5")
BONUS = (Decimal("2"), "主动开展出租屋电动自行车违规充电专项整治并在全县推广经验做法")
DEDUCTION = (Decimal("-1"), "月度隐患排查治理情况迟报2个工作日")
MIN_MONTHS = 2


def months(today: dt.date) -> list[dt.date]:
    """The months assessed: each previous month of this year, at least the last MIN_MONTHS (first days)."""
    out: list[dt.date] = []
    month = dt.date(today.year, today.month, 1)
    while len(out) < MIN_MONTHS or (month.year == today.year and month.month > 1):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        out.append(month)
    return sorted(out)


@dataclass
class AssessmentsResult:
    campaign: str = ""
    items: int = 0
    points: Decimal = Decimal(0)
    groups: int = 0
    published: list[str] = field(default_factory=list)  # month labels
    draft: str = ""
    adjustments: int = 0
    skipped: str = ""
    seconds: float = 0.0

    @property
    def created(self) -> int:
        """Monthly assessments made."""
        return len(self.published) + bool(self.draft)

    @property
    def summary(self) -> str:
        """One line for load-demo's output."""
        if self.skipped:
            return self.skipped
        first, last = self.published[0], self.published[-1]
        span = first if first == last else f"{first}至{last.split('年', 1)[1] if first[:5] == last[:5] else last}"
        return (
            f"演示专项行动考核（{self.campaign}，考核乡镇（街道）{self.groups} 个）：考核指标 {self.items} 项"
            f"共 {self.points:g} 分，{span}已通报、{self.draft}为草稿，加减分 {self.adjustments} 次。"
        )


def load_assessments(*, today: dt.date | None = None, force: bool = False) -> AssessmentsResult:
    """Write the demo county's township assessment. Declines (``skipped``) when the campaign has a scheme."""
    from anjian.campaigns.models import AssessmentScheme, Campaign

    started = time.monotonic()
    today = today or timezone.localdate()
    result = AssessmentsResult()
    campaign = Campaign.objects.filter(
        region_code=pad(unit_plan.COUNTY_CODE), parent=None, name=f"{unit_plan.COUNTY_NAME}{CAMPAIGN_ROOT}"
    ).first()
    admin = User.objects.filter(username="demo_admin").first()
    if campaign is None or admin is None:
        result.skipped = "演示县没有专项行动，未生成考核"
        return result
    if not force and AssessmentScheme.objects.filter(campaign=campaign).exists():
        result.skipped = "演示专项行动已有考核细则，未再生成考核"
        return result
    result.campaign = campaign.name
    with transaction.atomic():
        _write(campaign, admin, today, result)
        audit.record(actor=None, action="demo.assessments", obj=None,
                     changes={"campaign": campaign.pk, "published": result.published, "draft": result.draft},
                     actor_name=cli_actor_name(None))
    result.seconds = time.monotonic() - started
    return result


def _write(campaign: Campaign, admin: User, today: dt.date, result: AssessmentsResult) -> None:
    from anjian.campaigns import services as cs

    scheme = cs.scheme_save(actor=admin, campaign=campaign, data=cs.SchemeData(
        group="township", adjustment_limit=ADJUSTMENT_LIMIT,
        note="按月考核各乡镇（街道）治本攻坚工作推进情况，考核结果按月通报，纳入年度安全生产目标管理考核。",
        items=[cs.ItemData(code, direction, Decimal(quota), Decimal(points), Decimal(deduction),
                           {k: Decimal(v) for k, v in overrides.items()})
               for code, direction, quota, points, deduction, overrides in ITEMS],
    ))
    result.items = len(ITEMS)
    result.points = sum((Decimal(points) for _, _, _, points, _, _ in ITEMS), Decimal(0))
    assessed = months(today)
    for n, month in enumerate(assessed):
        assessment = cs.assessment_compute(actor=admin, scheme=scheme, month=month, today=today)
        result.groups = assessment.rows.count()
        last = n == len(assessed) - 1
        if n == len(assessed) - 2 or last:  # the bonus before the last publication, the deduction in the draft
            points, reason = DEDUCTION if last else BONUS
            adjustment = cs.adjustment_add(actor=admin, assessment=assessment, group_key=_pick(assessment, not last),
                                           points=points, reason=reason)
            result.adjustments += 1
            if not last:
                _backdate_adjustment(adjustment.pk, month)
        if last:
            result.draft = assessment.month_label
        else:
            cs.assessment_publish(actor=admin, assessment=assessment)
            _backdate(assessment, month)
            result.published.append(assessment.month_label)


def _pick(assessment: Assessment, best: bool) -> str:
    """The township with the best (or the worst) item total of the month; ties by code."""
    rows = list(assessment.rows.order_by("group_key").values_list("group_key", "item_total"))
    rows.sort(key=lambda r: r[1], reverse=best)
    return rows[0][0]


def _after(month: dt.date, day: int, hour: int) -> dt.datetime:
    """``day`` of the month after ``month`` at ``hour``, never after now."""
    following = (month + dt.timedelta(days=32)).replace(day=day)
    return min(timezone.make_aware(dt.datetime(following.year, following.month, day, hour, 0)), timezone.now())


def _backdate(assessment: Assessment, month: dt.date) -> None:
    from anjian.campaigns.models import Assessment

    Assessment.objects.filter(pk=assessment.pk).update(computed_at=_after(month, 3, 9),
                                                       published_at=_after(month, 5, 10))


def _backdate_adjustment(pk: int, month: dt.date) -> None:
    from anjian.campaigns.models import Adjustment

    Adjustment.objects.filter(pk=pk).update(created_at=_after(month, 4, 15))

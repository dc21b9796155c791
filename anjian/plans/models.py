"""双随机抽查 (random inspection draws): the pools, the seed and the result, stored so anyone can re-run the draw.

DOMAIN.md §3.5 (双随机、一公开): units are drawn at random from a list (名录库), inspectors are
assigned at random from a list, the result is published; "⇒ anjian: seeded, reproducible draws
with the seed, lists and result stored". Everything the draw used is kept on the row
(``seed``, ``unit_pool``, ``inspector_pool``, ``excluded``), so ``plans.services.draw_recompute``
needs nothing else, and ``result_hash`` shows whether any of it was changed afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from anjian.core.scope import ScopePaths


class Draw(models.Model):
    # SJ + county code + year + 5 digits, gap-free per county and year (core.numbering).
    number = models.CharField("编号", max_length=32, unique=True)
    title = models.CharField("名称", max_length=200)
    org = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="抽取单位"
    )
    # The drawing office's region: the unit pool lies within it.
    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="抽取人"
    )
    created_at = models.DateTimeField("抽取时间", auto_now_add=True)
    # 64 hex characters from ``secrets.token_hex(32)``: nobody picks it.
    seed = models.CharField("随机种子", max_length=64)
    # {"township": "430626101", "sectors": [codes], "risk_classes": ["A", …], "key_supervision": bool}
    filters = models.JSONField("抽取条件", default=dict, blank=True)
    unit_target = models.PositiveIntegerField("抽取单位数")
    inspectors_per_unit = models.PositiveSmallIntegerField("每家检查人员数", default=2)
    # Unit ids, ascending (the canonical order the draw samples from).
    unit_pool = models.JSONField("单位名录库", default=list)
    # inspections.Person ids (officials, available, in scope), ascending.
    inspector_pool = models.JSONField("检查人员名录库", default=list)
    # {"<unit id>": [person ids]}: for each unit of the pool, whom it must not get (回避: the
    # inspectors of its most recent earlier draw).
    excluded = models.JSONField("回避人员", default=dict)
    # [{"unit": id, "inspectors": [ids]}] in drawn order.
    result = models.JSONField("抽取结果", default=list)
    result_hash = models.CharField("结果哈希", max_length=64)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    SCOPE = ScopePaths(region="region_code")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit_target__gte=1), name="draw_unit_target_positive"),
            # 《行政处罚法》第四十二条：执法人员不得少于两人。
            models.CheckConstraint(condition=models.Q(inspectors_per_unit__gte=2), name="draw_two_inspectors"),
        ]
        verbose_name = "双随机抽查"
        verbose_name_plural = "双随机抽查"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

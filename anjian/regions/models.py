from __future__ import annotations

from django.db import models


class Level(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县"
    TOWNSHIP = 4, "乡镇/街道"
    VILLAGE = 5, "村/社区"


# Significant digits of a 12-digit statistical code at each level (ARCHITECTURE.md, principle 2).
PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}


def pad(code: str) -> str:
    """A 2/4/6/9/12-digit statistical code padded to 12 digits."""
    return code.ljust(12, "0")


def level_of(code: str) -> Level:
    """The level of a code given with its significant digits only (2, 4, 6, 9 or 12)."""
    return {2: Level.PROVINCE, 4: Level.CITY, 6: Level.COUNTY, 9: Level.TOWNSHIP, 12: Level.VILLAGE}[len(code)]


class Division(models.Model):
    """One division of the NBS statistical code tree (统计用区划代码), keyed by its 12-digit code."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", db_constraint=False
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The significant digits: '430626' for 平江县, so that LIKE '430626%' is 'in 平江县'."""
        return self.code[: PREFIX_LENGTH[Level(self.level)]]


class Grid(models.Model):
    """A grid (网格) inside a township, patrolled by one or more grid workers."""

    township = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="grids", limit_choices_to={"level": Level.TOWNSHIP}
    )
    name = models.CharField("网格名称", max_length=64)
    region_code = models.CharField("区划代码", max_length=12, db_index=True)

    class Meta:
        ordering = ["region_code", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="grid_unique_name")]
        verbose_name = "网格"
        verbose_name_plural = "网格"

    def __str__(self) -> str:
        return self.name


class Boundary(models.Model):
    """The outline of one division, drawn on the hazard risk map (``anjian import-boundaries``).

    The geometry is kept as GeoJSON text (a Polygon or MultiPolygon in lng/lat, CGCS2000 ≈ WGS-84):
    the map hands it to the browser as it is, so no spatial database is needed. ``level`` and ``name``
    repeat the division's so that a map finds the boundaries of a level without a join.
    """

    division = models.OneToOneField(
        Division, on_delete=models.PROTECT, related_name="boundary", verbose_name="行政区划"
    )
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices, db_index=True)
    name = models.CharField("名称", max_length=64)
    geometry = models.TextField("边界（GeoJSON 几何）")
    source = models.CharField("来源说明", max_length=500, blank=True)
    imported_at = models.DateTimeField("导入时间")

    class Meta:
        ordering = ["division_id"]
        verbose_name = "区划边界"
        verbose_name_plural = "区划边界"

    def __str__(self) -> str:
        return f"{self.name}边界"

"""Points inside the demo county (平江县), for the fictional units' coordinates.

No township boundaries exist under an open licence (shared/data/geo-boundaries/SOURCE.md), so
each township is given a made-up part of the county: the Voronoi cell of an anchor point,
anchors spread over the county by farthest-point sampling. A township's units then cluster
in one area of the map, as they do in reality, and every point is inside the county
boundary (point-in-polygon rejection sampling).
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

BOUNDARY = Path(__file__).resolve().parent / "data" / "pingjiang.geojson"
Point = tuple[float, float]  # (lng, lat), EPSG:4490 ≈ WGS-84
Ring = list[Point]
# Spacing of the candidate lattice used to place anchors and bound cells (degrees, ~1.5 km).
_STEP = 0.015
_SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Area:
    """A multipolygon: a list of polygons, each an outer ring followed by its holes."""

    polygons: tuple[tuple[Ring, ...], ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        xs = [x for polygon in self.polygons for x, _ in polygon[0]]
        ys = [y for polygon in self.polygons for _, y in polygon[0]]
        return min(xs), min(ys), max(xs), max(ys)

    def contains(self, point: Point) -> bool:
        # Even-odd rule over a polygon's rings: inside the outer ring and in no hole.
        return any(sum(_in_ring(point, ring) for ring in polygon) % 2 == 1 for polygon in self.polygons)


def _in_ring(point: Point, ring: Ring) -> bool:
    """Ray casting (W. Randolph Franklin's pnpoly)."""
    x, y = point
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


@cache
def county() -> Area:
    """The 平江县 boundary shipped in data/pingjiang.geojson (data/SOURCE.md)."""
    feature = json.loads(BOUNDARY.read_text(encoding="utf-8"))["features"][0]
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return Area(tuple(tuple([(float(x), float(y)) for x, y in ring] for ring in polygon) for polygon in polygons))


def rounded(point: Point) -> tuple[Decimal, Decimal]:
    """Six decimals (~0.1 m), the precision of Unit.lng/lat."""
    return Decimal(point[0]).quantize(_SIX_PLACES), Decimal(point[1]).quantize(_SIX_PLACES)


class Cells:
    """``count`` made-up township areas tiling ``area``; ``sample(i)`` draws a point in area i."""

    def __init__(self, area: Area, count: int, rng: random.Random) -> None:
        self.area = area
        self.rng = rng
        min_x, min_y, max_x, max_y = area.bbox
        # Distances in degrees of longitude shrink with latitude; scale them to compare like with like.
        self.kx = math.cos(math.radians((min_y + max_y) / 2))
        lattice = [
            (min_x + (i + 0.5) * _STEP, min_y + (j + 0.5) * _STEP)
            for i in range(int((max_x - min_x) / _STEP) + 1)
            for j in range(int((max_y - min_y) / _STEP) + 1)
        ]
        inside = [p for p in lattice if area.contains(p)]
        self.anchors = self._spread(inside, count)
        self.boxes: list[tuple[float, float, float, float]] = []
        members: list[list[Point]] = [[] for _ in self.anchors]
        for p in inside:
            members[self.nearest(p)].append(p)
        for anchor, points in zip(self.anchors, members, strict=True):
            points = points or [anchor]
            xs, ys = [x for x, _ in points], [y for _, y in points]
            half = _STEP / 2
            self.boxes.append((min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half))

    def _spread(self, points: list[Point], count: int) -> list[Point]:
        """Farthest-point sampling: each next anchor is the lattice point farthest from the others."""
        first = self.rng.choice(points)
        anchors = [first]
        distance = [self._d2(p, first) for p in points]
        while len(anchors) < count:
            index = max(range(len(points)), key=distance.__getitem__)
            anchors.append(points[index])
            distance = [min(d, self._d2(p, points[index])) for p, d in zip(points, distance, strict=True)]
        return anchors

    def _d2(self, a: Point, b: Point) -> float:
        return ((a[0] - b[0]) * self.kx) ** 2 + (a[1] - b[1]) ** 2

    def nearest(self, point: Point) -> int:
        return min(range(len(self.anchors)), key=lambda i: self._d2(point, self.anchors[i]))

    def sample(self, index: int) -> tuple[Decimal, Decimal]:
        """A point of cell ``index``, inside the county; six decimals."""
        min_x, min_y, max_x, max_y = self.boxes[index]
        for _ in range(10_000):
            lng, lat = rounded((self.rng.uniform(min_x, max_x), self.rng.uniform(min_y, max_y)))
            point = (float(lng), float(lat))
            if self.nearest(point) == index and self.area.contains(point):
                return lng, lat
        # Unreachable for a cell built from lattice points inside the area; keep the promise anyway.
        return rounded(self.anchors[index])

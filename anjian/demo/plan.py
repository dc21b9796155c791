"""The demo county's units, made up deterministically: same seed, same units, in the same order.

Pure Python (no database): the loader hands in the townships, villages and grid names and
writes what comes out. Every random choice comes from one ``random.Random(seed)`` and every
loop runs over lists in a fixed order (never over a set), so two runs agree to the byte.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from anjian.core import uscc
from anjian.demo import names
from anjian.demo.geo import Cells, county

COUNTY_CODE = "430626"
COUNTY_NAME = "平江县"
KEY_SHARE = 0.30  # about 600 of 2,000 units are key-supervised (the demo county)
# Risk classes (A best … D worst, DOMAIN.md §3.4), weights for key-supervised and other units.
RISK_WEIGHTS = {True: (10, 35, 40, 15), False: (35, 45, 17, 3)}
STATUS_WEIGHTS = (("normal", 975), ("suspended", 20), ("closed", 5))
NO_CODE_SHARE_SELF_EMPLOYED = 0.04  # some 个体 shops are ledgered before their code is known
# GB 11714 organisation code: weights of the first 8 characters; check = 11 − Σ mod 11.
_GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_BODY_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the USCC alphabet (no I, O, S, V, Z)


@dataclass(frozen=True)
class Village:
    code: str  # 12 digits
    name: str  # as in the division list: 小田村民委员会

    @property
    def full(self) -> str:
        """小田村民委员会 → 小田村, 兴安居民委员会 → 兴安社区."""
        return _village_names(self.name)[1]

    @property
    def short(self) -> str:
        return _village_names(self.name)[0]

    @property
    def rural(self) -> bool:
        return self.full.endswith("村")


def _village_names(name: str) -> tuple[str, str]:
    for suffix, full in (("村民委员会", "村"), ("村委会", "村"), ("居民委员会", "社区"), ("社区居委会", "社区")):
        if name.endswith(suffix):
            return name[: -len(suffix)], name[: -len(suffix)] + full
    for suffix in ("社区", "村"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], name
    return name, name


@dataclass(frozen=True)
class Township:
    code: str  # 12 digits
    name: str  # 安定镇
    villages: tuple[Village, ...]
    grids: tuple[str, ...]  # grid names, 安定镇第1网格 …

    @property
    def short(self) -> str:
        for suffix in ("街道", "镇", "乡"):
            if self.name.endswith(suffix) and len(self.name) > len(suffix):
                return self.name[: -len(suffix)]
        return self.name

    @property
    def urban(self) -> bool:
        return self.name.endswith("街道")

    def grid_of(self, village: Village | None, rng: random.Random) -> str:
        """Villages are shared out among the grids in code order (neighbours share a grid)."""
        if village is None:
            return rng.choice(self.grids)
        index = self.villages.index(village) * len(self.grids) // len(self.villages)
        return self.grids[index]


@dataclass(frozen=True)
class UnitSpec:
    name: str
    credit_code: str
    region_code: str
    township_code: str
    grid: str
    address: str
    lng: Decimal
    lat: Decimal
    sector: str
    industry_code: str
    above_scale: bool
    principal: str
    phone: str
    key_supervision: bool = False
    risk_class: str = ""
    status: str = "normal"


def grid_count(village_count: int, urban: bool) -> int:
    """3–6 grids a township, more where there are more villages (or a town centre)."""
    return min(6, max(3, 2 + village_count // 10 + (1 if urban else 0)))


def allocate(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), never above ``caps``."""
    counts = [0] * len(weights)
    remaining = total
    open_ = [i for i, w in enumerate(weights) if w > 0 and (caps is None or caps[i] > 0)]
    while remaining > 0 and open_:
        weight_sum = sum(weights[i] for i in open_)
        shares = {i: remaining * weights[i] / weight_sum for i in open_}
        room = {i: (caps[i] - counts[i]) if caps is not None else remaining for i in open_}
        given = {i: min(int(shares[i]), room[i]) for i in open_}
        left = remaining - sum(given.values())
        by_remainder = sorted(open_, key=lambda i: (-(shares[i] - int(shares[i])), i))
        for i in by_remainder:
            if left == 0:
                break
            if given[i] < room[i]:
                given[i] += 1
                left -= 1
        for i in open_:
            counts[i] += given[i]
        remaining = left
        open_ = [i for i in open_ if caps is None or counts[i] < caps[i]]
    return counts


def organisation_code(rng: random.Random, prefix: str = "MA") -> str:
    """A 9-character 主体标识码 whose last character is its GB 11714 check character."""
    body = prefix + "".join(rng.choice(_BODY_CHARS[:10] if not prefix else _BODY_CHARS) for _ in range(8 - len(prefix)))
    total = sum(int(c, 36) * w for c, w in zip(body, _GB11714_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(rng: random.Random, entity: str) -> str:
    """A valid 统一社会信用代码 registered in 平江县 (GB 32100-2015; check character by uscc.make)."""
    if entity == "12":  # 事业单位 keep their numeric organisation codes
        body = organisation_code(rng, prefix="")
    elif entity == "52":  # 民办非企业单位 registered since 2016 carry MJ
        body = organisation_code(rng, prefix="MJ")
    else:
        body = organisation_code(rng)
    return uscc.make(f"{entity}{COUNTY_CODE}{body}")


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(names.GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
    return rng.choice(names.SURNAMES) + given


def phone_number(rng: random.Random) -> str:
    return rng.choice(names.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _weighted(rng: random.Random, items: Sequence[names.Template]) -> names.Template:
    return rng.choices(items, weights=[t.weight for t in items])[0]


def build(townships: Sequence[Township], n_units: int, seed: int) -> list[UnitSpec]:
    """``n_units`` fictional units spread over ``townships`` and over every sector."""
    rng = random.Random(seed)
    cells = Cells(county(), len(townships), rng)
    sectors = list(names.SECTOR_WEIGHTS)
    weights = [names.SECTOR_WEIGHTS[s] for s in sectors]
    # Every sector gets at least one unit when there are enough units to go round.
    floor = 1 if n_units >= len(sectors) else 0
    counts = [floor + c for c in allocate(n_units - floor * len(sectors), weights)]
    key_counts = allocate(
        round(n_units * KEY_SHARE), [c * names.KEY_RATE[s] for s, c in zip(sectors, counts, strict=True)], counts
    )
    # Busier townships (more villages, the town centre) get more units.
    town_weights = [len(t.villages) + (25 if t.urban else 0) + 5 for t in townships]
    rural_towns = [i for i, t in enumerate(townships) if not t.urban]
    used_names: set[str] = set()
    used_codes: set[str] = set()
    specs: list[UnitSpec] = []
    for sector, count, key_count in zip(sectors, counts, key_counts, strict=True):
        made = [
            _make_unit(rng, sector, townships, town_weights, rural_towns, used_names, used_codes, cells)
            for _ in range(count)
        ]
        # Weighted choice of the key-supervised ones (Efraimidis–Spirakis): a higher bias, likelier.
        scores = [rng.random() ** (1.0 / bias) for _, bias in made]
        ranked = sorted(range(len(made)), key=lambda i: -scores[i])
        key_set = set(ranked[:key_count])
        for i, (spec, _) in enumerate(made):
            key = i in key_set
            risk = rng.choices("ABCD", weights=RISK_WEIGHTS[key])[0]
            status = rng.choices([s for s, _ in STATUS_WEIGHTS], weights=[w for _, w in STATUS_WEIGHTS])[0]
            specs.append(replace(spec, key_supervision=key, risk_class=risk, status=status))
    return specs


def _make_unit(
    rng: random.Random,
    sector: str,
    townships: Sequence[Township],
    town_weights: Sequence[int],
    rural_towns: Sequence[int],
    used_names: set[str],
    used_codes: set[str],
    cells: Cells,
) -> tuple[UnitSpec, float]:
    templates = names.TEMPLATES[sector]
    for _ in range(200):
        template = _weighted(rng, templates)
        candidates = rural_towns if template.rural else range(len(townships))
        town_index = rng.choices(list(candidates), weights=[town_weights[i] for i in candidates])[0]
        town = townships[town_index]
        village: Village | None = None
        wants_village = template.place == "village" or (template.place == "any" and rng.random() < 0.6)
        if wants_village and town.villages:
            pool = [v for v in town.villages if v.rural] if template.rural else list(town.villages)
            village = rng.choice(pool or list(town.villages))
        if "{village" in template.pattern and village is None:
            continue
        name = template.pattern.format(
            zh="".join(rng.sample(names.TRADE_CHARS, 2)),
            town=town.short,
            townfull=town.name,
            village=village.short if village else "",
            villagefull=village.full if village else "",
            sur=rng.choice(names.SURNAMES),
            n=rng.randint(1, 9),
        )
        # Unique in the whole county: stricter than the registry's rule (unique within a township,
        # anjian.units.services._validate), and what a county's company registry asks of 字号 anyway.
        if name not in used_names:
            used_names.add(name)
            break
    else:  # pragma: no cover - 200 draws from thousands of trade names do not all collide
        raise RuntimeError(f"无法为{sector}生成不重名的单位名称")
    code = ""
    if template.entity and not (template.entity == "92" and rng.random() < NO_CODE_SHARE_SELF_EMPLOYED):
        code = credit_code(rng, template.entity)
        while code in used_codes:
            code = credit_code(rng, template.entity)
        used_codes.add(code)
    lng, lat = cells.sample(town_index)
    number = rng.randint(1, 288)
    if village is not None and village.rural:
        address = f"{COUNTY_NAME}{town.name}{village.full}{rng.randint(1, 12)}组"
    elif village is not None:
        address = f"{COUNTY_NAME}{town.name}{village.full}{rng.choice(names.ROADS)}{number}号"
    else:
        address = f"{COUNTY_NAME}{town.name}{rng.choice(names.ROADS)}{number}号"
    spec = UnitSpec(
        name=name,
        credit_code=code,
        region_code=village.code if village else town.code,
        township_code=town.code,
        grid=town.grid_of(village, rng),
        address=address,
        lng=lng,
        lat=lat,
        sector=sector,
        industry_code=template.industry,
        above_scale=rng.random() < template.above_scale,
        principal=person_name(rng),
        phone=phone_number(rng),
    )
    return spec, template.key_bias

"""The supervision sectors (行业领域) every deployment starts with.

These are the safety-supervision sectors of ledgers.md, a classification separate
from GB/T 4754-2017 (DOMAIN.md §5.3). High-risk sectors follow the 高危行业 of
《安全生产法》第二十七条 (矿山, 危险物品, 金属冶炼, 建筑施工, 运输).
"""

from __future__ import annotations

# (code, name, high_risk)
SECTORS: list[tuple[str, str, bool]] = [
    ("non_coal_mine", "非煤矿山", True),
    ("hazardous_chemicals", "危险化学品", True),
    ("fireworks", "烟花爆竹", True),
    ("metallurgy", "冶金", True),
    ("industry_trade", "工贸", False),
    ("construction", "建筑施工", True),
    ("road_transport", "道路运输", True),
    ("waterway", "水上交通", True),
    ("gas", "城镇燃气", True),
    ("fire", "消防", False),
    ("food", "食品制造", False),
    ("special_equipment", "特种设备", False),
    ("commerce", "商贸流通", False),
    ("culture_tourism", "文化旅游", False),
    ("education", "教育", False),
    ("medical", "医疗卫生", False),
    ("elderly_care", "养老服务", False),
    ("agriculture", "农业农村", False),
    ("natural_resources", "地质矿产", False),
    ("civil_explosives", "民用爆炸物品", True),
]

SECTOR_NAMES = {code: name for code, name, _ in SECTORS}

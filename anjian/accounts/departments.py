"""The standard industry departments of a county and the sectors each answers for.

管行业必须管安全、管业务必须管安全、管生产经营必须管安全 (《安全生产法》第三条):
each sector's supervision belongs to the department of that trade. Local 安委会
division-of-duty lists (安全生产职责清单) differ in detail; a deployer edits the
departments after ``anjian init-county``.
"""

from __future__ import annotations

# (name, short name for document numbers, sector codes)
STANDARD_DEPARTMENTS: list[tuple[str, str, list[str]]] = [
    ("应急管理局", "应急", ["non_coal_mine", "hazardous_chemicals", "fireworks", "metallurgy", "industry_trade"]),
    ("住房和城乡建设局", "住建", ["construction"]),
    ("交通运输局", "交通", ["road_transport", "waterway"]),
    ("商务局", "商务", ["commerce"]),
    ("文化旅游广电体育局", "文旅", ["culture_tourism"]),
    ("教育局", "教育", ["education"]),
    ("市场监督管理局", "市监", ["special_equipment", "food"]),
    ("消防救援大队", "消防", ["fire"]),
    ("城市管理和综合执法局", "城管", ["gas"]),
    ("公安局", "公安", ["civil_explosives"]),
    ("自然资源局", "自然资源", ["natural_resources"]),
    ("工业和信息化局", "工信", []),
    ("农业农村局", "农业", ["agriculture"]),
    ("卫生健康局", "卫健", ["medical"]),
    ("民政局", "民政", ["elderly_care"]),
]

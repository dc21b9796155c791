"""Deterministic synthetic unit ledgers for benchmarks: 平江县's real townships, fictional units.

Used by bench_units_import.py; importable by other benchmarks that need a large county.
"""

from __future__ import annotations

import random
from pathlib import Path

# 平江县 (430626) townships, NBS statistical codes (shared/data/divisions/streets.csv).
PINGJIANG_TOWNSHIPS: list[tuple[str, str]] = [
    ("430626001", "汉昌街道"),
    ("430626002", "天岳街道"),
    ("430626101", "安定镇"),
    ("430626102", "三市镇"),
    ("430626103", "加义镇"),
    ("430626104", "长寿镇"),
    ("430626105", "龙门镇"),
    ("430626106", "虹桥镇"),
    ("430626107", "南江镇"),
    ("430626108", "梅仙镇"),
    ("430626109", "浯口镇"),
    ("430626110", "瓮江镇"),
    ("430626111", "伍市镇"),
    ("430626112", "向家镇"),
    ("430626113", "童市镇"),
    ("430626114", "岑川镇"),
    ("430626115", "福寿山镇"),
    ("430626116", "余坪镇"),
    ("430626117", "石牛寨镇"),
    ("430626118", "上塔市镇"),
    ("430626200", "三阳乡"),
    ("430626205", "木金乡"),
    ("430626208", "板江乡"),
    ("430626209", "大洲乡"),
    ("430626210", "三墩乡"),
]
GRIDS_PER_TOWNSHIP = 4

SECTOR_NAMES = [
    "非煤矿山",
    "危险化学品",
    "烟花爆竹",
    "冶金",
    "工贸",
    "建筑施工",
    "道路运输",
    "水上交通",
    "城镇燃气",
    "消防",
    "食品制造",
    "特种设备",
    "商贸流通",
    "文化旅游",
    "教育",
    "医疗卫生",
    "养老服务",
    "农业农村",
    "地质矿产",
    "民用爆炸物品",
]
_TRADE = "汇丰宏远鑫盛恒泰永安兴旺金源华盛瑞达天成顺发鸿运嘉和博瑞长青福康新宇海川隆昌正大同心万通"
_KIND = [
    "化工有限公司",
    "建筑工程有限公司",
    "商贸有限责任公司",
    "运输有限公司",
    "食品厂",
    "花炮厂",
    "石材厂",
    "燃气有限公司",
    "酒店",
    "农业开发有限公司",
    "机械制造有限公司",
    "竹木制品厂",
]
_SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红"
HEADERS = [
    "单位名称*",
    "统一社会信用代码",
    "所属区划*",
    "网格",
    "地址",
    "经度",
    "纬度",
    "行业领域*",
    "国民经济行业代码",
    "监管部门",
    "重点监管",
    "分级分类",
    "规模以上",
    "主要负责人",
    "联系电话",
    "状态",
]


def grid_name(township: str, n: int) -> str:
    return f"{township}第{n}网格"


def credit_code(seq: int) -> str:
    from anjian.core import uscc

    return uscc.make(f"91430626{seq:09d}")


def unit_rows(count: int, seed: int = 20260626) -> list[list[object]]:
    """``count`` valid, distinct unit rows (same seed, same rows)."""
    rnd = random.Random(seed)
    rows: list[list[object]] = []
    for i in range(1, count + 1):
        code, township = PINGJIANG_TOWNSHIPS[rnd.randrange(len(PINGJIANG_TOWNSHIPS))]
        trade = "".join(rnd.sample(_TRADE, 2))
        name = f"平江县{trade}{rnd.choice(_KIND)[:-4] if rnd.random() < 0.1 else ''}{i}号{rnd.choice(_KIND)}"
        grid = grid_name(township, rnd.randint(1, GRIDS_PER_TOWNSHIP)) if rnd.random() < 0.6 else ""
        rows.append(
            [
                name,
                credit_code(i) if rnd.random() < 0.9 else "",
                code,
                grid,
                f"{township}{rnd.randint(1, 99)}组{rnd.randint(1, 200)}号",
                round(113.25 + rnd.random() * 0.8, 6),
                round(28.45 + rnd.random() * 0.6, 6),
                rnd.choice(SECTOR_NAMES),
                f"{rnd.randint(1000, 9999)}",
                "",
                "是" if rnd.random() < 0.3 else "否",
                rnd.choice("ABCD"),
                "是" if rnd.random() < 0.2 else "否",
                rnd.choice(_SURNAMES) + "".join(rnd.sample(_GIVEN, rnd.randint(1, 2))),
                f"1{rnd.choice('3578')}{rnd.randint(0, 999999999):09d}",
                "正常" if rnd.random() < 0.95 else rnd.choice(["停产整顿", "关闭"]),
            ]
        )
    return rows


def write_units_xlsx(path: Path, count: int, seed: int = 20260626) -> Path:
    """The rows of :func:`unit_rows` as an .xlsx stored the way Excel and WPS store it.

    Excel and WPS keep strings in a shared-strings table; xlsxwriter does too unless told
    to save memory (constant_memory writes inline strings, which openpyxl reads ~40 %
    slower). Run it in a child process: it holds the whole workbook in memory.
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("单位台账")
    sheet.write_row(0, 0, HEADERS)
    for number, row in enumerate(unit_rows(count, seed), start=1):
        sheet.write_row(number, 0, row)
    book.close()
    return path

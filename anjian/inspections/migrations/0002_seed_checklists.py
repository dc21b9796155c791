"""Seed four sector checklists (检查表); each item cites its basis, major-hazard criteria marked."""

from __future__ import annotations

from typing import Any

from django.db import migrations

HC = "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）"
FW = "《烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）》（安监总管三〔2017〕121号）"
LAW = "《中华人民共和国安全生产法》"
FIRE = "《中华人民共和国消防法》"
# (checklist name, sector code, [(text, basis, major)])
CHECKLISTS: list[tuple[str, str, list[tuple[str, str, bool]]]] = [
    (
        "危险化学品生产经营单位检查表",
        "hazardous_chemicals",
        [
            ("主要负责人和安全生产管理人员依法经考核合格", f"{HC}第一条；{LAW}第二十七条", True),
            ("特种作业人员持证上岗", f"{HC}第二条；{LAW}第三十条", True),
            ("“两重点一重大”装置、储存设施外部安全防护距离符合国家标准", f"{HC}第三条", True),
            ("重点监管危险化工工艺装置实现自动化控制和紧急停车功能并投入使用", f"{HC}第四条", True),
            ("建立安全风险分级管控和隐患排查治理双重预防机制", f"{LAW}第四十一条", False),
            ("危险化学品专用仓库储存，专人管理，出入库核查登记", "《危险化学品安全管理条例》第二十四条", False),
            ("制定生产安全事故应急救援预案并定期演练", f"{LAW}第八十一条", False),
        ],
    ),
    (
        "烟花爆竹生产经营单位检查表",
        "fireworks",
        [
            ("主要负责人、安全生产管理人员经考核合格", f"{FW}第一条", True),
            ("特种作业人员持证上岗，作业人员经培训", f"{FW}第二条", True),
            ("工（库）房实际作业人员数量未超过核定人数", f"{FW}第四条", True),
            ("工（库）房实际滞留、存储药量未超过核定药量", f"{FW}第五条", True),
            ("零售点未与居民居住场所设置在同一建筑物内", f"{FW}第二十条", True),
            ("烟花爆竹经营许可证在有效期内，按许可范围经营", "《烟花爆竹安全管理条例》第十九条", False),
            ("防静电、防火、防雷设施完好有效", f"{FW}第七条", True),
        ],
    ),
    (
        "人员密集场所消防安全检查表",
        "fire",
        [
            ("疏散通道、安全出口畅通，未锁闭、堵塞、占用", f"{FIRE}第二十八条", False),
            ("消防设施、器材配置齐全并保持完好有效", f"{FIRE}第十六条", False),
            ("应急照明和疏散指示标志完好", "《人员密集场所消防安全管理》（GB/T 40248-2021）", False),
            ("开展每日防火巡查和定期防火检查并记录", "《机关、团体、企业、事业单位消防安全管理规定》第二十五条", False),
            ("员工宿舍未设置在生产、储存、经营场所同一建筑物内（“三合一”）", f"{FIRE}第十九条", False),
            ("电气线路敷设规范，无私拉乱接", f"{FIRE}第二十七条", False),
        ],
    ),
    (
        "建筑施工安全检查表",
        "construction",
        [
            ("施工单位取得安全生产许可证，项目负责人、专职安全员持证", "《建设工程安全生产管理条例》第二十条、第三十六条", False),
            ("危险性较大的分部分项工程编制专项施工方案并论证", "《危险性较大的分部分项工程安全管理规定》第十条", False),
            ("起重机械经检验合格并办理使用登记", "《建设工程安全生产管理条例》第三十五条", False),
            ("临边、洞口防护设施齐全", "《建筑施工安全检查标准》（JGJ 59-2011）", False),
            ("施工现场临时用电符合规范", "《施工现场临时用电安全技术规范》（JGJ 46-2005）", False),
            ("作业人员经安全教育培训，特种作业人员持证", f"{LAW}第二十八条、第三十条", False),
        ],
    ),
]


def seed(apps: Any, schema_editor: Any) -> None:
    Checklist = apps.get_model("inspections", "Checklist")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    Sector = apps.get_model("units", "Sector")
    for name, sector_code, items in CHECKLISTS:
        checklist, _ = Checklist.objects.update_or_create(
            name=name, defaults={"sector": Sector.objects.filter(code=sector_code).first(), "active": True}
        )
        checklist.items.all().delete()
        for order, (text, basis, major) in enumerate(items, start=1):
            ChecklistItem.objects.create(checklist=checklist, order=order, text=text, basis=basis, major=major)


def unseed(apps: Any, schema_editor: Any) -> None:
    Checklist = apps.get_model("inspections", "Checklist")
    for name, _, _ in CHECKLISTS:
        Checklist.objects.filter(name=name).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0001_initial"),
        ("units", "0002_seed_sectors"),
    ]

    operations = [migrations.RunPython(seed, unseed)]

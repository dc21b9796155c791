"""隐患台账 links: 检查编号 links the inspection of the same unit, 专项行动 names a visible campaign.

A hazard found by an inspection of a campaign belongs to that campaign anyway (ledgers.md,
indicators.md). Unknown 检查编号 (a paper inspection) stays text; a known one of another unit,
or a campaign the importer cannot see, is a row error and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from anjian.campaigns.models import Campaign
from anjian.campaigns.services import CampaignData, campaign_create
from anjian.hazards.models import Hazard
from anjian.inspections.models import Inspection, InspectionKind
from anjian.inspections.services import InspectionData, inspection_create
from anjian.ledgers.registry import get_ledger
from anjian.ledgers.writers import export_xlsx
from tests.hazards.test_ledger import do_import, hazard_row, messages, xlsx


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def campaign(county: Any, name: str, region: str, persona: str = "county_admin") -> Campaign:
    return campaign_create(actor=county.users[persona], data=CampaignData(
        name=name, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), region_code=region))


def inspection(county: Any, number: str, unit: str, camp: Campaign | None = None) -> Inspection:
    return inspection_create(actor=county.users["county_admin"], data=InspectionData(
        unit=county.units[unit], kind=InspectionKind.SPECIAL, date=dt.date(2025, 3, 1), number=number,
        campaign=camp, official_count=2))


def test_inspection_number_links_the_inspection_and_its_campaign(county, tmp_path):
    county_campaign = campaign(county, "危化品专项整治", "430626")
    inspection(county, "JC-A-1", "chem_a", county_campaign)
    rows = [
        hazard_row(检查编号="JC-A-1"),  # row 2: linked, and of the inspection's campaign
        hazard_row(隐患描述="配电箱未接地", 检查编号="纸质-2025-07"),  # row 3: unknown number stays text
    ]
    report = do_import(xlsx(tmp_path, rows), county.users["township"])
    assert messages(report) == [] and report.created == 2
    linked = Hazard.objects.get(description="仓库消防通道堆放杂物")
    assert linked.inspection.number == "JC-A-1" and linked.inspection_ref == "JC-A-1"
    assert linked.campaign == county_campaign
    paper = Hazard.objects.get(description="配电箱未接地")
    assert (paper.inspection, paper.inspection_ref, paper.campaign) == (None, "纸质-2025-07", None)


def test_campaign_column_names_a_visible_campaign(county, tmp_path):
    county_campaign = campaign(county, "百日攻坚", "430626")
    town_campaign = campaign(county, "百日攻坚", "430626101", "township")  # the same name, nearer the unit
    campaign(county, "三市镇燃气专项", "430626102", "township_b")
    campaign(county, "芙蓉区行动", "430102", "other_county_admin")
    rows = [
        hazard_row(专项行动="百日攻坚"),  # row 2
        hazard_row(隐患描述="配电箱未接地", 专项行动="三市镇燃气专项"),  # row 3: another township's
        hazard_row(隐患描述="灭火器过期", 专项行动="芙蓉区行动"),  # row 4: another county's
        hazard_row(隐患描述="安全出口上锁", 专项行动="不存在的行动"),  # row 5
    ]
    report = do_import(xlsx(tmp_path, rows), county.users["township"])
    assert messages(report) == [
        "第3行 专项行动: 专项行动“三市镇燃气专项”不存在或不在您的管辖范围内，请先登记该专项行动",
        "第4行 专项行动: 专项行动“芙蓉区行动”不存在或不在您的管辖范围内，请先登记该专项行动",
        "第5行 专项行动: 专项行动“不存在的行动”不存在或不在您的管辖范围内，请先登记该专项行动",
    ]
    assert not report.written and Hazard.objects.count() == 0

    report = do_import(xlsx(tmp_path, rows[:1], "ok.xlsx"), county.users["township"])
    assert messages(report) == []
    assert Hazard.objects.get().campaign == town_campaign
    # The county admin names the county's campaign for a unit of 三市镇.
    row = hazard_row(单位="三市镇花炮批发部", 专项行动="百日攻坚")
    report = do_import(xlsx(tmp_path, [row], "b.xlsx"), county.users["county_admin"])
    assert messages(report) == []
    assert Hazard.objects.get(unit=county.units["fire_b"]).campaign == county_campaign


def test_an_inspection_of_another_unit_is_a_row_error(county, tmp_path):
    inspection(county, "JC-B-1", "build_a")  # 安定镇, visible to the township, another unit
    inspection(county, "JC-S-1", "fire_b")  # 三市镇: not the township's; stays text for it
    rows = [
        hazard_row(检查编号="JC-B-1"),
        hazard_row(隐患描述="配电箱未接地", 检查编号="JC-S-1"),
    ]
    report = do_import(xlsx(tmp_path, rows), county.users["township"])
    assert messages(report) == ["第2行 检查编号: 检查编号 JC-B-1 不是该单位的检查记录"]
    assert Hazard.objects.count() == 0


def test_existing_hazards_get_linked_and_export_reimports_unchanged(county, tmp_path):
    camp = campaign(county, "危化品专项整治", "430626")
    do_import(xlsx(tmp_path, [hazard_row(检查编号="JC-A-1")]), county.users["county_admin"])
    hazard = Hazard.objects.get()
    assert hazard.inspection is None  # the inspection was not registered yet
    inspection(county, "JC-A-1", "chem_a", camp)

    report = do_import(xlsx(tmp_path, [hazard_row(检查编号="JC-A-1")], "again.xlsx"), county.users["county_admin"])
    assert messages(report) == [] and report.updated == 1
    hazard.refresh_from_db()
    assert hazard.inspection.number == "JC-A-1" and hazard.campaign == camp

    out = tmp_path / "export.xlsx"
    ledger = get_ledger("hazards")
    export_xlsx(ledger, ledger.export_objects(county.users["county_admin"], {}), out)
    report = do_import(out, county.users["county_admin"])
    assert messages(report) == [] and (report.created, report.updated, report.unchanged) == (0, 0, 1)

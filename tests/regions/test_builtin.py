"""The division data shipped with anjian: whole country to townships, villages of the target counties.

The shipped list (~48,000 rows) is loaded once for the module, in a transaction rolled back at
the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from anjian.regions.models import Division, Level
from anjian.regions.services import BUILTIN_FILES, DATA_DIR, ImportResult, builtin_rows, load_builtin

# 平江县's 25 townships in the NBS 2022 list (shared/data/divisions/streets.csv).
PINGJIANG_TOWNSHIPS = (
    "汉昌街道 天岳街道 安定镇 三市镇 加义镇 长寿镇 龙门镇 虹桥镇 南江镇 梅仙镇 浯口镇 瓮江镇 伍市镇 向家镇 童市镇 "
    "岑川镇 福寿山镇 余坪镇 石牛寨镇 上塔市镇 三阳乡 木金乡 板江乡 大洲乡 三墩乡"
).split()


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[ImportResult]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_builtin()
        transaction.set_rollback(True)


def test_shipped_files_are_small_and_documented():
    for name in BUILTIN_FILES:
        assert (DATA_DIR / f"{name}.csv.gz").stat().st_size < 2 * 1024 * 1024
    source = (DATA_DIR / "SOURCE.md").read_text(encoding="utf-8")
    assert "modood/Administrative-divisions-of-China" in source and "WTFPL" in source


def test_within_keeps_ancestors_and_descendants():
    codes = [r.code for r in builtin_rows("430626")]
    assert codes[:3] == ["43", "4306", "430626"]
    assert len(codes) == 3 + 25 + 550
    assert all(c.startswith("430626") for c in codes[3:])


@pytest.mark.django_db
def test_whole_country_to_townships(loaded):
    assert loaded.created == {
        Level.PROVINCE: 31,
        Level.CITY: 342,
        Level.COUNTY: 2975,  # 2,978 rows less 东莞市, 中山市, 儋州市 merged into their cities
        Level.TOWNSHIP: 41351,  # 41,352 less 金门县 merged into the county
        Level.VILLAGE: 3315,
    }
    assert loaded.merged == 4
    assert Division.objects.filter(level=Level.TOWNSHIP).count() == 41351
    # Every division but the provinces has its parent in the tree.
    orphans = Division.objects.exclude(level=Level.PROVINCE).filter(parent__isnull=True).count()
    assert orphans == 0
    assert Division.objects.get(code="441900003000").parent_id == "441900000000"  # 东莞's towns under the city


@pytest.mark.django_db
def test_pingjiang_with_its_25_townships_and_villages(loaded):
    county = Division.objects.get(code="430626000000")
    assert (county.name, county.level) == ("平江县", Level.COUNTY)
    assert [county.parent.name, county.parent.parent.name] == ["岳阳市", "湖南省"]
    townships = county.children.filter(level=Level.TOWNSHIP).order_by("code")
    assert sorted(t.name for t in townships) == sorted(PINGJIANG_TOWNSHIPS)
    villages = Division.objects.filter(code__startswith="430626", level=Level.VILLAGE)
    assert villages.count() == 550
    assert set(villages.values_list("parent_id", flat=True)) == {t.code for t in townships}
    assert Division.objects.get(code="430626101000").children.count() == 36  # 安定镇


@pytest.mark.django_db
def test_loading_again_changes_nothing(loaded):
    out = StringIO()
    call_command("import_divisions", "--builtin", stdout=out)
    assert "新增 0" in out.getvalue() and "更新 0" in out.getvalue()
    assert Division.objects.count() == 31 + 342 + 2975 + 41351 + 3315

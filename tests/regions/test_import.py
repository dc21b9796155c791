"""Division import (anjian import-divisions): tree, levels, idempotence, all-or-nothing errors."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from anjian.core.models import AuditEntry
from anjian.regions.models import Division, Grid, Level
from anjian.regions.services import (
    DivisionImportError,
    GridError,
    divisions_import,
    grid_create,
    grids_ensure,
    read_bytes,
)

TINY = """code,name
43,湖南省
4306,岳阳市
430626,平江县
430626101,安定镇
430626102,三市镇
430626101201,小田村民委员会
430626101202,河圳村民委员会
"""


def write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "divisions.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_divisions", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple[str, str, int, str | None]]:
    return list(Division.objects.order_by("code").values_list("code", "name", "level", "parent_id"))


@pytest.mark.django_db
def test_import_builds_the_tree_with_levels_and_parents(tmp_path):
    out = run(str(write(tmp_path, TINY)))
    assert "新增 7" in out
    pingjiang = Division.objects.get(code="430626000000")
    assert (pingjiang.name, pingjiang.level, pingjiang.parent_id) == ("平江县", Level.COUNTY, "430600000000")
    assert Division.objects.get(code="430600000000").parent_id == "430000000000"
    assert Division.objects.get(code="430000000000").parent_id is None
    village = Division.objects.get(code="430626101201")
    assert (village.level, village.parent_id) == (Level.VILLAGE, "430626101000")
    assert sorted(pingjiang.children.values_list("name", flat=True)) == ["三市镇", "安定镇"]
    assert [d.level for d in Division.objects.order_by("code")] == [1, 2, 3, 4, 5, 5, 4]


@pytest.mark.django_db
def test_reimport_changes_nothing_and_a_rename_is_an_update(tmp_path):
    path = write(tmp_path, TINY)
    run(str(path))
    before = snapshot()
    audits = AuditEntry.objects.filter(action="divisions.import").count()
    out = run(str(path))
    assert "新增 0" in out and "更新 0" in out and "未变 7" in out
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="divisions.import").count() == audits  # nothing written, nothing audited

    out = run(str(write(tmp_path, "code,name\n430626102,三市镇新名\n", name="rename.csv")))
    assert "更新 1" in out
    assert Division.objects.get(code="430626102000").name == "三市镇新名"
    assert Division.objects.count() == 7  # nothing deleted: the rows not in the file stay


@pytest.mark.django_db
def test_gb18030_headerless_padded_codes_and_extra_columns(tmp_path):
    # NBS prints every code padded to 12 digits; Excel on Chinese Windows saves GB18030; no header.
    text = "430000000000,湖南省,x\n430600000000,岳阳市,x\n430626000000,平江县,x\n430626101000,安定镇,x\n"
    run(str(write(tmp_path, text, encoding="gb18030")))
    assert snapshot() == [
        ("430000000000", "湖南省", Level.PROVINCE, None),
        ("430600000000", "岳阳市", Level.CITY, "430000000000"),
        ("430626000000", "平江县", Level.COUNTY, "430600000000"),
        ("430626101000", "安定镇", Level.TOWNSHIP, "430626000000"),
    ]


def test_header_may_name_the_columns_in_any_order():
    rows = read_bytes("名称,区划代码\n湖南省,43\n".encode())
    assert [(r.line, r.code, r.name) for r in rows] == [(2, "43", "湖南省")]


@pytest.mark.django_db
def test_a_placeholder_that_repeats_its_parent_is_merged_into_it(tmp_path):
    # 东莞市 is a city without counties: NBS lists it again as county 441900 (regions/data/SOURCE.md).
    text = "code,name\n44,广东省\n4419,东莞市\n441900,东莞市\n441900003,东城街道\n"
    out = run(str(write(tmp_path, text)))
    assert "并入上级 1" in out
    assert Division.objects.get(code="441900000000").level == Level.CITY
    assert Division.objects.get(code="441900003000").parent_id == "441900000000"


@pytest.mark.django_db
def test_bad_rows_are_all_reported_by_line_and_nothing_is_written(tmp_path):
    text = (
        "code,name\n"
        "43,湖南省\n"  # line 2: fine
        "4306,岳阳市\n"  # line 3: fine
        "43062,坏码\n"  # line 4: 5 digits
        "43O626,字母\n"  # line 5: not a number
        "430626,\n"  # line 6: no name
        "430699101,无上级镇\n"  # line 7: parent 430699 nowhere
        "43,湖南\n"  # line 8: same code, other name
    )
    with pytest.raises(CommandError) as info:
        run(str(write(tmp_path, text)))
    message = str(info.value)
    assert "5 处错误" in message and "未导入任何数据" in message
    lines = message.splitlines()[1:]
    assert lines[0].startswith("第4行 区划代码:") and "5位" in lines[0]
    assert lines[1].startswith("第5行 区划代码:") and "应为数字" in lines[1]
    assert lines[2] == "第6行 名称: 不能为空"
    assert lines[3].startswith("第7行 区划代码: 上级区划 430699 不存在")
    assert lines[4].startswith("第8行 区划代码: 43 与第2行重复且名称不同")
    assert Division.objects.count() == 0  # all-or-nothing: the good rows were not written either


@pytest.mark.django_db
def test_parent_may_come_from_the_database(tmp_path):
    run(str(write(tmp_path, TINY)))
    run(str(write(tmp_path, "code,name\n430626101203,新村\n", name="more.csv")))
    assert Division.objects.get(code="430626101203").parent_id == "430626101000"


@pytest.mark.django_db
def test_dry_run_and_within(tmp_path):
    path = write(tmp_path, TINY + "4301,长沙市\n430102,芙蓉区\n")
    out = run(str(path), "--dry-run")
    assert "未写入" in out and "新增 9" in out
    assert Division.objects.count() == 0
    run(str(path), "--within", "430626101")
    assert [c for c, *_ in snapshot()] == [
        "430000000000",
        "430600000000",
        "430626000000",
        "430626101000",
        "430626101201",
        "430626101202",
    ]


@pytest.mark.django_db
def test_unreadable_input(tmp_path):
    with pytest.raises(CommandError, match="无法读取文件"):
        run(str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="编码无法识别"):
        run(_binary(tmp_path))
    with pytest.raises(DivisionImportError):
        divisions_import(read_bytes(b"code,name\n12345,x\n"))


def _binary(tmp_path: Path) -> str:
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\x81\x30\xff\xff\x00")  # neither UTF-8 nor GB18030
    return str(path)


@pytest.mark.django_db
def test_grids_are_made_under_townships_only_with_unique_names(tmp_path):
    run(str(write(tmp_path, TINY)))
    anding = Division.objects.get(code="430626101000")
    grid = grid_create(township=anding, name="  安定镇第一网格 ")
    assert (grid.name, grid.region_code) == ("安定镇第一网格", "430626101000")
    assert AuditEntry.objects.filter(action="grid.create", object_id=str(grid.pk)).exists()
    with pytest.raises(GridError, match="已有名为"):
        grid_create(township=anding, name="安定镇第一网格")
    with pytest.raises(GridError, match="不是乡镇/街道"):
        grid_create(township=Division.objects.get(code="430626000000"), name="县网格")
    with pytest.raises(GridError, match="不能为空"):
        grid_create(township=anding, name=" ")
    made = grids_ensure(township=anding, count=3)
    assert [g.name for g in made] == ["安定镇第1网格", "安定镇第2网格", "安定镇第3网格"]
    assert grids_ensure(township=anding, count=3) == []
    assert Grid.objects.filter(township=anding).count() == 4

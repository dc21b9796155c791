"""Boundary import (anjian import-boundaries): matching features to divisions, all-or-nothing, the command."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from anjian.core.models import AuditEntry
from anjian.regions import services
from anjian.regions.management.commands.import_boundaries import Command
from anjian.regions.models import Boundary, Division, Level
from anjian.regions.services import BoundaryImportError, boundaries_import

DATA = Path(__file__).resolve().parent / "data"
COUNTIES = DATA / "counties.geojson"  # 芙蓉区 and 平江县 from shared/data/geo-boundaries (data/SOURCE.md)


def square(lng: float, lat: float, size: float = 0.05) -> list[list[list[float]]]:
    """A closed square ring (a Polygon's coordinates) with its south-west corner at (lng, lat)."""
    return [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]]


def feature(props: dict[str, Any], coordinates: Any = None, kind: str = "Polygon") -> dict[str, Any]:
    geometry = {"type": kind, "coordinates": coordinates if coordinates is not None else square(113.6, 28.7)}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def write(tmp_path: Path, data: Any, name: str = "townships.geojson", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)).encode(encoding))
    return path


def errors_of(**kwargs: Any) -> list[str]:
    with pytest.raises(BoundaryImportError) as info:
        boundaries_import(**kwargs)
    return info.value.errors


# --- a real county file -----------------------------------------------------------------------


def test_the_real_county_file_loads_by_its_gb_codes(county):
    result = boundaries_import(path=COUNTIES)
    assert sorted(result.created) == [("430102000000", "芙蓉区"), ("430626000000", "平江县")]
    assert result.replaced == []
    pingjiang = Boundary.objects.get(division_id="430626000000")
    assert (pingjiang.level, pingjiang.name, pingjiang.source) == (Level.COUNTY, "平江县", "counties.geojson")
    geometry = json.loads(pingjiang.geometry)
    original = next(
        f for f in json.loads(COUNTIES.read_text(encoding="utf-8"))["features"] if f["properties"]["gb"] == "156430626"
    )
    # Kept as given (the file has 6 decimals already): same type, same rings, same points.
    assert geometry == original["geometry"]
    assert geometry["type"] == "MultiPolygon"
    assert county.county.boundary == pingjiang


def test_the_import_is_audited_once_with_the_file_and_the_codes(county):
    before = AuditEntry.objects.count()
    boundaries_import(path=COUNTIES, source="天地图县界（测试）")
    entries = list(AuditEntry.objects.order_by("-id")[: AuditEntry.objects.count() - before])
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == "boundaries.import"
    assert entry.channel == "cli" and entry.actor_name.startswith("cli")
    assert entry.changes["file"] == "counties.geojson"
    assert entry.changes["source"] == "天地图县界（测试）"
    assert sorted(entry.changes["created"]) == ["430102000000", "430626000000"]
    assert len(entry.changes["sha256"]) == 64
    assert Boundary.objects.get(division_id="430102000000").source == "天地图县界（测试）"


def test_an_existing_boundary_is_replaced_only_when_asked(county):
    boundaries_import(path=COUNTIES)
    errors = errors_of(path=COUNTIES)
    assert errors == [
        "第1个要素（名称“芙蓉区”，代码 430102）：430102 芙蓉区已有边界；要覆盖请加 --replace",
        "第2个要素（名称“平江县”，代码 430626）：430626 平江县已有边界；要覆盖请加 --replace",
    ]
    result = boundaries_import(path=COUNTIES, replace=True)
    assert result.created == [] and len(result.replaced) == 2
    assert Boundary.objects.count() == 2


# --- township files (synthesised: no township boundaries exist under an open licence) ---------


def test_township_codes_of_9_or_12_digits_under_any_code_key(county, tmp_path):
    data = collection(
        feature({"统计用区划代码": "430626101000", "name": "安定"}, square(113.60, 28.70)),
        feature({"CODE": 430626102}, square(113.70, 28.70)),  # a number, upper-case key
        feature({"gb": "156430626101201"}, square(113.62, 28.72, 0.01)),  # 156 + a village's 12 digits
    )
    result = boundaries_import(path=write(tmp_path, data))
    assert sorted(result.created) == [
        ("430626101000", "安定镇"),
        ("430626101201", "小田村"),
        ("430626102000", "三市镇"),
    ]
    assert dict(Boundary.objects.values_list("division_id", "level")) == {
        "430626101000": Level.TOWNSHIP, "430626101201": Level.VILLAGE, "430626102000": Level.TOWNSHIP,
    }
    # The division's own name is kept, not the file's abbreviation.
    assert Boundary.objects.get(division_id="430626101000").name == "安定镇"


def test_names_match_under_within_and_are_ambiguous_without_it(county, tmp_path):
    # A second 安定镇 in another county: the name alone no longer tells which one is meant.
    Division.objects.create(code="430102099000", name="安定镇", level=Level.TOWNSHIP, parent_id="430102000000")
    path = write(tmp_path, collection(feature({"name": "安定镇"}), feature({"NAME": "三市镇"}, square(113.7, 28.7))))
    errors = errors_of(path=path)
    assert errors == [
        "第1个要素（名称“安定镇”）：名称“安定镇”在全部区划中对应多个区划（430102099 安定镇、430626101 安定镇），"
        "请用 --within 指定上级区划"
    ]
    assert not Boundary.objects.exists()
    result = boundaries_import(path=path, within="430626")
    assert sorted(result.created) == [("430626101000", "安定镇"), ("430626102000", "三市镇")]


def test_a_code_that_matches_nothing_falls_back_to_the_name(county, tmp_path):
    # 民政 township codes differ from the statistical ones (三墩乡 430626211 vs 430626210): the name decides.
    path = write(tmp_path, collection(feature({"code": "430626211000", "name": "三市镇"})))
    result = boundaries_import(path=path, within="430626")
    assert result.created == [("430626102000", "三市镇")]


def test_a_code_outside_within_is_rejected(county, tmp_path):
    path = write(tmp_path, collection(feature({"adcode": 430102, "name": "芙蓉区"})))
    assert errors_of(path=path, within="430626") == [
        "第1个要素（名称“芙蓉区”，代码 430102）：区划 430102 芙蓉区不在 430626 范围内"
    ]


# --- all-or-nothing ---------------------------------------------------------------------------


def test_one_bad_feature_rejects_the_file_with_every_reason(county, tmp_path):
    before = AuditEntry.objects.count()
    data = collection(
        feature({"code": "430626101"}, square(113.60, 28.70)),  # good
        feature({"code": "430626999", "name": "不存在镇"}),  # no such division, nor name
        feature({"code": "430626102"}, [[113.6, 28.7], [113.7, 28.8]], kind="LineString"),  # not an area
        feature({"name": "安定镇"}),  # same division as the first (matched by name everywhere: only one 安定镇)
        feature({"code": "43062610"}),  # 8 digits, and no name
        feature({"code": "430626102"}, [[[12_650_000.0, 3_330_000.0]] * 4]),  # Web-Mercator metres
        feature({"code": "430102"}, [[[28.7, 113.6], [28.7, 113.7], [28.8, 113.7], [28.7, 113.6]]]),  # lat, lng
        {"type": "Feature", "properties": {"code": "430626"}, "geometry": None},
        ["not", "a", "feature"],
    )
    errors = errors_of(path=write(tmp_path, data))
    assert errors == [
        "第2个要素（名称“不存在镇”，代码 430626999）：区划代码 430626999 没有对应的区划；"
        "名称“不存在镇”在全部区划中没有对应的区划",
        "第3个要素（代码 430626102）：几何类型为 LineString，应为 Polygon 或 MultiPolygon（面）",
        "第4个要素（名称“安定镇”）：与第1个要素对应同一区划 430626101 安定镇",
        "第5个要素：属性 code=“43062610”不是2、4、6、9或12位的区划代码",
        "第5个要素：没有可用的区划代码，也没有名称属性（name），无法对应区划",
        "第6个要素（代码 430626102）：坐标 [12650000.0, 3330000.0] 不是经纬度（像是投影坐标，单位为米）："
        "请先转换为 CGCS2000 或 WGS-84 经纬度",
        "第7个要素（代码 430102）：坐标的经度和纬度顺序颠倒：GeoJSON 的点应写作 [经度, 纬度]",
        "第8个要素（代码 430626）：没有几何数据（geometry 为空）",
        "第9个要素：不是 GeoJSON Feature",
    ]
    assert not Boundary.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_replace_that_fails_keeps_the_boundaries_there_were(county, tmp_path):
    boundaries_import(path=COUNTIES)
    before = Boundary.objects.get(division_id="430626000000").geometry
    data = collection(feature({"gb": "156430626"}), feature({"gb": "156999999"}))
    errors_of(path=write(tmp_path, data), replace=True)
    assert Boundary.objects.get(division_id="430626000000").geometry == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "不是有效的 GeoJSON（JSON 格式错误：第1行第2列）"),
        ('{"type": "Polygon", "coordinates": []}', "不是 GeoJSON 要素集合：顶层应为 FeatureCollection（或单个 Feature）"),  # noqa: E501
        ('{"type": "FeatureCollection", "features": []}', "文件中没有要素（features 为空）"),
        (
            '{"type": "FeatureCollection", "crs": {"type": "name",'
            ' "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}, "features": []}',
            "坐标系 urn:ogc:def:crs:EPSG::3857 不是经纬度坐标系："
            "请先转换为 CGCS2000（EPSG:4490）或 WGS-84（EPSG:4326）经纬度",
        ),
    ],
)
def test_files_that_are_not_usable_geojson(county, tmp_path, content, message):
    assert errors_of(path=write(tmp_path, content)) == [message]


def test_the_size_limit(county, tmp_path, monkeypatch):
    monkeypatch.setattr(services, "BOUNDARY_MAX_BYTES", 1024)
    with pytest.raises(BoundaryImportError) as info:
        boundaries_import(path=COUNTIES)
    assert "请按县或乡镇分批导入" in info.value.errors[0]
    assert not Boundary.objects.exists()


def test_a_gb18030_file_from_a_stream_and_a_single_feature(county):
    data = json.dumps(feature({"区划代码": "430626101", "名称": "安定镇"}), ensure_ascii=False).encode("gb18030")
    result = boundaries_import(stream=io.BytesIO(data), source="乡镇界（上传）")
    assert result.created == [("430626101000", "安定镇")]


def test_within_must_be_a_known_division(county):
    assert errors_of(path=COUNTIES, within="4306269") == [
        "--within “4306269”不是有效的区划代码（2、4、6、9或12位数字）"
    ]
    assert errors_of(path=COUNTIES, within="430699") == [
        "--within 区划 430699 不存在：请先导入区划（anjian import-divisions）"
    ]


# --- the command ------------------------------------------------------------------------------


def test_the_command_imports_and_reports(county):
    out = io.StringIO()
    call_command("import_boundaries", str(COUNTIES), stdout=out)
    assert "导入完成，新增边界 2 个（芙蓉区、平江县）" in out.getvalue()
    out = io.StringIO()
    call_command("import_boundaries", str(COUNTIES), "--replace", stdout=out)
    assert "新增边界 0 个，替换 2 个" in out.getvalue()


def test_the_command_fails_with_a_non_zero_status_and_the_reasons(county, tmp_path, monkeypatch, capsys):
    # run_from_argv is what `anjian import-boundaries` runs; it closes the connections at the end,
    # which would end the test's transaction: keep it open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = write(tmp_path, collection(feature({"code": "430626101"}), feature({"name": "不存在镇"})))
    with pytest.raises(SystemExit) as info:
        Command().run_from_argv(["anjian", "import_boundaries", str(path), "--within", "430626"])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "边界文件有 1 处问题，未导入任何边界：" in err
    assert "第2个要素（名称“不存在镇”）：名称“不存在镇”在 430626 范围内没有对应的区划" in err
    assert not Boundary.objects.exists()
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_boundaries", str(tmp_path / "missing.geojson"))


# --- the demo county ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_loads_its_county_outline_once():
    from anjian.demo.loader import load_demo
    from anjian.regions.services import load_builtin

    load_builtin(within="430626")  # what load_demo would load, for this county only (faster)
    load_demo(n_units=3, n_hazards=0)
    load_demo(n_units=3, n_hazards=0)  # again: replaced, not duplicated nor refused
    outline = Boundary.objects.get()
    assert (outline.division_id, outline.level, outline.name) == ("430626000000", Level.COUNTY, "平江县")
    assert outline.source.startswith("演示：平江县县界")
    assert json.loads(outline.geometry)["type"] == "MultiPolygon"

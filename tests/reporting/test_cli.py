"""The commands: report-key, report-up (county and city), report-subordinate, report-import."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from anjian.reporting.models import Submission, Subordinate
from anjian.stats.compute import compute, jsonable
from anjian.stats.scope import build_scope
from tests.stats import factories as f

from .conftest import CITY, fabricate, kid, public_b64, raw

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_report_key_prints_the_public_key(deployment_key):
    assert run("report_key").strip() == public_b64(deployment_key)


def test_a_county_reports_to_its_city_through_files(county, city, deployment_key, tmp_path: Path):
    f.hazard(county.units["chem_a"], "2026-03-05", "2026-03-20")
    f.hazard(county.units["fire_b"], "2026-03-06", "2026-04-20", level="major", status="closed",
             closed_on="2026-03-25")
    out = tmp_path / "平江县.json"
    assert "已写入" in run("report_up", "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-03-31",
                          "--region", "430626", "-o", str(out))
    # The city registers the county (its own register: the deployment's top office, 岳阳市) …
    added = run("report_subordinate", "add", "430626", "--key", public_b64(deployment_key))
    assert "已登记下级 平江县（430626）" in added
    sub = Subordinate.objects.get()
    assert (sub.upper_region, sub.key_id) == (CITY, kid(deployment_key))
    # … and imports the file.
    assert "已接收 平江县 2026-03-01 至 2026-03-31" in run("report_import", str(out))
    s = Submission.objects.get()
    assert (s.channel, s.received_by) == ("cli", None)
    # By hand: 2 found (1 general open and overdue at 31 March, 1 major closed on 25 March).
    assert (s.indicators["hazards_found"], s.indicators["hazards_rectified"], s.indicators["hazards_overdue"]) == (
        2, 1, 1)
    assert s.indicators == jsonable(compute(build_scope(region="430626", date_from="2026-03-01",
                                                         date_to="2026-03-31", as_of="2026-03-31")))
    assert "已接收过" in run("report_import", str(out))


def test_a_city_package_has_its_counties_as_parts(county, city, tmp_path: Path):
    f.hazard(county.units["chem_a"], "2026-03-05", "2026-03-20")
    out = tmp_path / "city.json"
    run("report_up", "--from", "2026-03-01", "--to", "2026-03-31", "-o", str(out))  # the deployment's region: 4306
    package = json.loads(out.read_text(encoding="utf-8"))
    assert (package["region"], package["region_name"]) == ("4306", "岳阳市")
    assert list(package["parts"]) == ["430626"] and package["part_names"] == {"430626": "平江县"}
    assert package["parts"]["430626"]["hazards_found"] == 1
    assert package["indicators"]["hazards_found"] == 1


def test_report_import_goes_on_after_a_bad_file_and_fails_at_the_end(county, city, tmp_path: Path):
    key = Ed25519PrivateKey.generate()
    run("report_subordinate", "add", "430626", "--key", public_b64(key), "--name", "平江县")
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_bytes(raw(fabricate("430626", key, hazards_found=3)))
    tampered = fabricate("430626", key, hazards_found=3)
    tampered["indicators"]["hazards_found"] = 30
    bad.write_bytes(raw(tampered))
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 个文件未能导入（共 3 个）"):
        call_command("report_import", str(bad), str(good), str(tmp_path / "missing.json"), stdout=out)
    lines = out.getvalue().splitlines()
    assert "失败，签名校验失败" in lines[0]
    assert "已接收" in lines[1]
    assert "无法读取文件" in lines[2]
    assert Submission.objects.get().indicators["hazards_found"] == 3


def test_report_subordinate_refuses_a_bad_key_and_lists_and_disables(county, city):
    with pytest.raises(CommandError, match="公钥"):
        run("report_subordinate", "add", "430626", "--key", "abc")
    run("report_subordinate", "add", "430626", "--key", public_b64(Ed25519PrivateKey.generate()))
    assert "430626\t平江县" in run("report_subordinate", "list")
    run("report_subordinate", "disable", "430626")
    assert not Subordinate.objects.get().is_active
    with pytest.raises(CommandError, match="add、list"):
        run("report_subordinate", "remove", "430626")

"""The package: built from a county's real facts, accepted by the city, figures equal to ``compute()``;
its signature over the canonical JSON (a changed figure, region or key is refused, nothing stored);
every other refusal; idempotent re-import; a later package supersedes the earlier one."""

from __future__ import annotations

import base64
import json
import os
import stat
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from anjian.core.models import AuditEntry
from anjian.reporting import keys
from anjian.reporting.models import Channel, Submission
from anjian.reporting.package import PackageError, build_package
from anjian.reporting.services import submission_import
from anjian.stats.compute import compute, jsonable
from anjian.stats.scope import build_scope

from .conftest import CITY, canonical, fabricate, kid, public_b64, raw, register, sign

pytestmark = pytest.mark.django_db

H1 = {"date_from": "2024-01-01", "date_to": "2024-06-30", "as_of": "2024-06-30"}


def _h1_package() -> dict[str, Any]:
    return build_package(region="430626", **H1)


# --- the round trip ------------------------------------------------------------------------------------


def test_a_countys_package_is_accepted_by_the_city_with_the_figures_compute_gives(facts, city, deployment_key):
    package = _h1_package()
    assert package["format"] == "anjian-report/1"
    assert (package["region"], package["region_name"], package["from"], package["to"], package["as_of"]) == (
        "430626", "平江县", "2024-01-01", "2024-06-30", "2024-06-30")
    # Parts by township: the county's two townships.
    assert {"430626101", "430626102"} <= set(package["parts"])
    assert package["part_names"]["430626101"] == "安定镇"
    # The signature is Ed25519 by this deployment's key over the canonical JSON of all but the signature.
    body = {k: v for k, v in package.items() if k != "signature"}
    deployment_key.public_key().verify(base64.b64decode(package["signature"]), canonical(body))
    assert package["key_id"] == kid(deployment_key)

    register("430626", public_b64(deployment_key), "平江县")
    done = submission_import(raw=raw(package), channel=Channel.UPLOAD, actor=city.users["admin"])

    assert done.created
    stored = Submission.objects.get()
    expected = jsonable(compute(build_scope(region="430626", **H1)))
    assert stored.indicators == expected
    # The figures of the fixture county, worked by hand in tests/stats (a few of them, as a cross-check).
    assert (stored.indicators["hazards_general_found"], stored.indicators["hazards_found"]) == (3, 5)
    assert stored.indicators["fines_yuan"] == "379100.00"
    for code in ("430626101", "430626102"):
        township = jsonable(compute(build_scope(region=code, **H1)))
        assert stored.parts[code]["hazards_found"] == township["hazards_found"]
        assert stored.parts[code]["fines_yuan"] == township["fines_yuan"]
    assert (stored.received_by, stored.channel, stored.as_of.isoformat()) == (city.users["admin"], "upload",
                                                                              "2024-06-30")


def test_the_key_is_generated_once_into_var_with_mode_600(settings, tmp_path):
    settings.ANJIAN_REPORT_KEY = ""
    settings.VAR_DIR = tmp_path / "fresh"
    keys._load.cache_clear()
    first = keys.public_b64()
    path = tmp_path / "fresh" / "report_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    keys._load.cache_clear()
    assert keys.public_b64() == first  # read back, not generated again
    seed = bytes.fromhex(path.read_text().strip())
    assert public_b64(Ed25519PrivateKey.from_private_bytes(seed)) == first


def test_a_configured_key_is_used(deployment_key):
    assert keys.public_b64() == public_b64(deployment_key)
    # RFC 8032 test vector 1: this secret key has this public key.
    assert base64.b64decode(keys.public_b64()).hex() == (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")


# --- refusals: nothing stored ------------------------------------------------------------------------


def _refused(city, content: bytes | str, message: str) -> None:
    before = (Submission.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PackageError, match=message):
        submission_import(raw=content, channel=Channel.UPLOAD, actor=city.users["admin"])
    assert (Submission.objects.count(), AuditEntry.objects.count()) == before


@pytest.fixture
def pingjiang_key(city) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    register("430626", key, "平江县")
    return key


def test_a_changed_figure_is_refused(city, pingjiang_key):
    package = fabricate("430626", pingjiang_key, hazards_found=10)
    package["indicators"]["hazards_found"] = 9
    _refused(city, raw(package), "签名校验失败")


def test_a_changed_figure_in_a_part_is_refused(city, pingjiang_key):
    from .conftest import zeros

    body = fabricate("430626", pingjiang_key)
    body["parts"] = {"430626101": zeros()}
    package = sign(body, pingjiang_key)
    package["parts"]["430626101"]["units"] = 1
    _refused(city, raw(package), "签名校验失败")


def test_a_changed_region_is_refused_even_when_that_region_has_the_same_key(city, pingjiang_key):
    # 岳阳县 registered with the same public key: only the signature over the region can tell.
    register("430621", pingjiang_key, "岳阳县")
    package = fabricate("430626", pingjiang_key, hazards_found=10)
    package["region"] = "430621"
    _refused(city, raw(package), "签名校验失败")


def test_a_package_signed_with_another_key_is_refused(city, pingjiang_key):
    other = Ed25519PrivateKey.generate()
    _refused(city, raw(fabricate("430626", other)), "密钥不符")
    # … and claiming the registered key's id does not help: the signature does not verify with it.
    _refused(city, raw(sign({**fabricate("430626", other), "key_id": kid(pingjiang_key)}, other)), "签名校验失败")


def test_an_unsigned_package_is_refused(city, pingjiang_key):
    package = fabricate("430626", pingjiang_key)
    del package["signature"]
    _refused(city, raw(package), "没有签名")


def test_a_region_that_is_not_a_subordinate_is_refused(city, pingjiang_key):
    stranger = Ed25519PrivateKey.generate()
    _refused(city, raw(fabricate("430102", stranger)), "不是已登记的下级")


def test_a_stopped_subordinate_is_refused(city, pingjiang_key):
    from anjian.reporting.models import Subordinate

    Subordinate.objects.update(is_active=False)
    _refused(city, raw(fabricate("430626", pingjiang_key)), "已停用")


def test_another_offices_register_does_not_count(city, county, pingjiang_key):
    # 平江县 is the city's subordinate, not 芙蓉区's: 芙蓉区's county admin cannot accept its package.
    before = Submission.objects.count()
    with pytest.raises(PackageError, match="不是已登记的下级"):
        submission_import(raw=raw(fabricate("430626", pingjiang_key)), channel=Channel.UPLOAD,
                          actor=county.users["other_county_admin"])
    assert Submission.objects.count() == before


@pytest.mark.parametrize(("content", "message"), [
    (b"{\"format\": \"anjian-report/1\", ", "不是有效的 JSON"),
    (b"\xff\xfe\x00", "不是 UTF-8"),
    (b"[1, 2]", "应为 JSON 对象"),
    (json.dumps({"format": "anjian-report/2", "region": "430626"}).encode(), "格式不支持"),
    (json.dumps({"region": "430626"}).encode(), "缺少 format"),
])
def test_what_is_not_a_package_is_refused(city, pingjiang_key, content, message):
    _refused(city, content, message)


def test_a_missing_indicator_is_refused(city, pingjiang_key):
    body = fabricate("430626", pingjiang_key)
    del body["indicators"]["hazards_found"]
    _refused(city, raw(sign(body, pingjiang_key)), r"hazards_found（排查隐患总数）缺失")


@pytest.mark.parametrize(("code", "value", "message"), [
    ("hazards_found", "10", "应为非负整数"),
    ("hazards_found", 1.5, "应为非负整数"),
    ("hazards_found", True, "应为非负整数"),
    ("hazards_found", -1, "应为非负整数"),
    ("fines_yuan", 379100, "金额文本"),
    ("fines_yuan", "37.91万元", "金额文本"),
    ("rectification_rate", "70%", "0 至 1 之间"),
    ("rectification_rate", 70, "0 至 1 之间"),
])
def test_an_indicator_of_the_wrong_type_is_refused(city, pingjiang_key, code, value, message):
    body = fabricate("430626", pingjiang_key)
    body["indicators"][code] = value
    _refused(city, raw(sign(body, pingjiang_key)), message)


def test_from_after_to_is_refused(city, pingjiang_key):
    package = fabricate("430626", pingjiang_key, date_from="2026-03-31", date_to="2026-03-01")
    _refused(city, raw(package), "起始日期 2026-03-31 晚于截止日期")


# --- the same package again; a later one ----------------------------------------------------------------


def test_the_same_package_twice_is_stored_once(city, pingjiang_key):
    package = fabricate("430626", pingjiang_key, hazards_found=10)
    first = submission_import(raw=raw(package), channel=Channel.UPLOAD, actor=city.users["admin"])
    # Saved again compactly (another file, the same package): recognised by its canonical hash.
    again = submission_import(raw=json.dumps(package), channel=Channel.CLI)
    assert first.created and not again.created
    assert "已接收过" in again.message
    assert again.submission.pk == first.submission.pk
    assert Submission.objects.count() == 1


def test_a_later_package_for_the_same_period_supersedes_and_history_is_kept(city, pingjiang_key):
    from anjian.reporting.selectors import history, summary

    march = fabricate("430626", pingjiang_key, hazards_found=10, generated_at="2026-04-01T09:00:00+08:00")
    corrected = fabricate("430626", pingjiang_key, hazards_found=12, generated_at="2026-04-03T09:00:00+08:00")
    april = fabricate("430626", pingjiang_key, date_from="2026-04-01", date_to="2026-04-30", hazards_found=4)
    a = submission_import(raw=raw(march), channel=Channel.UPLOAD, actor=city.users["admin"]).submission
    o = submission_import(raw=raw(april), channel=Channel.UPLOAD, actor=city.users["admin"]).submission
    b = submission_import(raw=raw(corrected), channel=Channel.UPLOAD, actor=city.users["admin"]).submission
    a.refresh_from_db()
    o.refresh_from_db()
    assert a.superseded_by == b and b.superseded_by is None
    assert o.superseded_by is None  # another period: not touched
    assert [s.pk for s in history(b)] == [b.pk, a.pk]
    s = summary(city.users["admin"], b.date_from, b.date_to)
    assert [r.submission.pk for r in s.rows if r.submission] == [b.pk]
    assert s.total["hazards_found"] == 12


def test_an_older_package_received_late_goes_into_the_history(city, pingjiang_key):
    newer = fabricate("430626", pingjiang_key, hazards_found=12, generated_at="2026-04-03T09:00:00+08:00")
    older = fabricate("430626", pingjiang_key, hazards_found=10, generated_at="2026-04-01T09:00:00+08:00")
    n = submission_import(raw=raw(newer), channel=Channel.UPLOAD, actor=city.users["admin"]).submission
    late = submission_import(raw=raw(older), channel=Channel.UPLOAD, actor=city.users["admin"])
    n.refresh_from_db()
    assert n.superseded_by is None
    assert late.submission.superseded_by == n
    assert "记入历史" in late.message


def test_the_stored_package_still_verifies(city, pingjiang_key):
    package = fabricate("430626", pingjiang_key, hazards_found=10)
    stored = submission_import(raw=raw(package), channel=Channel.UPLOAD, actor=city.users["admin"]).submission
    kept = json.loads(stored.package)
    Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64(pingjiang_key))).verify(
        base64.b64decode(kept["signature"]), canonical({k: v for k, v in kept.items() if k != "signature"}))
    assert stored.subordinate.upper_region == CITY


def test_the_source_is_the_deployment_name_else_the_region_name(county, settings):
    settings.ANJIAN_DEPLOYMENT_NAME = ""
    assert build_package(region="430626", **H1)["source"] == "平江县"
    settings.ANJIAN_DEPLOYMENT_NAME = "平江县应急管理局"
    assert build_package(region="430626", **H1)["source"] == "平江县应急管理局"

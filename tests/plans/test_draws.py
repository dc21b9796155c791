"""双随机 draws (DOMAIN.md §3.5): pools, reproducibility, 回避, validation, publication, audit.

Expected pools and numbers are worked out from the fixture county by hand (tests/conftest.py:
安定镇 has 汇丰化工 (危化, 重点, B) and 安定建筑 (建筑, in 小田村); 三市镇 has 花炮批发部 (烟花爆竹,
重点, C) and 宏远建设 (建筑); 芙蓉区 has 长岛商贸). The reference draw below follows the recipe
written in docs/decisions.md, independently of anjian.plans.services.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine

from anjian.core.models import AuditEntry
from anjian.plans.models import Draw
from anjian.plans.selectors import PoolFilters, pool_inspectors, pool_units
from anjian.plans.services import (
    DrawData,
    PermissionDenied,
    PlanError,
    draw_create,
    draw_publish,
    draw_recompute,
    draw_verify,
    run_draw,
)
from anjian.units.models import UnitStatus
from tests.plans.conftest import ids, official

JUNE = dt.datetime(2026, 6, 16, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def reference_draw(seed, unit_pool, inspector_pool, excluded, target, m):
    """The documented recipe, written out again: anyone with the stored data can run this."""
    rng = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big"))
    units = rng.sample(unit_pool, target)
    out = []
    for u in units:
        eligible = sorted(set(inspector_pool) - set(excluded.get(str(u), [])))
        out.append({"unit": u, "inspectors": rng.sample(eligible, m)})
    return out


def reference_hash(d: Draw) -> str:
    payload = {"seed": d.seed, "unit_pool": d.unit_pool, "inspector_pool": d.inspector_pool,
               "excluded": d.excluded, "result": d.result}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                          .encode()).hexdigest()


def unit_ids(county, *keys):
    return sorted(county.units[k].pk for k in keys)


def data(**kw):
    base = {"title": "2026年第二季度双随机抽查", "unit_target": 2}
    base.update(kw)
    return DrawData(**base)


# --- pools ----------------------------------------------------------------------------------------


def test_unit_pool_follows_scope(county, officials):
    pool = lambda persona, **f: list(pool_units(county.users[persona], PoolFilters(**f)).values_list("id", flat=True))  # noqa: E731
    assert pool("county_admin") == unit_ids(county, "chem_a", "build_a", "fire_b", "build_b")
    # 应急管理局 supervises 危险化学品 and 烟花爆竹 (管行业必须管安全).
    assert pool("department") == unit_ids(county, "chem_a", "fire_b")
    assert pool("zhujian") == unit_ids(county, "build_a", "build_b")
    assert pool("township") == unit_ids(county, "chem_a", "build_a")
    assert pool("other_county_admin") == [county.units["other"].pk]


def test_unit_pool_filters(county, officials):
    admin = county.users["county_admin"]
    pool = lambda **f: list(pool_units(admin, PoolFilters(**f)).values_list("id", flat=True))  # noqa: E731
    assert pool(township="430626102") == unit_ids(county, "fire_b", "build_b")
    assert pool(sectors=["construction"]) == unit_ids(county, "build_a", "build_b")
    assert pool(sectors=["construction", "fireworks"]) == unit_ids(county, "build_a", "fire_b", "build_b")
    assert pool(risk_classes=["B"]) == unit_ids(county, "chem_a")
    assert pool(risk_classes=["B", "C"]) == unit_ids(county, "chem_a", "fire_b")
    assert pool(key_supervision=True) == unit_ids(county, "chem_a", "fire_b")
    assert pool(township="430626101", key_supervision=True) == unit_ids(county, "chem_a")
    assert pool(township="430626102", sectors=["hazardous_chemicals"]) == []
    # Closed and deregistered units are never drawn.
    county.units["build_b"].status = UnitStatus.CLOSED
    county.units["build_b"].save()
    county.units["build_a"].is_active = False
    county.units["build_a"].save()
    assert pool() == unit_ids(county, "chem_a", "fire_b")


def test_inspector_pool(county, officials):
    pool = lambda persona: list(pool_inspectors(county.users[persona]).values_list("id", flat=True))  # noqa: E731
    # The county office draws from every organisation of the county: 4 + 2 + 3 available officials.
    assert pool("county_admin") == ids(officials.office + officials.yingji + officials.town_a)
    assert pool("department") == ids(officials.yingji)
    assert pool("township") == ids(officials.town_a)
    assert pool("township_b") == []
    assert pool("other_county_admin") == ids(officials.others[2:4])


# --- the draw ---------------------------------------------------------------------------------


def test_draw_stores_everything_and_is_reproducible(county, officials):
    admin = county.users["county_admin"]
    with time_machine.travel(JUNE, tick=False):
        d = draw_create(actor=admin, data=data(unit_target=3, sectors=["construction", "fireworks"]))
    d.refresh_from_db()
    assert d.number == "SJ430626202600001"
    assert (d.org, d.region_code, d.created_by) == (county.office, "430626000000", admin)
    assert len(d.seed) == 64 and int(d.seed, 16) >= 0
    assert d.filters == {"township": "", "sectors": ["construction", "fireworks"], "risk_classes": [],
                         "key_supervision": False, "not_in_annual_plan": None}
    assert d.unit_pool == unit_ids(county, "build_a", "fire_b", "build_b")
    assert d.inspector_pool == ids(officials.office + officials.yingji + officials.town_a)
    assert d.excluded == {str(u): [] for u in d.unit_pool}
    assert d.result == reference_draw(d.seed, d.unit_pool, d.inspector_pool, d.excluded, 3, 2)
    assert len({r["unit"] for r in d.result}) == 3
    assert all(len(set(r["inspectors"])) == 2 for r in d.result)
    assert d.result_hash == reference_hash(d)
    assert draw_recompute(d) == d.result
    assert draw_verify(d) == []
    assert d.published_at is None
    with time_machine.travel(JUNE, tick=False):
        assert draw_create(actor=admin, data=data()).number == "SJ430626202600002"


def test_same_seed_same_result_other_seed_differs(county, officials):
    units = list(range(1, 31))
    people = list(range(101, 113))
    excluded = {"5": [101, 102], "7": [103]}
    seed = "ab" * 32
    first = run_draw(seed=seed, unit_pool=units, inspector_pool=people, excluded=excluded, unit_target=10,
                     inspectors_per_unit=3)
    again = run_draw(seed=seed, unit_pool=list(units), inspector_pool=list(people), excluded=dict(excluded),
                     unit_target=10, inspectors_per_unit=3)
    assert first == again == reference_draw(seed, units, people, excluded, 10, 3)
    other = run_draw(seed="cd" * 32, unit_pool=units, inspector_pool=people, excluded=excluded, unit_target=10,
                     inspectors_per_unit=3)
    assert other != first
    # A stored draw and a copy with the same seed and pools give the same result.
    d = draw_create(actor=county.users["county_admin"], data=data(unit_target=4))
    copy = Draw(seed=d.seed, unit_pool=d.unit_pool, inspector_pool=d.inspector_pool, excluded=d.excluded,
                unit_target=4, inspectors_per_unit=2)
    assert draw_recompute(copy) == d.result


def test_seed_comes_from_secrets(county, officials, monkeypatch):
    seeds = iter(["11" * 32, "22" * 32])
    monkeypatch.setattr("anjian.plans.services.secrets.token_hex", lambda n: next(seeds))
    a = draw_create(actor=county.users["department"], data=data(unit_target=1, inspectors_per_unit=2))
    assert a.seed == "11" * 32
    # The pools, written out by hand: 应急管理局's two units and its two officials.
    assert a.result == reference_draw("11" * 32, unit_ids(county, "chem_a", "fire_b"), ids(officials.yingji), {}, 1, 2)


def test_avoidance_between_draws(county, officials):
    """回避: a unit never gets an inspector of its most recent earlier draw (any office of the county)."""
    admin, anding = county.users["county_admin"], county.users["township"]
    # 安定镇 gets 3 more officials: even if the county gave a unit 3 of its people, 3 are left for it.
    officials.town_a += [official(f"安定执法{i}", county.town_a, f"4306262{i:03d}") for i in range(4, 7)]
    first = draw_create(actor=admin, data=data(unit_target=4, inspectors_per_unit=3))
    got = {r["unit"]: r["inspectors"] for r in first.result}
    for _ in range(4):
        d = draw_create(actor=admin, data=data(unit_target=4, inspectors_per_unit=3))
        now = {r["unit"]: r["inspectors"] for r in d.result}
        assert d.excluded == {str(u): sorted(got[u]) for u in d.unit_pool}
        for unit in now:
            assert not set(now[unit]) & set(got[unit]), unit
        got = now
    # 安定镇 draws its two units with its own officials; the county's next draw avoids those for them,
    # and for the 三市镇 units still the county's previous inspectors.
    town = draw_create(actor=anding, data=data(unit_target=2, inspectors_per_unit=2))
    assert {r["unit"] for r in town.result} == set(unit_ids(county, "chem_a", "build_a"))
    assert all(set(r["inspectors"]) <= set(ids(officials.town_a)) for r in town.result)
    by_town = {r["unit"]: sorted(r["inspectors"]) for r in town.result}
    last = draw_create(actor=admin, data=data(unit_target=4, inspectors_per_unit=2))
    for u in unit_ids(county, "chem_a", "build_a"):
        assert last.excluded[str(u)] == by_town[u]
    for u in unit_ids(county, "fire_b", "build_b"):
        assert last.excluded[str(u)] == sorted(got[u])
    for r in last.result:
        assert not set(r["inspectors"]) & set(last.excluded[str(r["unit"])])


# --- validation writes nothing ----------------------------------------------------------------------


def _counts():
    return Draw.objects.count(), AuditEntry.objects.filter(action__startswith="draw.").count()


@pytest.mark.parametrize(
    ("persona", "kw", "field", "words"),
    [
        ("county_admin", {"unit_target": 0}, "unit_target", "至少为 1"),
        ("county_admin", {"unit_target": 5}, "unit_target", "超过符合条件的单位数（4）"),
        ("county_admin", {"unit_target": 2, "risk_classes": ["B"]}, "unit_target", "超过符合条件的单位数（1）"),
        ("county_admin", {"inspectors_per_unit": 1}, "inspectors_per_unit", "第四十二条"),
        ("county_admin", {"inspectors_per_unit": 10}, "inspectors_per_unit", "只有 9 人"),
        ("department", {"unit_target": 1, "inspectors_per_unit": 3}, "inspectors_per_unit", "只有 2 人"),
        ("township", {"township": "430626102"}, "township", "不在您的管辖范围内"),
        ("county_admin", {"title": "  "}, "title", "请填写名称"),
        ("county_admin", {"sectors": ["no_such"]}, "sectors", "no_such"),
        ("county_admin", {"risk_classes": ["E"]}, "risk_classes", "A、B、C、D"),
    ],
)
def test_invalid_draw_writes_nothing(county, officials, persona, kw, field, words):
    before = _counts()
    with pytest.raises(PlanError) as exc:
        draw_create(actor=county.users[persona], data=data(**kw))
    assert any(words in m for m in exc.value.errors[field]), exc.value.errors
    assert _counts() == before
    # The refused draw gave its number back: the next one is the county's first of the year.
    assert draw_create(actor=county.users["county_admin"], data=data()).number.endswith("00001")


def test_too_few_inspectors_after_avoidance(county, officials):
    yingji = county.users["department"]
    draw_create(actor=yingji, data=data(unit_target=1))  # both of 应急管理局's officials go to one unit
    before = _counts()
    with pytest.raises(PlanError) as exc:
        draw_create(actor=yingji, data=data(unit_target=1))
    assert "回避上次检查人员后，有 1 家单位可抽取的检查人员少于 2 人" in exc.value.errors["inspectors_per_unit"][0]
    assert _counts() == before


@pytest.mark.parametrize("persona", ["leader", "auditor", "sysadmin", "grid_worker", "unit_staff", "expert"])
def test_roles_that_may_not_draw(county, officials, persona):
    with pytest.raises(PermissionDenied):
        draw_create(actor=county.users[persona], data=data())
    assert _counts() == (0, 0)


# --- publication and audit --------------------------------------------------------------------------


def test_publish_once_and_audit(county, officials):
    admin = county.users["county_admin"]
    d = draw_create(actor=admin, data=data())
    created = AuditEntry.objects.get(action="draw.create", object_id=str(d.pk))
    assert created.actor == admin and created.object_type == "plans.draw"
    assert created.changes["number"] == d.number and created.changes["seed"] == d.seed
    assert created.changes["result_hash"] == d.result_hash
    assert (created.changes["unit_pool_size"], created.changes["inspector_pool_size"]) == (4, 9)
    with pytest.raises(PermissionDenied):
        draw_publish(actor=county.users["department"], draw=d)  # not the drawing office
    with pytest.raises(PermissionDenied):
        draw_publish(actor=county.users["leader"], draw=d)
    with pytest.raises(PermissionDenied):
        draw_publish(actor=county.users["other_county_admin"], draw=d)
    with time_machine.travel(JUNE, tick=False):
        draw_publish(actor=admin, draw=d)
    d.refresh_from_db()
    assert d.published_at == JUNE
    with pytest.raises(PlanError) as exc:
        draw_publish(actor=admin, draw=d)
    assert "已于 2026-06-16 09:30 公开" in exc.value.errors["published_at"][0]
    published = AuditEntry.objects.filter(action="draw.publish", object_id=str(d.pk))
    assert published.count() == 1 and published.get().actor == admin


def test_a_township_publishes_its_own_draw(county, officials):
    d = draw_create(actor=county.users["township"], data=data())
    draw_publish(actor=county.users["township"], draw=d)
    assert Draw.objects.get(pk=d.pk).published_at is not None


def test_tampered_draw_is_not_published(county, officials):
    admin = county.users["county_admin"]
    d = draw_create(actor=admin, data=data())
    result = [dict(r) for r in d.result]
    result[0]["inspectors"] = list(reversed(result[0]["inspectors"]))
    Draw.objects.filter(pk=d.pk).update(result=result)
    d.refresh_from_db()
    with pytest.raises(PlanError) as exc:
        draw_publish(actor=admin, draw=d)
    assert "验证未通过" in exc.value.errors["published_at"][0]
    assert Draw.objects.get(pk=d.pk).published_at is None

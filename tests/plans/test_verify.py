"""``draw_verify`` and ``anjian verify-draws`` catch a draw changed in the database."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anjian.plans.models import Draw
from anjian.plans.services import DrawData, draw_create, draw_verify

RESULT_DIFFERS = "抽取结果与按随机种子和名录库重新抽取的结果不一致"
HASH_DIFFERS = "结果哈希不一致：随机种子、名录库、回避人员或抽取结果在抽取后被修改"


@pytest.fixture
def draws(county, officials):
    admin = county.users["county_admin"]
    return [draw_create(actor=admin, data=DrawData(title=f"第{i}次", unit_target=2)) for i in (1, 2)]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_draws", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return exc.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_sound_draws_pass(draws):
    assert [draw_verify(d) for d in draws] == [[], []]
    code, out, err = run()
    assert code == 0 and "校验 2 次抽查" in out and err == ""


def test_changed_result_is_listed(draws):
    d = draws[0]
    swapped = [dict(r) for r in d.result]
    # Another unit of the pool in place of the first drawn one.
    other = next(u for u in d.unit_pool if u not in {r["unit"] for r in d.result})
    swapped[0]["unit"] = other
    Draw.objects.filter(pk=d.pk).update(result=swapped)
    d.refresh_from_db()
    assert draw_verify(d) == [RESULT_DIFFERS, HASH_DIFFERS]
    assert draw_verify(draws[1]) == []
    code, _, err = run()
    assert code == 1
    assert f"{d.number}：{RESULT_DIFFERS}" in err and f"{d.number}：{HASH_DIFFERS}" in err
    assert draws[1].number not in err
    assert run(draws[1].number)[0] == 0  # only the named draw
    assert run(d.number)[0] == 1


def test_changed_pool_is_listed(draws):
    d = draws[1]
    # An inspector added to the pool after the fact: the same seed now draws differently, or the hash shows it.
    Draw.objects.filter(pk=d.pk).update(inspector_pool=[*d.inspector_pool, 999999])
    d.refresh_from_db()
    assert HASH_DIFFERS in draw_verify(d)
    assert run()[0] == 1


def test_rehashed_forgery_is_caught_by_the_audit_entry(draws):
    """Seed, result and hash all rewritten to agree: the hash recorded when the draw was made differs."""
    from anjian.plans.services import draw_hash, run_draw

    d = draws[0]
    d.seed = "00" * 32
    d.result = run_draw(seed=d.seed, unit_pool=d.unit_pool, inspector_pool=d.inspector_pool, excluded=d.excluded,
                        unit_target=d.unit_target, inspectors_per_unit=d.inspectors_per_unit)
    d.result_hash = draw_hash(d)
    Draw.objects.filter(pk=d.pk).update(seed=d.seed, result=d.result, result_hash=d.result_hash)
    d.refresh_from_db()
    assert draw_verify(d) == ["结果哈希与抽取时审计记录中的哈希不一致"]
    code, _, err = run()
    assert code == 1 and d.number in err


def test_unknown_number(draws):
    with pytest.raises(CommandError, match="未找到抽查：SJ000"):
        call_command("verify_draws", "SJ000")

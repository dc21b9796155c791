from __future__ import annotations

import pytest
from django.core.management import call_command

from anjian.core.events import verify_all
from anjian.hazards.models import Hazard, HazardEvent, Level, Status
from anjian.hazards.services import (
    HazardError,
    hazard_claim,
    hazard_plan,
    hazard_sign,
    hazard_submit,
    hazard_verify,
)
from anjian.hazards.workflow import StepDenied
from tests.hazards.conftest import photo

PLAN = {
    "goal": "消除",
    "measures": "更换",
    "funds": "5万元",
    "people": "安全科",
    "time_limit": "30日",
    "safety": "停用",
}


def test_general_hazard_full_loop(county, report):
    h = report()
    assert h.status == Status.REPORTED and h.number.startswith("YH430626")
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=h)
    hazard_submit(actor=staff, hazard=h, note="已清理", files=[photo("after.jpg", (0, 200, 0))])
    h = hazard_verify(
        actor=county.users["township"],
        hazard=h,
        passed=True,
        note="现场核实已整改",
        files=[photo("check.jpg", (0, 0, 200))],
    )
    assert h.status == Status.CLOSED and h.closed_on is not None
    kinds = list(h.events.values_list("kind", flat=True))
    assert kinds == ["report", "claim", "submit", "verify_pass"]
    assert list(verify_all()) == []


def test_failed_verification_returns_to_rectifying_with_reason(county, report):
    h = report()
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=h)
    hazard_submit(actor=staff, hazard=h, note="已清理", files=[photo()])
    with pytest.raises(HazardError):
        hazard_verify(actor=county.users["township"], hazard=h, passed=False, note="")
    h = hazard_verify(actor=county.users["township"], hazard=h, passed=False, note="仍有杂物")
    assert h.status == Status.RECTIFYING
    assert h.events.last().note == "仍有杂物"


def test_submit_needs_evidence_and_changes_nothing_without(county, report):
    h = report()
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=h)
    before = HazardEvent.objects.count()
    with pytest.raises(HazardError) as err:
        hazard_submit(actor=staff, hazard=h, note="已清理")
    assert "files" in err.value.errors
    h.refresh_from_db()
    assert h.status == Status.RECTIFYING and HazardEvent.objects.count() == before


def test_major_hazard_needs_plan_and_three_signatures(county, report):
    h = report(level=Level.MAJOR)
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=h)
    with pytest.raises(HazardError):
        hazard_submit(actor=staff, hazard=h, note="已整改", files=[photo()])
    hazard_plan(actor=staff, hazard=h, plan=PLAN)
    hazard_submit(actor=staff, hazard=h, note="已整改", files=[photo()])
    verifier = county.users["county_admin"]
    with pytest.raises(HazardError) as err:
        hazard_verify(actor=verifier, hazard=h, passed=True, note="合格", files=[photo()])
    assert "三方签字" in err.value.errors["signoffs"][0]
    hazard_sign(actor=staff, hazard=h, party="unit_principal")
    hazard_sign(actor=county.users["county_admin"], hazard=h, party="group_leader")
    with pytest.raises(StepDenied):
        hazard_sign(actor=staff, hazard=h, party="supervisor")
    hazard_sign(actor=county.users["township"], hazard=h, party="supervisor")
    h = hazard_verify(actor=verifier, hazard=h, passed=True, note="合格", files=[photo()])
    assert h.status == Status.CLOSED


def test_audit_verify_catches_edited_and_deleted_events(county, report, capsys):
    h = report()
    hazard_claim(actor=county.users["unit_staff"], hazard=h)
    call_command("audit", "verify")
    event = h.events.get(seq=1)
    HazardEvent.objects.filter(pk=event.pk).update(note="改过的描述")
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify")
    assert exit_.value.code == 1
    assert "被修改" in capsys.readouterr().err
    HazardEvent.objects.filter(pk=event.pk).update(note=event.note)
    call_command("audit", "verify")
    HazardEvent.objects.filter(hazard=h, seq=2).delete()
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "删除" in capsys.readouterr().err


def test_audit_verify_catches_a_deleted_middle_event(county, report, capsys):
    h = report()
    staff = county.users["unit_staff"]
    hazard_claim(actor=staff, hazard=h)
    hazard_submit(actor=staff, hazard=h, note="已清理", files=[photo()])
    HazardEvent.objects.filter(hazard=h, seq=2).delete()
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "序号不连续" in capsys.readouterr().err
    assert Hazard.objects.count() == 1

"""The to-do counts (待办) per persona, in one query, and the list they link to."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from anjian.hazards.models import Hazard, Level
from anjian.hazards.services import (
    hazard_claim,
    hazard_extend_request,
    hazard_plan,
    hazard_sign,
    hazard_submit,
    hazard_verify,
)
from anjian.web import todo
from tests.hazards.conftest import photo

PLAN = {
    "goal": "消除",
    "measures": "更换",
    "funds": "5万元",
    "people": "安全科",
    "time_limit": "30日",
    "safety": "停用",
}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def loop(county: Any, report: Any) -> dict[str, Hazard]:
    """汇丰化工 has one hazard in each state; 三市镇 has an overdue one."""
    today = timezone.localdate()
    staff = county.users["unit_staff"]
    reported = report(description="待认领的隐患")
    overdue = report(
        description="逾期的隐患", found_on=today - dt.timedelta(days=10), deadline=today - dt.timedelta(days=1)
    )
    hazard_claim(actor=staff, hazard=overdue)
    submitted = report(description="待验收的隐患")
    hazard_claim(actor=staff, hazard=submitted)
    hazard_submit(actor=staff, hazard=submitted, note="已整改", files=[photo()])
    extension = report(description="申请延期的隐患")
    hazard_claim(actor=staff, hazard=extension)
    hazard_extend_request(
        actor=staff, hazard=extension, new_deadline=extension.deadline + dt.timedelta(days=5), reason="备件未到"
    )
    major = report(description="重大隐患", level=Level.MAJOR)
    hazard_claim(actor=staff, hazard=major)
    hazard_plan(actor=staff, hazard=major, plan=PLAN)
    hazard_submit(actor=staff, hazard=major, note="已整改", files=[photo()])
    hazard_sign(actor=staff, hazard=major, party="unit_principal")
    elsewhere = report(
        unit="fire_b",
        description="三市镇逾期隐患",
        found_on=today - dt.timedelta(days=10),
        deadline=today - dt.timedelta(days=2),
    )
    return {
        "reported": reported,
        "overdue": overdue,
        "submitted": submitted,
        "extension": extension,
        "major": major,
        "elsewhere": elsewhere,
    }


def counts(user: Any) -> dict[str, int]:
    return {i.key: i.count for i in todo.items(user)}


@pytest.mark.parametrize(
    ("persona", "expected", "total"),
    [
        # The unit signs for, and rectifies, its own hazards; the major one it has signed already.
        ("unit_staff", {"claim": 1, "rectify": 2, "overdue": 1}, 3),
        # The township verifies, decides extensions and signs as the supervising party.
        ("township", {"verify": 2, "extension": 1, "sign": 1, "overdue": 1}, 4),
        ("township_b", {"overdue": 1}, 1),
        ("county_admin", {"verify": 2, "extension": 1, "sign": 1, "overdue": 2}, 5),
        ("department", {"verify": 2, "extension": 1, "sign": 1, "overdue": 2}, 5),  # 应急局: chemicals, fireworks
        ("zhujian", {}, 0),  # 住建局: no construction hazards
        ("grid_worker", {"overdue": 1}, 1),
        ("leader", {"overdue": 2}, 2),
        ("expert", {}, 0),
        ("auditor", {}, 0),
        ("sysadmin", {}, 0),
        ("other_county_admin", {}, 0),
    ],
)
def test_counts_per_persona(county, loop, persona, expected, total):
    user = county.users[persona]
    assert counts(user) == expected
    assert todo.count(user) == total


def test_one_query_for_all_the_counts(county, loop, django_assert_num_queries):
    for persona in ("unit_staff", "county_admin", "township"):
        user = county.users[persona]
        with django_assert_num_queries(1):
            todo.items(user)
        with django_assert_num_queries(1):
            todo.count(user)


def test_signing_clears_the_item_and_a_failed_verification_asks_again(county, loop):
    township, staff = county.users["township"], county.users["unit_staff"]
    hazard_sign(actor=township, hazard=loop["major"], party="supervisor")
    assert "sign" not in counts(township)
    assert counts(county.users["county_admin"])["sign"] == 1  # the group leader has not signed yet
    hazard_verify(actor=township, hazard=loop["major"], passed=False, note="整改不到位")
    hazard_submit(actor=staff, hazard=loop["major"], note="再次整改", files=[photo()])
    # A new round of verification: every party signs again.
    assert counts(staff)["sign"] == 1 and counts(township)["sign"] == 1


def test_links_open_the_list_with_exactly_the_counted_hazards(client, county, loop):
    user = county.users["township"]
    client.force_login(user)
    for item in todo.items(user):
        response = client.get(item.url)
        assert response.status_code == 200 and response.context["page"].paginator.count == item.count, item.key
    response = client.get(reverse("hazards:list"), {"todo": "sign"})
    assert [h.pk for h in response.context["page"].object_list] == [loop["major"].pk]
    # An item that does not apply to the user is ignored, not an error.
    response = client.get(reverse("hazards:list"), {"todo": "claim"})
    assert response.status_code == 200 and response.context["todo_key"] == ""


def test_home_lists_the_items(client, county, loop):
    client.force_login(county.users["unit_staff"])
    body = client.get(reverse("home")).content.decode()
    assert "待签字认领" in body and "待整改" in body and "逾期未整改" in body and "上报隐患" in body

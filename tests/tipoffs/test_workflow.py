"""The tip-off workflow through the services: receive → check → close → reward, with every refusal.

Fixture county (tests/conftest.py): 汇丰化工 (危化, 安定镇), 安定建筑 (建筑, 安定镇 小田村), 花炮批发部 and
宏远建设 (三市镇), 长岛商贸 (芙蓉区, another county). The clock stands at 2026-06-16 (conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from anjian.core.models import AuditEntry
from anjian.hazards.models import Source
from anjian.tipoffs.models import AccidentLevel, Kind, Outcome, RewardStatus, Status, Tipoff
from anjian.tipoffs.selectors import TipoffFilters, is_overdue, tipoff_list
from anjian.tipoffs.services import (
    CloseData,
    PermissionDenied,
    TipoffError,
    scan_tipoffs,
    tipoff_close,
    tipoff_extend,
    tipoff_merge,
    tipoff_receive,
    tipoff_reward_approve,
    tipoff_reward_pay,
    tipoff_reward_propose,
    tipoff_start_check,
)
from tests.tipoffs.conftest import NAME, PHONE, TODAY, at, data, penalty, receive, row

HANDLERS = ["county_admin", "department", "township"]
NOT_HANDLERS = ["leader", "auditor", "sysadmin", "grid_worker", "unit_staff", "expert"]


def audit_actions(t):
    return list(AuditEntry.objects.filter(object_type="tipoffs.tipoff", object_id=str(t.pk))
                .order_by("at", "id").values_list("action", flat=True))


def close(county, t, outcome=Outcome.TRUE, persona="county_admin", **kw):
    note = kw.pop("note", "经现场核查，情况属实，已立案处罚")
    return tipoff_close(actor=county.users[persona], tipoff=t, data=CloseData(outcome=outcome, result_note=note, **kw))


def refused(exc_info, text):
    assert text in str(exc_info.value), str(exc_info.value)


# --- receive ----------------------------------------------------------------------------------


def test_happy_path(county):
    admin = county.users["county_admin"]
    t = receive(county)
    t.refresh_from_db()
    assert t.number == "JB430626202600001"
    assert (t.status, t.received_on, t.deadline, t.due_on) == (Status.RECEIVED, TODAY, dt.date(2026, 8, 15),
                                                               dt.date(2026, 8, 15))
    assert (t.org, t.received_by, t.region_code, t.unit_text) == (
        county.office, admin, county.units["chem_a"].region_code, "平江县汇丰化工有限公司")
    tipoff_start_check(actor=admin, tipoff=t, note="交安定镇会同应急局核查")
    assert t.status == Status.CHECKING
    action = penalty(county, "50000")
    close(county, t, action=action)
    t.refresh_from_db()
    assert (t.status, t.outcome, t.closed_on, t.action) == (Status.CLOSED, Outcome.TRUE, TODAY, action)
    tipoff_reward_propose(actor=admin, tipoff=t)
    t.refresh_from_db()
    assert (t.reward_status, t.reward_amount) == (RewardStatus.PROPOSED, Decimal("7500.00"))  # 50,000 × 15 %
    assert "罚款金额 50,000 元 × 15% = 7,500 元" in t.reward_basis
    tipoff_reward_approve(actor=admin, tipoff=t)
    t.refresh_from_db()
    assert (t.reward_status, t.reward_notified_on, t.reward_approved_by) == (RewardStatus.APPROVED, TODAY, admin)
    tipoff_reward_pay(actor=county.users["township"], tipoff=t)
    t.refresh_from_db()
    assert (t.reward_status, t.reward_paid_on) == (RewardStatus.PAID, TODAY)
    assert audit_actions(t) == ["tipoff.receive", "tipoff.start_check", "tipoff.close", "tipoff.reward_propose",
                                "tipoff.reward_approve", "tipoff.reward_pay"]
    close_entry = AuditEntry.objects.get(action="tipoff.close")
    assert close_entry.actor == admin and close_entry.changes["action"] == action.number
    assert close_entry.changes["outcome"] == "true"


def test_numbers_are_gap_free_and_invalid_input_writes_nothing(county):
    receive(county)
    with pytest.raises(TipoffError) as exc:
        receive(county, content="", real_name=True, reporter_name="", reporter_phone="abc")
    assert exc.value.errors == {
        "content": ["请填写举报内容（至少4个字）"],
        "reporter_name": ["实名举报须填写举报人姓名"],
        "reporter_phone": ["联系电话格式不正确"],
    }
    with pytest.raises(TipoffError) as exc:
        receive(county, received_on=TODAY + dt.timedelta(days=1))
    assert exc.value.errors == {"received_on": ["受理日期不能晚于今天"]}
    with pytest.raises(TipoffError) as exc:
        receive(county, unit=None, unit_text="", township="")
    assert exc.value.errors == {"unit_text": ["请选择被举报单位，或填写举报所称的单位（场所）名称"],
                                "township": ["未选择单位时须选择所在乡镇（街道）"]}
    assert Tipoff.objects.count() == 1
    assert receive(county).number == "JB430626202600002"
    assert AuditEntry.objects.filter(action="tipoff.receive").count() == 2


def test_without_a_unit_the_township_locates_it(county):
    t = receive(county, "department", unit=None, unit_text="安定镇某无名加油点", township="430626101")
    assert t.region_code == "430626101000" and t.unit is None
    with pytest.raises(TipoffError) as exc:
        receive(county, "township", unit=None, unit_text="三市镇某作坊", township="430626102")
    assert exc.value.errors == {"township": ["该乡镇不在您的管辖范围内"]}


def test_receive_scope_and_roles(county):
    # 住建局 does not supervise 汇丰化工 (危化): it may not name it.
    with pytest.raises(TipoffError) as exc:
        receive(county, "zhujian")
    assert exc.value.errors == {"unit": ["该单位不在您的管辖范围内"]}
    with pytest.raises(TipoffError) as exc:
        receive(county, "township_b")
    assert exc.value.errors == {"unit": ["该单位不在您的管辖范围内"]}
    for persona in NOT_HANDLERS:
        with pytest.raises(PermissionDenied) as denied:
            receive(county, persona)
        refused(denied, f"{county.users[persona].get_role_display()}无权办理举报")
    assert Tipoff.objects.count() == 0
    for persona in HANDLERS:
        assert receive(county, persona).org == county.users[persona].org


def test_reporter_never_goes_into_the_audit_trail(county):
    t = receive(county)
    penalty_action = penalty(county, "50000")
    close(county, t, action=penalty_action)
    tipoff_reward_propose(actor=county.users["county_admin"], tipoff=t)
    for e in AuditEntry.objects.filter(object_type="tipoffs.tipoff"):
        text = json.dumps(e.changes, ensure_ascii=False) + e.object_repr
        assert NAME not in text and PHONE not in text
    assert AuditEntry.objects.get(action="tipoff.receive").changes["real_name"] is True


# --- forbidden steps, by role and by state ---------------------------------------------------------


@pytest.mark.parametrize("persona", NOT_HANDLERS)
def test_read_only_and_outside_roles_take_no_step(county, persona):
    t = receive(county)
    before = row(t)
    user = county.users[persona]
    steps = [
        lambda: tipoff_start_check(actor=user, tipoff=t),
        lambda: tipoff_extend(actor=user, tipoff=t, days=10, reason="需要检测"),
        lambda: close(county, t, persona=persona),
        lambda: tipoff_reward_propose(actor=user, tipoff=t),
        lambda: tipoff_reward_approve(actor=user, tipoff=t),
        lambda: tipoff_reward_pay(actor=user, tipoff=t),
    ]
    for step in steps:
        with pytest.raises(PermissionDenied) as exc:
            step()
        refused(exc, f"{user.get_role_display()}无权办理举报")
    assert row(t) == before and audit_actions(t) == ["tipoff.receive"]


def test_another_township_and_another_county_are_outside(county):
    t = receive(county, "township")
    before = row(t)
    for persona in ("township_b", "other_county_admin"):
        with pytest.raises(PermissionDenied) as exc:
            tipoff_start_check(actor=county.users[persona], tipoff=t)
        refused(exc, "该举报不在您的管辖范围内")
    assert row(t) == before


def test_only_the_county_office_extends_and_approves(county):
    t = receive(county)
    before = row(t)
    for persona in ("township", "department"):
        with pytest.raises(PermissionDenied) as exc:
            tipoff_extend(actor=county.users[persona], tipoff=t, days=10, reason="需要检测")
        refused(exc, "只有县级管理员可以批准举报办理延期（须经上级批准）")
    assert row(t) == before
    close(county, t, action=penalty(county, "50000"))
    tipoff_reward_propose(actor=county.users["township"], tipoff=t)
    before = row(t)
    with pytest.raises(PermissionDenied) as exc:
        tipoff_reward_approve(actor=county.users["township"], tipoff=t)
    refused(exc, "只有县级管理员可以批准举报奖励")
    assert row(t) == before


def test_steps_out_of_order_are_refused_and_change_nothing(county):
    admin = county.users["county_admin"]
    t = receive(county)
    tipoff_start_check(actor=admin, tipoff=t)
    cases = [
        (lambda: tipoff_start_check(actor=admin, tipoff=t), "只有已受理的举报可以开始核查（当前：核查中）"),
        (lambda: tipoff_reward_propose(actor=admin, tipoff=t), "举报尚未办结，不能拟定奖励"),
        (lambda: tipoff_reward_approve(actor=admin, tipoff=t), "只有拟奖励的可以批准（当前：无）"),
        (lambda: tipoff_reward_pay(actor=admin, tipoff=t), "只有已批准的奖励可以发放（当前：无）"),
    ]
    for step, message in cases:
        before = row(t)
        with pytest.raises(TipoffError) as exc:
            step()
        refused(exc, message)
        assert row(t) == before
    close(county, t, action=penalty(county, "50000"))
    tipoff_reward_propose(actor=admin, tipoff=t)
    cases = [
        (lambda: close(county, t), "该举报已办结"),
        (lambda: tipoff_extend(actor=admin, tipoff=t, days=10, reason="需要检测"), "已办结的举报不能延期"),
        (lambda: tipoff_reward_pay(actor=admin, tipoff=t), "只有已批准的奖励可以发放（当前：拟奖励）"),
    ]
    for step, message in cases:
        before = row(t)
        with pytest.raises(TipoffError) as exc:
            step()
        refused(exc, message)
        assert row(t) == before
    tipoff_reward_approve(actor=admin, tipoff=t)
    before = row(t)
    with pytest.raises(TipoffError) as exc:
        tipoff_reward_propose(actor=admin, tipoff=t)
    refused(exc, "奖励已批准，不能重新拟定")
    tipoff_reward_pay(actor=admin, tipoff=t)
    with pytest.raises(TipoffError) as exc:
        tipoff_reward_pay(actor=admin, tipoff=t)
    refused(exc, "只有已批准的奖励可以发放（当前：已发放）")
    assert audit_actions(t) == ["tipoff.receive", "tipoff.start_check", "tipoff.close", "tipoff.reward_propose",
                                "tipoff.reward_approve", "tipoff.reward_pay"]


def test_no_reward_for_untrue_anonymous_or_unrewarded_reports(county):
    admin = county.users["county_admin"]
    untrue = receive(county)
    close(county, untrue, outcome=Outcome.FALSE, note="经核查，该厂持证经营，举报不属实")
    anonymous = receive(county, real_name=False, reporter_name="", reporter_phone="")
    close(county, anonymous, action=penalty(county, "50000"))
    general = receive(county, kind=Kind.GENERAL_HAZARD)
    close(county, general)
    for t, message in [
        (untrue, "核查结论为不属实，不予奖励（奖励须举报属实或部分属实）"),
        (anonymous, "匿名举报不予奖励（《安全生产领域举报奖励办法》：奖励有功的实名举报人）"),
        (general, "按规定不予奖励：举报一般隐患：《安全生产领域举报奖励办法》（安监总财〔2018〕19号）不奖励一般隐患"),
    ]:
        before = row(t)
        with pytest.raises(TipoffError) as exc:
            tipoff_reward_propose(actor=admin, tipoff=t)
        refused(exc, message)
        assert row(t) == before


def test_general_hazard_reward_from_the_local_setting(county, settings):
    settings.ANJIAN_TIPOFF_GENERAL_REWARD = "300"
    t = receive(county, kind=Kind.GENERAL_HAZARD)
    close(county, t, outcome=Outcome.PARTLY)
    tipoff_reward_propose(actor=county.users["county_admin"], tipoff=t)
    assert t.reward_amount == Decimal("300.00") and t.reward_status == RewardStatus.PROPOSED


def test_concealed_accident_reward(county):
    t = receive(county, kind=Kind.CONCEALED_ACCIDENT, content="该厂上月爆炸事故死亡3人，只上报1人")
    with pytest.raises(TipoffError) as exc:
        close(county, t)
    assert exc.value.errors == {"accident_level": ["举报瞒报谎报事故属实的，须填写最终确认的事故等级"]}
    close(county, t, accident_level=AccidentLevel.LARGER, accident_deaths=2)
    tipoff_reward_propose(actor=county.users["county_admin"], tipoff=t)
    assert t.reward_amount == Decimal("80000")  # 2 concealed deaths × 40,000 (较大事故)


def test_close_validates_its_links(county):
    t = receive(county)
    order = penalty(county, None, kind="order_rectify")
    other_unit = penalty(county, "1000", unit="fire_b")
    with pytest.raises(TipoffError) as exc:
        close(county, t, action=order, outcome="", note="")
    assert exc.value.errors == {
        "outcome": ["请选择核查结论：属实、部分属实或不属实"],
        "result_note": ["请填写办理结果（核查情况和处理意见，用于答复举报人）"],
        "action": ["奖励按罚款金额计算：关联的执法措施应为行政处罚"],
    }
    with pytest.raises(TipoffError) as exc:
        close(county, t, action=other_unit, accident_deaths=1)
    assert exc.value.errors == {"action": ["关联的行政处罚不属于被举报单位"],
                                "accident_level": ["只有举报瞒报谎报事故的填写事故等级和死亡人数"]}
    assert row(t)["status"] == Status.RECEIVED


def test_close_reports_a_general_hazard_from_the_public(county):
    t = receive(county, "township", kind=Kind.GENERAL_HAZARD, content="车间消防通道被货物堵塞")
    close(county, t, persona="township", hazard_deadline=TODAY + dt.timedelta(days=15))
    t.refresh_from_db()
    h = t.hazard
    assert h is not None and h.source == Source.PUBLIC and h.unit == county.units["chem_a"]
    assert h.level == "general" and h.deadline == dt.date(2026, 7, 1) and h.number.startswith("YH4306262026")
    # The hazard service NFKC-normalises its text (full-width brackets and colon become half-width).
    assert h.description == f"群众举报({t.number}):车间消防通道被货物堵塞"
    assert AuditEntry.objects.get(action="tipoff.close").changes["hazard_created"] is True
    major = receive(county, kind=Kind.MAJOR_HAZARD)
    with pytest.raises(TipoffError) as exc:
        close(county, major, hazard_deadline=TODAY + dt.timedelta(days=15))
    assert exc.value.errors == {"hazard_deadline": ["重大事故隐患请在隐患页面按判定标准上报，再在此关联隐患编号"]}
    # A hazard the service refuses (deadline before today) leaves the tip-off open.
    other = receive(county, kind=Kind.GENERAL_HAZARD)
    with pytest.raises(TipoffError) as exc:
        close(county, other, hazard_deadline=TODAY - dt.timedelta(days=1))
    assert exc.value.errors == {"hazard_deadline": ["整改期限不能早于发现日期"]}
    assert row(other)["status"] == Status.RECEIVED and row(other)["hazard_id"] is None


# --- extension and overdue -----------------------------------------------------------------------


def test_extension_once_and_at_most_thirty_days(county):
    admin = county.users["county_admin"]
    t = receive(county)
    before = row(t)
    with pytest.raises(TipoffError) as exc:
        tipoff_extend(actor=admin, tipoff=t, days=31, reason="")
    assert exc.value.errors == {"days": ["延长期限为 1 至 30 天"], "reason": ["请填写延期理由（须告知举报人延期理由）"]}
    with pytest.raises(TipoffError):
        tipoff_extend(actor=admin, tipoff=t, days=0, reason="需要检测")
    assert row(t) == before
    tipoff_extend(actor=admin, tipoff=t, days=30, reason="需委托检测机构检测")
    t.refresh_from_db()
    assert (t.extended_days, t.deadline, t.due_on, t.extension_approved_by) == (
        30, dt.date(2026, 8, 15), dt.date(2026, 9, 14), admin)
    before = row(t)
    with pytest.raises(TipoffError) as exc:
        tipoff_extend(actor=admin, tipoff=t, days=5, reason="再延")
    refused(exc, "该举报已延期一次（30 天），不能再次延期")
    assert row(t) == before
    entry = AuditEntry.objects.get(action="tipoff.extend")
    assert entry.changes == {"extended_days": [0, 30], "due_on": ["2026-08-15", "2026-09-14"],
                             "reason": "需委托检测机构检测"}


def test_overdue_after_the_deadline_and_its_extension(county):
    admin = county.users["county_admin"]
    old = receive(county, received_on=dt.date(2026, 4, 1))  # deadline 2026-05-31
    fresh = receive(county)
    done = receive(county, received_on=dt.date(2026, 4, 1))
    close(county, done)
    assert is_overdue(old) and not is_overdue(fresh) and not is_overdue(done)
    overdue = TipoffFilters(overdue=True)
    assert list(tipoff_list(admin, overdue)) == [old]
    tipoff_extend(actor=admin, tipoff=old, days=30, reason="需要检测")  # due 2026-06-30
    assert list(tipoff_list(admin, overdue)) == []
    assert list(tipoff_list(admin, overdue, today=dt.date(2026, 7, 1))) == [old]


# --- duplicates ------------------------------------------------------------------------------


def test_merge_rewards_the_first_real_name_report_once(county):
    admin = county.users["county_admin"]
    first = receive(county, received_on=dt.date(2026, 6, 1), real_name=False, reporter_name="", reporter_phone="")
    second = receive(county, received_on=dt.date(2026, 6, 5), reporter_name="王二")
    third = receive(county, received_on=dt.date(2026, 6, 10), reporter_name="张三")
    tipoff_merge(actor=admin, tipoff=second, into=first)
    tipoff_merge(actor=admin, tipoff=third, into=first, note="同一仓库")
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.duplicate_of, second.status, second.outcome) == (first, Status.CLOSED, "")
    assert second.result_note == f"重复举报，并入 {first.number} 办理" and third.result_note == "同一仓库"
    # Before the main report is concluded there is nothing to reward.
    with pytest.raises(TipoffError) as exc:
        tipoff_reward_propose(actor=admin, tipoff=second)
    refused(exc, "举报尚未办结，不能拟定奖励")
    close(county, first, action=penalty(county, "100000"))
    with pytest.raises(TipoffError) as exc:
        tipoff_reward_propose(actor=admin, tipoff=first)
    refused(exc, "匿名举报不予奖励")
    before = row(third)
    with pytest.raises(TipoffError) as exc:
        tipoff_reward_propose(actor=admin, tipoff=third)
    refused(exc, f"同一事项的重复举报只奖励最先受理的实名举报（{second.number}），本件不予奖励")
    assert row(third) == before
    # The first real-name report received is the duplicate 'second': it gets the reward of the matter.
    tipoff_reward_propose(actor=admin, tipoff=second)
    assert (second.reward_status, second.reward_amount) == (RewardStatus.PROPOSED, Decimal("15000.00"))
    assert audit_actions(first) == ["tipoff.receive", "tipoff.merged", "tipoff.merged", "tipoff.close"]
    assert audit_actions(second) == ["tipoff.receive", "tipoff.merge", "tipoff.reward_propose"]


def test_a_real_name_main_report_keeps_the_reward(county):
    admin = county.users["county_admin"]
    first = receive(county, received_on=dt.date(2026, 6, 1))
    later = receive(county, received_on=dt.date(2026, 6, 2), reporter_name="王二")
    tipoff_merge(actor=admin, tipoff=later, into=first)
    close(county, first, action=penalty(county, "10000"))
    with pytest.raises(TipoffError) as exc:
        tipoff_reward_propose(actor=admin, tipoff=later)
    refused(exc, f"只奖励最先受理的实名举报（{first.number}）")
    tipoff_reward_propose(actor=admin, tipoff=first)
    assert first.reward_amount == Decimal("3000")  # 10,000 × 15 % = 1,500 → the minimum


def test_merge_refusals(county):
    admin = county.users["county_admin"]
    early = receive(county, received_on=dt.date(2026, 6, 1))
    late = receive(county, received_on=dt.date(2026, 6, 9))
    cases = [
        (late, late, "不能与本件合并"),
        (early, late, f"{late.number}（2026-06-09 受理）晚于本件受理，应将后受理的举报合并到先受理的举报"),
    ]
    for tipoff, into, message in cases:
        before = row(tipoff)
        with pytest.raises(TipoffError) as exc:
            tipoff_merge(actor=admin, tipoff=tipoff, into=into)
        refused(exc, message)
        assert row(tipoff) == before
    tipoff_merge(actor=admin, tipoff=late, into=early)
    newest = receive(county)
    with pytest.raises(TipoffError) as exc:
        tipoff_merge(actor=admin, tipoff=newest, into=late)
    refused(exc, f"{late.number} 本身是 {early.number} 的重复举报，请合并到 {early.number}")
    with pytest.raises(TipoffError) as exc:
        tipoff_merge(actor=admin, tipoff=late, into=early)
    refused(exc, "已办结的举报不能再合并")
    with pytest.raises(PermissionDenied):
        tipoff_merge(actor=county.users["leader"], tipoff=newest, into=early)


def test_merging_a_main_report_moves_its_duplicates(county):
    admin = county.users["county_admin"]
    oldest = receive(county, received_on=dt.date(2026, 6, 1))
    main = receive(county, received_on=dt.date(2026, 6, 10))
    dup = receive(county, received_on=dt.date(2026, 6, 12))
    tipoff_merge(actor=admin, tipoff=dup, into=main)
    tipoff_merge(actor=admin, tipoff=main, into=oldest)
    dup.refresh_from_db()
    assert dup.duplicate_of == oldest
    assert AuditEntry.objects.filter(action="tipoff.merge", object_id=str(main.pk)).get().changes[
        "moved_duplicates"] == [dup.number]


# --- collecting the reward -----------------------------------------------------------------------


def approved(county, **kw):
    t = receive(county, **kw)
    close(county, t, action=penalty(county, "50000"))
    tipoff_reward_propose(actor=county.users["county_admin"], tipoff=t)
    tipoff_reward_approve(actor=county.users["county_admin"], tipoff=t)  # notified 2026-06-16
    return t


def test_payment_within_sixty_days_of_the_notice(county, clock):
    on_time = approved(county)
    late = approved(county)
    clock.move_to(at(dt.date(2026, 8, 15)))  # notice + 60 days: the last day
    tipoff_reward_pay(actor=county.users["county_admin"], tipoff=on_time)
    assert on_time.reward_paid_on == dt.date(2026, 8, 15)
    clock.move_to(at(dt.date(2026, 8, 16)))
    before = row(late)
    with pytest.raises(TipoffError) as exc:
        tipoff_reward_pay(actor=county.users["county_admin"], tipoff=late)
    refused(exc, "已超过领取期限（自 2026-06-16 通知起 60 日，至 2026-08-15），逾期未领取的视为放弃")
    assert row(late) == before
    # Paying today for a collection on the last day is still recorded.
    tipoff_reward_pay(actor=county.users["county_admin"], tipoff=late, paid_on=dt.date(2026, 8, 15))
    assert late.reward_status == RewardStatus.PAID


def test_scan_forfeits_uncollected_rewards_once(county, clock):
    t = approved(county)
    paid = approved(county)
    tipoff_reward_pay(actor=county.users["county_admin"], tipoff=paid)
    assert scan_tipoffs(dt.date(2026, 8, 15)).forfeited == []  # still the last day
    clock.move_to(at(dt.date(2026, 8, 16), hour=7))
    call_command("scan_tipoffs")
    t.refresh_from_db()
    assert t.reward_status == RewardStatus.FORFEITED
    paid.refresh_from_db()
    assert paid.reward_status == RewardStatus.PAID
    entry = AuditEntry.objects.get(action="tipoff.reward_forfeit")
    assert (entry.actor, entry.actor_name, entry.object_id) == (None, "系统", str(t.pk))
    assert entry.changes["collect_by"] == "2026-08-15"
    # Idempotent: a second run, and a later one, change nothing.
    assert scan_tipoffs().forfeited == []
    assert scan_tipoffs(dt.date(2026, 12, 1)).forfeited == []
    assert AuditEntry.objects.filter(action="tipoff.reward_forfeit").count() == 1
    with pytest.raises(TipoffError) as exc:
        tipoff_reward_pay(actor=county.users["county_admin"], tipoff=t)
    refused(exc, "只有已批准的奖励可以发放（当前：逾期未领）")


def test_scan_command_output(county, capsys):
    approved(county)
    call_command("scan_tipoffs", "--today", "2026-08-16")
    out = capsys.readouterr().out
    assert "2026-08-16 举报奖励扫描：逾期未领取、视为放弃 1 项" in out and "JB430626202600001" in out


def test_tipoff_receive_data_defaults(county):
    # The dataclass the forms fill: anonymous by default.
    t = tipoff_receive(actor=county.users["county_admin"], data=data(county, real_name=False, reporter_name="",
                                                                           reporter_phone=""))
    assert (t.real_name, t.employee, t.reporter_name) == (False, False, "")

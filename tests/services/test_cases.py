"""Case use cases on a real SQLite file: add, due dates, edit with conflicts, masking, audit."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import cases, preferences, stations
from stationdesk.store.models import AuditLog, HolidayOverride, MediationCase

CLERK = "李明"
TODAY = date(2026, 11, 24)
FULL_NAME, FULL_PHONE = "张三丰", "13812345678"


def _audit(desk: Any, table: str = "mediation_case") -> list[AuditLog]:
    with desk.db.reading() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.table_name == table).order_by(AuditLog.id)))


def _counts(desk: Any) -> tuple[int, int]:
    return desk.count(MediationCase), desk.count(AuditLog)


@pytest.fixture
def station(desk: Any) -> int:
    return desk.station()


# --- adding ----------------------------------------------------------------------------------


def test_a_case_is_saved_with_its_due_date_rule_and_who_entered_it(desk: Any, station: int) -> None:
    saved = cases.add_case(desk.db, desk.draft(station, date(2026, 3, 10)), CLERK, TODAY)
    assert saved.due_on == date(2026, 3, 19)  # 7 working days, the day of receipt not counted
    assert saved.number == f"2026-{saved.id:07d}"
    assert saved.warnings == ()
    detail = cases.get_case(desk.db, saved.id)
    assert detail.deadline_rule == "provincial"
    assert detail.due_on == date(2026, 3, 19)
    assert detail.created_by == detail.updated_by == CLERK
    assert detail.draft.consumer_name == FULL_NAME  # the case form shows the full data
    assert detail.draft.consumer_phone == FULL_PHONE
    assert detail.version == saved.version == 1


def test_adding_a_case_leaves_an_audit_row_with_the_actor_and_masked_consumer(desk: Any, station: int) -> None:
    saved = cases.add_case(desk.db, desk.draft(station, date(2026, 3, 10)), "赵敏", TODAY)
    [row] = _audit(desk)
    assert (row.username, row.action, row.row_id, row.station_id) == ("赵敏", "insert", saved.id, station)
    assert row.new_values["consumer_name"] == "张**"
    assert row.new_values["consumer_phone"] == "*******5678"
    assert row.new_values["due_on"] == "2026-03-19"


@pytest.mark.parametrize(
    ("received", "difficult", "due"),
    [
        (date(2026, 2, 13), False, date(2026, 3, 2)),  # before 春节: 14 Feb make-up, 28 Feb make-up
        (date(2026, 2, 17), False, date(2026, 3, 3)),  # during the 春节 holiday
        (date(2026, 9, 30), False, date(2026, 10, 15)),  # eve of 国庆: 10 Oct make-up Saturday
        (date(2026, 8, 2), True, date(2026, 10, 8)),  # 60 days end on 1 Oct → first working day
        (date(2025, 12, 17), True, date(2026, 2, 24)),  # 60 days end on 15 Feb (春节) → 24 Feb
        (date(2026, 3, 10), True, date(2026, 5, 9)),  # 60 days end on a make-up working Saturday
        (date(2026, 1, 14), True, date(2026, 3, 16)),  # 60 days end on Sun 15 Mar → Mon 16 Mar
    ],
)
def test_the_due_date_follows_the_official_holiday_calendar(
    desk: Any, station: int, received: date, difficult: bool, due: date
) -> None:
    saved = cases.add_case(desk.db, desk.draft(station, received, difficult=difficult), CLERK, TODAY)
    assert saved.due_on == due
    assert cases.get_case(desk.db, saved.id).due_on == due


def test_a_holiday_override_entered_by_the_admin_changes_the_due_date(desk: Any, station: int) -> None:
    with desk.db.writing() as s:  # no service enters overrides yet: as the admin screen would
        s.add(HolidayOverride(day=date(2026, 3, 19), is_workday=False, note="地方调休", entered_by="管理员"))
    saved = cases.add_case(desk.db, desk.draft(station, date(2026, 3, 10)), CLERK, TODAY)
    assert saved.due_on == date(2026, 3, 20)


def test_a_year_without_a_holiday_schedule_is_saved_with_a_warning(desk: Any, station: int) -> None:
    saved = cases.add_case(desk.db, desk.draft(station, date(2026, 12, 28)), CLERK, date(2026, 12, 30))
    assert saved.due_on == date(2027, 1, 6)
    assert saved.warnings == ("2027年的法定节假日安排尚未录入，按周末计算",)


def test_new_cases_use_the_deadline_rule_chosen_in_the_settings(desk: Any, station: int) -> None:
    preferences.put(desk.db, "deadline_rule", "station_fast", "管理员")
    saved = cases.add_case(desk.db, desk.draft(station, date(2026, 3, 13)), CLERK, TODAY)
    assert saved.due_on == date(2026, 3, 16)  # 24 hours from a Friday → Monday
    assert cases.get_case(desk.db, saved.id).deadline_rule == "station_fast"


BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    ({"outcome": "success", "closed_on": date(2026, 3, 1)}, "closed_on", "办结日期不能早于受理日期"),
    ({"amount_disputed_fen": -100}, "amount_disputed_fen", "争议金额不能为负数"),
    ({"amount_disputed_fen": 100_000_000 * 100}, "amount_disputed_fen", "争议金额超过 8 位数"),
    ({"outcome": "failure", "amount_recovered_fen": 5_000}, "amount_recovered_fen", "调解不成功"),
    ({"outcome": "withdrawn", "amount_recovered_fen": 5_000}, "amount_recovered_fen", "撤回"),
    ({"amount_recovered_fen": 5_000}, "amount_recovered_fen", "案件尚未办结"),
    ({"outcome": "success", "closed_on": None}, "closed_on", "请填写办结日期"),
    ({"closed_on": date(2026, 3, 6)}, "outcome", "请同时选择处理结果"),
    ({"received_on": date(2026, 11, 25)}, "received_on", "受理日期不能晚于今天"),
    ({"outcome": "success", "closed_on": date(2026, 11, 25)}, "closed_on", "办结日期不能晚于今天"),
    ({"consumer_phone": "0519-888"}, "consumer_phone", "位数不对"),
    ({"goods_category_id": 99_999}, "goods_category_id", "所选商品/服务类别不存在"),
    ({"station_id": 99_999}, "station_id", "所选站点不存在"),
]


@pytest.mark.parametrize(("changes", "field", "words"), BAD_INPUT)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    desk: Any, station: int, changes: dict[str, Any], field: str, words: str
) -> None:
    desk.case(station, date(2026, 3, 2))
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        cases.add_case(desk.db, replace(desk.draft(station, date(2026, 3, 2)), **changes), CLERK, TODAY)
    assert words in caught.value.problems[field]
    assert _counts(desk) == before


def test_the_refusal_message_names_the_field_in_chinese(desk: Any, station: int) -> None:
    with pytest.raises(ValidationFailed, match="争议金额：争议金额不能为负数"):
        cases.add_case(desk.db, desk.draft(station, date(2026, 3, 2), amount_disputed_fen=-1), CLERK, TODAY)


def test_a_removed_station_takes_no_case_received_after_its_removal(desk: Any, station: int) -> None:
    stations.change_station_status(
        desk.db, station, StationAction.REMOVE, reason="名存实亡", effective_on=date(2026, 6, 1), actor="王芳",
        today=TODAY,
    )  # fmt: skip
    desk.case(station, date(2026, 5, 31))  # the backlog before removal can still be entered
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        cases.add_case(desk.db, desk.draft(station, date(2026, 6, 1)), CLERK, TODAY)
    assert "已于 2026-06-01 撤销" in caught.value.problems["station_id"]
    assert _counts(desk) == before


# --- editing ---------------------------------------------------------------------------------


def test_an_edit_is_saved_with_the_editor_and_an_audit_row_of_the_changed_fields(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 2))
    detail = cases.get_case(desk.db, case_id)
    closed = replace(detail.draft, outcome="success", closed_on=date(2026, 3, 6), amount_recovered_fen=20_000)
    saved = cases.update_case(desk.db, case_id, closed, detail.version, "赵敏", TODAY)
    after = cases.get_case(desk.db, case_id)
    assert saved.version == after.version == detail.version + 1
    assert (after.created_by, after.updated_by) == (CLERK, "赵敏")
    assert after.draft.outcome == "success"
    update = _audit(desk)[-1]
    assert (update.username, update.action) == ("赵敏", "update")
    assert update.new_values == {"outcome": "success", "closed_on": "2026-03-06", "amount_recovered_fen": 20_000}
    assert update.old_values == {"outcome": None, "closed_on": None, "amount_recovered_fen": 0}


def test_saving_an_unchanged_form_writes_nothing(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 2))
    detail = cases.get_case(desk.db, case_id)
    before = _counts(desk)
    saved = cases.update_case(desk.db, case_id, detail.draft, detail.version, "赵敏", TODAY)
    assert saved.version == detail.version
    assert _counts(desk) == before
    assert cases.get_case(desk.db, case_id).updated_by == CLERK


def test_correcting_only_the_consumer_name_is_audited_and_signed_by_the_editor(desk: Any, station: int) -> None:
    # "张三丰" → "张三峰" masks to "张**" both times: the change must still be seen.
    case_id = desk.case(station, date(2026, 3, 2))
    detail = cases.get_case(desk.db, case_id)
    cases.update_case(desk.db, case_id, replace(detail.draft, consumer_name="张三峰"), detail.version, "赵敏", TODAY)
    after = cases.get_case(desk.db, case_id)
    assert after.draft.consumer_name == "张三峰"
    assert after.updated_by == "赵敏"
    update = _audit(desk)[-1]
    assert (update.username, update.action) == ("赵敏", "update")
    assert update.old_values == {"consumer_name": "张**"}
    assert update.new_values == {"consumer_name": "张**"}


def test_correcting_only_the_phone_is_audited_masked(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 2))
    detail = cases.get_case(desk.db, case_id)
    cases.update_case(desk.db, case_id, replace(detail.draft, consumer_phone="13912345678"), detail.version, "赵敏", TODAY)
    update = _audit(desk)[-1]
    assert update.new_values == {"consumer_phone": "*******5678"}
    assert cases.get_case(desk.db, case_id).draft.consumer_phone == "13912345678"


def test_two_edits_from_the_same_version_the_second_is_refused_and_the_first_kept(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 2))
    opened = cases.get_case(desk.db, case_id)  # two PCs open the same case
    first = replace(opened.draft, operator_name="红梅超市水果柜台")
    second = replace(opened.draft, operator_name="红梅超市熟食柜台", amount_disputed_fen=1)
    cases.update_case(desk.db, case_id, first, opened.version, "赵敏", TODAY)
    before = _counts(desk)
    with pytest.raises(cases.CaseConflict) as caught:
        cases.update_case(desk.db, case_id, second, opened.version, "钱多多", TODAY)
    assert caught.value.theirs.draft.operator_name == "红梅超市水果柜台"
    assert "赵敏" in caught.value.message
    kept = cases.get_case(desk.db, case_id)
    assert kept.draft.operator_name == "红梅超市水果柜台"
    assert kept.draft.amount_disputed_fen == 30_000
    assert kept.updated_by == "赵敏"
    assert _counts(desk) == before


def test_an_invalid_edit_saves_nothing(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 2))
    detail = cases.get_case(desk.db, case_id)
    before = _counts(desk)
    bad = replace(detail.draft, outcome="success", closed_on=date(2026, 2, 1))
    with pytest.raises(ValidationFailed) as caught:
        cases.update_case(desk.db, case_id, bad, detail.version, "赵敏", TODAY)
    assert "办结日期不能早于受理日期" in caught.value.problems["closed_on"]
    assert cases.get_case(desk.db, case_id) == detail
    assert _counts(desk) == before


def test_editing_a_case_that_does_not_exist_is_a_user_error(desk: Any, station: int) -> None:
    with pytest.raises(UserError, match="找不到案件 424242"):
        cases.update_case(desk.db, 424242, desk.draft(station, date(2026, 3, 2)), 1, CLERK, TODAY)


def test_changing_the_received_date_recomputes_the_due_date(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 10))
    detail = cases.get_case(desk.db, case_id)
    saved = cases.update_case(desk.db, case_id, replace(detail.draft, received_on=date(2026, 9, 30)), detail.version, CLERK, TODAY)
    assert saved.due_on == date(2026, 10, 15)
    assert cases.get_case(desk.db, case_id).due_on == date(2026, 10, 15)


def test_marking_a_case_difficult_gives_it_60_days(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 8, 2))
    detail = cases.get_case(desk.db, case_id)
    saved = cases.update_case(desk.db, case_id, replace(detail.draft, difficult=True), detail.version, CLERK, TODAY)
    assert saved.due_on == date(2026, 10, 8)


def test_other_edits_leave_the_due_date_alone_even_after_an_override(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 10))
    with desk.db.writing() as s:
        s.add(HolidayOverride(day=date(2026, 3, 19), is_workday=False))
    detail = cases.get_case(desk.db, case_id)
    saved = cases.update_case(desk.db, case_id, replace(detail.draft, notes="已电话联系"), detail.version, CLERK, TODAY)
    assert saved.due_on == date(2026, 3, 19)


def test_a_recomputed_due_date_keeps_the_cases_own_rule_after_the_setting_changed(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 10))  # provincial
    preferences.put(desk.db, "deadline_rule", "national", "管理员")
    detail = cases.get_case(desk.db, case_id)
    saved = cases.update_case(desk.db, case_id, replace(detail.draft, received_on=date(2026, 9, 30)), detail.version, CLERK, TODAY)
    assert saved.due_on == date(2026, 10, 15)  # still 7 working days, not 52
    assert cases.get_case(desk.db, case_id).deadline_rule == "provincial"
    newer = desk.case(station, date(2026, 9, 30))
    assert cases.get_case(desk.db, newer).deadline_rule == "national"


def test_a_case_with_a_first_payout_keeps_its_station_and_success(desk: Any) -> None:
    station = desk.station(scheme=True)
    other = desk.station("钟楼商场维权站")
    desk.fund(station, 1_000)
    case_id = desk.case(station, date(2026, 3, 2))
    desk.payout(station, case_id, 200, date(2026, 3, 3))
    detail = cases.get_case(desk.db, case_id)
    assert detail.has_payout
    for changes, field in (
        ({"station_id": other}, "station_id"),
        ({"outcome": "failure", "closed_on": date(2026, 3, 9)}, "outcome"),
        ({"received_on": date(2026, 3, 4)}, "received_on"),  # would put the payout before receipt
    ):
        before = _counts(desk)
        with pytest.raises(ValidationFailed) as caught:
            cases.update_case(desk.db, case_id, replace(detail.draft, **changes), detail.version, CLERK, TODAY)
        assert "先行赔付" in caught.value.problems[field]
        assert _counts(desk) == before
    closed = replace(detail.draft, outcome="success", closed_on=date(2026, 3, 9))
    cases.update_case(desk.db, case_id, closed, detail.version, CLERK, TODAY)
    assert cases.get_case(desk.db, case_id).draft.outcome == "success"


def test_a_case_that_was_called_back_cannot_be_reopened_or_closed_after_the_call(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 2), outcome="success", closed_on=date(2026, 3, 6))
    desk.follow_up(case_id, date(2026, 3, 10))
    detail = cases.get_case(desk.db, case_id)
    assert detail.follow_up_count == 1
    with pytest.raises(ValidationFailed) as caught:
        cases.update_case(desk.db, case_id, replace(detail.draft, outcome=None, closed_on=None), detail.version, CLERK, TODAY)
    assert "已于 2026-03-10 回访" in caught.value.problems["outcome"]
    with pytest.raises(ValidationFailed) as caught:
        cases.update_case(desk.db, case_id, replace(detail.draft, closed_on=date(2026, 3, 11)), detail.version, CLERK, TODAY)
    assert "办结日期不能晚于回访日期" in caught.value.problems["closed_on"]
    cases.update_case(desk.db, case_id, replace(detail.draft, closed_on=date(2026, 3, 10)), detail.version, CLERK, TODAY)
    assert cases.get_case(desk.db, case_id).draft.closed_on == date(2026, 3, 10)


def test_a_first_payout_makes_the_case_eligible_and_unticking_it_does_not_undo_that(desk: Any) -> None:
    station = desk.station(scheme=True)
    desk.fund(station, 1_000)
    case_id = desk.case(station, date(2026, 3, 2))
    desk.payout(station, case_id, 200, date(2026, 3, 3))
    detail = cases.get_case(desk.db, case_id)
    assert detail.draft.payout_eligible
    cases.update_case(desk.db, case_id, replace(detail.draft, payout_eligible=False), detail.version, CLERK, TODAY)
    assert cases.get_case(desk.db, case_id).draft.payout_eligible


# --- reading, masking, revealing -------------------------------------------------------------


def test_case_rows_never_carry_the_full_consumer_name_or_phone(desk: Any, station: int) -> None:
    ids = [desk.case(station, date(2026, 3, day)) for day in (2, 3)]
    desk.case(station, date(2026, 3, 4), consumer_name="欧阳修", consumer_phone="0519-88881234、13900001111")
    rows = cases.load_case_rows(desk.db, cases.list_case_ids(desk.db, cases.CaseFilter()))
    assert len(rows) == 3
    for row in rows.values():
        assert FULL_NAME not in repr(row)
        assert FULL_PHONE not in repr(row)
        assert "88881234" not in repr(row)
    assert (rows[ids[0]].consumer, rows[ids[0]].phone) == ("张**", "*******5678")
    third = rows[max(rows)]
    assert (third.consumer, third.phone) == ("欧阳*", "*********1234、*******1111")


def test_revealing_the_consumer_returns_the_full_data_and_is_audited(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 2))
    assert cases.reveal_consumer(desk.db, case_id, "赵敏") == (FULL_NAME, FULL_PHONE)
    reveal = _audit(desk)[-1]
    assert (reveal.action, reveal.username, reveal.row_id, reveal.station_id) == ("reveal", "赵敏", case_id, station)


def test_revealing_a_missing_case_writes_no_audit_row(desk: Any, station: int) -> None:
    before = desk.count(AuditLog)
    with pytest.raises(UserError):
        cases.reveal_consumer(desk.db, 424242, "赵敏")
    assert desk.count(AuditLog) == before


def test_no_audit_row_ever_holds_the_full_consumer_data(desk: Any, station: int) -> None:
    case_id = desk.case(station, date(2026, 3, 2))
    detail = cases.get_case(desk.db, case_id)
    cases.update_case(
        desk.db, case_id, replace(detail.draft, consumer_name="李四光", consumer_phone="13900001111"), detail.version,
        "赵敏", TODAY,
    )  # fmt: skip
    cases.reveal_consumer(desk.db, case_id, "赵敏")
    dumped = json.dumps([(a.old_values, a.new_values) for a in _audit(desk)], ensure_ascii=False)
    for secret in (FULL_NAME, FULL_PHONE, "李四光", "13900001111"):
        assert secret not in dumped
    assert "李**" in dumped


def test_list_and_count_agree_and_filter(desk: Any, station: int) -> None:
    other = desk.station("钟楼商场维权站", county_id=desk.other_county_id)
    desk.case(station, date(2026, 3, 2))
    desk.case(station, date(2026, 3, 3), outcome="success")
    desk.case(other, date(2026, 3, 4))
    everything = cases.list_case_ids(desk.db, cases.CaseFilter())
    assert len(everything) == cases.count_cases(desk.db, cases.CaseFilter()) == 3
    mine = cases.CaseFilter(station_id=station, state="open")
    assert len(cases.list_case_ids(desk.db, mine)) == cases.count_cases(desk.db, mine) == 1


def test_goods_categories_offer_the_active_reference_rows_only(desk: Any) -> None:
    from stationdesk.store.models import GoodsCategory

    first = cases.goods_categories(desk.db)
    assert {c.id for c in first} == set(desk.goods_category_ids)
    with desk.db.writing() as s:
        retired = s.get(GoodsCategory, first[0].id)
        assert retired is not None
        retired.active = False
    assert [c.id for c in cases.goods_categories(desk.db)] == [c.id for c in first[1:]]


def test_a_case_moved_to_its_right_station_takes_its_follow_ups_along(desk) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.services import indicators

    wrong, right = desk.station("错登站点"), desk.station("正确站点")
    case_id = desk.case(wrong, date(2026, 5, 6), outcome="success", closed_on=date(2026, 5, 8))
    desk.follow_up(case_id, date(2026, 5, 9), "satisfied")
    detail = cases.get_case(desk.db, case_id)
    cases.update_case(desk.db, case_id, replace(detail.draft, station_id=right), detail.version, "王芳", TODAY)
    figures = indicators.station_indicators(desk.db, date(2026, 1, 1), date(2026, 12, 31), TODAY, [wrong, right])
    assert (figures[wrong].received, figures[wrong].follow_ups) == (0, 0)
    assert (figures[right].received, figures[right].follow_ups, figures[right].satisfied) == (1, 1, 1)

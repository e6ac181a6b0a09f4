"""Importing a case ledger: rows judged like the case form, only new cases added, together."""

from __future__ import annotations

from typing import Any

from stationdesk.services.case_import import apply_case_import, plan_case_import
from stationdesk.services.station_import import NEW, REJECTED, UNCHANGED, ImportRow
from stationdesk.store.models import MediationCase
from tests.conftest import CLERK, TODAY, Desk


def row(line: int, **values: Any) -> ImportRow:
    base = {"station_name": "红梅超市消费维权服务站", "received_on": "2026.3.1", "consumer_name": "张三丰",
            "operator_name": "红梅超市生鲜柜台", "amount_disputed": 300}  # fmt: skip
    return ImportRow(line, base | values)


def test_a_ledger_is_read_and_its_new_cases_added_with_due_dates(desk: Desk) -> None:
    desk.station("红梅超市消费维权服务站")
    plan = plan_case_import(desk.db, [
        row(2),
        row(3, received_on="2026年3月2日", channel="电话", outcome="调解成功", closed_on="2026-03-05",
            amount_recovered="1,200.5", consumer_name="李四"),
        row(4, received_on=46000, consumer_name="王五", difficult="是"),
    ], TODAY)  # fmt: skip
    assert [r.verdict for r in plan.rows] == [NEW, NEW, NEW]
    second = plan.rows[1].draft
    assert second.channel == "phone" and second.outcome == "success" and second.amount_recovered_fen == 120_050
    before = desk.count(MediationCase)
    numbers = apply_case_import(desk.db, plan, CLERK, TODAY)
    assert len(numbers) == 3 and all(n.startswith("2025-") or n.startswith("2026-") for n in numbers)
    assert desk.count(MediationCase) == before + 3
    again = plan_case_import(desk.db, [row(2)], TODAY)
    assert [r.verdict for r in again.rows] == [UNCHANGED]  # the same ledger twice adds nothing


def test_wrong_rows_are_refused_with_the_column_named(desk: Desk) -> None:
    desk.station("红梅超市消费维权服务站")
    plan = plan_case_import(desk.db, [
        row(2, station_name="不存在的站"),
        row(3, received_on="2026-02-30"),
        row(4, outcome="谈崩了"),
        row(5, closed_on="2026-02-01"),  # closed before received, and no outcome
        row(6),
        row(7),
    ], TODAY)  # fmt: skip
    verdicts = [r.verdict for r in plan.rows]
    assert verdicts == [REJECTED, REJECTED, REJECTED, REJECTED, NEW, REJECTED]
    assert "不存在的站" in plan.rows[0].reason
    assert "2026-02-30" in plan.rows[1].reason
    assert "谈崩了" in plan.rows[2].reason
    assert "第 6 行" in plan.rows[5].reason


def test_a_station_named_twice_needs_its_code(desk: Desk) -> None:
    desk.station("红梅超市消费维权服务站")
    desk.station("红梅超市消费维权服务站", county_id=desk.other_county_id)
    plan = plan_case_import(desk.db, [row(2), row(3, station_code="3204040002")], TODAY)
    assert plan.rows[0].verdict == REJECTED and "请填写站点编号" in plan.rows[0].reason
    assert plan.rows[1].verdict == NEW


def test_nothing_is_written_when_a_row_fails_at_write_time(desk: Desk) -> None:
    from stationdesk.errors import UserError

    station = desk.station("红梅超市消费维权服务站")
    plan = plan_case_import(desk.db, [row(2), row(3, consumer_name="李四")], TODAY)
    from dataclasses import replace

    broken = replace(plan.rows[1], draft=replace(plan.rows[1].draft, station_id=station + 999))
    plan.rows[1] = broken
    before = desk.count(MediationCase)
    try:
        apply_case_import(desk.db, plan, CLERK, TODAY)
    except UserError as exc:
        assert "第 3 行" in str(exc)
    else:
        raise AssertionError("the broken row should refuse the import")
    assert desk.count(MediationCase) == before

"""The case form: typing, the live due date, messages under fields, saving, reveal, follow-ups."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select

from stationdesk.domain.vocabulary import CaseOutcome
from stationdesk.services import cases
from stationdesk.store.case_queries import CaseFilter
from stationdesk.store.database import Database
from stationdesk.store.models import AuditLog, FollowUp, MediationCase
from stationdesk.ui import dialogs
from stationdesk.ui.case_dialog import CaseDialog
from stationdesk.ui.follow_up_dialog import FollowUpDialog, TodaysFollowUpsDialog

TODAY = date(2026, 11, 24)


def _retype(edit: QLineEdit, text: str) -> None:
    edit.clear()
    edit.insert(text)  # what typing (incl. a Chinese IME) delivers


def _count(db: Database) -> int:
    return cases.count_cases(db, CaseFilter())


@pytest.fixture
def new_case(qtbot, demo_db: Database) -> CaseDialog:  # type: ignore[no-untyped-def]
    dialog = CaseDialog(demo_db, "王芳", TODAY, None, station_id=3)
    qtbot.addWidget(dialog)
    return dialog


def test_a_new_case_gets_its_due_date_after_national_day(new_case: CaseDialog) -> None:
    _retype(new_case.received_on, "2026-09-30")
    assert new_case.due.text().startswith("2026-10-15")
    new_case.difficult.setChecked(True)
    assert new_case.due.text().startswith("2026-11-30"), "60 days from 09-30 is Sunday 11-29, moved to Monday"


def test_saving_a_new_case_stores_it_with_the_actor(new_case: CaseDialog, demo_db: Database) -> None:
    before = _count(demo_db)
    _retype(new_case.received_on, "2026-11-20")
    _retype(new_case.consumer_name, "欧阳修")
    _retype(new_case.consumer_phone, "13912345678")
    _retype(new_case.operator_name, "天宁电器城")
    _retype(new_case.amount_disputed, "1,280.50")
    assert new_case.save()
    assert _count(demo_db) == before + 1
    detail = new_case._detail
    assert detail is not None
    assert (detail.draft.consumer_name, detail.draft.amount_disputed_fen, detail.created_by) == ("欧阳修", 128050, "王芳")
    assert new_case.consumer_name.text() == "欧阳*", "after saving the form shows the consumer masked"


@pytest.mark.parametrize(
    ("setup", "field", "words"),
    [
        ({"received_on": "2026-11-10", "outcome": "调解成功", "closed_on": "2026-11-01"}, "closed_on", "不能早于受理日期"),
        ({"amount_disputed": "-5"}, "amount_disputed_fen", "负数"),
        ({"amount_disputed": "123456789"}, "amount_disputed_fen", "超过 8 位数"),
        ({"outcome": "调解不成功", "closed_on": "2026-11-20", "amount_recovered": "100"}, "amount_recovered_fen", "不能有挽回损失"),
        ({"received_on": "2026-12-30"}, "received_on", "不能晚于今天"),
        ({"received_on": "2026-02-30"}, "received_on", "没有30日"),
        ({"consumer_phone": "138abc"}, "consumer_phone", "非数字"),
    ],
)
def test_each_bad_value_is_named_under_its_field_and_nothing_is_saved(
    new_case: CaseDialog, demo_db: Database, setup: dict[str, str], field: str, words: str
) -> None:
    before = _count(demo_db)
    for name, value in setup.items():
        widget = getattr(new_case, name)
        if isinstance(widget, QLineEdit):
            _retype(widget, value)
        else:
            widget.setCurrentIndex(widget.findText(value))
    assert not new_case.save()
    message = new_case._fields[field].message
    assert words in message.text()
    assert message.isVisibleTo(new_case)
    assert _count(demo_db) == before


def test_an_unknown_station_typed_in_the_global_form_is_refused(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = CaseDialog(demo_db, "王芳", TODAY)
    qtbot.addWidget(dialog)
    dialog.station.insert("不存在的站点")
    assert not dialog.save()
    assert "没有找到站点" in dialog._fields["station_id"].message.text()


def test_personal_data_is_masked_until_revealed_and_the_reveal_is_audited(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    case_id = cases.list_case_ids(demo_db, CaseFilter(station_id=3))[0]
    full_name = cases.get_case(demo_db, case_id).draft.consumer_name
    dialog = CaseDialog(demo_db, "王芳", TODAY, case_id)
    qtbot.addWidget(dialog)
    assert dialog.consumer_name.text() != full_name and "*" in dialog.consumer_name.text()
    assert dialog.consumer_name.isReadOnly()
    dialog.reveal.click()
    assert dialog.consumer_name.text() == full_name
    with demo_db.reading() as s:
        audited = s.scalars(select(AuditLog).where(AuditLog.action == "reveal", AuditLog.row_id == case_id)).all()
    assert [a.username for a in audited] == ["王芳"]


def test_saving_without_revealing_keeps_the_stored_personal_data(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    case_id = cases.list_case_ids(demo_db, CaseFilter(station_id=3))[0]
    before = cases.get_case(demo_db, case_id).draft
    dialog = CaseDialog(demo_db, "王芳", TODAY, case_id)
    qtbot.addWidget(dialog)
    _retype(dialog.operator_name, "改过的经营者")
    assert dialog.save()
    after = cases.get_case(demo_db, case_id).draft
    assert (after.consumer_name, after.consumer_phone) == (before.consumer_name, before.consumer_phone)
    assert after.operator_name == "改过的经营者"


def test_closing_with_unsaved_edits_asks_first(qtbot, demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, title, *_a, **_k: asked.append(title) or False)
    dialog = CaseDialog(demo_db, "王芳", TODAY, None, station_id=3)
    qtbot.addWidget(dialog)
    dialog.show()
    _retype(dialog.operator_name, "某店")
    dialog.reject()
    assert asked == ["尚未保存"]
    assert dialog.isVisible(), "the user chose to go back"


def test_a_follow_up_is_recorded_on_a_closed_case(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    case_id = cases.list_case_ids(demo_db, CaseFilter(state=CaseOutcome.SUCCESS.value, not_followed_up=True))[0]
    dialog = FollowUpDialog(demo_db, case_id, "王芳", TODAY)
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled(), "reached but no satisfaction chosen yet"
    assert "满意度" in dialog.message.text()
    dialog.satisfaction.setCurrentIndex(dialog.satisfaction.findText("基本满意"))
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    with demo_db.reading() as s:
        visit = s.scalars(select(FollowUp).where(FollowUp.case_id == case_id)).one()
    assert (visit.satisfaction, visit.visitor, visit.created_by) == ("basic", "王芳", "王芳")


def test_an_open_case_cannot_be_followed_up(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    case_id = cases.list_case_ids(demo_db, CaseFilter(state="open"))[0]
    dialog = CaseDialog(demo_db, "王芳", TODAY, case_id)
    qtbot.addWidget(dialog)
    assert not dialog.add_visit.isEnabled()
    visit = FollowUpDialog(demo_db, case_id, "王芳", TODAY)
    qtbot.addWidget(visit)
    visit.reached.setChecked(False)
    assert "尚未办结" in visit.message.text()
    assert not visit.ok.isEnabled()


def test_todays_follow_ups_lists_unvisited_closed_cases_masked(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = TodaysFollowUpsDialog(demo_db, "王芳", TODAY)
    qtbot.addWidget(dialog)
    rows = dialog.table.rowCount()
    assert 5 <= rows <= 10
    phones = [dialog.table.item(r, 4).text() for r in range(rows)]
    assert all("*" in p for p in phones if p)
    dialog.table.selectRow(0)
    dialog.reveal_selected()
    with demo_db.reading() as s:
        stored = s.scalar(select(MediationCase.consumer_phone).where(MediationCase.id == dialog._ids[0]))
    assert dialog.table.item(0, 4).text() == stored


def test_the_global_form_finds_a_station_by_code_or_by_its_listed_text(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    choice = cases.station_choice(demo_db, 3)
    dialog = CaseDialog(demo_db, "王芳", TODAY)
    qtbot.addWidget(dialog)
    dialog.station.setText(choice.code.lower())  # setText: no completion popup offscreen
    assert dialog.station.station_id() == 3
    dialog.station.setText(choice.text)
    assert dialog.station.station_id() == 3
    assert dialog.station.completer() is not None
    assert dialog.station.completer().model().rowCount() > 200


def test_a_case_opened_from_its_station_page_keeps_its_station(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = CaseDialog(demo_db, "王芳", TODAY, None, station_id=3)
    qtbot.addWidget(dialog)
    assert dialog.station.isReadOnly()
    assert dialog.station.station_id() == 3

"""The station page driven as a user would: open from the list, edit, see messages, save."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLineEdit

from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.services import stations
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.conflict_dialog import ConflictDialog
from stationdesk.ui.register_page import RegisterPage
from stationdesk.ui.station_dialog import StationDialog
from stationdesk.ui.status_dialog import StatusDialog
from stationdesk.ui.tasks import TaskRunner

TODAY = date(2026, 11, 24)


@pytest.fixture
def page(qtbot, demo_db: Database, runner: TaskRunner, qsettings: QSettings) -> RegisterPage:  # type: ignore[no-untyped-def]
    register = RegisterPage(demo_db, runner, qsettings, TODAY, "王芳")
    qtbot.addWidget(register)
    register.resize(1200, 700)
    register.show()
    register.reload()
    return register


def _retype(qtbot, edit: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.setFocus()
    edit.selectAll()
    edit.del_()
    edit.insert(text)  # what typing (incl. a Chinese IME) delivers
    edit.editingFinished.emit()


def _column(page: RegisterPage, key: str) -> int:
    return next(i for i, c in enumerate(page.model.columns) if c.key == key)


def test_search_open_edit_invalid_then_fix_and_find_it_everywhere(qtbot, page: RegisterPage) -> None:  # type: ignore[no-untyped-def]
    name_col = _column(page, "name")
    target = page.model.data(page.model.index(5, name_col))
    page.search.insert(target)
    qtbot.waitUntil(lambda: page.model.rowCount() <= 3, timeout=3000)
    row = next(r for r in range(page.model.rowCount()) if page.model.data(page.model.index(r, name_col)) == target)
    page.table.setCurrentIndex(page.model.index(row, 0))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = next(iter(page._open_dialogs.values()))
    qtbot.addWidget(dialog)
    form = dialog.form
    assert form.name.text() == target
    assert dialog.save_button.isEnabled()

    _retype(qtbot, form.contact_phone, "0519-8888abcd")
    assert "非数字" in form._fields["contact_phone"].message.text()
    assert form._fields["contact_phone"].message.isVisibleTo(form)
    assert not dialog.save_button.isEnabled()

    _retype(qtbot, form.contact_phone, "0519-86661234")
    assert not form._fields["contact_phone"].message.isVisibleTo(form)
    assert dialog.save_button.isEnabled()
    _retype(qtbot, form.contact_person, "赵敏")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    station_id = dialog.station_id
    assert station_id is not None
    detail = stations.get_station(page._db, station_id)
    assert (detail.draft.contact_phone, detail.draft.contact_person, detail.updated_by) == (
        "0519-86661234", "赵敏", "王芳")
    phone_col = _column(page, "contact_phone")
    row = page.model.row_of(station_id)
    assert page.model.data(page.model.index(row, phone_col)) == "0519-86661234"
    assert page.current_station_id() == station_id, "the list keeps the selection after an edit"


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("host_credit_code", "91350100M000100Y4X", "校验位"),
        ("host_credit_code", "91350100M000100Y4", "18位"),
        ("contact_phone", "138abc12345", "非数字"),
        ("established_on", "2030-01-01", "不能晚于今天"),
        ("established_on", "2019-02-30", "没有30日"),
        ("name", "", "必填"),
        ("name", "站" * 500, "不能超过100个字"),
        ("name", "红梅😀维权站", "表情"),
        ("fund_committed_yuan", "十万", "金额"),
    ],
)
def test_each_bad_value_shows_its_message_and_blocks_save(qtbot, demo_db: Database, field: str, text: str,  # type: ignore[no-untyped-def]
                                                          words: str) -> None:
    station_id = 1
    dialog = StationDialog(demo_db, "王芳", TODAY, station_id)
    qtbot.addWidget(dialog)
    dialog.show()
    before = stations.get_station(demo_db, station_id)
    _retype(qtbot, getattr(dialog.form, "fund" if field == "fund_committed_yuan" else field), text)
    assert words in dialog.form._fields[field].message.text()
    assert not dialog.save_button.isEnabled()
    assert dialog.save() is False
    assert stations.get_station(demo_db, station_id).version == before.version


def test_full_width_digits_are_accepted_and_stored_half_width(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = StationDialog(demo_db, "王芳", TODAY, 1)
    qtbot.addWidget(dialog)
    _retype(qtbot, dialog.form.contact_phone, "１３８１２３４５６７８")
    assert dialog.save_button.isEnabled()
    assert dialog.save()
    assert stations.get_station(demo_db, 1).draft.contact_phone == "13812345678"


def test_a_new_station_gets_a_code_and_lands_in_the_list(qtbot, page: RegisterPage, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: True)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page._open_dialogs[None]
    qtbot.addWidget(dialog)
    form = dialog.form
    assert not dialog.save_button.isEnabled(), "an empty form cannot be saved"
    form.county.setCurrentIndex(1)
    form.category.setCurrentIndex(1)
    qtbot.mouseClick(form.auto_code, Qt.MouseButton.LeftButton)
    assert form.code.text().startswith("32")
    _retype(qtbot, form.name, "新开的维权服务站")
    assert dialog.save_button.isEnabled()
    before = page.model.rowCount()
    assert dialog.save()
    assert page.model.rowCount() == before + 1
    assert page.current_station_id() == dialog.station_id
    history = stations.station_history(page._db, dialog.station_id)  # type: ignore[arg-type]
    assert history[0].kind == "created" and history[0].person == "王芳"


def test_a_duplicate_host_is_flagged_with_a_link(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    existing = stations.get_station(demo_db, 3)
    dialog = StationDialog(demo_db, "王芳", TODAY, None)
    qtbot.addWidget(dialog)
    dialog.show()
    form = dialog.form
    form.category.setCurrentIndex(form.category.findData(existing.draft.category_id))
    _retype(qtbot, form.host_credit_code, existing.draft.host_credit_code)
    assert dialog.banner.isVisibleTo(dialog)
    assert f'href="{existing.id}"' in dialog.banner.text()
    opened: list[int] = []
    dialog.open_station.connect(opened.append)
    dialog.banner.linkActivated.emit(str(existing.id))
    assert opened == [existing.id]


def test_a_concurrent_edit_keeps_both_changes(qtbot, demo_db: Database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = StationDialog(demo_db, "王芳", TODAY, 2)
    qtbot.addWidget(dialog)
    other = stations.get_station(demo_db, 2)
    from dataclasses import replace

    stations.update_station(demo_db, 2, replace(other.draft, address="别人改的新地址"), other.version, "陈志强", TODAY)
    shown: list[ConflictDialog] = []
    real_ask = ConflictDialog.ask

    def ask(parent, base, theirs, mine):  # type: ignore[no-untyped-def]
        d = ConflictDialog(base, theirs, mine)
        shown.append(d)
        return ConflictDialog.KEEP_MINE, d.merged

    monkeypatch.setattr(ConflictDialog, "ask", staticmethod(ask))
    _retype(qtbot, dialog.form.contact_person, "我改的联系人")
    assert dialog.save()
    saved = stations.get_station(demo_db, 2)
    assert saved.draft.address == "别人改的新地址"
    assert saved.draft.contact_person == "我改的联系人"
    rows = [shown[0].table.item(r, 0).text() for r in range(shown[0].table.rowCount())]
    assert rows == ["地址", "联系人"], rows
    assert real_ask is not None


def test_status_dialog_needs_a_reason_and_records_history(qtbot, page: RegisterPage) -> None:  # type: ignore[no-untyped-def]
    station_id = page.model.id_at(0)
    dialog = StatusDialog(page._db, station_id, "王芳", TODAY)
    qtbot.addWidget(dialog)
    dialog.action.setCurrentIndex(dialog.action.findData(StationAction.SUSPEND.value))
    assert not dialog.ok.isEnabled()
    assert "原因" in dialog.message.text()
    dialog.reason.setPlainText("站长调离，暂停运行")
    dialog.effective_on.setText("2030-01-01")
    assert not dialog.ok.isEnabled()
    dialog.effective_on.setText(TODAY.isoformat())
    assert dialog.ok.isEnabled()
    assert "暂停" in dialog.preview.text()
    dialog.apply()
    entry = stations.station_history(page._db, station_id)[0]
    assert (entry.new_value, entry.reason, entry.person) == ("suspended", "站长调离，暂停运行", "王芳")


def test_an_edit_appears_in_the_history_tab(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = StationDialog(demo_db, "王芳", TODAY, 4)
    qtbot.addWidget(dialog)
    _retype(qtbot, dialog.form.contact_person, "孙丽")
    assert dialog.save()
    model = dialog.history.browser.model
    newest = model.row_object(0)
    assert newest is not None and (newest.username, newest.action_label) == ("王芳", "修改")
    assert "联系人：" in newest.summary and "→ 孙丽" in newest.summary


def test_a_rebuilt_station_and_its_successor_point_at_each_other(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.services import zombies

    done = zombies.decide(demo_db, [7], "rebuild", reason="名存实亡，依托单位同意重建", decided_on=TODAY,
                          actor="王芳", today=TODAY)  # fmt: skip
    successor = zombies.lineage(demo_db, 7).successor
    assert done.count == 1 and successor is not None
    old_page = StationDialog(demo_db, "王芳", TODAY, 7)
    qtbot.addWidget(old_page)
    assert "已重建升级为" in old_page.lineage.text() and successor[1] in old_page.lineage.text()
    new_page = StationDialog(demo_db, "王芳", TODAY, successor[0])
    qtbot.addWidget(new_page)
    assert "重建升级而来" in new_page.lineage.text()
    with qtbot.waitSignal(new_page.open_station) as opened:
        new_page.lineage.linkActivated.emit("7")
    assert opened.args == [7]

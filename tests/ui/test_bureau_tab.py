"""设置 → 单位信息: the bureau's name, logo and 填报人, shared by every PC."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from stationdesk.domain.logo import decode_logo
from stationdesk.services import preferences
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.bureau_tab import BureauTab
from tests.reports.samples import tiny_png


@pytest.fixture
def tab(qtbot: QtBot, db: Database) -> BureauTab:
    page = BureauTab(db, "王芳")
    qtbot.addWidget(page)
    page.show()
    return page


def test_name_and_logo_are_saved_for_everyone(tab: BureauTab, db: Database, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    logo = tmp_path / "局徽.png"
    logo.write_bytes(tiny_png(90, 45))
    monkeypatch.setattr(dialogs, "open_path", lambda *_a: logo)
    assert not tab.save_button.isEnabled()
    tab.bureau_name.setText("常州市天宁区市场监督管理局")
    tab.choose_logo()
    assert tab.logo_preview.pixmap().height() == 48
    assert tab.save_button.isEnabled() and tab.logo_clear.isEnabled()
    assert tab.save()
    assert preferences.get(db, "bureau_name") == "常州市天宁区市场监督管理局"
    assert decode_logo(preferences.get(db, "bureau_logo")) == tiny_png(90, 45)

    tab.logo_clear.click()
    assert tab.save()
    assert preferences.get(db, "bureau_logo") == "" and tab.logo_preview.text() == "（未设置）"


def test_a_file_that_is_not_a_picture_is_refused_by_name(tab: BureauTab, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    fake = tmp_path / "标志.png"
    fake.write_text("这不是图片", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "open_path", lambda *_a: fake)
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: shown.append(text))
    tab.choose_logo()
    assert shown == ["单位标志只能是 PNG 或 JPG 图片"]
    assert not tab.save_button.isEnabled()


"""Pick a station by typing any part of its code or name (20,000 of them at province scale).

A line edit with a completer, not a combo box of 20,000 items: the choices are read off the GUI
thread (about 100 ms at province scale) and the field works before they arrive for a station
that was set in code (a case's own station).
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from stationdesk.services import cases
from stationdesk.services.cases import StationChoice
from stationdesk.store.database import Database
from stationdesk.ui.tasks import TaskContext, TaskRunner


class StationPicker(QLineEdit):
    """`station_id()` is the chosen station, or None while the text names none (or is empty)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("输入站点编号或名称中的字")
        self._by_text: dict[str, int] = {}
        self._by_code: dict[str, int] = {}
        self.textChanged.connect(lambda _t: self.changed.emit())

    def load_choices(self, db: Database, runner: TaskRunner) -> None:
        """Read the stations a case can be entered for, then offer them as the user types."""

        def job(_ctx: TaskContext) -> list[StationChoice]:
            return cases.station_choices(db)

        runner.run(job, on_done=self._set_choices)

    def _set_choices(self, choices: list[StationChoice]) -> None:
        for choice in choices:
            self._by_text[choice.text] = choice.id
            self._by_code[choice.code.upper()] = choice.id
        completer = QCompleter(QStringListModel([c.text for c in choices], self), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(15)
        self.setCompleter(completer)
        self.changed.emit()

    def set_station(self, station_id: int, text: str) -> None:
        """Show a known station (also one no longer offered, e.g. a removed station's old case)."""
        self._by_text[text] = station_id
        self.setText(text)

    def station_id(self) -> int | None:
        text = self.text().strip()
        return self._by_text.get(text) or self._by_code.get(text.upper())

    def names_nothing(self) -> bool:
        """Text is typed but matches no station."""
        return bool(self.text().strip()) and self.station_id() is None

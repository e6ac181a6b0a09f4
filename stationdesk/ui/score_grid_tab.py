"""现场评分 tab: the score grid with its buttons — fill, discard, save in one unit of work — and the
messages of a refused save listed by station."""


from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.errors import ValidationFailed
from stationdesk.services import reexam
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import ERROR_STYLE
from stationdesk.ui.score_grid import ScoreGridModel, ScoreGridView
from stationdesk.ui.tasks import TaskContext, TaskRunner

_Index = QModelIndex | QPersistentModelIndex
INSPECTOR, INSPECTED_ON, SUBTOTAL = "inspector", "inspected_on", "subtotal"
BAD_BACKGROUND, BAD_TEXT = QColor("#f9d6d5"), QColor("#b3261e")
NOT_APPLICABLE, LOCKED_TEXT = QColor("#e4e4e4"), QColor("#7a7a7a")


class ScoreGridTab(QWidget):
    """The 现场评分 tab: the grid, its helpers, one save for every edited station, and the
    service's refusals listed by station and item. Emits `saved` after a save went through."""

    saved = Signal()

    def __init__(self, db: Database, runner: TaskRunner, today: date, actor: str) -> None:
        super().__init__()
        self._db, self._runner, self._today, self._actor = db, runner, today, actor
        self.model = ScoreGridModel(today)
        self.view = ScoreGridView(self.model)
        hint = QLabel("双击或直接输入分数；可从 Excel 复制整块后，在起始单元格按 Ctrl+V 粘贴。"
                      "未保存的修改以粗体显示，灰色单元格不能填写。")
        hint.setWordWrap(True)
        self.full_button = QPushButton("所选站点填满分")
        self.full_button.setToolTip("把所选行的每一项填为满分，再改低个别不合格的项目")
        self.discard_button = QPushButton("放弃修改")
        self.save_button = QPushButton("保存评分")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.problems = QListWidget()
        self.problems.setMaximumHeight(110)
        self.problems.setStyleSheet(ERROR_STYLE)
        self.problems.setVisible(False)
        bar = QHBoxLayout()
        bar.addWidget(self.full_button)
        bar.addWidget(self.discard_button)
        bar.addWidget(self.message, 1)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problems)
        layout.addLayout(bar)
        self.full_button.clicked.connect(self.fill_selected)
        self.discard_button.clicked.connect(self.discard)
        self.save_button.clicked.connect(self.save)
        self.model.problem_found.connect(lambda text: self._say(text, error=True))
        self.model.edits_changed.connect(self._update_buttons)
        self.view.pasted.connect(self._on_pasted)
        self._update_buttons()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def _update_buttons(self) -> None:
        edited = len(self.model.edited_ids())
        self.save_button.setText(f"保存评分（{edited} 个站点）" if edited else "保存评分")
        self.save_button.setEnabled(bool(edited) or self.model.refused_count > 0)
        self.discard_button.setEnabled(self.model.dirty)
        self.full_button.setEnabled(any(self.model.row_editable(r) for r in self.model.rows))

    def _on_pasted(self, taken: int, refused: list[str]) -> None:
        if refused:
            self._say(f"已粘贴 {taken} 个单元格，{len(refused)} 个未接受：" + "；".join(refused[:3]), error=True)
        else:
            self._say(f"已粘贴 {taken} 个单元格（尚未保存）")

    def fill_selected(self) -> None:
        rows = sorted({i.row() for i in self.view.selectedIndexes()} or {self.view.currentIndex().row()} - {-1})
        if not rows:
            self._say("请先选择要填满分的站点（行）", error=True)
            return
        self._say(f"已为 {len(rows)} 个站点填入满分（尚未保存）")
        self.model.fill_full_marks(rows)

    def discard(self) -> None:
        if dialogs.confirm(self, "放弃修改", "放弃所有未保存的现场评分修改？", yes="放弃修改", no="继续编辑"):
            self.model.discard_edits()
            self._show_problems([])
            self._say("已放弃未保存的修改")

    def save(self) -> None:
        """Save every edited station in one `enter_scores` call: all or nothing."""
        if self.model.refused_count:
            self._say(f"有 {self.model.refused_count} 处评分有误（红色单元格），请更正或清空后再保存", error=True)
            return
        entries = self.model.entries()
        if not entries:
            self._say("没有需要保存的修改")
            return
        self.save_button.setEnabled(False)

        def job(_ctx: TaskContext) -> int:
            return reexam.enter_scores(self._db, entries, self._actor, self._today)

        self._runner.run(job, on_done=lambda n: self._on_saved(n, [e.reexam_id for e in entries]),
                         on_error=self._on_save_error)  # fmt: skip

    def _on_saved(self, count: int, ids: list[int]) -> None:
        self.model.discard_edits(ids)
        self._show_problems([])
        self._say(f"已保存 {count} 个站点的现场评分")
        self.saved.emit()

    def _on_save_error(self, exc: BaseException) -> None:
        self._update_buttons()
        if isinstance(exc, ValidationFailed):
            lines = self.model.mark_refused(exc.problems)
            self._show_problems(lines)
            self._say(f"评分未保存：有 {len(lines)} 处需要修改（见上方列表）", error=True)
            return
        self._say("评分未保存", error=True)
        dialogs.show_error(self, exc, "saving scores")

    def _show_problems(self, lines: Sequence[str]) -> None:
        self.problems.clear()
        self.problems.addItems(list(lines))
        self.problems.setVisible(bool(lines))

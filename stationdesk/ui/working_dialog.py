"""A form dialog whose OK runs a service call on a worker and closes only when it worked.

For forms whose save is slow enough to freeze the window (hashing a password takes a few
hundred ms): the fields' own problems show under the form before anything is sent, the
service's refusal shows there afterwards, and anything unexpected is reported as a bug.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from stationdesk.errors import UserError, ValidationFailed
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import ERROR_STYLE
from stationdesk.ui.tasks import TaskContext, TaskRunner

NEW_PASSWORD_HINT = "至少 8 位，含字母和数字"


def password_field(placeholder: str = "") -> QLineEdit:
    """A masked password input (never echoed, at most 128 characters)."""
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(128)
    field.setPlaceholderText(placeholder)
    return field


class WorkingDialog(QDialog):
    """Subclasses add rows to `form` and give `problems()` and `job()`."""

    succeeded = Signal(object)
    """The job's result, just before the dialog closes."""

    def __init__(self, runner: TaskRunner, title: str, parent: QWidget | None, *, ok_text: str = "保存",
                 cancel_text: str = "取消", heading: str = "") -> None:  # fmt: skip
        super().__init__(parent)
        self._runner = runner
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.setMinimumWidth(400)
        self.form = QFormLayout()
        self.problem = QLabel("")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if heading:
            title_label = QLabel(heading)
            title_label.setWordWrap(True)
            layout.addWidget(title_label)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def problems(self) -> str:
        """What the fields say before anything is sent (empty when ready)."""
        return ""

    def job(self) -> Callable[[TaskContext], Any]:
        raise NotImplementedError

    def submit(self) -> None:
        if text := self.problems():
            self.problem.setText(text)
            return
        self.ok_button.setEnabled(False)
        self.problem.setText("正在处理…")
        self._runner.run(self.job(), on_done=self._done, on_error=self._failed)

    def _done(self, result: Any) -> None:
        self.ok_button.setEnabled(True)
        self.result_value = result
        self.succeeded.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.problem.setText("；".join(f"{exc.labels.get(k, k)}：{v}" for k, v in exc.problems.items()))
        elif isinstance(exc, UserError):
            self.problem.setText(str(exc))
        else:
            self.problem.setText("")
            dialogs.show_error(self, exc, f"dialog {self.windowTitle()}")

"""Signing in at start, and the first-run wizard that creates the administrator.

Both check the password off the GUI thread (an Argon2id hash takes a few hundred ms on an
office PC) and show their problems under the fields instead of in a message box, so a typing
mistake costs one glance. The last name used is remembered per user; the password never is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.permissions import Principal, password_problem, username_problem
from stationdesk.domain.vocabulary import Role
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import accounts
from stationdesk.store.database import Database
from stationdesk.ui.form_field import ERROR_STYLE
from stationdesk.ui.tasks import TaskContext, TaskRunner

LAST_USER_KEY = "signin/last_user"


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(128)
    return field


class _CheckingDialog(QDialog):
    """A dialog whose OK button runs a service call on a worker and closes only if it worked."""

    signed_in = Signal(object)
    """The `Principal` to work as, once the dialog has done its job."""

    def __init__(self, runner: TaskRunner, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.setWindowTitle(title)
        self.setMinimumWidth(380)
        self.form = QFormLayout()
        self.problem = QLabel("")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.principal: Principal | None = None

    def _finish_layout(self, heading: str) -> None:
        layout = QVBoxLayout(self)
        title = QLabel(heading)
        title.setObjectName("dialogHeading")
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def problems(self) -> str:
        """What the fields say before anything is sent (empty when ready)."""
        return ""

    def job(self) -> Callable[[TaskContext], Principal]:
        raise NotImplementedError

    def submit(self) -> None:
        if text := self.problems():
            self.problem.setText(text)
            return
        self.problem.setText("正在验证…")
        self.ok_button.setEnabled(False)
        self._runner.run(self.job(), on_done=self._done, on_error=self._failed)

    def _done(self, principal: Any) -> None:
        self.ok_button.setEnabled(True)
        self.principal = principal
        self.signed_in.emit(principal)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self.problem.setText("；".join(exc.problems.values()))
        elif isinstance(exc, UserError):
            self.problem.setText(str(exc))
        else:
            from stationdesk.logsetup import report_bug

            self.problem.setText(report_bug(exc, "signing in"))


class SignInDialog(_CheckingDialog):
    """用户登录: name and password, checked by `accounts.sign_in`."""

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, location: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(runner, "登录 - 维权站点管理台", "登录", parent)
        self._db, self._settings = db, settings
        self.username = QLineEdit(str(settings.value(LAST_USER_KEY, "") or ""))
        self.username.setMaxLength(40)
        self.password = _password_field()
        self.form.addRow("用户名(&U)", self.username)
        self.form.addRow("密码(&P)", self.password)
        self._finish_layout(f"请登录\n数据库：{location}")
        (self.password if self.username.text() else self.username).setFocus(Qt.FocusReason.OtherFocusReason)

    def problems(self) -> str:
        if not self.username.text().strip():
            return "请填写用户名"
        if not self.password.text():
            return "请填写密码"
        return ""

    def job(self) -> Callable[[TaskContext], Principal]:
        db, name, password = self._db, self.username.text(), self.password.text()
        return lambda _ctx: accounts.sign_in(db, name, password)

    def _done(self, principal: Any) -> None:
        self._settings.setValue(LAST_USER_KEY, principal.username)
        super()._done(principal)

    def _failed(self, exc: BaseException) -> None:
        self.password.clear()
        self.password.setFocus()
        super()._failed(exc)


class FirstAdministratorDialog(_CheckingDialog):
    """The first-run wizard: a database without accounts gets its administrator."""

    def __init__(self, db: Database, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, "创建管理员账号 - 维权站点管理台", "创建并登录", parent)
        self._db = db
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.username.setPlaceholderText("登录用，如 wangfang 或 王芳")
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(40)
        self.password = _password_field()
        self.password.setPlaceholderText("至少 8 位，含字母和数字")
        self.repeat = _password_field()
        self.form.addRow("用户名(&U)", self.username)
        self.form.addRow("姓名(&N)", self.display_name)
        self.form.addRow("密码(&P)", self.password)
        self.form.addRow("确认密码(&R)", self.repeat)
        self._finish_layout(
            "欢迎使用维权站点管理台。\n这个数据库还没有用户账号：请先创建管理员账号。管理员可以在“设置 → 用户账号”"
            "中为同事开设账号（市局人员、县区人员、只读）。"
        )

    def problems(self) -> str:
        name = self.username.text().strip()
        found = [
            username_problem(name),
            None if self.display_name.text().strip() else "请填写姓名",
            password_problem(self.password.text(), name),
            None if self.password.text() == self.repeat.text() else "两次输入的密码不一致",
        ]
        return "；".join(p for p in found if p)

    def job(self) -> Callable[[TaskContext], Principal]:
        draft = accounts.AccountDraft(self.username.text(), self.display_name.text(), Role.ADMIN)
        db, password = self._db, self.password.text()
        return lambda _ctx: accounts.create_first_administrator(db, draft, password)

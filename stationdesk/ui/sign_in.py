"""Signing in at start, and the first-run wizard that creates the administrator.

Both check the password off the GUI thread (an Argon2id hash takes a few hundred ms on an
office PC) and show their problems under the fields instead of in a message box, so a typing
mistake costs one glance. The last name used is remembered per user; the password never is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QLineEdit,
    QWidget,
)

from stationdesk.domain.permissions import Principal, password_problem, username_problem
from stationdesk.domain.vocabulary import Role
from stationdesk.services import accounts
from stationdesk.store.database import Database
from stationdesk.ui.tasks import TaskContext, TaskRunner
from stationdesk.ui.working_dialog import NEW_PASSWORD_HINT, WorkingDialog, password_field

LAST_USER_KEY = "signin/last_user"




class SignInDialog(WorkingDialog):
    """用户登录: name and password, checked by `accounts.sign_in`."""

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, location: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(runner, "登录 - 维权站点管理台", parent, ok_text="登录", cancel_text="退出",
                         heading=f"请登录\n数据库：{location}")
        self._db, self._settings = db, settings
        self.username = QLineEdit(str(settings.value(LAST_USER_KEY, "") or ""))
        self.username.setMaxLength(40)
        self.password = password_field()
        self.form.addRow("用户名(&U)", self.username)
        self.form.addRow("密码(&P)", self.password)
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

    def _done(self, result: Any) -> None:
        self._settings.setValue(LAST_USER_KEY, result.username)
        super()._done(result)

    def _failed(self, exc: BaseException) -> None:
        self.password.clear()
        self.password.setFocus()
        super()._failed(exc)


class FirstAdministratorDialog(WorkingDialog):
    """The first-run wizard: a database without accounts gets its administrator."""

    def __init__(self, db: Database, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, "创建管理员账号 - 维权站点管理台", parent, ok_text="创建并登录", cancel_text="退出",
                         heading="欢迎使用维权站点管理台。\n这个数据库还没有用户账号：请先创建管理员账号。管理员可以在"
                                 "“设置 → 用户账号”中为同事开设账号（市局人员、县区人员、只读）。")
        self._db = db
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.username.setPlaceholderText("登录用，如 wangfang 或 王芳")
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(40)
        self.password = password_field(NEW_PASSWORD_HINT)
        self.repeat = password_field()
        self.form.addRow("用户名(&U)", self.username)
        self.form.addRow("姓名(&N)", self.display_name)
        self.form.addRow("密码(&P)", self.password)
        self.form.addRow("确认密码(&R)", self.repeat)

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

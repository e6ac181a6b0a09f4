"""设置 → 用户账号: the administrator's list of accounts, and the forms to add and change them.

Accounts are disabled, never deleted (the audit trail keeps their names). Hashing a password
takes a few hundred ms, so every save runs on a worker; problems show under the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.permissions import password_problem, username_problem
from stationdesk.domain.vocabulary import Role
from stationdesk.errors import UserError
from stationdesk.services import accounts, register
from stationdesk.services.accounts import AccountDraft, AccountRow
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.list_model import ListColumn, ListModel, list_table
from stationdesk.ui.tasks import TaskContext, TaskRunner
from stationdesk.ui.timefmt import local_time
from stationdesk.ui.working_dialog import NEW_PASSWORD_HINT, WorkingDialog, password_field


def account_columns() -> list[ListColumn[AccountRow]]:
    return [
        ListColumn("用户名", 120, lambda a: a.username),
        ListColumn("姓名", 100, lambda a: a.display_name),
        ListColumn("角色", 90, lambda a: a.role.label),
        ListColumn("所属县区", 100, lambda a: a.county_name),
        ListColumn("状态", 70, lambda a: "正常" if a.active else "已停用"),
        ListColumn("连续输错", 70, lambda a: str(a.failed_logins) if a.failed_logins else "", lambda a: a.failed_logins,
                   numeric=True),
        ListColumn("创建人", 100, lambda a: a.created_by),
        ListColumn("创建时间", 140, lambda a: local_time(a.created_at), lambda a: a.created_at),
    ]  # fmt: skip




class AccountDialog(WorkingDialog):
    """New account (with its first password) or changes to one (name, role, county)."""

    def __init__(self, db: Database, runner: TaskRunner, actor: str, row: AccountRow | None = None,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(runner, "新建账号" if row is None else f"修改账号 {row.username}", parent)
        self._db, self._actor, self._row = db, actor, row
        self.username = QLineEdit(row.username if row else "")
        self.username.setMaxLength(40)
        self.username.setReadOnly(row is not None)
        self.username.setToolTip("用户名创建后不能修改：审计记录以它为准")
        self.display_name = QLineEdit(row.display_name if row else "")
        self.display_name.setMaxLength(40)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(self.role.findData((row.role if row else Role.COUNTY).value))
        self.county = QComboBox()
        self.county.addItem("（不限）", None)
        for choice in register.register_lookups(db).counties:
            self.county.addItem(choice.name, choice.id)
        if row is not None and row.county_id is not None:
            self.county.setCurrentIndex(max(0, self.county.findData(row.county_id)))
        self.role.currentIndexChanged.connect(self._role_changed)
        self.form.addRow("用户名(&U)", self.username)
        self.form.addRow("姓名(&N)", self.display_name)
        self.form.addRow("角色(&R)", self.role)
        self.form.addRow("所属县区(&C)", self.county)
        self.password = password_field(NEW_PASSWORD_HINT)
        self.repeat = password_field(NEW_PASSWORD_HINT)
        if row is None:
            self.form.addRow("初始密码(&P)", self.password)
            self.form.addRow("确认密码", self.repeat)
        hint = QLabel("管理员：全部功能；市局人员：全市站点和复核、僵尸站点处置；县区人员：只能修改本县区的站点和记录，"
                      "其他县区只能查看；只读：只能查看和打印。")  # fmt: skip
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        self.form.addRow(hint)
        self._role_changed()

    def _chosen_role(self) -> Role:
        return Role(self.role.currentData())

    def _role_changed(self) -> None:
        county_role = self._chosen_role() is Role.COUNTY
        self.county.setEnabled(county_role)
        if not county_role:
            self.county.setCurrentIndex(0)

    def problems(self) -> str:
        found = [None if self._row else username_problem(self.username.text().strip()),
                 None if self.display_name.text().strip() else "请填写姓名",
                 "县区人员需要选择所属县区" if self._chosen_role() is Role.COUNTY and self.county.currentData() is None
                 else None]  # fmt: skip
        if self._row is None:
            found.append(password_problem(self.password.text(), self.username.text().strip()))
            found.append(None if self.password.text() == self.repeat.text() else "两次输入的密码不一致")
        return "；".join(p for p in found if p)

    def job(self) -> Callable[[TaskContext], Any]:
        draft = AccountDraft(self.username.text(), self.display_name.text(), self._chosen_role(), self.county.currentData())
        db, actor, row, password = self._db, self._actor, self._row, self.password.text()
        if row is None:
            return lambda _ctx: accounts.create_account(db, draft, password, actor)
        return lambda _ctx: accounts.update_account(db, row.id, draft, row.active, actor, row.version)


class PasswordDialog(WorkingDialog):
    """The administrator sets a new password for someone who forgot theirs."""

    def __init__(self, db: Database, runner: TaskRunner, actor: str, row: AccountRow, parent: QWidget | None = None) -> None:
        super().__init__(runner, f"重设 {row.display_name or row.username} 的密码", parent)
        self._db, self._actor, self._row = db, actor, row
        self.password = password_field(NEW_PASSWORD_HINT)
        self.repeat = password_field(NEW_PASSWORD_HINT)
        self.form.addRow("新密码(&P)", self.password)
        self.form.addRow("确认新密码", self.repeat)

    def problems(self) -> str:
        if problem := password_problem(self.password.text(), self._row.username):
            return problem
        return "" if self.password.text() == self.repeat.text() else "两次输入的密码不一致"

    def job(self) -> Callable[[TaskContext], Any]:
        db, user_id, password, actor = self._db, self._row.id, self.password.text(), self._actor
        return lambda _ctx: accounts.reset_password(db, user_id, password, actor)


class OwnPasswordDialog(WorkingDialog):
    """修改密码: the signed-in person changes their own password (the old one first)."""

    def __init__(self, db: Database, runner: TaskRunner, username: str, parent: QWidget | None = None) -> None:
        super().__init__(runner, "修改我的密码", parent)
        self._db, self._username = db, username
        self.old = password_field()
        self.password = password_field(NEW_PASSWORD_HINT)
        self.repeat = password_field(NEW_PASSWORD_HINT)
        self.form.addRow("原密码(&O)", self.old)
        self.form.addRow("新密码(&P)", self.password)
        self.form.addRow("确认新密码", self.repeat)

    def problems(self) -> str:
        if not self.old.text():
            return "请填写原密码"
        if problem := password_problem(self.password.text(), self._username):
            return problem
        return "" if self.password.text() == self.repeat.text() else "两次输入的密码不一致"

    def job(self) -> Callable[[TaskContext], Any]:
        db, name, old, new = self._db, self._username, self.old.text(), self.password.text()
        return lambda _ctx: accounts.change_own_password(db, name, old, new)


class AccountsTab(QWidget):
    """The list of accounts with 新建 / 修改 / 停用·启用 / 重设密码."""

    def __init__(self, db: Database, runner: TaskRunner, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._runner, self._actor = db, runner, actor
        self.model: ListModel[AccountRow] = ListModel(account_columns())
        self.table = list_table(self.model)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.new_button = QPushButton("新建账号…")
        self.edit_button = QPushButton("修改…")
        self.toggle_button = QPushButton("停用")
        self.password_button = QPushButton("重设密码…")
        self.new_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_selected)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.password_button.clicked.connect(self.reset_selected)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.toggle_button, self.password_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        note = QLabel("账号只能停用，不能删除：停用后不能登录，但审计记录中仍显示其姓名。连续输错密码 3 次后，"
                      "每次重试需等待的时间逐次加倍。")  # fmt: skip
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def reload(self) -> None:
        self.model.set_rows(accounts.accounts(self._db))
        self._update_buttons()

    def selected(self) -> AccountRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        row = self.selected()
        for button in (self.edit_button, self.toggle_button, self.password_button):
            button.setEnabled(row is not None)
        self.toggle_button.setText("启用" if row is not None and not row.active else "停用")

    def _run_dialog(self, dialog: QDialog) -> None:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def add(self) -> None:
        self._run_dialog(AccountDialog(self._db, self._runner, self._actor, None, self))

    def edit_selected(self) -> None:
        if (row := self.selected()) is not None:
            self._run_dialog(AccountDialog(self._db, self._runner, self._actor, row, self))

    def reset_selected(self) -> None:
        if (row := self.selected()) is not None:
            self._run_dialog(PasswordDialog(self._db, self._runner, self._actor, row, self))

    def toggle_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.active and not dialogs.confirm(
            self, "停用账号", f"停用“{row.display_name}（{row.username}）”后，该账号不能再登录。\n已录入的记录和审计记录不受影响，"
            "以后可以重新启用。", yes="停用", no="取消",
        ):  # fmt: skip
            return
        draft = AccountDraft(row.username, row.display_name, row.role, row.county_id)
        try:
            accounts.update_account(self._db, row.id, draft, not row.active, self._actor, row.version)
        except UserError as exc:
            dialogs.show_error(self, exc)
        self.reload()

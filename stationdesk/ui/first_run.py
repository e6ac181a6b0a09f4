"""首次使用向导: the first start on a PC that has never chosen a database.

Three steps, then the usual opening (which asks for the administrator on a new database):
1. 单位名称: printed on every report (设置 → 单位信息 later).
2. 数据库: a new file in the default place, an existing file (a copy from a colleague, a backup),
   or a PostgreSQL server for several PCs — with 测试连接, which must succeed before going on, and
   names the problem in Chinese when it does not (wrong address, refused password, no database).
3. 开始方式: empty, the sample data to try things out, or straight to 导入站点名册.

Why a wizard before the window: everything after it (the lock, the migrations, sign-in) depends
on which database it is, and an IT person setting up twenty PCs answers these once per PC.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from stationdesk.config import sqlite_url
from stationdesk.services.opening import postgresql_url, test_connection
from stationdesk.ui import dialogs
from stationdesk.ui.tasks import TaskRunner

StartWith = Literal["empty", "sample", "import"]
ERROR_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1b6e20;"


@dataclass(frozen=True, slots=True)
class FirstRunChoice:
    """What the wizard settled: the bureau, the database and how to begin."""

    bureau_name: str
    database_url: str
    start_with: StartWith


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    return label


class BureauPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("欢迎使用维权站点管理台")
        self.setSubTitle("请填写使用本程序的单位。它会印在检查报告和汇总表上，以后可在“设置 → 单位信息”中修改。")
        self.bureau = QLineEdit(placeholderText="如 常州市市场监督管理局")
        self.bureau.setMaxLength(60)
        form = QFormLayout(self)
        form.addRow("单位名称(&N)", self.bureau)
        self.registerField("bureau*", self.bureau)


class DatabasePage(QWizardPage):
    """Where the register lives; a server must answer 测试连接 before 下一步."""

    def __init__(self, runner: TaskRunner, default_file: Path) -> None:
        super().__init__()
        self._runner = runner
        self._tested_url: str | None = None
        self.setTitle("选择数据库")
        self.setSubTitle("只在这台电脑上使用，选第一项；几台电脑同时录入，请信息科提供 PostgreSQL 服务器。")
        self.new_file = QRadioButton("新建数据库（保存在本机）")
        self.existing_file = QRadioButton("打开已有的数据库文件")
        self.server = QRadioButton("连接 PostgreSQL 数据库服务器（多台电脑共用）")
        self.choices = QButtonGroup(self)
        for number, button in enumerate((self.new_file, self.existing_file, self.server)):
            self.choices.addButton(button, number)
        self.new_file.setChecked(True)
        self.default_file = default_file
        self.file = QLineEdit(placeholderText="选择 .sqlite 文件")
        self.browse = QPushButton("浏览…")
        self.browse.clicked.connect(self._browse)
        self.host = QLineEdit(placeholderText="服务器计算机名或 IP 地址，如 192.168.1.20")
        self.port = QSpinBox(minimum=1, maximum=65535, value=5432)
        self.database = QLineEdit("stationdesk")
        self.user = QLineEdit(placeholderText="数据库账号")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.test_button = QPushButton("测试连接")
        self.test_button.clicked.connect(self.test)
        self.result = _note("")
        self._build()
        self.choices.idToggled.connect(lambda _i, _on: self._update())
        for field in (self.file, self.host, self.database, self.user, self.password):
            field.textChanged.connect(lambda _t: self._changed())
        self.port.valueChanged.connect(lambda _v: self._changed())
        self._update()

    def _build(self) -> None:
        file_row = QHBoxLayout()
        file_row.addWidget(self.file, 1)
        file_row.addWidget(self.browse)
        self.server_form = QWidget()
        form = QFormLayout(self.server_form)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow("服务器(&H)", self.host)
        form.addRow("端口", self.port)
        form.addRow("数据库名(&D)", self.database)
        form.addRow("用户名(&U)", self.user)
        form.addRow("密码(&P)", self.password)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result, 1)
        form.addRow("", test_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.new_file)
        layout.addWidget(_note(f"    位置：{self.default_file}"))
        layout.addWidget(self.existing_file)
        file_box = QWidget()
        file_box.setLayout(file_row)
        file_row.setContentsMargins(24, 0, 0, 0)
        self.file_box = file_box
        layout.addWidget(file_box)
        layout.addWidget(self.server)
        layout.addWidget(self.server_form)
        layout.addStretch(1)

    def _browse(self) -> None:
        chosen = dialogs.open_path(self, "选择数据库文件", self.default_file.parent, "数据库文件 (*.sqlite *.db);;所有文件 (*)")
        if chosen is not None:
            self.file.setText(str(chosen))

    def _update(self) -> None:
        self.file_box.setEnabled(self.existing_file.isChecked())
        self.server_form.setEnabled(self.server.isChecked())
        self.completeChanged.emit()

    def _changed(self) -> None:
        """Any edit of the server's details calls for a new test."""
        self._tested_url = None
        self.result.setText("")
        self.completeChanged.emit()

    def server_url(self) -> str:
        return postgresql_url(self.host.text(), self.port.value(), self.database.text(), self.user.text(),
                              self.password.text())  # fmt: skip

    def server_problem(self) -> str | None:
        if not self.host.text().strip():
            return "请填写服务器地址"
        if not self.database.text().strip():
            return "请填写数据库名"
        if not self.user.text().strip():
            return "请填写用户名"
        return None

    def test(self) -> None:
        """测试连接, off the GUI thread (an unreachable server takes up to 5 s to give up)."""
        problem = self.server_problem()
        if problem:
            self._show_result(problem, ok=False)
            return
        url = self.server_url()
        self.result.setStyleSheet("")
        self.result.setText("正在连接…")
        self.test_button.setEnabled(False)

        def done(message: str) -> None:
            self.test_button.setEnabled(True)
            if url == self.server_url():
                self._tested_url = url
                self._show_result(message, ok=True)

        def failed(exc: BaseException) -> None:
            self.test_button.setEnabled(True)
            hint = getattr(exc, "hint", "")
            self._show_result(f"连接失败：{getattr(exc, 'message', exc)}" + (f"。{hint}" if hint else ""), ok=False)

        self._runner.run(lambda _ctx: test_connection(url), on_done=done, on_error=failed)

    def _show_result(self, text: str, ok: bool) -> None:
        self.result.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.result.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        if self.existing_file.isChecked():
            return Path(self.file.text().strip()).is_file()
        if self.server.isChecked():
            return self._tested_url is not None and self._tested_url == self.server_url()
        return True

    def database_url(self) -> str:
        if self.existing_file.isChecked():
            return sqlite_url(Path(self.file.text().strip()))
        if self.server.isChecked():
            return self.server_url()
        return sqlite_url(self.default_file)


class StartPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("开始方式")
        self.setSubTitle("接下来程序会打开数据库；新数据库会先请您创建管理员账号。")
        self.empty = QRadioButton("空白开始，稍后录入或导入站点")
        self.sample = QRadioButton("载入示例数据（300 个虚构站点，用于熟悉操作，不要用于正式工作）")
        self.roster = QRadioButton("立即导入本单位的站点名册（Excel 或 CSV）")
        self.roster.setChecked(True)
        layout = QVBoxLayout(self)
        for button in (self.roster, self.empty, self.sample):
            layout.addWidget(button)
        layout.addWidget(_note("已有数据的数据库不会载入示例数据；导入前程序会自动备份。"))
        layout.addStretch(1)

    def start_with(self) -> StartWith:
        if self.sample.isChecked():
            return "sample"
        return "import" if self.roster.isChecked() else "empty"


class FirstRunWizard(QWizard):
    """Asks once per PC; `choice()` after it was accepted."""

    HELP_SECTION = "开始使用"

    def __init__(self, runner: TaskRunner, default_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("首次使用 - 维权站点管理台")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步")
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成")
        self.setButtonText(QWizard.WizardButton.CancelButton, "退出")
        self.bureau_page = BureauPage()
        self.database_page = DatabasePage(runner, default_file)
        self.start_page = StartPage()
        for page in (self.bureau_page, self.database_page, self.start_page):
            self.addPage(page)
        self.resize(640, 460)

    def choice(self) -> FirstRunChoice:
        return FirstRunChoice(
            bureau_name=self.bureau_page.bureau.text().strip(),
            database_url=self.database_page.database_url(),
            start_with=self.start_page.start_with(),
        )

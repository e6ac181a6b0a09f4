"""操作日志: who changed what, when — every business write, filtered by person, time, station and
kind; each change's fields old → new; the filtered list to Excel; and a check that no row was
changed or removed outside the app (the hash chain), run off the GUI thread.

Read-only: there is nothing here to edit or delete, and the database refuses it anyway.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, QSettings, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.audit_trail import ACTION_GROUPS, TABLE_LABELS, ActionGroup, action_label, table_label
from stationdesk.services import audit, audit_trail
from stationdesk.services.audit import ChainBreak
from stationdesk.services.audit_trail import AuditFilter
from stationdesk.store.database import Database
from stationdesk.transfer.audit_export import audit_rows_export
from stationdesk.ui import dialogs
from stationdesk.ui.audit_view import SECONDS, AuditBrowser
from stationdesk.ui.exporting import export_to_excel, visible_keys
from stationdesk.ui.tasks import TaskContext, TaskRunner
from stationdesk.ui.timefmt import local_time

HEADER_STATE_KEY = "audit/header"
SEARCH_DELAY_MS = 300
CUSTOM = "custom"
ALL_PEOPLE = "全部操作人"


def period_choices(today: date) -> list[tuple[str, object]]:
    """(label, (first day, last day) or None for any time, or CUSTOM for the two date fields)."""
    return [
        ("全部时间", None),
        ("今天", (today, today)),
        ("近7天", (today - timedelta(days=6), today)),
        ("近30天", (today - timedelta(days=29), today)),
        (f"{today.year}年", (date(today.year, 1, 1), date(today.year, 12, 31))),
        ("自定义…", CUSTOM),
    ]


def utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Local calendar days [first, last] as the UTC moments the trail stores (`last` included)."""

    def start_of(day: date) -> datetime:
        return datetime.combine(day, time()).astimezone(UTC).replace(tzinfo=None)

    return start_of(first), start_of(last + timedelta(days=1))


class AuditPage(QWidget):
    """The 操作日志 page; loads the first time it is shown. `open_station(id)` on a double-click."""

    open_station = Signal(int)
    loaded = Signal()
    verified = Signal(object)  # ChainBreak | None

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, today: date) -> None:
        super().__init__()
        self._db, self._runner, self._settings, self._today = db, runner, settings, today
        self._shown_once = False
        self.browser = AuditBrowser(db, runner, settings, HEADER_STATE_KEY)
        self._build()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.user = QComboBox()
        self.user.addItem(ALL_PEOPLE, None)
        self.user.setMinimumContentsLength(6)
        self.period = QComboBox()
        for label, bounds in period_choices(self._today):
            self.period.addItem(label, bounds)
        self.date_from = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.date_to = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        today = QDate(self._today.year, self._today.month, self._today.day)
        self.date_from.setDate(today.addDays(-29))
        self.date_to.setDate(today)
        self.station = QLineEdit(placeholderText="站点编号或名称")
        self.station.setClearButtonEnabled(True)
        self.station.setToolTip("只看这个站点的记录（站点资料、状态变更、它的案件、赔付等）；输入编号或名称中的字")
        self.table = QComboBox()
        self.table.addItem("全部对象", None)
        for code, label in TABLE_LABELS.items():
            self.table.addItem(label, code)
        self.action = QComboBox()
        self.action.addItem("全部操作", None)
        for group in ACTION_GROUPS:
            self.action.addItem(group.label, group)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setToolTip("把当前筛选出的记录按显示的列导出为 Excel")
        self.export_button.clicked.connect(self.export_excel)
        self.verify_button = QPushButton("校验完整性")
        self.verify_button.setToolTip("逐条核对操作日志的校验值，检查是否有记录在软件之外被修改、删除或插入")
        self.verify_button.clicked.connect(self.verify)
        self.count_label = QLabel("正在加载…")
        note = QLabel("操作日志只能查看，不能修改或删除。")
        note.setStyleSheet("color: #666;")

        bar = QHBoxLayout()
        bar.addWidget(QLabel("操作人"))
        bar.addWidget(self.user, 1)
        bar.addWidget(QLabel("时间"))
        bar.addWidget(self.period)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.date_to)
        bar.addWidget(QLabel("站点"))
        bar.addWidget(self.station, 2)
        bar.addWidget(self.table, 1)
        bar.addWidget(self.action, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addWidget(note, 1)
        footer.addWidget(self.verify_button)
        footer.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.browser, 1)
        layout.addLayout(footer)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.station.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.user, self.period, self.table, self.action):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.apply_filters())
        self.browser.loaded.connect(self._on_loaded)
        self.browser.open_station.connect(self.open_station)
        self._update_dates()

    def showEvent(self, event: QShowEvent) -> None:
        """The trail is read the first time the page is shown, not when the window opens."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.reload()

    # -- filters and loading -------------------------------------------------------------------
    def current_filter(self) -> AuditFilter:
        since = before = None
        bounds = self.period.currentData()
        if bounds == CUSTOM:
            first, last = self.date_from.date().toPython(), self.date_to.date().toPython()
            bounds = (min(first, last), max(first, last))
        if bounds is not None:
            since, before = utc_bounds(*bounds)  # type: ignore[misc]
        group: ActionGroup | None = self.action.currentData()
        return AuditFilter(
            username=self.user.currentData(), since=since, before=before, station_text=self.station.text().strip(),
            tables=group.tables if group else None, actions=group.actions if group else None,
            table=self.table.currentData(),
        )  # fmt: skip

    def _update_dates(self) -> None:
        custom = self.period.currentData() == CUSTOM
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)

    def apply_filters(self) -> None:
        self._update_dates()
        self.count_label.setText("正在查询…")
        self.browser.set_filter(self.current_filter())

    def reload(self) -> None:
        """Refresh the people offered, then the list."""
        self._runner.run(lambda _ctx: audit_trail.audit_usernames(self._db), on_done=self._set_people,
                         on_error=lambda exc: dialogs.show_error(self, exc, "loading audit users"))  # fmt: skip
        self.apply_filters()

    def _set_people(self, names: list[str]) -> None:
        chosen = self.user.currentData()
        self.user.blockSignals(True)
        self.user.clear()
        self.user.addItem(ALL_PEOPLE, None)
        for name in names:
            self.user.addItem(name, name)
        index = self.user.findData(chosen) if chosen else 0
        self.user.setCurrentIndex(max(index, 0))
        self.user.blockSignals(False)
        if chosen and index < 0:
            self.apply_filters()

    def _on_loaded(self, count: int) -> None:
        self.count_label.setText(f"共 {count:,} 条")
        self.loaded.emit()

    # -- export and check ----------------------------------------------------------------------
    def export_excel(self) -> None:
        """The filtered rows in the columns shown, in the list's order, to .xlsx."""
        ids = self.browser.ids()
        keys = visible_keys(self.browser.table, [c.key for c in self.browser.model.columns])
        export_to_excel(self, self._runner, self._settings,
                        lambda: audit_rows_export(self._db, ids, keys), f"操作日志（{len(ids)} 条）")  # fmt: skip

    def verify(self) -> None:
        """Recompute the hash chain off the GUI thread, with progress; report the first broken row."""
        self.verify_button.setEnabled(False)

        def job(ctx: TaskContext) -> tuple[int, ChainBreak | None]:
            checked = [0]

            def progress(done: int, total: int, text: str) -> None:
                checked[0] = total
                ctx.progress(done, total, text)
                ctx.check_cancelled()

            broken = audit.verify_audit_chain(self._db, progress)
            return checked[0], broken

        def done(result: tuple[int, ChainBreak | None]) -> None:
            self.verify_button.setEnabled(True)
            total, broken = result
            self.verified.emit(broken)
            if broken is None:
                dialogs.inform(self, "校验完整性", f"操作日志完整：{total:,} 条记录的校验值首尾相接，"
                                                    "未发现在软件之外被修改、删除或插入的记录。")  # fmt: skip
                return
            self.browser.select(broken.id)
            dialogs.warn(self, "操作日志校验未通过", broken_text(broken))

        def failed(exc: BaseException) -> None:
            self.verify_button.setEnabled(True)
            dialogs.show_error(self, exc, "verifying the audit trail")

        self._runner.run(job, on_done=done, on_error=failed, on_cancelled=lambda: self.verify_button.setEnabled(True),
                         progress_parent=self, progress_title="正在校验操作日志…")  # fmt: skip

    def save_state(self) -> None:
        self.browser.table.save_state()


def broken_text(broken: ChainBreak) -> str:
    """What the user is told of the first row that does not match."""
    return (
        f"第 {broken.position:,} 条记录（日志编号 {broken.id}：{local_time(broken.at, SECONDS)} {broken.username} "
        f"{action_label(broken.table_name, broken.action)}{table_label(broken.table_name)}）的校验值不符：\n"
        "这条记录，或它前面的一条，在本软件之外被修改、删除或插入过。\n\n"
        "请告知系统管理员，用备份核对这段时间的数据。"
    )

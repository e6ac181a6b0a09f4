"""僵尸站点: sweep the stations with the zombie rules and decide on the ones flagged.

The sweep (`zombies.sweep`) reads every station's facts in a few set-based queries, so the page
runs it whole on the runner — about 50 ms on the demo, 300 ms for a province — with a cancellable
progress dialog, and filters the flagged stations (a few hundred at most) in memory. The queue is
ordered by score, highest first, so the clearest cases are decided first; each row carries the
evidence the decision will record. Decisions go through `ZombieDecisionDialog`, one confirmation
for the whole selection, and the page sweeps again afterwards so decided stations drop out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.permissions import Permission
from stationdesk.domain.text import match_key
from stationdesk.domain.vocabulary import StationStatus, ZombieAction
from stationdesk.domain.zombie_rules import RuleSetting, ZombieRule, whole_months
from stationdesk.errors import UserError
from stationdesk.services import zombies
from stationdesk.services.zombies import FlaggedStation
from stationdesk.store.database import Database
from stationdesk.ui import dialogs, rights
from stationdesk.ui.exporting import export_to_excel, shown_list_export
from stationdesk.ui.form_field import ERROR_STYLE
from stationdesk.ui.list_model import ListColumn, list_table
from stationdesk.ui.reexam_columns import ColouredListModel, level_text
from stationdesk.ui.site_check_dialog import SiteCheckDialog
from stationdesk.ui.tasks import Cancelled, TaskContext, TaskRunner
from stationdesk.ui.zombie_dialogs import (
    Batch,
    ZombieDecisionDialog,
    evidence_text,
    last_action_text,
    rules_text,
)

HEADER_KEY = "zombies/queue_header"
SEARCH_DELAY_MS = 150
NOTE_STYLE = "color: #555;"
HIGH_SCORE, HIGH_SCORE_COLOUR = 80, "#b3261e"  # two strong rules at least: worth deciding first
DECISIONS = (
    (ZombieAction.REMOVE, "清除…", "撤销所选站点（须填写批准人）"),
    (ZombieAction.REVIVE, "激活…", "限期整改：列出整改事项和期限，期限前不再列出"),
    (ZombieAction.REBUILD, "重建升级…", "撤销所选站点，各新建一个12315消费维权服务站"),
    (ZombieAction.DEFER, "暂缓…", "暂缓至某日，期间不再列出"),
)


@dataclass(frozen=True)
class Sweep:
    """One sweep's result, with the date it was run as of and the rules it used."""

    as_of: date
    rows: list[FlaggedStation]
    rules: dict[ZombieRule, RuleSetting]


def run_sweep(db: Database, as_of: date, should_cancel: Callable[[], bool] | None = None) -> Sweep:
    rules = zombies.rule_settings(db)
    return Sweep(as_of, zombies.sweep(db, as_of, rules, should_cancel=should_cancel), rules)


def summary_text(result: Sweep, today: date) -> str:
    """疑似僵尸站点 N 个；按规则：长期无活动 a、… — and which rules are switched off, since a rule
    switched off on another PC would otherwise explain a short list to nobody."""
    counts = Counter(rule for row in result.rows for rule in row.flag.rules)
    off = [rule.label for rule, setting in result.rules.items() if not setting.enabled]
    later = "（基准日晚于今天，仅供预览）" if result.as_of > today else ""
    if not result.rows:
        text = f"排查基准日 {result.as_of.isoformat()}：按当前规则未发现疑似僵尸站点"
    else:
        by_rule = "、".join(f"{rule.label} {counts[rule]}" for rule in ZombieRule if counts[rule])
        text = f"疑似僵尸站点 {len(result.rows)} 个；按规则：{by_rule}"
    return text + (f"；未启用：{'、'.join(off)}" if off else "") + later


def status_text(value: str) -> str:
    return StationStatus(value).label if value in {s.value for s in StationStatus} else value


class ZombiePage(QWidget):
    """The 僵尸站点 page. Emits `open_station(id)`, `loaded` after every sweep and `decided` after
    decisions were saved (the register and station pages show status and lineage)."""

    open_station = Signal(int)
    loaded = Signal()
    decided = Signal()

    def __init__(
        self, db: Database, runner: TaskRunner, settings: QSettings, today: date, actor: str
    ) -> None:
        super().__init__()
        self._db, self._runner, self._settings = db, runner, settings
        self._today, self._actor = today, actor
        self._result: Sweep | None = None
        self._sweeping = False
        self._again = False
        self.dialog: QDialog | None = None
        self.model = ColouredListModel(
            self._columns(),
            {"评分": lambda r: HIGH_SCORE_COLOUR if r.flag.score >= HIGH_SCORE else None},
            {"依据": lambda r: "\n".join(e.text for e in r.flag.evidence),
             "命中规则": evidence_text},
        )  # fmt: skip
        self._build()
        rights.show_only_if(rights.why_not(db, actor, Permission.DECIDE_ZOMBIES) is None,
                            *self.decision_buttons.values())  # fmt: skip
        rights.show_only_if(rights.why_not(db, actor, Permission.EDIT_STATIONS) is None, self.check_button)

    def _columns(self) -> list[ListColumn[FlaggedStation]]:
        return [
            ListColumn("站点编号", 92, lambda r: r.code),
            ListColumn("站点名称", 210, lambda r: r.name),
            ListColumn("县区", 56, lambda r: r.county),
            ListColumn("级别", 66, lambda r: level_text(r.level)),
            ListColumn("状态", 64, lambda r: status_text(r.status)),
            ListColumn("最近活动", 84, lambda r: r.last_activity_on.isoformat() if r.last_activity_on else "从无",
                       lambda r: r.last_activity_on),
            ListColumn("无活动月数", 76, lambda r: self._months_text(r), self._months, numeric=True),
            ListColumn("命中规则", 156, lambda r: rules_text(r.flag)),
            ListColumn("评分", 48, lambda r: str(r.flag.score), lambda r: r.flag.score, numeric=True),
            ListColumn("上次处置", 124, last_action_text, lambda r: r.last_decided_on),
            # Last, so the one long text takes what width is left (the view stretches the last column).
            ListColumn("依据", 240, lambda r: r.flag.summary()),
        ]  # fmt: skip

    def _months(self, row: FlaggedStation) -> int | None:
        """Whole months without a case or consultation, from the last one (or from the set-up of a
        station that never had any) to the sweep's date: shown for every row, not only the rows
        the silence rule flagged, because it is what people compare first."""
        if row.flag.months_silent is not None:
            return row.flag.months_silent
        since = row.last_activity_on or row.established_on
        as_of = self._result.as_of if self._result else self._today
        return whole_months(since, as_of) if since and since <= as_of else None

    def _months_text(self, row: FlaggedStation) -> str:
        months = self._months(row)
        return "" if months is None else str(months)

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.as_of = QLineEdit(self._today.isoformat(), placeholderText="如 2026-11-24")
        self.as_of.setMaximumWidth(120)
        self.as_of.setToolTip("按这一天的数据判断：多久无活动、整改期限和暂缓日期是否已到")
        self.as_of_message = QLabel()
        self.as_of_message.setStyleSheet(ERROR_STYLE)
        self.sweep_button = QPushButton("开始排查")
        self.summary = QLabel("尚未排查。点击“开始排查”，按当前规则找出疑似僵尸站点。")
        self.summary.setStyleSheet("font-weight: bold;")
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("排查基准日"))
        top.addWidget(self.as_of)
        top.addWidget(self.as_of_message)
        top.addWidget(self.sweep_button)
        top.addSpacing(12)
        top.addWidget(self.summary, 1)

        self.search = QLineEdit(placeholderText="按站点编号或名称筛选")
        self.search.setClearButtonEnabled(True)
        self.rule_filter = QComboBox()
        self.rule_filter.addItem("全部规则", "")
        for rule in ZombieRule:
            self.rule_filter.addItem(rule.label, rule.value)
        self.county_filter = QComboBox()
        self.county_filter.addItem("全部县区", "")
        self.shown = QLabel()
        self.shown.setStyleSheet(NOTE_STYLE)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(QLabel("命中规则"))
        bar.addWidget(self.rule_filter)
        bar.addWidget(QLabel("县区"))
        bar.addWidget(self.county_filter)
        bar.addWidget(self.shown, 1)

        self.table = list_table(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(False)
        self._restore_header()

        self.decision_buttons: dict[ZombieAction, QPushButton] = {}
        actions = QHBoxLayout()
        self.note = QLabel()
        self.note.setStyleSheet(NOTE_STYLE)
        actions.addWidget(self.note, 1)
        for action, text, tip in DECISIONS:
            button = QPushButton(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, a=action: self.decide(a))
            self.decision_buttons[action] = button
            actions.addWidget(button)
        actions.addSpacing(12)
        self.check_button = QPushButton("记录检查…")
        self.check_button.setToolTip("记录对所选站点的电话抽查或现场检查")
        self.open_button = QPushButton("打开站点")
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self.export_excel)
        actions.addWidget(self.check_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._show_rows)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.rule_filter.currentIndexChanged.connect(self._show_rows)
        self.county_filter.currentIndexChanged.connect(self._show_rows)
        self.as_of.returnPressed.connect(self.reload)
        self.as_of.textChanged.connect(lambda _t: self.as_of_message.clear())
        self.sweep_button.clicked.connect(self.reload)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self._on_double_click)
        self.check_button.clicked.connect(self.record_check)
        self.open_button.clicked.connect(self._open_selected_station)
        self._update_buttons()

    def _restore_header(self) -> None:
        """The user's column widths and order; the queue's own order (score, highest first) when
        nothing is remembered yet."""
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        state = self._settings.value(HEADER_KEY)
        if state is not None and header.restoreState(state):  # type: ignore[arg-type]
            self.table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        else:
            score = next(i for i, c in enumerate(self.model.columns) if c.header == "评分")
            self.table.sortByColumn(score, Qt.SortOrder.DescendingOrder)
        for signal in (header.sectionResized, header.sectionMoved, header.sortIndicatorChanged):
            signal.connect(lambda *_a: self.save_state())

    # -- sweeping -------------------------------------------------------------------------------
    def reload(self) -> None:
        """Sweep as of the date typed, off the GUI thread; a sweep asked for while one runs is run
        once after it, so the queue always shows the latest rules and decisions."""
        try:
            as_of = parse_user_date(self.as_of.text())
        except ValueError as exc:
            self.as_of_message.setText(str(exc))
            return
        if as_of is None:
            self.as_of_message.setText("请填写排查基准日")
            return
        if self._sweeping:
            self._again = True
            return
        self._sweeping, self._again = True, False
        self.sweep_button.setEnabled(False)
        db = self._db

        def job(ctx: TaskContext) -> Sweep:
            try:
                return run_sweep(db, as_of, should_cancel=lambda: ctx.cancelled)
            except UserError:
                if ctx.cancelled:
                    raise Cancelled from None
                raise

        self._runner.run(job, on_done=self._on_swept, on_error=self._on_sweep_error,
                         on_cancelled=self._on_sweep_cancelled, progress_parent=self,
                         progress_title="正在排查僵尸站点")  # fmt: skip

    def _finish_sweep(self) -> bool:
        """Settle the running sweep; True when another was asked for meanwhile (and started)."""
        self._sweeping = False
        self.sweep_button.setEnabled(True)
        if self._again:
            self.reload()
            return True
        return False

    def _on_swept(self, result: Sweep) -> None:
        if self._finish_sweep():
            return
        self._result = result
        self.summary.setText(summary_text(result, self._today))
        chosen = self.county_filter.currentData()
        self.county_filter.blockSignals(True)
        self.county_filter.clear()
        self.county_filter.addItem("全部县区", "")
        for county in sorted({row.county for row in result.rows}):
            self.county_filter.addItem(county, county)
        self.county_filter.setCurrentIndex(max(0, self.county_filter.findData(chosen)))
        self.county_filter.blockSignals(False)
        self._show_rows()
        self.loaded.emit()

    def show_county(self, county: str) -> None:
        """Show the flagged stations of `county` (by name; "" for all), now or once swept."""
        if self.county_filter.findData(county) < 0:
            self.county_filter.addItem(county, county)  # kept through the next sweep's refill
        self.county_filter.setCurrentIndex(self.county_filter.findData(county))

    def _on_sweep_error(self, exc: BaseException) -> None:
        self._finish_sweep()
        self.summary.setText("排查失败")
        dialogs.show_error(self, exc, "zombie sweep")

    def _on_sweep_cancelled(self) -> None:
        if not self._finish_sweep():
            self.note.setText("已取消排查，列表仍为上次排查的结果")

    def _all_rows(self) -> list[FlaggedStation]:
        return self._result.rows if self._result else []

    def _show_rows(self) -> None:
        """The swept rows through the search text, the rule and the county, keeping the selection."""
        keep = {r.station_id for r in self.selected_rows()}
        words = match_key(self.search.text())
        rule, county = self.rule_filter.currentData(), self.county_filter.currentData()
        rows = [r for r in self._all_rows()
                if (not rule or rule in r.flag.rules) and (not county or r.county == county)
                and (not words or words in match_key(r.code + r.name))]  # fmt: skip
        self.model.set_rows(rows)
        selection, flags = self.table.selectionModel(), QItemSelectionModel.SelectionFlag
        for number, row in enumerate(self.model.rows):
            if row.station_id in keep:
                selection.select(self.model.index(number, 0), flags.Select | flags.Rows)
        self.shown.setText(f"显示 {len(rows)} / {len(self._all_rows())} 个站点")
        self._update_buttons()

    # -- selection ------------------------------------------------------------------------------
    def export_excel(self) -> None:
        """The review queue as listed (filters, order, columns) to .xlsx."""
        export = shown_list_export(self.table, self.model, "僵尸站点排查")
        export_to_excel(self, self._runner, self._settings, lambda: export, "僵尸站点排查")

    def selected_rows(self) -> list[FlaggedStation]:
        rows = (self.model.row_at(i.row()) for i in self.table.selectionModel().selectedRows())
        return [r for r in rows if r is not None]

    def _update_buttons(self, *_args: object) -> None:
        count = len(self.selected_rows())
        for button in self.decision_buttons.values():
            button.setEnabled(count > 0)
        self.check_button.setEnabled(count == 1)
        self.open_button.setEnabled(count == 1)

    def _on_double_click(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_station.emit(row.station_id)

    def _open_selected_station(self) -> None:
        selected = self.selected_rows()
        if len(selected) == 1:
            self.open_station.emit(selected[0].station_id)

    # -- deciding -------------------------------------------------------------------------------
    def decide(self, action: ZombieAction) -> ZombieDecisionDialog | None:
        """One confirmation for every selected station, opened window-modal without a nested loop."""
        rows = self.selected_rows()
        if not rows:
            return None
        dialog = ZombieDecisionDialog(self._db, rows, action, self._actor, self._today, self._runner, self)
        dialog.decided.connect(self._on_decided)
        self._open(dialog)
        return dialog

    def _on_decided(self, batch: Batch) -> None:
        """Sweep again first, so the queue behind the message already lacks the decided stations."""
        self.note.setText(batch.summary())
        self.reload()
        self.decided.emit()
        if batch.decided.refused or batch.left:
            dialogs.warn(self, "处置未全部完成", batch.summary())
        else:
            dialogs.inform(self, "处置完成", batch.summary())

    def record_check(self) -> SiteCheckDialog | None:
        """A phone spot-check made from the queue: a reachable answer may clear the 联系不上 flag."""
        selected = self.selected_rows()
        if len(selected) != 1:
            return None
        row = selected[0]
        dialog = SiteCheckDialog(self._db, row.station_id, self._actor, self._today, self)
        dialog.saved.connect(
            lambda _id: (self.note.setText(f"已记录对 {row.code} {row.name} 的检查"), self.reload())
        )
        self._open(dialog)
        return dialog

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def save_state(self) -> None:
        self._settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())

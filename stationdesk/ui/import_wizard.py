"""导入站点名册 / 导入调解台账: a wizard from a spreadsheet to the database, in four steps.

1 选择文件 — the file, the sheet, a column mapping saved from last time;
2 对应列 — each column of the sheet and the field it fills (matched from its heading, changeable);
3 检查 — every row judged before anything is written: 新增 / 更新 / 无变化 / 有问题 with the
  reason; the problem rows can be saved as Excel to fix and import again;
4 导入 — the good rows written in one transaction, or nothing.
Reading, matching and judging run off the GUI thread; the database changes only in step 4.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from stationdesk.domain.import_columns import cell_text
from stationdesk.errors import UserError
from stationdesk.services.import_mappings import save_mapping, saved_mappings
from stationdesk.services.station_import import REJECTED, VERDICT_LABELS, ImportPlan, ImportResult
from stationdesk.store.database import Database
from stationdesk.transfer.importing import FIELDS, IMPORTERS, Kind, MatchedSheet, match_data, write_rejects
from stationdesk.transfer.sheets import SheetData, read_sheet, sheet_names
from stationdesk.transfer.templates import write_template
from stationdesk.ui import dialogs
from stationdesk.ui.pdf_preview import last_folder, remember_folder
from stationdesk.ui.tasks import TaskContext, TaskRunner

FILE_FILTER = "表格文件 (*.xlsx *.xlsm *.xls *.ods *.csv *.txt)"
NOT_IMPORTED = "（不导入）"
PREVIEW_ROWS = 5
TITLES = {"stations": "导入站点名册", "cases": "导入调解台账"}
REJECTED_COLOUR = "#b3261e"


class ImportWizard(QWizard):
    """Holds what the steps share: the sheet read, its matching, the plan, the result."""

    HELP_SECTION = "导入与导出"  # F1 opens the manual here

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, today: date, actor: str,
                 parent: QWidget | None = None, kind: Kind = "stations") -> None:
        super().__init__(parent)
        self.db, self.runner, self.settings, self.today, self.actor = db, runner, settings, today, actor
        self.kind: Kind = kind
        self.fields = FIELDS[kind]
        self.plan_rows, self.apply_plan = IMPORTERS[kind]
        self.path: Path | None = None
        self.data: SheetData | None = None
        self.matched: MatchedSheet | None = None
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self._ready_page: QWizardPage | None = None  # a step whose background work has finished
        self.setWindowTitle(TITLES[kind])
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步")
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成")
        self.setButtonText(QWizard.WizardButton.CancelButton, "取消")
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.check_page = CheckPage(self)
        for page in (self.file_page, self.columns_page, self.check_page):
            self.addPage(page)
        self.resize(960, 640)

    def fail(self, exc: BaseException) -> None:
        dialogs.show_error(self, exc, "import wizard")

    def advance_after(self, page: QWizardPage, title: str, job: Any, keep: Any) -> bool:
        """A step's work runs off the GUI thread (with progress); when it succeeds, `keep(result)`
        stores it and the wizard moves on by itself. Returns whether to move on now: True only on
        the second call, made by that move."""
        if self._ready_page is page:
            self._ready_page = None
            return True

        def done(result: Any) -> None:
            keep(result)
            self._ready_page = page
            if self.currentPage() is page:
                if page is self.page(self.pageIds()[-1]):
                    self.accept()
                else:
                    self.next()

        self.runner.run(job, on_done=done, on_error=self.fail, progress_parent=page, progress_title=title)
        return False


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("第 1 步：选择文件")
        self.setSubTitle("支持 Excel（.xlsx、.xls）、WPS 另存的 .xlsx 和 CSV（UTF-8 或 GBK）。表头可以在合并的标题行下面。")
        self.path_edit = QLineEdit(readOnly=True)
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self.browse)
        self.sheet = QComboBox()
        self.mapping = QComboBox()
        self.mapping.addItem("按列名自动对应", None)
        for name in saved_mappings(wizard.db, wizard.kind):
            self.mapping.addItem(name, name)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("文件", row)
        form.addRow("工作表", self.sheet)
        form.addRow("列的对应关系", self.mapping)

    def browse(self) -> None:
        chosen, _f = QFileDialog.getOpenFileName(self, TITLES[self.wiz.kind], str(last_folder(self.wiz.settings)),
                                                 FILE_FILTER)
        if chosen:
            self.choose(Path(chosen))

    def choose(self, path: Path) -> None:
        """Read the file's sheet names off the GUI thread; a file that is not a spreadsheet says so."""
        remember_folder(self.wiz.settings, path)

        def shown(names: list[str]) -> None:
            self.wiz.path = path
            self.path_edit.setText(str(path))
            self.sheet.clear()
            self.sheet.addItems(names)
            self.completeChanged.emit()

        self.wiz.runner.run(lambda _ctx: sheet_names(path), on_done=shown, on_error=self.wiz.fail,
                            progress_parent=self, progress_title="正在打开文件…")

    def isComplete(self) -> bool:
        return self.wiz.path is not None and self.sheet.count() > 0

    def validatePage(self) -> bool:
        """Read the sheet and match its columns before moving on; stay here if that fails."""
        assert self.wiz.path is not None
        path, sheet, name = self.wiz.path, self.sheet.currentText(), self.mapping.currentData()
        saved = saved_mappings(self.wiz.db, self.wiz.kind).get(name) if name else None
        kind = self.wiz.kind

        def job(_ctx: TaskContext) -> tuple[SheetData, MatchedSheet]:
            data = read_sheet(path, sheet)
            return data, match_data(data, path, kind, saved)

        def keep(result: tuple[SheetData, MatchedSheet]) -> None:
            self.wiz.data, self.wiz.matched = result

        return self.wiz.advance_after(self, "正在读取工作表…", job, keep)


class ColumnsPage(QWizardPage):
    """One row per column of the sheet: its heading, the first values, the field it fills."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("第 2 步：核对列的对应关系")
        self.setSubTitle("已按列名自动对应，可逐列修改；标“必填”的字段必须有对应的列。")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["表格中的列", "前几行的内容", "导入为"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.save_name = QLineEdit(placeholderText="保存为映射（可选），如：天宁区站点名册")
        self.combos: list[QComboBox] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.save_name)

    def initializePage(self) -> None:
        matched = self.wiz.matched
        assert matched is not None
        self.table.setRowCount(len(matched.headings))
        self.combos = []
        for index, heading in enumerate(matched.headings):
            samples = "；".join(cell_text(row[index]) for row in matched.body[:PREVIEW_ROWS] if index < len(row))
            self.table.setItem(index, 0, QTableWidgetItem(heading or f"第 {index + 1} 列"))
            self.table.setItem(index, 1, QTableWidgetItem(samples))
            combo = QComboBox()
            combo.addItem(NOT_IMPORTED, None)
            for spec in self.wiz.fields:
                combo.addItem(spec.label + ("（必填）" if spec.required else ""), spec.key)
            combo.setCurrentIndex(max(combo.findData(matched.mapping.get(index)), 0))
            self.table.setCellWidget(index, 2, combo)
            self.combos.append(combo)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(1, 360)

    def mapping(self) -> dict[int, str]:
        return {i: combo.currentData() for i, combo in enumerate(self.combos) if combo.currentData()}

    def validatePage(self) -> bool:
        """Apply the hand-made mapping, judge every row, and remember the mapping if named."""
        data, path = self.wiz.data, self.wiz.path
        assert data is not None and path is not None
        chosen = self.mapping()
        keys = list(chosen.values())
        twice = {k for k in keys if keys.count(k) > 1}
        if twice:
            labels = {s.key: s.label for s in self.wiz.fields}
            dialogs.warn(self, "列对应重复", "以下字段对应了多列：" + "、".join(labels[k] for k in twice))
            return False
        wiz = self.wiz
        name = self.save_name.text().strip()

        def job(ctx: TaskContext) -> tuple[MatchedSheet, ImportPlan]:
            matched = match_data(data, path, wiz.kind, mapping=chosen)
            return matched, wiz.plan_rows(wiz.db, matched.rows(), wiz.today, lambda: ctx.cancelled)

        def keep(result: tuple[MatchedSheet, ImportPlan]) -> None:
            wiz.matched, wiz.plan = result
            if name:
                try:
                    save_mapping(wiz.db, name, wiz.kind, result[0].saved_mapping(), wiz.actor)
                except UserError as exc:  # a bad name must not stop the import
                    wiz.fail(exc)

        return wiz.advance_after(self, "正在逐行检查…", job, keep)


class CheckPage(QWizardPage):
    """The plan: counts, each row's verdict and reason; 完成 writes the good rows."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle("第 3 步：检查结果")
        self.setSubTitle("点“完成”后，新增和更新的行在同一个事务中全部写入；有问题的行不写入。")
        self.summary = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["行号", "结果", "名称", "说明"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.rejects_button = QPushButton("保存有问题的行…")
        self.rejects_button.clicked.connect(self.save_rejects)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.rejects_button, 0, Qt.AlignmentFlag.AlignLeft)

    def initializePage(self) -> None:
        plan = self.wiz.plan
        assert plan is not None
        self.summary.setText(plan.summary() + ("。" if plan.writable else "。没有可写入的行。"))
        shown = [row for row in plan.rows if row.verdict != "unchanged"]
        self.table.setRowCount(len(shown))
        for index, row in enumerate(shown):
            name = cell_text(row.values.get("name") or row.values.get("station_name") or row.values.get("consumer_name"))
            detail = row.reason if row.verdict == REJECTED else "、".join(row.changes)
            for column, text in enumerate((str(row.line), VERDICT_LABELS[row.verdict], name, detail)):
                item = QTableWidgetItem(text)
                item.setToolTip(detail or text)  # the whole reason, however long
                if row.verdict == REJECTED:
                    item.setForeground(QColor(REJECTED_COLOUR))
                self.table.setItem(index, column, item)
        self.table.resizeColumnsToContents()
        self.rejects_button.setEnabled(bool(plan.rejected))

    def save_rejects(self) -> None:
        plan, matched = self.wiz.plan, self.wiz.matched
        assert plan is not None and matched is not None
        target = dialogs.save_path(self, "保存有问题的行", last_folder(self.wiz.settings) / "问题行.xlsx",
                                   "Excel 工作簿 (*.xlsx)")
        if target is None:
            return
        try:
            count = write_rejects(matched, plan, target)
        except Exception as exc:
            self.wiz.fail(exc)
            return
        dialogs.inform(self, "已保存", f"已把 {count} 行及问题说明保存到“{target}”，修改后可再次导入。")

    def validatePage(self) -> bool:
        plan = self.wiz.plan
        assert plan is not None
        if not plan.writable:
            return True
        wiz = self.wiz

        def keep(result: ImportResult) -> None:
            wiz.result = result
            dialogs.inform(self, "导入完成", f"已新增 {result.created} 行，更新 {result.updated} 行。")

        return wiz.advance_after(self, "正在写入…", lambda _ctx: wiz.apply_plan(wiz.db, plan, wiz.actor, wiz.today), keep)


TEMPLATE_NAMES = {"stations": "站点名册导入模板.xlsx", "cases": "调解台账导入模板.xlsx"}


def save_import_template(parent: QWidget, settings: QSettings, kind: Kind) -> Path | None:
    """下载导入模板: a blank sheet with the headings the import knows and a 填写说明 sheet."""
    target = dialogs.save_path(parent, "保存导入模板", last_folder(settings) / TEMPLATE_NAMES[kind], "Excel 工作簿 (*.xlsx)")
    if target is None:
        return None
    try:
        write_template(kind, target)
    except UserError as exc:
        dialogs.show_error(parent, exc)
        return None
    remember_folder(settings, target)
    if dialogs.confirm(parent, "已保存", f"模板已保存到“{target}”，第二页是填写说明。", yes="打开", no="关闭"):
        dialogs.open_externally(target)
    return target

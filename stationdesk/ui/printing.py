"""The print actions every page shares: station reports and summaries built off the GUI thread
(with progress and cancel), then previewed, saved or exported.

One place, so the register's right-click menu, the station page's 打印 button and the 统计报表
page all print the same way and say the same things.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from stationdesk.domain.periods import Week
from stationdesk.reports.batch import report_filename, write_batch_pdf, write_station_files
from stationdesk.reports.station_pdf import ReportCancelled, station_report_pdf
from stationdesk.reports.table_pdf import table_report_pdf
from stationdesk.reports.table_xlsx import write_table_report_xlsx
from stationdesk.services import summaries
from stationdesk.services.bulletin import weekly_bulletin
from stationdesk.services.overview import OverviewFilter
from stationdesk.services.overview_report import overview_report
from stationdesk.services.report_types import TableReport
from stationdesk.services.station_reports import DEFAULT_CASE_LIMIT, station_report
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.pdf_preview import PdfPreview, ask_save_target, last_folder, remember_folder
from stationdesk.ui.tasks import Cancelled, TaskContext, TaskRunner

PREVIEW_LIMIT = 2000
"""Stations one preview may hold; beyond it the user is pointed to 每站一个文件 (a county's
thousands of pages are better printed from files than held in one preview)."""


class Printing:
    """What a page needs to print: the database, the background runner, the remembered folder."""

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, today: date) -> None:
        self.db, self.runner, self.settings, self.today = db, runner, settings, today
        self.previews: list[PdfPreview] = []

    def _show(self, parent: QWidget, data: bytes, title: str, filename: str) -> PdfPreview:
        preview = PdfPreview(data, title, filename, self.settings, parent)
        self.previews.append(preview)
        preview.finished.connect(lambda _r, p=preview: self.previews.remove(p) if p in self.previews else None)
        preview.show()
        return preview

    # -- station inspection reports -------------------------------------------------------------
    def preview_station(self, parent: QWidget, station_id: int, year: int, all_cases: bool = False) -> None:
        """One station's report in the preview (the station page's 打印检查报告)."""
        limit = None if all_cases else DEFAULT_CASE_LIMIT

        def job(_ctx: TaskContext) -> tuple[bytes, str, str]:
            report = station_report(self.db, station_id, year, self.today, limit)
            return station_report_pdf(report), f"{report.code} {report.name}", report_filename(report.code, report.name)

        self.runner.run(
            job,
            on_done=lambda result: self._show(parent, *result),
            on_error=lambda exc: dialogs.show_error(parent, exc, "preview station report"),
            progress_parent=parent,
            progress_title="正在生成检查报告…",
        )

    def preview_stations(
        self, parent: QWidget, station_ids: Sequence[int], year: int, title: str, all_cases: bool = False
    ) -> None:
        """Many stations' reports as one PDF in the preview, to print in one go."""
        if not station_ids:
            dialogs.inform(parent, "没有站点", "没有要打印的站点。")
            return
        if len(station_ids) > PREVIEW_LIMIT:
            dialogs.inform(parent, "站点过多", f"一次预览最多 {PREVIEW_LIMIT:,} 个站点（这次 {len(station_ids):,} 个）。"
                           "请缩小范围，或使用“每站一个文件”。")  # fmt: skip
            return
        ids = list(station_ids)
        limit = None if all_cases else DEFAULT_CASE_LIMIT

        def job(ctx: TaskContext) -> bytes:
            def progress(done: int, total: int) -> bool:
                ctx.progress(done, total, f"正在生成检查报告：{done:,} ／ {total:,}")
                return not ctx.cancelled

            with tempfile.TemporaryDirectory() as folder:
                target = Path(folder) / "batch.pdf"
                try:
                    write_batch_pdf(self.db, ids, year, self.today, target, case_limit=limit, on_progress=progress)
                except ReportCancelled:
                    raise Cancelled from None
                return target.read_bytes()

        self.runner.run(
            job,
            on_done=lambda data: self._show(parent, data, title, f"{title}.pdf"),
            on_error=lambda exc: dialogs.show_error(parent, exc, "preview station reports"),
            progress_parent=parent,
            progress_title="正在生成检查报告…",
        )

    def save_station_files(
        self, parent: QWidget, station_ids: Sequence[int], year: int, all_cases: bool = False
    ) -> None:
        """One PDF per station into a folder the user picks, on every core."""
        if not station_ids:
            dialogs.inform(parent, "没有站点", "没有要生成报告的站点。")
            return
        folder = dialogs.folder_path(parent, "选择保存检查报告的文件夹", last_folder(self.settings))
        if folder is None:
            return
        remember_folder(self.settings, folder)
        ids = list(station_ids)
        limit = None if all_cases else DEFAULT_CASE_LIMIT

        def job(ctx: TaskContext) -> int:
            def progress(done: int, total: int) -> bool:
                ctx.progress(done, total, f"正在生成检查报告文件：{done:,} ／ {total:,}")
                return not ctx.cancelled

            try:
                return len(write_station_files(self.db, ids, year, self.today, folder, case_limit=limit,
                                               on_progress=progress))  # fmt: skip
            except ReportCancelled:
                raise Cancelled from None

        def done(count: int) -> None:
            if dialogs.confirm(parent, "已生成", f"已在“{folder}”生成 {count:,} 份检查报告。", yes="打开文件夹", no="关闭"):
                dialogs.open_externally(folder)

        self.runner.run(
            job,
            on_done=done,
            on_error=lambda exc: dialogs.show_error(parent, exc, "save station report files"),
            on_cancelled=lambda: dialogs.inform(parent, "已取消", f"已取消。已生成的报告保留在“{folder}”。"),
            progress_parent=parent,
            progress_title="正在生成检查报告文件…",
        )

    # -- summaries, the overview and the weekly bulletin ----------------------------------------
    def preview_table(self, parent: QWidget, build: Callable[[], TableReport], progress_title: str) -> None:
        """Build a table report off the GUI thread, then show it in the preview."""
        def job(_ctx: TaskContext) -> tuple[bytes, str]:
            report = build()
            return table_report_pdf(report), report.title

        self.runner.run(
            job,
            on_done=lambda result: self._show(parent, result[0], result[1], f"{result[1]}.pdf"),
            on_error=lambda exc: dialogs.show_error(parent, exc, "preview table report"),
            progress_parent=parent,
            progress_title=progress_title,
        )

    def export_table(self, parent: QWidget, build: Callable[[], TableReport], suggested_name: str) -> None:
        """A table report as .xlsx, where the user chooses; offers to open it in Excel."""
        target = ask_save_target(parent, self.settings, "导出 Excel", suggested_name, ".xlsx")
        if target is None:
            return

        def job(_ctx: TaskContext) -> Path:
            write_table_report_xlsx(build(), target)
            return target

        def done(path: Path) -> None:
            if dialogs.confirm(parent, "已导出", f"已导出到“{path}”。", yes="打开", no="关闭"):
                dialogs.open_externally(path)

        self.runner.run(
            job,
            on_done=done,
            on_error=lambda exc: dialogs.show_error(parent, exc, "export table report"),
            progress_parent=parent,
            progress_title="正在导出…",
        )

    def preview_summary(self, parent: QWidget, kind: str, year: int) -> None:
        self.preview_table(parent, lambda: summaries.summary(self.db, kind, year, self.today), "正在生成汇总表…")

    def export_summary(self, parent: QWidget, kind: str, year: int) -> None:
        self.export_table(parent, lambda: summaries.summary(self.db, kind, year, self.today),
                          f"{year}年{summaries.SUMMARY_KINDS[kind]}")  # fmt: skip

    def preview_overview(self, parent: QWidget, flt: OverviewFilter) -> None:
        """统计概览 with its charts, for the overview's year and county."""
        self.preview_table(parent, lambda: overview_report(self.db, flt, self.today), "正在生成统计概览…")

    def export_overview(self, parent: QWidget, flt: OverviewFilter) -> None:
        self.export_table(parent, lambda: overview_report(self.db, flt, self.today), f"{flt.year}年统计概览")

    def preview_bulletin(self, parent: QWidget, week: Week) -> None:
        """每周动态 of `week` in the preview."""
        self.preview_table(parent, lambda: weekly_bulletin(self.db, week, self.today), "正在生成每周动态…")

    def export_bulletin(self, parent: QWidget, week: Week) -> None:
        self.export_table(parent, lambda: weekly_bulletin(self.db, week, self.today),
                          f"每周动态 {week.monday.isoformat()}")  # fmt: skip

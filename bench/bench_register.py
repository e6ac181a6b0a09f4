"""Province-scale benchmark of the station register as a user drives it (real widgets, offscreen).

    python bench/bench_register.py [--db bench/out/province.sqlite] [--runs 5]

Measures keystroke → repainted list (search delay plus the query and the repaint), sorting by
each sortable column, and opening a station page. Needs the province sample (see
bench_sample_data.py or `python main.py --db FILE demo --scale province`). Run by hand.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "province.sqlite")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} not found: build the province sample first")

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication
    from report import print_table

    from stationdesk.config import sqlite_url
    from stationdesk.store.database import Database, make_engine
    from stationdesk.ui.fonts import install_app_font
    from stationdesk.ui.register_page import SEARCH_DELAY_MS, RegisterPage
    from stationdesk.ui.station_dialog import StationDialog
    from stationdesk.ui.tasks import TaskRunner

    app = QApplication([])
    install_app_font(app)
    db = Database(make_engine(sqlite_url(args.db)))
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "w.ini"), QSettings.Format.IniFormat)
    page = RegisterPage(db, TaskRunner(synchronous=True), settings, date.today(), "bench")
    page.resize(1400, 800)
    page.show()
    page.reload()
    app.processEvents()

    def repaint() -> None:
        page.table.viewport().repaint()
        app.processEvents()

    def timed(action) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        action()
        repaint()
        return (time.perf_counter() - start) * 1000

    rows: list[tuple[str, float, str]] = []
    searches = ["超", "超市", "红", "3204", "0519", "消费维权服务站", "zz"]
    work = []
    for text in searches[: max(args.runs, 3)]:
        page.search.clear()
        page._apply_filters()
        page.search.setText(text)
        page._search_timer.stop()
        work.append(timed(page._apply_filters))
    search_ms = statistics.median(work)
    rows.append(("search: query + repaint after the keystroke delay", search_ms, ""))
    rows.append((f"keystroke → repainted list ({SEARCH_DELAY_MS} ms delay + work)", SEARCH_DELAY_MS + search_ms,
                 "< 250 ms"))
    page.search.clear()
    page._apply_filters()

    header = page.table.horizontalHeader()
    for number, column in enumerate(page.model.columns):
        if not column.sortable:
            continue
        times = []
        for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder) * max(1, args.runs // 2):
            times.append(timed(lambda n=number, o=order: header.setSortIndicator(n, o)))
        rows.append((f"sort by {column.header} ({page.model.rowCount():,} rows)", statistics.median(times), "< 150 ms"))

    opened = []
    for row in range(args.runs):
        station_id = page.model.id_at(row * 997 % page.model.rowCount())

        def open_page(sid: int = station_id) -> None:
            dialog = StationDialog(db, "bench", date.today(), sid)
            dialog.show()
            app.processEvents()
            dialog.close()

        opened.append(timed(open_page))
    rows.append(("open a station page (form + history)", statistics.median(opened), "< 200 ms"))

    print_table([(name, f"{ms:.0f} ms", target) for name, ms, target in rows])


if __name__ == "__main__":
    main()

"""`report station|batch|summary` as a script would use them, on the demo sample, read back with
real clients (poppler for PDFs, openpyxl for .xlsx)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import DatabaseLocation, Poppler, db_args, location_url

ROOT = Path(__file__).resolve().parents[2]


def run(db: DatabaseLocation, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *db_args(db), *args],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)  # fmt: skip


def first_station(db: DatabaseLocation) -> tuple[str, str]:
    from stationdesk.store.database import Database, make_engine
    from stationdesk.store.models import Station

    database = Database(make_engine(location_url(db)))
    with database.reading() as session:
        station = session.query(Station).filter(Station.status == "active").order_by(Station.code).first()
        assert station is not None
        found = station.code, station.name
    database.dispose()
    return found


def test_station_report_and_a_county_batch(demo_db_location: DatabaseLocation, tmp_path: Path, poppler: Poppler) -> None:
    code, name = first_station(demo_db_location)
    single = tmp_path / "one.pdf"
    done = run(demo_db_location, "report", "station", code, "--year", "2026", "-o", str(single))
    assert done.returncode == 0, done.stderr
    text = poppler.text(single)
    assert code in text and name[:8] in text

    batch = tmp_path / "county.pdf"
    done = run(demo_db_location, "report", "batch", "--county", "天宁区", "--year", "2026", "-o", str(batch))
    assert done.returncode == 0, done.stderr
    stations = int(done.stdout.split("（")[1].split(" 个站点")[0])
    assert stations > 5
    assert poppler.pages(batch) >= stations

    folder = tmp_path / "files"
    done = run(demo_db_location, "report", "batch", "--county", "天宁区", "--year", "2026", "-o", str(folder),
               "--workers", "2")  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = sorted(folder.glob("*.pdf"))
    assert len(files) == stations
    assert not list(folder.glob("*.part"))
    assert all(f.name.split(" ", 1)[0].isdigit() for f in files)


def test_summaries_to_pdf_and_excel(demo_db_location: DatabaseLocation, tmp_path: Path, poppler: Poppler) -> None:
    pdf = tmp_path / "work.pdf"
    done = run(demo_db_location, "report", "summary", "--year", "2026", "--kind", "work", "-o", str(pdf))
    assert done.returncode == 0, done.stderr
    text = poppler.text(pdf)
    assert "工作情况汇总表" in text and "天宁区" in text and "合计" in text
    width, height = poppler.page_size(pdf)
    assert width > height

    xlsx = tmp_path / "counties.xlsx"
    done = run(demo_db_location, "report", "summary", "--kind", "counties", "-o", str(xlsx))
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "天宁区" in values and "合计" in values


def test_overview_with_charts_and_the_weekly_bulletin(demo_db_location: DatabaseLocation, tmp_path: Path,
                                                       poppler: Poppler) -> None:  # fmt: skip
    pdf = tmp_path / "overview.pdf"
    done = run(demo_db_location, "report", "summary", "--year", "2025", "--kind", "overview", "-o", str(pdf))
    assert done.returncode == 0, done.stderr
    text = poppler.text(pdf)
    for title in ("2025年消费维权服务站统计概览", "近24个月受理投诉数", "各地在册站点数", "2025年各地调解成功率", "站点覆盖情况"):
        assert title in text
    fonts = poppler.fonts(pdf)
    assert fonts and all("WenQuanYi" in f["name"] and f["emb"] == "yes" and f["sub"] == "yes" for f in fonts)

    xlsx = tmp_path / "week.xlsx"
    done = run(demo_db_location, "report", "bulletin", "--week", "2026-11-18", "-o", str(xlsx))
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None and sheet.title == "每周动态"
    values = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert any("2026年第47周（11月16日—11月22日）" in v for v in values) and "天宁区" in values


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "bulletin", "--week", "2026-13-01", "-o", "x.pdf"), "月份应为1到12"),
        (("report", "bulletin", "-o", "x.csv"), ".xlsx"),
        (("report", "station", "0000000000", "-o", "x.pdf"), "站点"),
        (("report", "station", "3204020001", "-o", "x.docx"), ".pdf"),
        (("report", "summary", "--kind", "work", "-o", "x.txt"), ".xlsx"),
        (("report", "batch", "--county", "火星区", "-o", "x.pdf"), "火星区"),
        (("report", "summary", "--kind", "ranking", "--year", "2019", "-o", "x.pdf"), "没有复核轮次"),
    ],
)
def test_wrong_input_is_named_and_exits_1(demo_db_location: DatabaseLocation, args: tuple[str, ...], message: str) -> None:
    done = run(demo_db_location, *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr

"""`import` and `export` as a script uses them, on real files, including a kill mid-import."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
from openpyxl import Workbook

from stationdesk.store.database import Database, make_engine
from stationdesk.store.models import MediationCase, Station
from tests.conftest import DatabaseLocation, db_args, location_url

ROOT = Path(__file__).resolve().parents[2]


def command(db: DatabaseLocation, *args: str) -> list[str]:
    return [sys.executable, str(ROOT / "main.py"), *db_args(db), *args]


def run(db: DatabaseLocation, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(command(db, *args), capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)


def count(db: DatabaseLocation, model: type) -> int:
    from sqlalchemy import func, select

    database = Database(make_engine(location_url(db)))
    with database.reading() as session:
        found = int(session.scalar(select(func.count()).select_from(model)) or 0)
    database.dispose()
    return found


def roster(path: Path, rows: int) -> Path:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("名册")
    sheet.append(["天宁区站点名册"])
    sheet.append(["维权站名称", "所在单位", "辖区", "五进类别", "建站时间"])
    for n in range(rows):
        sheet.append([f"测试{n}号消费维权服务站", f"测试{n}号商店", "天宁区", "超市", "2019.5.1"])
    book.save(path)
    return path


def test_import_reports_counts_writes_rejects_and_exports_back(demo_db_location: DatabaseLocation, tmp_path: Path) -> None:
    path = roster(tmp_path / "名册.xlsx", 3)
    book = openpyxl.load_workbook(path)
    book.active.append(["坏站", "", "火星区", "进菜场", "2019.13.1"])  # type: ignore[union-attr]
    book.save(path)
    before = count(demo_db_location, Station)
    done = run(demo_db_location, "import", "stations", str(path), "--dry-run", "--json")
    assert done.returncode == 1, done.stderr  # one row refused
    payload = json.loads(done.stdout)
    assert payload["counts"] == {"new": 3, "update": 0, "unchanged": 0, "rejected": 1}
    assert count(demo_db_location, Station) == before
    rejects = tmp_path / "问题行.xlsx"
    done = run(demo_db_location, "import", "stations", str(path), "--rejects", str(rejects))
    assert "已写入：新增 3 行" in done.stdout
    assert count(demo_db_location, Station) == before + 3
    sheet = openpyxl.load_workbook(rejects).active
    assert sheet is not None and sheet["A1"].value == "问题说明" and "火星区" in str(sheet["A2"].value)

    out = tmp_path / "台账.xlsx"
    done = run(demo_db_location, "export", "stations", "--county", "天宁区", "-o", str(out))
    assert done.returncode == 0, done.stderr
    exported = openpyxl.load_workbook(out).active
    assert exported is not None
    names = {row[1] for row in exported.iter_rows(min_row=2, values_only=True)}
    assert {"测试0号消费维权服务站", "测试2号消费维权服务站"} <= names


def test_a_case_ledger_imports_once(demo_db_location: DatabaseLocation, tmp_path: Path) -> None:
    out = tmp_path / "cases.xlsx"
    assert run(demo_db_location, "export", "cases", "--year", "2026", "-o", str(out)).returncode == 0
    ledger = tmp_path / "台账.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    first = openpyxl.load_workbook(out).active
    assert first is not None
    station_code = first["C2"].value
    sheet.append(["站点编号", "受理日期", "投诉人", "被投诉人", "争议金额", "处理结果", "办结日期"])
    sheet.append([station_code, "2026-11-01", "赵一", "某某电器", 1500, "调解成功", "2026-11-03"])
    sheet.append([station_code, "2026-11-02", "钱二", "某某电器", 800, "", ""])
    book.save(ledger)
    before = count(demo_db_location, MediationCase)
    done = run(demo_db_location, "import", "cases", str(ledger))
    assert done.returncode == 0, done.stdout + done.stderr
    assert count(demo_db_location, MediationCase) == before + 2
    again = run(demo_db_location, "import", "cases", str(ledger), "--json")
    assert json.loads(again.stdout)["counts"]["unchanged"] == 2
    assert count(demo_db_location, MediationCase) == before + 2


def test_killing_the_import_midway_leaves_all_or_nothing(db_location: DatabaseLocation, tmp_path: Path) -> None:
    from stationdesk.services import jurisdictions

    database = Database(make_engine(location_url(db_location)))
    jurisdictions.add_county(database, "320402", "天宁区", "测试")
    database.dispose()
    path = roster(tmp_path / "大名册.xlsx", 4000)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(command(db_location, "import", "stations", str(path)), env=env, cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(2.5)  # started, reading or writing: either way, never half written
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    stations = count(db_location, Station)
    assert stations in (0, 4000)
    done = run(db_location, "check")
    assert done.returncode == 0, done.stdout + done.stderr

"""`stations list | show | set-status` as a script would use them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DatabaseLocation, db_args

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT)


def test_list_filters_by_level_and_prints_json(demo_db_location: DatabaseLocation) -> None:
    result = run(*db_args(demo_db_location), "stations", "list", "--level", "省级示范", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and {r["level"] for r in rows} == {"省级示范"}


def test_list_as_csv_has_chinese_headings(demo_db_location: DatabaseLocation) -> None:
    result = run(*db_args(demo_db_location), "stations", "list", "--format", "csv", "--category", "进超市")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:3] == ["站点编号", "站点名称", "类别"]
    assert len(rows) > 2 and {r[2] for r in rows[1:]} == {"进超市"}


def test_set_status_then_show_reports_the_change_and_history(demo_db_location: DatabaseLocation) -> None:
    listed = json.loads(run(*db_args(demo_db_location), "stations", "list", "--json").stdout)
    code = listed[0]["code"]
    changed = run(*db_args(demo_db_location), "stations", "set-status", code, "已撤销", "--reason", "依托单位已停业",
                  "--user", "王芳", "--json")
    assert changed.returncode == 0, changed.stderr
    assert json.loads(changed.stdout)["new"] == "removed"
    shown = json.loads(run(*db_args(demo_db_location), "stations", "show", code, "--json").stdout)
    assert shown["status"] == "removed"
    assert shown["history"][0]["reason"] == "依托单位已停业"
    assert shown["history"][0]["person"] == "王芳"
    hidden = json.loads(run(*db_args(demo_db_location), "stations", "list", "--json").stdout)
    assert code not in {r["code"] for r in hidden}


def test_set_status_without_a_reason_is_refused(demo_db_location: DatabaseLocation) -> None:
    listed = json.loads(run(*db_args(demo_db_location), "stations", "list", "--json").stdout)
    result = run(*db_args(demo_db_location), "stations", "set-status", listed[0]["code"], "removed", "--reason", " ")
    assert result.returncode == 1
    assert "原因" in result.stderr


def test_unknown_code_and_unknown_status_give_one_chinese_line(demo_db_location: DatabaseLocation) -> None:
    missing = run(*db_args(demo_db_location), "stations", "show", "9999999999")
    assert missing.returncode == 1 and "没有站点编号" in missing.stderr
    bad = run(*db_args(demo_db_location), "stations", "list", "--level", "国家级")
    assert bad.returncode == 1 and "未知的级别" in bad.stderr

"""The command line, run as a user would: `python main.py …` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DatabaseLocation, db_args

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=ROOT,
    )


def test_check_on_a_new_database_creates_it_at_the_current_schema(new_db_location: DatabaseLocation) -> None:
    result = run(*db_args(new_db_location), "check", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["integrity"] == "ok"
    assert report["schema_version"] == report["schema_head"]
    assert report["counts"]["station"] == 0
    assert report["counts"]["category"] >= 5
    if isinstance(new_db_location, Path):
        assert new_db_location.exists()


def test_demo_then_check_reports_the_counts(demo_db_location: DatabaseLocation) -> None:
    result = run(*db_args(demo_db_location), "check", "--json")
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)["counts"]
    assert 250 <= counts["station"] <= 400
    assert counts["mediation_case"] > 5_000
    assert counts["status_history"] >= counts["station"]


def test_demo_command_fills_a_new_database(new_db_location: DatabaseLocation) -> None:
    result = run(*db_args(new_db_location), "demo", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["counts"]["station"] > 200
    human = run(*db_args(new_db_location), "check")
    assert "完整性检查：正常" in human.stdout
    assert "站点 (station):" in human.stdout


def test_demo_refuses_a_database_that_already_has_stations(demo_db_location: DatabaseLocation) -> None:
    result = run(*db_args(demo_db_location), "demo")
    assert result.returncode == 1
    assert result.stderr.startswith("错误：")
    assert "Traceback" not in result.stderr


@pytest.mark.sqlite_only(reason="a --db path")
def test_a_folder_given_as_database_gives_one_chinese_line(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path), "check")
    assert result.returncode == 1
    assert "文件夹" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.sqlite_only(reason="a damaged SQLite file")
def test_a_file_that_is_not_a_database_is_refused_without_traceback(tmp_path: Path) -> None:
    bogus = tmp_path / "台账.sqlite"
    bogus.write_bytes(b"this is a spreadsheet, not a database" * 100)
    result = run("--db", str(bogus), "check")
    assert result.returncode == 1
    assert "损坏" in result.stderr or "不是" in result.stderr
    assert "Traceback" not in result.stderr
    assert bogus.read_bytes().startswith(b"this is a spreadsheet")


@pytest.mark.parametrize("args", [["--help"], ["demo", "--help"], ["check", "--help"]])
def test_help_speaks_chinese_and_english_terms(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 0
    assert "数据" in result.stdout  # Chinese words …
    assert "(" in result.stdout and "database" in result.stdout.lower()  # … with the English terms


def test_an_unknown_option_is_a_usage_error() -> None:
    result = run("demo", "--scale", "galaxy")
    assert result.returncode == 2
    assert "参数错误" in result.stderr


def test_a_reader_that_stops_early_is_not_an_error(demo_db_location: DatabaseLocation) -> None:
    """`main.py cases list | head`: the pipe closes after a line; the command ends quietly with 0."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *db_args(demo_db_location), "cases", "list", "--format", "csv"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().decode().startswith("案件编号")
    process.stdout.close()
    errors = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) == 0
    assert "抱歉" not in errors and "Traceback" not in errors

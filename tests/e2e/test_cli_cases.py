"""`cases add | list` and `indicators` as a script would use them.

The command line reads the real clock, while the demo sample is dated around tests/conftest.py's
TODAY: dates here are counted back from the real today, and assertions hold on any later day.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import DatabaseLocation, db_args

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_YEAR = "2026"  # the demo sample's busiest year (tests/conftest.py TODAY)


def run(db: DatabaseLocation, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *db_args(db), *args], capture_output=True,
                          text=True, env=env, timeout=300, cwd=ROOT)


def active_station(db: DatabaseLocation) -> str:
    listed = run(db, "stations", "list", "--status", "正常运行", "--json")
    assert listed.returncode == 0, listed.stderr
    return json.loads(listed.stdout)[0]["code"]


def days_ago(n: int) -> str:
    return (date.today() - timedelta(days=n)).isoformat()


def test_added_case_is_listed_masked_and_shows_up_as_overdue(demo_db_location: DatabaseLocation) -> None:
    code = active_station(demo_db_location)
    added = run(demo_db_location, "cases", "add", "--station", code, "--received", days_ago(30), "--channel", "phone",
                "--consumer", "欧阳修文", "--phone", "13812345678", "--operator", "测试家电行", "--category", "家用电器",
                "--amount", "1,234.5", "--ref", "E2E-工单甲", "--user", "王芳", "--json")
    assert added.returncode == 0, added.stderr
    saved = json.loads(added.stdout)
    assert saved["due_on"] > days_ago(30)

    listed = run(demo_db_location, "cases", "list", "--text", "E2E-工单甲", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "欧阳修文" not in listed.stdout and "13812345678" not in listed.stdout
    [case] = json.loads(listed.stdout)
    assert (case["number"], case["station_code"], case["due_on"]) == (saved["number"], code, saved["due_on"])
    assert (case["consumer"], case["phone"]) == ("欧阳**", "*******5678")
    assert (case["channel"], case["goods_category"], case["amount_disputed"]) == ("电话", "家用电器", "1,234.50")
    assert case["outcome"] == "办理中"

    overdue = run(demo_db_location, "cases", "list", "--overdue", "--json")
    assert overdue.returncode == 0, overdue.stderr
    cases = json.loads(overdue.stdout)
    assert saved["number"] in {c["number"] for c in cases}
    today = date.today().isoformat()
    assert all(c["outcome"] == "办理中" and c["closed_on"] == "" and c["due_on"] < today for c in cases)
    assert {c["deadline_status"] for c in cases} == {"逾期"}

    human = run(demo_db_location, "cases", "add", "--station", code, "--received", days_ago(3))
    assert human.returncode == 0, human.stderr
    assert "已登记案件" in human.stdout and "应办结日期" in human.stdout


def test_bad_input_names_the_field_and_saves_nothing(demo_db_location: DatabaseLocation) -> None:
    code = active_station(demo_db_location)
    before = run(demo_db_location, "cases", "list", "--station", code, "--format", "csv")
    assert before.returncode == 0, before.stderr
    rows = list(csv.reader(io.StringIO(before.stdout)))
    assert rows[0][:4] == ["案件编号", "受理日期", "站点编号", "站点名称"]
    assert rows[0][-2:] == ["期限状态", "挽回损失"]

    closed_early = run(demo_db_location, "cases", "add", "--station", code, "--received", days_ago(10),
                       "--outcome", "调解成功", "--closed", days_ago(20))
    # Typing problems are all reported at once, one "字段：消息" line each.
    typing_slips = run(demo_db_location, "cases", "add", "--station", "0000000000", "--received", days_ago(10),
                       "--amount", "123456789", "--channel", "传真")
    for result, fields in ((closed_early, ["办结日期："]), (typing_slips, ["站点：", "争议金额", "受理渠道："])):
        assert result.returncode == 1, result.stderr
        assert result.stdout == ""
        assert all(field in result.stderr for field in fields), result.stderr
    assert "0000000000" in typing_slips.stderr and "传真" in typing_slips.stderr

    after = run(demo_db_location, "cases", "list", "--station", code, "--format", "csv")
    assert len(list(csv.reader(io.StringIO(after.stdout)))) == len(rows)


def test_indicators_of_one_station_match_the_all_stations_list(demo_db_location: DatabaseLocation) -> None:
    every = run(demo_db_location, "indicators", "--year", SAMPLE_YEAR, "--json")
    assert every.returncode == 0, every.stderr
    stations = json.loads(every.stdout)
    assert [s["code"] for s in stations] == sorted(s["code"] for s in stations)
    busy = max(stations, key=lambda s: s["received"])

    one = run(demo_db_location, "indicators", "--station", busy["code"], "--year", SAMPLE_YEAR, "--json")
    assert one.returncode == 0, one.stderr
    figures = json.loads(one.stdout)
    assert figures == busy
    for key in ("received", "closed", "overdue", "payouts", "payout_fen", "recovered_fen", "follow_ups",
                "consultations", "last_activity_on"):
        assert key in figures
    assert figures["closure_rate"].endswith("%")
    assert figures["closure_counts"] == f"{figures['closed']}/{figures['received']}"

    table = run(demo_db_location, "indicators", "--station", busy["code"], "--year", SAMPLE_YEAR)
    assert table.returncode == 0, table.stderr
    assert f"办结率  {figures['closure_rate']}（{figures['closure_counts']}）" in table.stdout
    assert "自行调解率" in table.stdout and "挽回损失" in table.stdout

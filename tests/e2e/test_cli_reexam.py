"""`reexam start | propose | ranking | decide` as a script would use them, on the demo sample.

The command line reads the real clock while the demo sample ends on tests/conftest.py's TODAY
(2026-11-24): the round is for 2026, and the assertions hold whatever the proposals turn out to be.
One test, few commands: each run of main.py costs about a second.
"""

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
YEAR = "2026"  # the demo sample's year (tests/conftest.py TODAY)
OUTCOMES = {"保留", "推荐升级", "限期整改", "降级", "淘汰除名"}


def run(db: DatabaseLocation, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *db_args(db), "reexam", *args],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)  # fmt: skip


def test_a_round_is_started_proposed_decided_and_ranked_from_the_command_line(demo_db_location: DatabaseLocation) -> None:
    started = run(demo_db_location, "start", "--year", YEAR, "--user", "王芳", "--json")
    assert started.returncode == 0, started.stderr
    summary = json.loads(started.stdout)
    assert summary["stations"] > 0 and sum(summary["proposals"].values()) == summary["stations"]
    assert set(summary["proposals"]) == OUTCOMES
    assert summary["standards"] and all(s["frozen"] for s in summary["standards"])

    proposed = run(demo_db_location, "propose", "--year", YEAR, "--refresh", "--format", "csv")
    assert proposed.returncode == 0, proposed.stderr
    table = list(csv.reader(io.StringIO(proposed.stdout)))
    assert table[0] == ["站点编号", "站点名称", "级别", "受理", "自行调解率", "调解成功率", "总分", "建议", "结论", "理由"]
    records = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert len(records) == summary["stations"]
    assert all(r["建议"] in OUTCOMES and r["理由"] and r["结论"] == "待确认" for r in records)
    assert all(r["级别"] in ("省级示范", "市级示范") and r["总分"] == "未评分" for r in records)
    target = next(r for r in records if r["建议"] == "降级")

    refused = run(demo_db_location, "decide", "--year", YEAR, "--station", target["站点编号"], "--outcome", "保留")
    assert refused.returncode == 1 and refused.stdout == ""
    assert "理由" in refused.stderr and "改判理由" in refused.stderr

    confirmed = run(demo_db_location, "decide", "--year", YEAR, "--station", target["站点编号"], "--outcome", "降级",
                    "--document-no", "常市监〔2026〕8号", "--user", "张科长", "--json")  # fmt: skip
    assert confirmed.returncode == 0, confirmed.stderr
    decided = json.loads(confirmed.stdout)
    assert (decided["outcome"], decided["overridden"]) == ("降级", False)
    assert decided["level"] == ("市级示范" if target["级别"] == "省级示范" else "普通站点")

    ranking = run(demo_db_location, "ranking", "--year", YEAR, "--size", "2", "--json")
    assert ranking.returncode == 0, ranking.stderr
    ranked = json.loads(ranking.stdout)
    assert (ranked["size"], ranked["red"], ranked["black"]) == (2, [], [])  # nobody scored on site yet
    assert len(ranked["ranking"]) == summary["stations"] and ranked["tie_rule"].startswith("同分时")
    assert {r["code"]: r["decided"] for r in ranked["ranking"]}[target["站点编号"]] == "降级"

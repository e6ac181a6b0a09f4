"""`zombie-scan` and `zombie-decide` as a script would use them, on the demo sample.

The command line reads the real clock while the demo sample ends on tests/conftest.py's TODAY
(2026-11-24), so the assertions hold whichever stations the rules flag and whatever today is:
they compare the commands' outputs with each other, not with fixed station codes. One test, few
commands: each run of main.py costs about a second.
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
AS_OF = "2026-11-24"  # the demo sample's last day
RULES = {"长期无活动", "建站后从未受理", "联系不上", "依托单位异常", "复核未通过", "超期案件长期未结"}


def run(db: DatabaseLocation, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *db_args(db), *args],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)  # fmt: skip


def test_flagged_stations_are_listed_with_their_evidence_then_removed_and_not_listed_again(demo_db_location: DatabaseLocation) -> None:
    scanned = run(demo_db_location, "zombie-scan", "--as-of", AS_OF, "--json")
    assert scanned.returncode == 0, scanned.stderr
    flagged = json.loads(scanned.stdout)
    assert len(flagged) >= 3
    assert [r["score"] for r in flagged] == sorted((r["score"] for r in flagged), reverse=True)
    assert all(r["rule_codes"] and set(r["rules"].split("、")) <= RULES for r in flagged)
    assert all(r["evidence"] == "；".join(f["text"] for f in r["findings"]) for r in flagged)

    long_silent = run(demo_db_location, "zombie-scan", "--as-of", AS_OF, "--months", "18", "--rule", "silent",
                      "--format", "csv")  # fmt: skip
    assert long_silent.returncode == 0, long_silent.stderr
    table = list(csv.reader(io.StringIO(long_silent.stdout)))
    assert table[0] == ["站点编号", "站点名称", "县区", "级别", "状态", "最近活动", "得分", "规则", "证据", "上次处置"]
    silent_codes = {row[0] for row in table[1:] if row[7] == "长期无活动"}
    assert silent_codes == {row[0] for row in table[1:]}
    assert silent_codes < {r["code"] for r in flagged if "silent" in r["rule_codes"]}

    targets = [flagged[0]["code"], flagged[1]["code"]]
    removed = run(demo_db_location, "zombie-decide", *targets, "--action", "清除", "--reason", "两年无调解、无咨询",
                  "--approver", "王局长", "--date", AS_OF, "--user", "张科长", "--json")  # fmt: skip
    assert removed.returncode == 0, removed.stderr
    assert json.loads(removed.stdout) | {"summary": ""} == {"action": "remove", "action_label": "清除", "count": 2,
                                                           "refused": [], "successors": [], "summary": ""}  # fmt: skip

    again = run(demo_db_location, "zombie-scan", "--as-of", AS_OF, "--json")
    assert [r["code"] for r in json.loads(again.stdout)] == [r["code"] for r in flagged[2:]]

    twice = run(demo_db_location, "zombie-decide", targets[0], flagged[2]["code"], "--action", "暂缓", "--reason", "待核实",
                "--date", AS_OF, "--deadline", "2027-01-31")  # fmt: skip
    assert twice.returncode == 1  # one of the two was refused: said on stdout, signalled by the exit code
    assert twice.stdout.startswith("已处置 1 个站点；1 个未能处置：") and "已撤销" in twice.stdout

    no_approver = run(demo_db_location, "zombie-decide", flagged[3]["code"], "--action", "remove", "--reason", "名存实亡")
    assert no_approver.returncode == 1 and no_approver.stdout == ""
    assert "批准人：清除站点须填写批准人" in no_approver.stderr

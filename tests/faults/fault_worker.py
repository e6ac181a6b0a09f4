"""The child of the SIGKILL fault test: real writes through the app's services, forever.

    python tests/faults/fault_worker.py --db FILE --journal FILE --phase FILE [--seed N]

It opens the database as the app does (`services.opening.open_database`), then repeats, in a
seeded random order:

- a bulk import of a station roster: a real .xlsx written with openpyxl (new stations and
  updates of stations already registered), read and matched as the wizard and `import stations
  FILE` do (`transfer.importing.match_sheet`), planned, and applied in one transaction
  (`services.station_import`);
- a batch status change on a selection of stations, as the 僵尸站点 page decides on a selection
  (one `zombies.decide` per station: 清除, 激活, 重建升级, 暂缓) and the register's status dialog
  changes one (恢复运行, 暂停): one transaction per station.

Every transaction is announced in the journal before it begins (an "intent" naming exactly what
it will write: the stations with their values, the new status, and how many audit, history,
decision and station rows carry its actor) and confirmed after it commits ("commit"), or
"refused" when the service refused it and rolled back. Each line is fsync'd. Each transaction
has its own actor (`fault-<op>`), so the parent can count every row it wrote. The parent kills
this process at any moment; at most the last intent is then in doubt, and the database says
whether it committed (every row present) or not (none).

The phase file (64 bytes, rewritten in place, never fsync'd) says what the process is doing right
now — "import tx 17" — so the parent can aim its kills and say where each one landed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ACTOR_PREFIX = "fault-"
PHASE_SIZE = 64
SHOPS = ("华联超市", "苏果超市", "五星电器", "国美电器", "大润发", "万达广场", "泰富百货", "新城吾悦",
         "永辉超市", "文化宫商场", "天虹商场", "孩子王", "华润万家", "九洲商贸")  # fmt: skip
ROADS = ("延陵西路", "和平北路", "通江中路", "人民东路", "龙城大道", "晋陵中路", "劳动西路", "青洋北路")
CATEGORIES = ("进超市", "进商场", "进市场", "进企业", "进景区")
PEOPLE = ("王芳", "李强", "张伟", "刘洋", "陈静", "杨帆", "赵敏", "周杰")
HEADINGS = ("站点编号", "站点名称", "五进类别", "依托单位", "所属县区", "地址", "联系人", "联系电话", "建站日期", "备注")


def actor_of(op: int) -> str:
    return f"{ACTOR_PREFIX}{op}"


class Journal:
    """Append-only JSON lines, each fsync'd before the call returns."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def append(self, record: dict[str, Any]) -> None:
        data = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        while data:
            data = data[os.write(self.fd, data):]
        os.fsync(self.fd)


def last_op(path: Path) -> int:
    """The highest op number the journal names (0 for none); a torn last line is ignored."""
    found = 0
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                found = max(found, int(json.loads(line).get("op", 0)))
            except (ValueError, AttributeError):
                continue
    return found


class Phase:
    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        self.kind, self.op = "start", 0

    def set(self, kind: str, stage: str, op: int) -> None:
        self.kind, self.op = kind, op
        os.pwrite(self.fd, f"{kind} {stage} {op}".encode().ljust(PHASE_SIZE), 0)

    def stage(self, stage: str) -> None:
        self.set(self.kind, stage, self.op)


def _watch_transactions(engine: Any, phase: Phase) -> None:
    """Mark the phase at BEGIN IMMEDIATE (a write transaction holds the lock) and at COMMIT."""
    from sqlalchemy import event

    @event.listens_for(engine, "begin")
    def _began(conn: Any) -> None:
        if conn.get_execution_options().get("sqlite_immediate", False):
            phase.stage("tx")

    @event.listens_for(engine, "commit")
    def _committing(conn: Any) -> None:
        if conn.get_execution_options().get("sqlite_immediate", False):
            phase.stage("commit")


class Worker:
    def __init__(self, args: argparse.Namespace) -> None:
        from stationdesk.config import Settings, sqlite_url
        from stationdesk.services.opening import open_database

        self.args = args
        self.rng = random.Random(args.seed)
        self.today = date.fromisoformat(args.today)
        self.journal = Journal(args.journal)
        self.phase = Phase(args.phase)
        self.op = last_op(args.journal)
        self.phase.set("start", "open", self.op)
        opened = open_database(Settings(database_url=sqlite_url(args.db), data_dir=args.db.parent / "userdata"))
        self.db = opened.db
        _watch_transactions(self.db.engine, self.phase)
        with self.db.engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        self.journal.append({"t": "start", "pid": os.getpid(), "journal_mode": mode, "seed": args.seed})
        self.rosters = args.db.parent / "rosters"
        self.rosters.mkdir(exist_ok=True)

    def next_op(self) -> int:
        self.op += 1
        return self.op

    def run(self) -> None:
        done = 0
        while not self.args.ops or done < self.args.ops:
            if self.rng.random() < self.args.import_share:
                self.bulk_import()
            else:
                self.status_batch()
            done += 1

    # -- bulk import ----------------------------------------------------------------------------
    def _roster(self, op: int) -> Path:
        from openpyxl import Workbook
        from sqlalchemy import select

        from stationdesk.store.models import County, Station

        rng, low, high = self.rng, *self.args.import_rows
        with self.db.reading() as session:
            counties = list(session.execute(select(County.code, County.name)))
            registered = list(session.execute(select(Station.code, Station.name, Station.address)))
        book = Workbook()
        sheet = book.active
        sheet.title = "站点名册"
        sheet.append([f"消费维权服务站名册（第 {op} 批）"])
        sheet.append(list(HEADINGS))
        for i in range(1, rng.randint(low, high) + 1):
            _code, county = rng.choice(counties)
            host = f"{county.removesuffix('区').removesuffix('市')}{rng.choice(SHOPS)}{op}-{i}店"
            sheet.append([
                f"F{op:06d}-{i:04d}", f"{host}消费维权服务站", rng.choice(CATEGORIES), f"常州{host}有限公司", county,
                f"{county}{rng.choice(ROADS)}{op}号{i}室", rng.choice(PEOPLE), f"139{rng.randrange(10**8):08d}",
                date(2015 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28)), "",
            ])  # fmt: skip
        low, high = self.args.updates
        # Updates name the station as a roster does (code, name, address) and change two cells; the
        # blank cells leave the stored values alone.
        for code, name, address in rng.sample(registered, min(len(registered), rng.randint(low, high))):
            sheet.append([code, name, "", "", "", address, rng.choice(PEOPLE), "", None, f"第 {op} 批名册核对"])
        path = self.rosters / f"roster-{op}.xlsx"
        book.save(path)
        return path

    def bulk_import(self) -> None:
        from stationdesk.errors import UserError
        from stationdesk.services.station_import import NEW, apply_station_import, plan_station_import
        from stationdesk.transfer.importing import match_sheet

        op = self.next_op()
        self.phase.set("import", "prepare", op)
        path = self._roster(op)
        plan = plan_station_import(self.db, match_sheet(path, "stations").rows(), self.today)
        path.unlink()
        new, updates = [], []
        for row in plan.writable:
            draft = row.draft
            assert draft is not None
            if row.verdict == NEW:
                new.append([draft.code, draft.name, draft.county_id, draft.address, draft.contact_person])
            else:
                updates.append([draft.code, draft.contact_person, draft.notes])
        expect = {"audit": 1 + len(new) + len(updates), "history": len(new), "decisions": 0, "stations": len(new)}
        self.journal.append({"t": "intent", "op": op, "kind": "import", "new": new, "updates": updates,
                             "expect": expect})  # fmt: skip
        self.phase.stage("write")
        try:
            result = apply_station_import(self.db, plan, actor_of(op), self.today)
        except UserError as exc:
            self.phase.stage("journal")
            self.journal.append({"t": "refused", "op": op, "why": str(exc)})
            return
        self.phase.stage("journal")
        assert (result.created, result.updated) == (len(new), len(updates)), result
        self.journal.append({"t": "commit", "op": op})
        self._self_check(op, expect)

    # -- batch status change --------------------------------------------------------------------
    def _choose(self, status: str) -> tuple[str, str, dict[str, int]]:
        """An action the station's status allows: (action, status after, rows its actor writes)."""
        roll = self.rng.random()
        if status == "removed":
            return "reinstate", "active", {"audit": 1, "history": 1, "decisions": 0, "stations": 0}
        if status == "suspended" and roll < 0.5:
            return "reinstate", "active", {"audit": 1, "history": 1, "decisions": 0, "stations": 0}
        if status == "rectifying" and roll < 0.3:
            return "reinstate", "active", {"audit": 1, "history": 1, "decisions": 0, "stations": 0}
        if status == "active" and roll < 0.15:
            return "suspend", "suspended", {"audit": 1, "history": 1, "decisions": 0, "stations": 0}
        roll = self.rng.random()
        if roll < 0.35:
            return "remove", "removed", {"audit": 2, "history": 1, "decisions": 1, "stations": 0}
        if roll < 0.42:
            return "rebuild", "removed", {"audit": 4, "history": 2, "decisions": 1, "stations": 1}
        if roll < 0.75:
            if status == "active":
                return "revive", "rectifying", {"audit": 2, "history": 1, "decisions": 1, "stations": 0}
            return "revive", status, {"audit": 1, "history": 1, "decisions": 1, "stations": 0}
        return "defer", status, {"audit": 1, "history": 1, "decisions": 1, "stations": 0}

    def status_batch(self) -> None:
        from sqlalchemy import select

        from stationdesk.services import zombies
        from stationdesk.store.models import Station

        batch = self.op + 1
        self.phase.set("status", "prepare", batch)
        with self.db.reading() as session:
            everyone = list(session.execute(select(Station.id, Station.code, Station.status)))
        low, high = self.args.batch
        chosen = self.rng.sample(everyone, min(len(everyone), self.rng.randint(low, high)))
        evidence = zombies.current_evidence(self.db, [row.id for row in chosen], self.today)
        for number, (station_id, code, status) in enumerate(chosen, start=1):
            self._change_one(batch, number, station_id, code, status, evidence.get(station_id, []))

    def _change_one(self, batch: int, number: int, station_id: int, code: str, status: str, evidence: list[str]) -> None:
        from stationdesk.domain.station_lifecycle import StationAction
        from stationdesk.errors import UserError
        from stationdesk.services import stations, zombies

        op = self.next_op()
        self.phase.set("status", "prepare", op)
        action, after, expect = self._choose(status)
        reason = f"故障演练第 {batch} 批第 {number} 项"
        self.journal.append({"t": "intent", "op": op, "kind": "status", "batch": batch, "sid": station_id,
                             "code": code, "action": action, "before": status, "after": after, "expect": expect})  # fmt: skip
        self.phase.stage("write")
        successor = None
        try:
            if action in ("reinstate", "suspend"):
                stations.change_station_status(self.db, station_id, StationAction(action), reason=reason,
                                               effective_on=self.today, actor=actor_of(op), today=self.today)  # fmt: skip
            else:
                decided = zombies.decide(
                    self.db, [station_id], action, reason=reason, decided_on=self.today, actor=actor_of(op),
                    today=self.today, approver="局长", deadline=self.today + timedelta(days=30),
                    rectification="补齐制度上墙；指定专人受理投诉", evidence={station_id: evidence},
                )  # fmt: skip
                if decided.count != 1:
                    raise UserError("；".join(decided.refused))
                successor = decided.successors[0] if decided.successors else None
        except UserError as exc:
            self.phase.stage("journal")
            self.journal.append({"t": "refused", "op": op, "why": str(exc)})
            return
        self.phase.stage("journal")
        self.journal.append({"t": "commit", "op": op, "successor": successor})
        self._self_check(op, expect)

    def _self_check(self, op: int, expect: dict[str, int]) -> None:
        """With --self-check: the rows the committed transaction's actor wrote, counted now."""
        if not self.args.self_check:
            return
        from fault_check import rows_by_actor

        with self.db.engine.connect() as conn:
            found = rows_by_actor(conn).get(actor_of(op), {})
        if any(found.get(table, 0) != count for table, count in expect.items()):
            sys.exit(f"op {op}: expected {expect}, found {found}")


def _span(text: str) -> tuple[int, int]:
    low, _sep, high = text.partition("-")
    return int(low), int(high or low)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--journal", type=Path, required=True)
    parser.add_argument("--phase", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", default=date.today().isoformat())
    parser.add_argument("--import-rows", type=_span, default=(300, 2000), help="new stations per roster, LOW-HIGH")
    parser.add_argument("--updates", type=_span, default=(20, 200), help="stations a roster updates, LOW-HIGH")
    parser.add_argument("--batch", type=_span, default=(20, 150), help="stations per status batch, LOW-HIGH")
    parser.add_argument("--import-share", type=float, default=0.5)
    parser.add_argument("--ops", type=int, default=0, help="stop after this many imports/batches (0: never)")
    parser.add_argument("--self-check", action="store_true", help="count each commit's rows after it")
    Worker(parser.parse_args(argv)).run()


if __name__ == "__main__":
    main()

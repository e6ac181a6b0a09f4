"""Benchmark of spreadsheets in and out at province scale.

    python bench/bench_transfer.py [--db bench/out/province.sqlite] [--rows 20000] [--runs 3]

Targets (the issue): reading a 20,000-row × 15-column roster under 1.5 s; the whole import
(read, match, validate and preview, write) under 3 s; exporting 20,000 rows under 6 s.

The roster is the province file's own first `--rows` stations written out as a county office
would keep them (a merged title row, their own headings). Measured: reading it; matching and
planning it against a copy of the province database (every row matches a station: 无变化);
the same roster with new codes and names imported into a fresh database (every row new, written
in one transaction); exporting the register's first `--rows` stations and 20,000 cases.
Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import Timer, print_table  # noqa: E402

HEADINGS = ["序号", "维权站名称", "站点编号", "所在单位", "信用代码", "辖区", "街道", "详细地址", "站长", "手机",
            "五进类别", "组织形式", "示范等级", "建站时间", "备注"]  # fmt: skip


def _open(path: Path) -> Any:
    from stationdesk.config import Settings, sqlite_url
    from stationdesk.services.opening import open_database

    return open_database(Settings(database_url=sqlite_url(path), data_dir=path.parent / "userdata")).db


def _write_roster(db: Any, rows: int, out: Path, fresh: bool) -> None:
    """The province's stations as a roster; `fresh` gives them new names and no codes."""
    from openpyxl import Workbook
    from sqlalchemy import select

    from stationdesk.store.models import Category, County, Station, Street

    # Not write-only: Excel and WPS record each sheet's used range, as a normal workbook does,
    # and a roster users send comes from them.
    book = Workbook()
    sheet = book.active
    sheet.title = "站点名册"
    sheet.append(["全省消费维权服务站名册"])
    sheet.append(HEADINGS)
    with db.reading() as session:
        query = (
            select(Station, County.name, Category.name, Street.name)
            .join(County, County.id == Station.county_id)
            .join(Category, Category.id == Station.category_id)
            .outerjoin(Street, Street.id == Station.street_id)
            .order_by(Station.id)
            .limit(rows)
        )
        for n, (station, county, category, street) in enumerate(session.execute(query), start=1):
            sheet.append([
                n, f"新站{n}号消费维权服务站" if fresh else station.name, "" if fresh else station.code,
                station.host_name, "" if fresh else station.host_credit_code, county, street or "",
                station.address, station.contact_person, station.contact_phone, category,
                {"service": "服务站", "liaison": "联络站", "branch": "分会", "centre": "投诉中心"}.get(station.form, ""),
                {"provincial": "省级", "municipal": "市级"}.get(station.level, "普通"),
                station.established_on.strftime("%Y.%m.%d") if station.established_on else "", station.notes[:20],
            ])  # fmt: skip
    book.save(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "province.sqlite")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from stationdesk.config import Settings, sqlite_url
    from stationdesk.services.cases import CaseFilter, list_case_ids
    from stationdesk.services.opening import open_database
    from stationdesk.services.register import StationFilter, list_station_ids
    from stationdesk.services.station_import import apply_station_import, plan_station_import
    from stationdesk.transfer.exports import case_rows_export, station_rows_export
    from stationdesk.transfer.importing import match_sheet
    from stationdesk.transfer.list_xlsx import write_list_xlsx
    from stationdesk.transfer.sheets import read_sheet

    today = date.today()
    timer = Timer(args.runs)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        copy = out / "province.sqlite"
        shutil.copyfile(args.db, copy)
        db = _open(copy)
        same, fresh = out / "same.xlsx", out / "fresh.xlsx"
        _write_roster(db, args.rows, same, fresh=False)
        _write_roster(db, args.rows, fresh, fresh=True)
        read = timer.measure(f"read a {args.rows:,}-row × {len(HEADINGS)}-column roster", lambda: read_sheet(same), 1500)
        print(f"{len(read.rows):,} rows read")
        matched = timer.measure("find header, match columns", lambda: match_sheet(same, "stations"))
        plan = timer.measure("check every row against the province register (preview)",
                             partial(plan_station_import, db, matched.rows(), today))  # fmt: skip
        print("province re-import:", plan.summary())
        del read, matched, plan  # the app holds one import at a time, not three

        def whole_import() -> Any:
            target = out / f"fresh{timer.run}.sqlite"
            empty = open_database(Settings(database_url=sqlite_url(target), data_dir=out / "userdata")).db
            _copy_counties(db, empty)
            start = time.perf_counter()
            found = match_sheet(fresh, "stations")
            planned = plan_station_import(empty, found.rows(), today)
            result = apply_station_import(empty, planned, "bench_transfer", today)
            whole_import.seconds = time.perf_counter() - start  # type: ignore[attr-defined]
            return planned, result

        planned, result = timer.measure("whole import into a new database (read, check, write)", whole_import, 3000)
        print("fresh import:", planned.summary(), f"written {result.created:,}")

        ids = list_station_ids(db, StationFilter())[: args.rows]
        timer.measure(f"export {len(ids):,} register rows (all columns)",
                      lambda: write_list_xlsx(station_rows_export(db, ids, today.year), out / "s.xlsx"), 6000)  # fmt: skip
        case_ids = list_case_ids(db, CaseFilter(received_from=date(today.year, 1, 1)))[: args.rows]
        timer.measure(f"export {len(case_ids):,} cases (all columns)",
                      lambda: write_list_xlsx(case_rows_export(db, case_ids), out / "c.xlsx"), 6000)  # fmt: skip
        db.dispose()
    print_table(timer.rows)


def _copy_counties(source: Any, target: Any) -> None:
    """The province's counties and streets, so a fresh roster's places resolve."""
    from sqlalchemy import select

    from stationdesk.store.models import County, Street

    with source.reading() as s:
        counties = [(c.code, c.name, c.city, c.sort_order, c.id) for c in s.scalars(select(County))]
        streets = [(st.county_id, st.name, st.sort_order) for st in s.scalars(select(Street))]
    with target.writing() as t:
        ids = {}
        for code, name, city, order, old_id in counties:
            county = County(code=code, name=name, city=city, sort_order=order)
            t.add(county)
            t.flush()
            ids[old_id] = county.id
        for county_id, name, order in streets:
            t.add(Street(county_id=ids[county_id], name=name, sort_order=order))


if __name__ == "__main__":
    main()

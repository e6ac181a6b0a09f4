"""Reports in bulk from a real database: one PDF for the printer, one file per station on
several processes, and cancelling either."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stationdesk.reports.batch import report_filename, write_batch_pdf, write_station_files
from stationdesk.reports.station_pdf import ReportCancelled
from tests.conftest import TODAY, Desk, Poppler


@pytest.fixture
def three(desk: Desk) -> tuple[Desk, list[int]]:
    ids = [
        desk.station("红梅超市消费维权服务站", level="municipal"),
        desk.station("青果巷/文化街:消费维权服务站"),  # characters Windows refuses in a file name
        desk.station("百货大楼消费维权服务站"),
    ]
    for day in range(1, 6):
        desk.case(ids[0], date(2026, 2, day), outcome="success", amount_recovered_fen=12_345)
    desk.case(ids[0], date(2026, 2, 9), outcome="failure", consumer_name="欧阳娜娜")
    return desk, ids


def test_one_pdf_holds_every_station_with_its_figures_and_masked_consumers(
    three: tuple[Desk, list[int]], tmp_path: Path, poppler: Poppler
) -> None:
    desk, ids = three
    out = tmp_path / "batch.pdf"
    seen: list[tuple[int, int]] = []
    pages = write_batch_pdf(desk.db, ids, 2026, TODAY, out, on_progress=lambda d, t: seen.append((d, t)) or True)
    assert pages == poppler.pages(out) >= 3
    assert seen[-1] == (3, 3)
    text = poppler.text(out)
    assert "红梅超市消费维权服务站" in text and "百货大楼消费维权服务站" in text
    assert "欧阳**" in text and "欧阳娜娜" not in text  # masked on paper
    assert "张**" in text
    assert "83.3%" in text  # 调解成功率 5/6
    assert "617.25" in text  # 挽回经济损失 5 × 123.45 元
    assert {f["name"].split("+")[-1] for f in poppler.fonts(out)} == {"WenQuanYiMicroHei-0"}


def test_cancel_leaves_no_file(three: tuple[Desk, list[int]], tmp_path: Path) -> None:
    desk, ids = three
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "batch.pdf"
    with pytest.raises(ReportCancelled):
        write_batch_pdf(desk.db, ids, 2026, TODAY, out, on_progress=lambda done, _t: done < 2)
    assert list(out.parent.iterdir()) == []


def test_one_file_per_station_named_by_code_and_name(
    three: tuple[Desk, list[int]], tmp_path: Path, poppler: Poppler
) -> None:
    desk, ids = three
    files = write_station_files(desk.db, ids, 2026, TODAY, tmp_path / "out", workers=2)
    names = sorted(f.name for f in files)
    assert len(names) == 3
    assert any(name.endswith(" 青果巷_文化街_消费维权服务站.pdf") for name in names)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == names  # no temporaries left
    one = next(f for f in files if "红梅" in f.name)
    assert "红梅超市消费维权服务站" in poppler.text(one)
    assert one.stat().st_size <= 80 * 1024


def test_cancelling_files_keeps_only_whole_ones(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stationdesk.reports import batch

    ids = [desk.station(f"第{n}号消费维权服务站") for n in range(12)]
    monkeypatch.setattr(batch, "FILES_PER_JOB", 1)
    with pytest.raises(ReportCancelled):
        write_station_files(desk.db, ids, 2026, TODAY, tmp_path / "out", workers=1, on_progress=lambda _d, _t: False)
    left = list((tmp_path / "out").iterdir())
    assert 1 <= len(left) < len(ids)  # the jobs not yet started were dropped
    assert all(p.suffix == ".pdf" and p.read_bytes().startswith(b"%PDF") for p in left)


def test_file_names_are_safe_and_short() -> None:
    assert report_filename("3204020001", 'a<b>c:"d"/e\\f|g?h*') == "3204020001 a_b_c__d__e_f_g_h_.pdf"
    assert len(report_filename("3204020001", "长" * 200)) <= 84
    assert report_filename("3204020001", "名称. ") == "3204020001 名称.pdf"

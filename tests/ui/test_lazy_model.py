"""The lazy table model: a correct Qt model that fetches only the pages the view shows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt

from stationdesk.ui.lazy_model import PAGE_SIZE, Column, LazyTableModel


def _model(n: int, calls: list[Sequence[int]]) -> LazyTableModel[tuple[int, str]]:
    def fetch(ids: Sequence[int]) -> dict[int, tuple[int, str]]:
        calls.append(list(ids))
        return {i: (i, f"站点{i}") for i in ids}

    model: LazyTableModel[tuple[int, str]] = LazyTableModel(
        [
            Column("id", "编号", 60, lambda r: str(r[0]), numeric=True),
            Column("name", "名称", 100, lambda r: r[1]),
        ],
        fetch,
    )
    model.set_ids(range(1, n + 1))
    return model


def test_model_passes_the_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    calls: list[Sequence[int]] = []
    qtmodeltester.check(_model(500, calls))


def test_only_the_page_shown_is_fetched() -> None:
    calls: list[Sequence[int]] = []
    model = _model(20_000, calls)
    assert model.data(model.index(PAGE_SIZE * 3 + 5, 1)) == f"站点{PAGE_SIZE * 3 + 6}"
    assert model.data(model.index(PAGE_SIZE * 3 + 6, 0)) == str(PAGE_SIZE * 3 + 7)
    assert len(calls) == 1
    assert len(calls[0]) == PAGE_SIZE


def test_numbers_are_right_aligned_and_headers_are_chinese() -> None:
    model = _model(3, [])
    assert model.headerData(1, Qt.Orientation.Horizontal) == "名称"
    align = model.data(model.index(0, 0), Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight.value


def test_invalidate_refetches_but_keeps_ids() -> None:
    calls: list[Sequence[int]] = []
    model = _model(10, calls)
    model.data(model.index(0, 0))
    model.invalidate()
    model.data(model.index(0, 0))
    assert len(calls) == 2
    assert model.rowCount() == 10

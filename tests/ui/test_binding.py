"""The Qt binding itself: defects we have met in PySide6 releases, checked on the installed one.

Why: PySide6 6.12.0 dropped a reference to None whenever a combo box stored or returned None as
item data. Python 3.11's None is an ordinary object, so after a few thousand filter changes its
count reached zero and the interpreter aborted ("deallocating None"). pyproject pins below 6.12;
this test fails loudly if a future release brings the defect back.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QComboBox


def test_combo_box_item_data_of_none_keeps_none_alive(qtbot) -> None:  # type: ignore[no-untyped-def]
    combo = QComboBox()
    qtbot.addWidget(combo)
    before = sys.getrefcount(None)
    for _ in range(500):
        combo.addItem("全部", None)
    for index in range(500):
        combo.setCurrentIndex(index)
        assert combo.currentData() is None
        assert combo.itemData(index) is None
    assert sys.getrefcount(None) >= before - 50, "the binding is losing references to None"

"""The bundled Chinese font (WenQuanYi Micro Hei, Apache-2.0) registered with Qt.

Office PCs' fonts vary and a fresh Linux machine has no CJK font at all, so the app never relies
on what the system has: it registers its own and makes it the application font.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from stationdesk.config import RESOURCES

log = logging.getLogger(__name__)
FONT_FILE = RESOURCES / "fonts" / "wqy-microhei.ttc"
FALLBACK_FAMILIES = ["Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "SimSun"]


def install_app_font(app: QApplication, point_size: int = 10) -> str:
    """Register the bundled font and make it the application default; returns the family."""
    font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("bundled font %s could not be loaded; falling back to system fonts", FONT_FILE)
    family = families[0] if families else FALLBACK_FAMILIES[0]
    font = QFont(family, point_size)
    font.setFamilies([family, *FALLBACK_FAMILIES])
    app.setFont(font)
    return family

"""A form input with its caption and the red message under it, shared by every form."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

ERROR_STYLE = "color: #b3261e; font-size: 9pt;"


class FormField:
    """An input, its caption and the message label under it."""

    def __init__(self, key: str, caption: str, widget: QWidget, required: bool = False) -> None:
        self.key = key
        self.widget = widget
        self.caption = QLabel(f"{caption}{' *' if required else ''}")
        self.caption.setBuddy(widget)
        self.message = QLabel("")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.touched = False

    def show_problem(self, text: str | None) -> None:
        self.message.setText(text or "")
        self.message.setVisible(bool(text))

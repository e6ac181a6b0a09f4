"""The bureau's logo (单位标志) printed beside its name at the head of reports.

Kept in the shared settings as base64 text, so it is small and of a kind every PDF reader and
ReportLab draws: PNG or JPEG, by its first bytes (a renamed file is caught here, not at print).
"""

from __future__ import annotations

import base64
import binascii

MAX_LOGO_BYTES = 300_000
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def logo_problem(data: bytes) -> str | None:
    """Why `data` cannot be the logo, or None."""
    if not data.startswith(_SIGNATURES):
        return "单位标志只能是 PNG 或 JPG 图片"
    if len(data) > MAX_LOGO_BYTES:
        return f"单位标志图片不能超过 {MAX_LOGO_BYTES // 1000} KB，请先缩小"
    return None


def encode_logo(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def decode_logo(text: str) -> bytes:
    """The stored logo's bytes; b"" for none or for text that is not a logo (never raises:
    a bad setting must not stop printing)."""
    if not text:
        return b""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""
    return data if logo_problem(data) is None else b""

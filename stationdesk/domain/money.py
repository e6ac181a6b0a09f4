"""Money is kept in fen (integers) and shown in 元 with thousands separators, or in 万元 the way
the bureaus' own reports quote it (挽回经济损失 108 万元)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_yuan(fen: int, *, decimals: int = 2) -> str:
    """12345678 fen → "123,456.78"."""
    quantum = Decimal(1).scaleb(-decimals)
    return f"{(Decimal(fen) / 100).quantize(quantum, rounding=ROUND_HALF_UP):,}"


def format_wan_yuan(fen: int, *, decimals: int = 2) -> str:
    """Amounts in 万元 for summaries: 1,080,000 元 → "108.00"."""
    quantum = Decimal(1).scaleb(-decimals)
    return f"{(Decimal(fen) / 1_000_000).quantize(quantum, rounding=ROUND_HALF_UP):,}"


def yuan_to_fen(text: str) -> int:
    """Parse a user's amount in 元 ("1,234.5", "1234元") into fen; ValueError with a Chinese
    message when it is not an amount."""
    cleaned = text.strip().replace(",", "").replace("，", "").removesuffix("元").strip()
    try:
        value = Decimal(cleaned)
    except ArithmeticError as exc:
        raise ValueError(f"“{text}”不是有效的金额") from exc
    if not value.is_finite() or value < 0:
        raise ValueError(f"金额不能为负数或非数字：“{text}”")
    # "1e30" parses but cannot be quantized to whole fen (decimal.InvalidOperation, not a
    # ValueError): no real amount has more than 15 digits of yuan, so refuse it here by name.
    if value.adjusted() >= 15:
        raise ValueError(f"“{text}”数额过大，不是有效的金额")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

"""Amounts of money in yuan, as typed by people and written in tables: "1,000.00", "1000元".

Money is Decimal with two places (fen), never float.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

FEN = Decimal("0.01")
TOO_LARGE = Decimal("10000000")


def parse_yuan(raw: object, label: str = "金额", what: str = "金额") -> Decimal:
    """Yuan with two places; refuses empty text, negatives, fractions of a fen and
    non-numbers, each with a Chinese message naming `label`; `what` names the kind of
    number (金额, 数值) where one is refused."""
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    text = text.removesuffix("元").strip()
    if not text:
        raise ValueError(f"{label}为空")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"{label}“{text}”不是{what}") from exc
    if not value.is_finite():
        raise ValueError(f"{label}“{text}”不是{what}")
    if value < 0:
        raise ValueError(f"{label}不能为负数")
    if value != value.quantize(FEN):
        raise ValueError(f"{label}“{text}”精确到分（两位小数）")
    if value >= TOO_LARGE:
        raise ValueError(f"{label}“{text}”过大")
    return value.quantize(FEN)

"""Whole numbers typed by a caller (IDs, offsets, years): within what a database column holds.

SQLite raises OverflowError and PostgreSQL an out-of-range error for a number beyond a
64-bit integer; a number nobody could have been given is simply no match.
"""

from __future__ import annotations

BIGINT_MAX = 2**63 - 1


def in_range(value: int) -> bool:
    return -BIGINT_MAX - 1 <= value <= BIGINT_MAX


def parse_id(text: object) -> int | None:
    """A positive ID from text such as a query parameter, or None if it is not one."""
    text = str(text or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= BIGINT_MAX else None

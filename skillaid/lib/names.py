"""Pinyin initials for searching Chinese names (张三丰 -> zsf)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's common reading.
_SURNAMES = {
    "单": "s",
    "解": "x",
    "仇": "q",
    "区": "o",
    "朴": "p",
    "查": "z",
    "曾": "z",
    "覃": "q",
    "尉": "y",
    "乐": "y",
    "盖": "g",
    "缪": "m",
}


@lru_cache(maxsize=20000)
def _initial(ch: str) -> str:
    if ch.isascii():
        return ch.lower() if ch.isalnum() else ""
    letters = lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
    return letters[0].lower() if letters else ""


def initials(name: str) -> str:
    """Per-character cache: names share few characters, so a 200,000-row import stays fast."""
    name = name.strip()
    if not name:
        return ""
    first = _SURNAMES.get(name[0]) or _initial(name[0])
    return first + "".join(_initial(ch) for ch in name[1:])

"""Names: the one way a name is normalised and compared, and pinyin initials for search (张三丰 -> zsf)."""

from __future__ import annotations

import unicodedata
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


# The dot between the parts of a minority name (阿依古丽·买买提), as files and keyboards give it.
_DOTS = str.maketrans(dict.fromkeys("•‧∙⋅・･.．", "·"))


def normalise(name: object) -> str:
    """A name as the ledger keeps and compares it: NFKC (full-width letters as plain ones),
    no spaces or invisible format characters (zero-width space, joiners) anywhere, and
    one middle dot. Nothing else is changed: a wrong character is a different name."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")
    return text.translate(_DOTS)


def same_name(given: object, kept: object) -> bool:
    """Whether a typed or imported name is the name kept for someone: the one name check of
    the roster, the certificate import, the certificate check and attendance sign-in.
    An empty name matches nobody."""
    a = normalise(given)
    return bool(a) and a == normalise(kept)

"""Names: the one way a name is normalised and compared, and pinyin initials for search (张三丰 -> zsf)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # polars is loaded by the imports that use it, not by every page
    import polars as pl

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
DOTS = "•‧∙⋅・･.．"
_DOTS = str.maketrans(dict.fromkeys(DOTS, "·"))
_DROP = {"Cc", "Cf"}  # control and invisible format characters
# The same rule for a whole column at once (Rust regex, as polars takes it).
_DROP_PATTERN = r"[\s\p{Cc}\p{Cf}]"
_PLAIN_PATTERN = r"^[\x00-\x7F\x{4E00}-\x{9FFF}]*$"


def normalise(name: object) -> str:
    """A name as the ledger keeps and compares it: NFKC (full-width letters as plain ones),
    no spaces, control or invisible format characters (zero-width space, joiners) anywhere, and
    one middle dot. Nothing else is changed: a wrong character is a different name."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = "".join(c for c in text if not c.isspace() and unicodedata.category(c) not in _DROP)
    # What was dropped may have stood between a letter and its accent: compose them again.
    return unicodedata.normalize("NFC", text).translate(_DOTS)


def same_name(given: object, kept: object) -> bool:
    """Whether a typed or imported name is the name kept for someone: the one name check of
    the roster, the certificate import, the certificate check and attendance sign-in.
    An empty name matches nobody."""
    a = normalise(given)
    return bool(a) and a == normalise(kept)


def normalise_column(names: pl.Series) -> pl.Series:
    """`normalise` for a column of names at once: the ledger import's 200,000 rows.

    Names made only of ASCII and the common CJK ideographs (nearly all of them) are
    normalised by polars at once; NFKC leaves those characters as they are, so only spaces
    and control characters go. Any other name goes through `normalise` itself, so the two
    never disagree, even where polars knows a newer Unicode than this Python does."""
    names = names.fill_null("")
    plain = names.str.contains(_PLAIN_PATTERN)
    out = names.str.replace_all(_DROP_PATTERN, "").str.replace_all(".", "·", literal=True)
    others = (~plain).arg_true()
    if len(others):
        out = out.scatter(others, [normalise(v) for v in names.gather(others).to_list()])
    return out

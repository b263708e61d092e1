"""Resident ID numbers (居民身份证号码): normalisation and checks.

The check character and the birth date come from python-stdnum (`stdnum.cn.ric`).
Its own `validate` also rejects any county code missing from its table, but
people keep the numbers of divisions that have since been renamed, so the
county is only a warning here and the province is what must exist.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Container
from dataclasses import dataclass, field

from stdnum.cn import ric

_SCIENTIFIC = re.compile(r"^[0-9.]+E\+?[0-9]+$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u200b\ufeff]+")


@dataclass
class IdCheck:
    """The outcome of checking one raw cell."""

    raw: str
    number: str | None = None  # the normalised number, when valid
    error: str | None = None  # why it was refused, in Chinese
    notes: list[str] = field(default_factory=list)  # what was normalised
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def raw_to_text(value: object) -> tuple[str, bool]:
    """Turn a spreadsheet cell into text; the flag says a number lost its digits.

    A resident ID number has 18 digits, more than the 15 significant digits a
    spreadsheet keeps in a numeric cell: any ID that arrives as a number has
    already been damaged.
    """
    if value is None:
        return "", False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)), False
        return repr(value), True
    if isinstance(value, int):
        return str(value), abs(value) >= 10**15
    return str(value), False


def normalise(text: str) -> tuple[str, list[str]]:
    """Make the safe repairs: full-width characters, spaces, a lower-case x."""
    if text.isascii() and text.isalnum() and not text.endswith("x"):
        return text, []  # nothing to fold, strip or upper-case: most cells of a ledger
    notes: list[str] = []
    folded = unicodedata.normalize("NFKC", text)
    if folded != text:
        notes.append("全角字符已转为半角")
    stripped = _SPACES.sub("", folded)
    if stripped != folded.strip():
        notes.append("号码中的空格已删除")
    if stripped.endswith("x"):
        stripped = stripped[:-1] + "X"
        notes.append("小写 x 已改为大写 X")
    return stripped, notes


def check(
    value: object,
    *,
    provinces: Container[str],
    county_known: Callable[[str], bool] | None = None,
    today: dt.date | None = None,
) -> IdCheck:
    """Check one raw cell. `provinces` holds two-digit province codes."""
    text, lost = raw_to_text(value)
    result = IdCheck(raw=text)
    if lost or _SCIENTIFIC.match(text.strip()):
        result.error = (
            "身份证号被 Excel 存成了数字（科学计数法），后几位已丢失，请把该列设为文本后重新录入"
        )
        return result
    number, result.notes = normalise(text)
    if not number:
        result.error = "身份证号为空"
        return result
    if len(number) != 18:
        result.error = f"身份证号应为18位，实为{len(number)}位"
        return result
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        result.error = "身份证号含有数字和末位 X 以外的字符"
        return result
    if number[:2] not in provinces:
        result.error = f"省份代码 {number[:2]} 不存在"
        return result
    try:
        birth = birth_date(number)
    except ValueError:
        result.error = f"出生日期 {number[6:14]} 不存在"
        return result
    today = today or dt.date.today()
    if birth > today:
        result.error = f"出生日期 {birth.isoformat()} 晚于今天"
        return result
    if birth.year < 1900:
        result.error = f"出生日期 {birth.isoformat()} 早于1900年"
        return result
    expected = ric.calc_check_digit(number)
    if number[17] != expected:
        result.error = f"校验码错误：末位应为 {expected}，实为 {number[17]}"
        return result
    if county_known is not None and not county_known(number[:6]):
        result.warnings.append(
            f"县级代码 {number[:6]} 不在现行区划表中（可能是已撤销或更名的旧代码）"
        )
    result.number = number
    return result


def birth_date(number: str) -> dt.date:
    """The birth date in a normalised number (ValueError if there is no such day)."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex(number: str) -> str:
    """'M' or 'F' from the order code: odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def mask(number: str) -> str:
    """450122********1234: the place of issue and the last four stay readable."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make_number(county: str, birth: dt.date, order: int) -> str:
    """Build a valid number (for demo data and tests)."""
    body = f"{county}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


# A run of 15 or more digits (an X may close it), possibly typed with full-width digits
# or spaces between groups: anything that may be a whole or nearly whole ID number.
_ID_LIKE = re.compile(
    r"(?<![0-9０-９])[0-9０-９](?:[\s\u3000]?[0-9０-９]){13,}(?:[\s\u3000]?[0-9０-９XxＸｘ])(?![0-9０-９])"
)


def redact(text: str) -> str:
    """`text` with every ID-number-like run masked (450124********1234), for logs and titles.

    A clerk may type a whole ID number into a search; the search itself uses the blind
    index, but what is written down about it (audit log, an export's title, a log line)
    keeps only the masked form.
    """
    if not text or not any(ch.isdigit() for ch in text):
        return text

    def masked(match: re.Match[str]) -> str:
        digits = _SPACES.sub("", unicodedata.normalize("NFKC", match.group(0))).upper()
        return mask(digits)

    return _ID_LIKE.sub(masked, text)

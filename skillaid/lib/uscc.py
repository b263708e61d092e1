"""Unified social credit codes (统一社会信用代码), checked by python-stdnum, explained in Chinese."""

from __future__ import annotations

import unicodedata

from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError


class UsccError(ValueError):
    """The code cannot be used; the message is Chinese, for the clerk."""


def check(raw: object) -> str:
    """The normalised code (full-width folded, spaces removed, upper case), or UsccError."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    number = "".join(text.split()).replace("-", "").upper()
    if not number:
        raise UsccError("统一社会信用代码为空")
    try:
        return uscc.validate(number)
    except InvalidLength as exc:
        raise UsccError(f"统一社会信用代码应为18位，实为{len(number)}位") from exc
    except InvalidChecksum as exc:
        expected = uscc.calc_check_digit(number[:17])
        raise UsccError(
            f"统一社会信用代码校验位错误：末位应为 {expected}，实为 {number[17]}"
        ) from exc
    except InvalidFormat as exc:
        raise UsccError(
            "统一社会信用代码格式不对：前8位应为数字，其余为数字或大写字母（不含 I、O、Z、S、V）"
        ) from exc
    except ValidationError as exc:  # any other refusal stdnum may add
        raise UsccError(f"统一社会信用代码无效：{exc}") from exc


def make_code(body17: str) -> str:
    """A valid code from its first 17 characters (for demo data and tests)."""
    return body17 + uscc.calc_check_digit(body17)

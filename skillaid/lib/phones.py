"""Phone numbers as people type them: full-width digits, spaces, dashes, a +86 prefix."""

from __future__ import annotations

import re
import unicodedata

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def normalize(value: object) -> str:
    """An 11-digit mobile number or a landline with its area code, '' for nothing;
    ValueError with a Chinese message for anything else.

    The same number typed two ways must come out the same: a staff member's phone
    tells their accounts apart from another person's of the same name.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = unicodedata.normalize("NFKC", str(value or "")).replace(" ", "").strip()
    if not raw:
        return ""
    if raw.startswith("+86"):
        raw = raw[3:]
    if MOBILE.match(raw.replace("-", "")):
        return raw.replace("-", "")
    if LANDLINE.match(raw):
        return raw
    raise ValueError(f"联系电话“{raw}”不是11位手机号或带区号的固定电话")


def mask(phone: str) -> str:
    """138****5678: the first three and the last four digits stay readable, the others are
    starred; dashes and other marks are kept where they were. Fewer than eight digits are
    starred all but the last two."""
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    if not digits:
        return phone
    keep = set(digits[:3] + digits[-4:]) if len(digits) >= 8 else set(digits[-2:])
    return "".join("*" if ch.isdigit() and i not in keep else ch for i, ch in enumerate(phone))

"""Parsing of the ledger's optional fields, shared by the import, the forms and the API."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from skillaid.lib import dates, phones
from skillaid.lib.columns import FieldError as _FieldError

from .models import Category, MonitoringKind

# One error for a value that cannot be used, whoever reads it: a page's form, the API or
# an import's row handler (skillaid.lib.columns, where the import framework needs it).
FieldError = _FieldError


def text(value: object) -> str:
    if value is None:
        return ""
    if type(value) is str and value.isascii():
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def phone(value: object) -> str:
    try:
        return phones.normalize(value)
    except ValueError as exc:
        raise FieldError(str(exc)) from exc


_YES = {"是", "有", "y", "yes", "1", "√", "✓", "true", "愿意", "需要"}
_NO = {"否", "无", "n", "no", "0", "×", "false", "不愿意", "不需要"}


def yes_no(value: object) -> bool | None:
    raw = text(value).lower()
    if not raw:
        return None
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise FieldError(f"“{raw}”应填“是”或“否”")


# Values as plain text, not enum members: sqlite3 binds a str subclass through its
# adapter look-up, which costs a 200,000-row import about a quarter of a second.
_CATEGORY: dict[str, tuple[str, str]] = {
    "脱贫户": (Category.LIFTED, ""),
    "脱贫家庭": (Category.LIFTED, ""),
    "脱贫人口": (Category.LIFTED, ""),
    "建档立卡贫困户": (Category.LIFTED, ""),
    "监测户": (Category.MONITORED, ""),
    "监测对象": (Category.MONITORED, ""),
    "防止返贫监测对象": (Category.MONITORED, ""),
    "防止返贫致贫监测对象": (Category.MONITORED, ""),
    "脱贫不稳定户": (Category.MONITORED, MonitoringKind.UNSTABLE),
    "边缘易致贫户": (Category.MONITORED, MonitoringKind.MARGINAL),
    "突发严重困难户": (Category.MONITORED, MonitoringKind.SUDDEN),
    "一般户": (Category.ORDINARY, ""),
    "一般农户": (Category.ORDINARY, ""),
    "非帮扶户": (Category.ORDINARY, ""),
}
_CATEGORY = {raw: (str(c), str(k)) for raw, (c, k) in _CATEGORY.items()}


def category(value: object) -> tuple[str, str] | None:
    raw = text(value).replace(" ", "")
    if not raw:
        return None
    if raw in _CATEGORY:
        return _CATEGORY[raw]
    raise FieldError(f"家庭类别“{raw}”无法识别（可填：脱贫户、监测户、防止返贫监测对象、一般户）")


_KIND = {label: value for value, label in MonitoringKind.choices}


def monitoring_kind(value: object) -> str | None:
    raw = text(value).replace(" ", "")
    if not raw:
        return None
    if raw in _KIND:
        return _KIND[raw]
    raise FieldError(f"监测类型“{raw}”无法识别（可填：{'、'.join(_KIND)}）")


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def date(value: object, *, today: dt.date | None = None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        raw = text(value)
        match = _DATE.match(raw)
        if not match:
            raise FieldError(f"日期“{raw}”格式不对（应为 2024-03-01）")
        try:
            day = dt.date(*(int(g) for g in match.groups()))
        except ValueError as exc:
            raise FieldError(f"日期“{raw}”不存在") from exc
    if day > (today or dt.date.today()):
        raise FieldError(f"日期 {day.isoformat()} 晚于今天")
    if dates.too_early(day):
        raise FieldError(dates.TOO_EARLY)
    return day


def category_start(
    on: dt.date, current_start: dt.date | None, *, today: dt.date | None = None
) -> dt.date:
    """The day a household's new category takes effect, for the edit page, the API and the
    import alike: the given day, never after today and never before the start of the
    category it ends (history is never rewritten)."""
    if on > (today or dt.date.today()):
        raise FieldError(f"变更日期 {on.isoformat()} 晚于今天")
    if current_start is not None and on < current_start:
        raise FieldError(f"变更日期不能早于当前类别的起始日期 {current_start.isoformat()}")
    return on


_SEX = {
    "男": "M",
    "男性": "M",
    "m": "M",
    "male": "M",
    "女": "F",
    "女性": "F",
    "f": "F",
    "female": "F",
}


def sex(value: object) -> str | None:
    """'M' or 'F' from a 性别 cell; the ID number decides, this is only compared with it."""
    raw = text(value).lower()
    if not raw:
        return None
    if raw in _SEX:
        return _SEX[raw]
    raise FieldError(f"性别“{raw}”无法识别（应填“男”或“女”）")

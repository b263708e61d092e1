"""Pydantic's validation errors in Chinese: what the API answers when a request's fields do
not validate (django-ninja's 422), with where (`loc`) and the error's `type` kept.

Pydantic's `type` codes are stable ("missing", "int_parsing"); its English `msg` is not
shown to Chinese users. A type not listed here still gets a Chinese message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MESSAGES = {
    "missing": "缺少此项，必须填写",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数，不能有小数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_digits": "数字位数过多，最多 {max_digits} 位",
    "decimal_max_places": "小数位数过多，最多 {decimal_places} 位",
    "finite_number": "应为有限的数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "string_unicode": "应为有效的文本",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "date_parsing": "应为日期，格式如 2026-12-01",
    "date_from_datetime_parsing": "应为日期，格式如 2026-12-01",
    "date_from_datetime_inexact": "应为日期，不能带时间",
    "date_type": "应为日期，格式如 2026-12-01",
    "datetime_parsing": "应为日期时间，格式如 2026-12-01T09:00:00+08:00",
    "datetime_from_date_parsing": "应为日期时间，格式如 2026-12-01T09:00:00+08:00",
    "datetime_type": "应为日期时间，格式如 2026-12-01T09:00:00+08:00",
    "time_parsing": "应为时间，格式如 09:00",
    "time_type": "应为时间，格式如 09:00",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "list_type": "应为数组（[…]）",
    "tuple_type": "应为数组（[…]）",
    "set_type": "应为数组（[…]）",
    "dict_type": "应为对象（{{…}}）",
    "model_type": "应为对象（{{…}}）",
    "model_attributes_type": "应为对象（{{…}}）",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "json_invalid": "不是有效的 JSON",
    "json_type": "应为 JSON 文本",
    "extra_forbidden": "不接受此字段",
    "uuid_parsing": "应为 UUID",
    "uuid_type": "应为 UUID",
    "none_required": "应为空（null）",
    "is_instance_of": "类型不正确",
    "union_tag_invalid": "类型不正确",
    "url_parsing": "应为有效的网址",
    "url_type": "应为有效的网址",
    "bytes_type": "应为文本",
    "bytes_too_short": "至少 {min_length} 字节",
    "bytes_too_long": "最多 {max_length} 字节",
}
FALLBACK = "取值不正确"
# Where an error is, by the first element of its `loc` (django-ninja's parameter sources).
PLACES = {
    "body": "请求体字段",
    "query": "查询参数",
    "path": "路径参数",
    "header": "请求头",
    "form": "表单字段",
}


def _expected(text: str) -> str:
    """Pydantic's "'a', 'b' or 'c'" as "a、b、c"."""
    return text.replace(" or ", ", ").replace("'", "").replace(", ", "、")


def _where(loc: Sequence[Any]) -> str:
    """The field as a caller names it: the source, then the path under the payload."""
    if not loc:
        return ""
    place = PLACES.get(str(loc[0]), "")
    path = [str(p) for p in loc[1:]]
    # A body is validated as one argument ("payload"): its name is no field of the request.
    if loc[0] == "body" and len(path) > 1:
        path = path[1:]
    name = ".".join(path)
    return f"{place}“{name}”" if name else place


def message(error: Mapping[str, Any]) -> str:
    """One error in Chinese: where, then why."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    if kind == "value_error":
        # Our own validators raise in Chinese; pydantic prefixes "Value error, ".
        why = str(ctx.get("error") or error.get("msg", "")).removeprefix("Value error, ")
    elif kind in MESSAGES:
        if "expected" in ctx:
            ctx["expected"] = _expected(str(ctx["expected"]))
        try:
            why = MESSAGES[kind].format(**ctx)
        except (KeyError, IndexError, ValueError):
            why = MESSAGES[kind].split("{")[0].rstrip(" ，、：") or FALLBACK
    else:
        why = FALLBACK
    where = _where(error.get("loc") or ())
    return f"{where}：{why}" if where else why


def translate(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The errors as the API answers them: `type` and `loc` kept, `msg` in Chinese, and
    nothing of pydantic's English besides (its documentation `url`, its `ctx`)."""
    return [
        {"type": e.get("type"), "loc": list(e.get("loc") or ()), "msg": message(e)} for e in errors
    ]

"""The API's own validation errors (django-ninja's 422) in Chinese: each keeps pydantic's `type`
and `loc`, and its `msg` says where and why; English for a caller who asks for it."""

from __future__ import annotations

import re

import pytest

from skillaid.accounts.models import ApiToken
from skillaid.lib.pydantic_zh import message, translate

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="terminal")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def english(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{4,}", text)


def test_a_missing_field_and_a_number_that_is_not_one_are_named_in_chinese(client, lu, regions):
    answer = client.post(
        "/api/attendance",
        {"id_number": "450124199506150011", "session": "abc"},
        content_type="application/json",
        **bearer(lu),
    )
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error["type"] == "int_parsing" and error["loc"] == ["body", "payload", "session"]
    assert error["msg"] == "请求体字段“session”：应为整数"
    answer = client.post(
        "/api/attendance", {"session": 1}, content_type="application/json", **bearer(lu)
    )
    (error,) = answer.json()["detail"]
    assert (
        error["type"] == "missing" and error["msg"] == "请求体字段“id_number”：缺少此项，必须填写"
    )
    assert "Field required" not in answer.content.decode()


def test_a_missing_query_parameter_is_named_in_chinese(client):
    answer = client.get("/api/certificates/verify")
    assert answer.status_code == 422
    (error,) = answer.json()["detail"]
    assert error == {
        "type": "missing",
        "loc": ["query", "number"],
        "msg": "查询参数“number”：缺少此项，必须填写",
    }


def test_a_caller_who_asks_for_english_gets_pydantics_words(client):
    answer = client.get("/api/certificates/verify", HTTP_ACCEPT_LANGUAGE="en")
    (error,) = answer.json()["detail"]
    assert error["type"] == "missing" and error["msg"] == "Field required"


def test_every_kind_of_error_has_chinese_words_with_its_limits():
    cases = [
        (
            {
                "type": "string_too_long",
                "loc": ("body", "payload", "note"),
                "ctx": {"max_length": 255},
            },
            "请求体字段“note”：最多 255 个字符",
        ),
        (
            {"type": "greater_than_equal", "loc": ("query", "page"), "ctx": {"ge": 1}},
            "查询参数“page”：应不小于 1",
        ),
        (
            {
                "type": "literal_error",
                "loc": ("body", "payload", "direction"),
                "ctx": {"expected": "'in' or 'out'"},
            },
            "请求体字段“direction”：应为以下之一：in、out",
        ),
        (
            {"type": "date_from_datetime_parsing", "loc": ("body", "payload", "items", 0, "on")},
            "请求体字段“items.0.on”：应为日期，格式如 2026-12-01",
        ),
        (
            {
                "type": "value_error",
                "loc": ("body", "payload", "uscc"),
                "msg": "Value error, 校验位错误",
                "ctx": {"error": "校验位错误"},
            },
            "请求体字段“uscc”：校验位错误",
        ),
        (
            {"type": "something_new", "loc": ("path", "pk"), "msg": "Something new went wrong"},
            "路径参数“pk”：取值不正确",
        ),
        (
            {"type": "string_too_short", "loc": ("body", "payload", "name"), "ctx": {}},
            "请求体字段“name”：至少",
        ),
    ]
    for error, said in cases:
        assert message(error) == said
        assert not english(message(error).split("：", 1)[1])  # the field's own name aside
    (shown,) = translate(
        [
            {
                "type": "missing",
                "loc": ("body", "payload", "x"),
                "msg": "Field required",
                "url": "https://errors.pydantic.dev",
            }
        ]
    )
    assert set(shown) == {"type", "loc", "msg"}


def test_a_body_that_is_not_json_says_where_in_chinese(client, wei, regions):
    answer = client.post(
        "/api/people", "{\n  not json", content_type="application/json", **bearer(wei)
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == "请求体不是有效的 JSON：第 2 行第 3 列有误"

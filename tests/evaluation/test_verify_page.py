"""/verify/ speaks to citizens; how other systems verify a certificate is on the API's own page."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_verify_page_says_plainly_how_to_check_a_certificate_without_developer_text(db):
    page = Client().get("/verify/").content.decode()
    assert "证书编号印在证书上" in page and "持证人姓名部分隐去" in page
    for developer in ("/api/", "GET ", "接口", "number="):
        assert developer not in page


def test_the_api_description_tells_other_systems_how_to_verify_without_a_token(db):
    schema = Client().get("/api/openapi.json").json()
    description = schema["info"]["description"]
    assert "GET /api/certificates/verify?number=证书编号&name=姓名" in description
    assert "无需令牌" in description and "429" in description
    assert "/api/certificates/verify" in schema["paths"]

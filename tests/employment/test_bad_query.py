"""Query parameters typed by hand or by a careless system: a superscript digit, letters
where an id belongs, a number past any column. Each list answers as for no match, never
with a server error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

ODD = ["²", "abc", "99999999999999999999999", "-1", "١٢"]


@pytest.mark.parametrize("value", ODD)
def test_lists_take_odd_ids_as_no_match(client, wei, value):
    client.force_login(wei)
    for path in (
        f"/employment/referrals/?seeker={value}",
        f"/employment/postings/?occupation={value}",
        f"/employment/funnel/people/?by=school&key={value}",
        f"/employment/funnel/people/?by=class&key={value}",
        f"/employment/funnel/people/?by=occupation&key={value}",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "Traceback" not in answer.content.decode()

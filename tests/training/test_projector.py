"""The projector page of a session: the rotating code and a QR filling the screen, for the
officer who runs the session only, with no trainee's name on it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from skillaid.training.attendance import attendance_sign, current_code

pytestmark = pytest.mark.django_db


def test_the_officer_sees_the_current_code_and_a_qr_that_fills_its_box(
    client, lu, school, class_factory, person_factory
):
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[trainee])
    session = c.sessions.first()
    client.force_login(lu)
    with time_machine.travel(session.starts_at, tick=False):
        code, left = current_code(session)
        html = client.get(reverse("session_projector", args=[session.pk])).content.decode()
    assert f'<p class="code" id="projector-code">{code}</p>' in html
    assert f'<span id="projector-left">{left}</span> 秒后更换' in html
    # The QR has no size of its own (the page sizes it) and carries the code in its address.
    svg = re.search(r"<svg[^>]*>", html)[0]
    assert "viewBox" in svg and "width=" not in svg
    assert f"/sign/{session.pk}/" in html
    assert c.name in html
    assert trainee.name not in html and trainee.id_masked not in html


def test_it_refreshes_itself_with_the_next_code_and_the_count(
    client, lu, school, class_factory, person_factory
):
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[trainee])
    session = c.sessions.first()
    client.force_login(lu)
    url = reverse("session_projector", args=[session.pk])
    with time_machine.travel(session.starts_at, tick=False):
        page = client.get(url).content.decode()
        assert f'hx-get="{url}" hx-trigger="every 5s"' in page
        code, _ = current_code(session)
        attendance_sign(session=session, direction="in", method="code", code=code, person=trainee)
    later = session.starts_at + dt.timedelta(seconds=60)
    with time_machine.travel(later, tick=False):
        part = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        code, _ = current_code(session)
    assert "<html" not in part and "<header" not in part
    assert f'id="projector-code">{code}<' in part
    assert '已签到 <span id="projector-signed">1</span> / 1 人' in part
    assert trainee.name not in part


def test_outside_the_signing_window_it_says_when_signing_opens(client, lu, school, class_factory):
    c = class_factory(lu)
    session = c.sessions.first()
    client.force_login(lu)
    with time_machine.travel(session.starts_at - dt.timedelta(days=1), tick=False):
        html = client.get(reverse("session_projector", args=[session.pk])).content.decode()
    assert 'id="projector-closed"' in html and "现在不在签到时间内" in html
    assert "projector-code" not in html and "<svg" not in html


def test_only_the_officer_of_the_class_may_project_it(
    client, lu, wei, huang, rival, school, class_factory
):
    session = class_factory(lu).sessions.first()
    url = reverse("session_projector", args=[session.pk])
    with time_machine.travel(session.starts_at, tick=False):
        client.force_login(wei)  # the county clerk sees the session page, not the code
        assert client.get(reverse("session_run", args=[session.pk])).status_code == 200
        assert client.get(url).status_code == 403
        client.force_login(rival)  # another institution: as if the session did not exist
        assert client.get(url).status_code == 404
        client.force_login(huang)  # another county
        assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302


def test_the_session_page_links_to_it_for_the_officer_only(client, lu, wei, school, class_factory):
    session = class_factory(lu).sessions.first()
    link = reverse("session_projector", args=[session.pk])
    client.force_login(lu)
    assert link in client.get(reverse("session_run", args=[session.pk])).content.decode()
    client.force_login(wei)
    assert link not in client.get(reverse("session_run", args=[session.pk])).content.decode()

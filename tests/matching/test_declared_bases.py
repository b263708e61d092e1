"""The unemployment register compared with those who declared that basis on a roster: found
is verified with its dates, absent is contradicted, and the class's school hears of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from skillaid.matching.decisions import consistent_accept
from skillaid.people.models import FactKind, FactVerdict, PersonFact
from skillaid.training.models import Basis, Enrolment

from .helpers import IDS, compare, load, make_people, write_csv

pytestmark = pytest.mark.django_db
HEADER = ["身份证号", "姓名", "失业登记日期", "注销日期"]


def test_declared_unemployment_is_verified_or_contradicted(
    client, system, qin, liang, lu, school, class_factory, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    people = make_people(system)
    trainees = [people["韦一"], people["韦二"]]
    c = class_factory(lu, trainees=trainees, reviewer=None)
    Enrolment.objects.filter(training_class=c).update(basis=Basis.UNEMPLOYED)
    rows = [[IDS["韦一"], "韦一", "2026-03-01", ""], [IDS["黄五"], "黄五", "2026-01-01", ""]]
    snapshot = load(
        qin, write_csv(tmp_path / "jobless.csv", rows, header=HEADER), kind="unemployment"
    )
    run = compare(qin, snapshot)
    # Only the two who declared the basis are compared; 黄五 declared nothing: only theirs.
    assert run.ours == 2
    assert (run.counts["consistent"], run.counts["only_ours"], run.counts["only_theirs"]) == (
        1,
        1,
        1,
    )
    assert consistent_accept(actor=liang, run=run) == 2
    found = PersonFact.objects.get(person=people["韦一"])
    assert (found.kind, found.verdict) == (FactKind.UNEMPLOYED, FactVerdict.VERIFIED)
    assert found.valid_from == dt.date(2026, 3, 1)
    absent = PersonFact.objects.get(person=people["韦二"])
    assert absent.verdict == FactVerdict.CONTRADICTED
    client.force_login(lu)
    page = client.get(reverse("matching_feedback")).content.decode()
    assert "韦二" in page and "培训学员" in page and "韦一" not in page

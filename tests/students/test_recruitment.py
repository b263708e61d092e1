"""Recruitment: who a school officer sees, the audited phone, the contacts and their outcomes,
and the county's list of who is still unreached."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.accounts.models import Action, AuditEntry
from skillaid.institutions.models import Capacity, CapacityKind
from skillaid.regions.models import ResettlementSite
from skillaid.students.models import RecruitmentContact
from skillaid.students.recruitment import (
    county_recruits,
    key_schools_and_majors,
    recruit_for,
    recruit_reveal_phone,
    recruitment_contact_record,
    recruits_visible_to,
    with_latest_contacts,
)
from tests.conftest import MASHAN

from .factories_care import at, enrol, youth

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 16)
# 百色市 那坡县: no pairing with the Nanning technician college.
NAPO = "451026"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(at(TODAY), tick=False):
        yield


@pytest.fixture
def young(pairings, person_factory):
    """马山县 (paired with lu's college): wanting, too young, too old, not wanting, enrolled;
    那坡县 (not paired); a resettlement site paired with the college in 平果市."""
    site = ResettlementSite.objects.get(name="平果市吉祥小镇安置区")
    return {
        "wanting": youth(person_factory, name="蓝小燕", phone="13800000001"),
        "fifteen": youth(person_factory, name="满十五", birth=dt.date(2011, 3, 16)),
        "fourteen": youth(person_factory, name="差一天", birth=dt.date(2011, 3, 17)),
        "twenty_two": youth(person_factory, name="二十二", birth=dt.date(2003, 3, 17)),
        "twenty_three": youth(person_factory, name="二十三", birth=dt.date(2003, 3, 16)),
        "not_wanting": youth(person_factory, name="不想读", wants_school=False),
        "napo": youth(person_factory, county=NAPO, name="那坡人"),
        "site": youth(person_factory, county=site.county_id, name="安置区", resettlement_site=site),
    }


def names(people) -> set[str]:
    return {p.name for p in people}


def test_an_officer_sees_only_the_wanting_youth_of_school_age_of_its_paired_places(young, lu):
    assert names(recruits_visible_to(lu)) == {"蓝小燕", "满十五", "二十二", "安置区"}


def test_a_student_with_a_live_enrolment_leaves_the_list(young, lu):
    enrol(young["wanting"], lu.institution, dt.date(2025, 9, 1))
    assert "蓝小燕" not in names(recruits_visible_to(lu))


def test_an_ended_pairing_takes_its_county_off_the_list(young, lu):
    lu.institution.pairings.filter(county_id=MASHAN).update(ended_on=TODAY)
    assert names(recruits_visible_to(lu)) == {"安置区"}


def test_an_officer_cannot_open_a_person_outside_the_list(young, lu, client):
    with pytest.raises(Exception) as exc:
        recruit_for(lu, young["napo"].pk)
    assert exc.value.__class__.__name__ == "Http404"
    client.force_login(lu)
    assert client.get(f"/recruitment/people/{young['napo'].pk}/").status_code == 404
    assert client.get(f"/recruitment/people/{young['not_wanting'].pk}/").status_code == 404
    # Nor the ledger's page of a person on the list: the school's view is the list only.
    assert client.get(f"/people/{young['wanting'].pk}/").status_code == 404
    assert client.get(f"/recruitment/people/{young['wanting'].pk}/").status_code == 200


def test_the_phone_is_shown_only_on_a_reveal_that_is_logged(young, lu, client):
    person = young["wanting"]
    client.force_login(lu)
    page = client.get(f"/recruitment/people/{person.pk}/").content.decode()
    assert "13800000001" not in page
    assert person.id_masked in page
    response = client.post(f"/recruitment/people/{person.pk}/phone/")
    assert "13800000001" in response.content.decode()
    entry = AuditEntry.objects.get(action=Action.REVEAL_PHONE)
    assert (entry.actor_id, entry.person_id, entry.object_type) == (
        lu.pk,
        person.pk,
        "people.person",
    )


def test_revealing_a_phone_outside_the_list_is_a_404_and_is_not_logged(young, lu, client):
    client.force_login(lu)
    assert client.post(f"/recruitment/people/{young['napo'].pk}/phone/").status_code == 404
    with pytest.raises(PermissionDenied):
        recruit_reveal_phone(actor=lu, channel="page", person=young["napo"])
    assert not AuditEntry.objects.filter(action=Action.REVEAL_PHONE).exists()


def contact(**extra) -> dict:
    return {"contacted_on": "2026-03-10", "channel": "phone", "outcome": "interested", **extra}


def test_an_officer_records_a_contact_with_an_audit_entry(young, lu):
    person = young["wanting"]
    c = recruitment_contact_record(
        actor=lu,
        channel="page",
        school=lu.institution,
        person=person,
        data=contact(major="数控加工"),
    )
    assert (c.county_id, c.outcome, c.major, c.recorded_by) == (
        MASHAN,
        "interested",
        "数控加工",
        lu,
    )
    entry = AuditEntry.objects.about(c).get()
    assert entry.person_id == person.pk and entry.changes["outcome"] == [None, "interested"]


def test_another_schools_officer_cannot_record_a_contact_outside_its_pairings(young, rival):
    with pytest.raises(PermissionDenied, match="不在隆安县职业技能培训中心结对"):
        recruitment_contact_record(
            actor=rival,
            channel="page",
            school=rival.institution,
            person=young["wanting"],
            data=contact(),
        )
    assert not RecruitmentContact.objects.exists()


def test_an_officer_cannot_record_for_another_school(young, lu, rival):
    with pytest.raises(PermissionDenied):
        recruitment_contact_record(
            actor=lu,
            channel="page",
            school=rival.institution,
            person=young["wanting"],
            data=contact(),
        )


def test_a_county_clerk_cannot_record_a_contact(young, lu, wei):
    with pytest.raises(PermissionDenied, match="招生联系记录由结对院校登记"):
        recruitment_contact_record(
            actor=wei,
            channel="page",
            school=lu.institution,
            person=young["wanting"],
            data=contact(),
        )


@pytest.mark.parametrize(
    ("outcome", "field", "message"),
    [
        ("declined", "reason", "不愿就读的原因"),
        ("elsewhere", "reason", "就读的院校"),
        ("maybe", "outcome", "请选择联系结果"),
    ],
)
def test_outcomes_that_need_a_reason_are_refused_without_one(young, lu, outcome, field, message):
    with pytest.raises(ValidationError) as exc:
        recruitment_contact_record(
            actor=lu,
            channel="page",
            school=lu.institution,
            person=young["wanting"],
            data=contact(outcome=outcome),
        )
    assert message in exc.value.message_dict[field][0]
    assert not RecruitmentContact.objects.exists()


def test_a_contact_in_the_future_is_refused(young, lu):
    with pytest.raises(ValidationError, match="晚于今天"):
        recruitment_contact_record(
            actor=lu,
            channel="page",
            school=lu.institution,
            person=young["wanting"],
            data=contact(contacted_on="2026-03-17"),
        )


def test_the_county_sees_who_is_unreached_this_year(young, lu, wei):
    record = {"actor": lu, "channel": "page", "school": lu.institution}
    recruitment_contact_record(
        **record, person=young["fifteen"], data=contact(outcome="unreachable")
    )
    recruitment_contact_record(
        **record, person=young["twenty_two"], data=contact(outcome="declined", reason="外出务工")
    )
    # A contact last year does not count for this year.
    with time_machine.travel(at(dt.date(2025, 11, 1)), tick=False):
        recruitment_contact_record(
            **record, person=young["wanting"], data=contact(contacted_on="2025-10-30")
        )
    unreached = county_recruits(wei, year=2026, unreached_only=True)
    assert names(unreached) == {"蓝小燕", "满十五"}
    everyone = with_latest_contacts(list(county_recruits(wei, year=2026)), 2026)
    by_name = {r.person.name: r for r in everyone}
    assert by_name["二十二"].reached
    assert [c.get_outcome_display() for c in by_name["二十二"].latest] == ["不愿就读"]
    assert by_name["蓝小燕"].latest == []


def test_the_county_list_is_the_clerks_county_only(young, huang, wei):
    assert names(county_recruits(huang, year=2026)) == set()
    assert "那坡人" not in names(county_recruits(wei, year=2026))


def test_the_county_list_exports_to_excel_with_an_audit_entry(young, wei, client):
    client.force_login(wei)
    response = client.get("/recruitment/county/export.xlsx?unreached=1")
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action=Action.EXPORT, actor=wei).exists()


def test_the_page_shows_this_years_key_schools_and_majors_with_late_ones_marked(young, lu, client):
    Capacity.objects.create(
        kind=CapacityKind.KEY_MAJOR,
        name="工业机器人应用与维护",
        region_id="450000",
        year=2026,
        published_on=dt.date(2026, 5, 6),
    )
    Capacity.objects.create(
        kind=CapacityKind.KEY_SCHOOL, name="往年的重点院校", region_id="450000", year=2025
    )
    assert [c.name for c in key_schools_and_majors(lu, 2026)] == ["工业机器人应用与维护"]
    client.force_login(lu)
    page = client.get("/recruitment/").content.decode()
    assert "工业机器人应用与维护" in page and "逾期公布" in page
    assert "往年的重点院校" not in page


def test_a_contact_posted_on_the_page_shows_in_the_history(young, lu, client):
    client.force_login(lu)
    person = young["wanting"]
    response = client.post(
        f"/recruitment/people/{person.pk}/", contact(outcome="applied", major="汽车维修")
    )
    assert response.status_code == 302
    page = client.get(f"/recruitment/people/{person.pk}/").content.decode()
    assert "已报名" in page and "汽车维修" in page


def test_a_declined_contact_without_a_reason_is_shown_on_the_form(young, lu, client):
    client.force_login(lu)
    response = client.post(
        f"/recruitment/people/{young['wanting'].pk}/", contact(outcome="declined")
    )
    assert response.status_code == 200
    assert "请填写不愿就读的原因" in response.content.decode()


def test_huang_does_not_see_a_mashan_youth(young, huang, client):
    client.force_login(huang)
    assert client.get(f"/recruitment/people/{young['wanting'].pk}/").status_code == 404


def test_the_county_page_marks_the_unreached_and_shows_each_schools_latest_outcome(
    young, lu, wei, client
):
    recruitment_contact_record(
        actor=lu,
        channel="page",
        school=lu.institution,
        person=young["twenty_two"],
        data=contact(outcome="elsewhere", reason="广西机电技师学院"),
    )
    client.force_login(wei)
    assert client.get("/recruitment/").url == "/recruitment/county/"
    page = client.get("/recruitment/county/").content.decode()
    assert "已在其他院校就读（广西机电技师学院）" in page
    unreached = client.get("/recruitment/county/?unreached=1").content.decode()
    assert "蓝小燕" in unreached and "二十二" not in unreached


def test_an_officer_is_sent_from_the_county_list_to_the_schools(young, lu, client):
    client.force_login(lu)
    assert client.get("/recruitment/county/").url == "/recruitment/"


def test_a_school_gets_nothing_from_the_countys_export(pairings, person_factory, lu, client):
    """The county's list shows every school's latest contact: a school officer reads only
    their own school's contacts, and the county's export gives them no one."""
    from skillaid.institutions.models import Institution

    with time_machine.travel(at(TODAY), tick=False):
        p = youth(person_factory, name="蓝小燕", phone="13800000001")
        other = Institution.objects.create(
            name="南宁第二技工学校", kind="technical_school", region_id="450100"
        )
        RecruitmentContact.objects.create(
            school=other,
            person=p,
            county_id=p.county_id,
            contacted_on=dt.date(2026, 3, 10),
            channel="phone",
            outcome="declined",
            reason="父亲重病需照顾家里",
        )
        client.force_login(lu)
        r = client.get("/recruitment/county/export.xlsx")
        body = r.getvalue() if hasattr(r, "getvalue") else b"".join(r.streaming_content)
    import io
    import zipfile

    text = "".join(
        zipfile.ZipFile(io.BytesIO(body)).read(n).decode("utf-8", "ignore")
        for n in zipfile.ZipFile(io.BytesIO(body)).namelist()
        if n.endswith(".xml")
    )
    assert "蓝小燕" not in text and "父亲重病" not in text

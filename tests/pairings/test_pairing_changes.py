"""A city or region bureau sets up a pairing and ends it; the school and the county live with it."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.accounts.models import ApiToken, AuditEntry
from skillaid.institutions.models import Institution
from skillaid.pairings import services as pairing_services
from skillaid.pairings.models import Pairing
from skillaid.regions.models import ResettlementSite
from tests.conftest import MASHAN

SIGNED = (dt.date.today() - dt.timedelta(days=30)).isoformat()
ENDED = (dt.date.today() - dt.timedelta(days=20)).isoformat()
XINGNING = "450102"  # 南宁市兴宁区: in 梁峰's city, paired with no school by the tables
LIUNAN = "450204"  # 柳州市柳南区: outside 梁峰's city


def create(actor, school, **partner):
    return pairing_services.pairing_create(actor=actor, channel="page", school=school, **partner)


def end(actor, pairing, on=None, reason="学校撤并"):
    return pairing_services.pairing_end(
        actor=actor,
        channel="page",
        pairing=pairing,
        on=on or dt.date.today(),
        reason=reason,
    )


def test_a_city_bureau_pairs_a_school_with_a_county_of_its_city(pairings, lu, liang):
    pairing = create(
        liang,
        lu.institution,
        county_code=XINGNING,
        signed_on=dt.date.today() - dt.timedelta(days=30),
    )
    assert pairing.county_id == XINGNING and pairing.school == lu.institution
    entry = AuditEntry.objects.get(object_type="pairings.pairing", object_id=str(pairing.pk))
    assert entry.action == "create" and entry.changes["partner"] == [None, XINGNING]


def test_who_may_pair_and_with_what(pairings, lu, liang, wei, qin):
    with pytest.raises(PermissionDenied):
        create(wei, lu.institution, county_code=MASHAN)
    with pytest.raises(PermissionDenied):
        create(lu, lu.institution, county_code=XINGNING)
    with pytest.raises(ValidationError) as exc:
        create(liang, lu.institution, county_code=LIUNAN)
    assert "不在您的管辖范围内" in exc.value.message_dict["county"][0]
    with pytest.raises(ValidationError) as exc:
        create(liang, lu.institution)
    assert "二者选其一" in exc.value.message_dict["partner"][0]
    site = ResettlementSite.objects.first()
    with pytest.raises(ValidationError) as exc:
        create(qin, lu.institution, county_code=XINGNING, site_id=site.pk)
    assert "二者选其一" in exc.value.message_dict["partner"][0]
    with pytest.raises(ValidationError) as exc:
        create(liang, lu.institution, county_code="450100")
    assert "不是县级行政区" in exc.value.message_dict["county"][0]
    provider = Institution.objects.create(
        name="南宁市阳光职业培训学校", kind="private_provider", region_id="450100"
    )
    with pytest.raises(ValidationError) as exc:
        create(liang, provider, county_code=XINGNING)
    assert "不是技工院校" in exc.value.message_dict["school"][0]
    with pytest.raises(ValidationError) as exc:
        create(liang, lu.institution, county_code=MASHAN)  # paired by the tables already
    assert "已与马山县结对" in exc.value.message_dict["partner"][0]
    with pytest.raises(ValidationError) as exc:
        create(
            liang,
            lu.institution,
            county_code=XINGNING,
            signed_on=dt.date.today().replace(year=dt.date.today().year + 1),
        )
    assert "不能晚于今天" in exc.value.message_dict["signed_on"][0]
    assert not Pairing.objects.filter(county_id__in=[XINGNING, LIUNAN]).exists()


def test_a_region_bureau_pairs_a_school_with_a_resettlement_site(pairings, lu, qin):
    site = ResettlementSite.objects.exclude(pairings__school=lu.institution).first()
    pairing = create(qin, lu.institution, site_id=site.pk)
    assert pairing.site == site and pairing.partner_county_code == site.county_id


def test_an_ended_pairing_keeps_its_history_and_takes_no_new_plans(pairings, lu, liang, wei):
    pairing = Pairing.objects.get(county_id=MASHAN, school=lu.institution)
    with pytest.raises(PermissionDenied):
        end(wei, pairing)
    with pytest.raises(ValidationError) as exc:
        end(liang, pairing, reason=" ")
    assert "结束原因" in exc.value.message_dict["end_reason"][0]
    with pytest.raises(ValidationError) as exc:
        end(liang, pairing, on=dt.date.today() + dt.timedelta(days=1))
    assert "不能晚于今天" in exc.value.message_dict["ended_on"][0]
    end(liang, pairing)
    pairing.refresh_from_db()
    assert pairing.ended_on == dt.date.today() and pairing.end_reason == "学校撤并"
    with pytest.raises(ValidationError) as exc:
        end(liang, pairing)
    assert "已于" in exc.value.message_dict["ended_on"][0]
    with pytest.raises(ValidationError, match="不能再报备工作计划"):
        pairing_services.work_plan_file(
            actor=lu,
            channel="page",
            pairing=pairing,
            year=dt.date.today().year,
            planned_enrolments=1,
            items=[{"occupation": "电工", "month": 12, "trainees": 5}],
        )
    assert AuditEntry.objects.filter(
        object_type="pairings.pairing",
        object_id=str(pairing.pk),
        changes__end_reason=["", "学校撤并"],
    ).exists()


def test_summaries_due_after_the_end_are_not_overdue(client, pairings, lu, liang, time_machine):
    pairing = Pairing.objects.get(county_id=MASHAN, school=lu.institution)
    year = dt.date.today().year
    time_machine.move_to(dt.datetime(year, 5, 10, 9, 0))
    end(liang, pairing, on=dt.date(year, 5, 1))
    time_machine.move_to(dt.datetime(year, 12, 31, 9, 0))
    client.force_login(liang)
    page = client.get(f"/pairings/{pairing.pk}/").content.decode()
    assert "结对已结束，无需报送" in page and "逾期未报送" not in page
    assert f"已于 {year}-05-01 结束" in page
    row = client.get("/pairings/").content.decode()
    assert f"已于 {year}-05-01 结束" in row


def test_pages_to_pair_and_to_end(client, pairings, lu, liang, wei):
    client.force_login(wei)
    assert client.get("/pairings/new/").status_code == 403
    assert "建立结对" not in client.get("/pairings/").content.decode()
    client.force_login(liang)
    form = client.get("/pairings/new/")
    assert form.status_code == 200 and XINGNING in form.content.decode()
    refused = client.post("/pairings/new/", {"school": lu.institution.pk})
    assert refused.status_code == 200 and "二者选其一" in refused.content.decode()
    done = client.post(
        "/pairings/new/",
        {"school": lu.institution.pk, "county": XINGNING, "signed_on": SIGNED},
    )
    pairing = Pairing.objects.get(county_id=XINGNING)
    assert done.status_code == 302 and done["Location"] == f"/pairings/{pairing.pk}/"
    detail = client.get(done["Location"]).content.decode()
    assert 'id="end-form"' in detail
    missing = client.post(f"/pairings/{pairing.pk}/end/", {"ended_on": ENDED}, follow=True)
    assert "结束原因" in missing.content.decode()
    client.post(f"/pairings/{pairing.pk}/end/", {"ended_on": ENDED, "end_reason": "并入马山结对"})
    pairing.refresh_from_db()
    assert pairing.ended_on.isoformat() == ENDED
    assert "并入马山结对" in client.get(f"/pairings/{pairing.pk}/").content.decode()
    # The school sees the ended pairing but cannot end or re-plan it.
    client.force_login(lu)
    page = client.get(f"/pairings/{pairing.pk}/").content.decode()
    assert 'id="end-form"' not in page and f"已于 {ENDED} 结束" in page


def test_pairings_through_the_api(client, pairings, lu, liang, wei):
    def call(user, url, data):
        _, token = ApiToken.issue(user=user, name="test")
        return client.post(
            url,
            json.dumps(data),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    assert (
        call(
            wei, "/api/pairings", {"school_id": lu.institution.pk, "county_code": MASHAN}
        ).status_code
        == 403
    )
    bad = call(liang, "/api/pairings", {"school_id": lu.institution.pk, "county_code": LIUNAN})
    assert bad.status_code == 422 and "不在您的管辖范围内" in bad.json()["detail"]["county"]
    made = call(liang, "/api/pairings", {"school_id": lu.institution.pk, "county_code": XINGNING})
    assert made.status_code == 201 and made.json()["county_code"] == XINGNING
    pk = made.json()["id"]
    no_reason = call(liang, f"/api/pairings/{pk}/end", {"ended_on": ENDED, "reason": ""})
    assert no_reason.status_code == 422 and "结束原因" in no_reason.json()["detail"]["end_reason"]
    ended = call(liang, f"/api/pairings/{pk}/end", {"ended_on": ENDED, "reason": "调整"})
    assert ended.status_code == 200 and ended.json()["ended_on"] == ENDED

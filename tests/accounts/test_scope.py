"""The Scope of a user on its own: what part of the data each persona works on."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from skillaid.accounts.scope import Scope, region_in_scope
from skillaid.people.models import Person
from tests.conftest import LONGAN, MASHAN


def test_each_persona_has_its_scope(regions, wei, lu, liang, qin, zhou, system):
    assert Scope.of(wei) == Scope(region_prefix=MASHAN)
    assert Scope.of(liang) == Scope(region_prefix="4501")
    assert Scope.of(qin) == Scope(region_prefix="45")
    assert Scope.of(zhou).everything and Scope.of(system).everything
    assert Scope.of(lu) == Scope(institution_id=lu.institution_id)


def test_nobody_and_a_deactivated_user_have_an_empty_scope(wei):
    assert Scope.of(None).empty and Scope.of(AnonymousUser()).empty
    wei.is_active = False
    assert Scope.of(wei).empty


def test_a_region_is_in_scope_by_its_code(regions, wei, lu, zhou):
    assert Scope.of(wei).contains_region(MASHAN)
    assert not Scope.of(wei).contains_region(LONGAN)
    assert Scope.of(zhou).contains_region(LONGAN)
    assert not Scope.of(lu).contains_region(MASHAN)  # an officer works on an institution


def test_filter_cuts_rows_by_their_region_or_institution(person_factory, wei, lu, liang):
    here = person_factory(county=MASHAN, name="马一")
    there = person_factory(county=LONGAN, name="隆一")
    rows = Person.objects.all()
    assert list(Scope.of(wei).filter(rows, region="county__code")) == [here]
    assert set(Scope.of(liang).filter(rows, region="county__code")) == {here, there}
    # People have no institution: an officer's scope sees none of them by region.
    assert not Scope.of(lu).filter(rows, region="county__code").exists()
    assert not Scope().filter(rows, region="county__code").exists()


def test_region_in_scope_names_what_is_wrong(regions, wei):
    errors: dict[str, str] = {}
    assert region_in_scope(wei, MASHAN, errors, "region").code == MASHAN
    assert region_in_scope(wei, LONGAN, errors, "region") is None
    assert errors["region"] == "隆安县不在您的管辖范围内"
    assert region_in_scope(wei, "999999", errors, "county") is None
    assert errors["county"] == "地区代码 999999 不存在"
    assert region_in_scope(wei, "", errors, "site") is None and errors["site"] == "必填"

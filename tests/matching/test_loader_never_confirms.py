"""Who loaded a registry file never confirms a comparison of it: they could have written it."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from skillaid.matching.decisions import consistent_accept, item_accept
from skillaid.matching.models import ReviewItem
from skillaid.people.models import PersonFact
from tests.matching.helpers import compare, load, make_people, registry_rows, write_csv

pytestmark = pytest.mark.django_db


def test_the_loader_of_the_file_cannot_accept_its_results(system, wei, liang, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        make_people(system)
        snapshot = load(wei, write_csv(tmp_path / "registry.csv", registry_rows()), region="450124")
        run = compare(liang, snapshot)
        with pytest.raises(PermissionDenied, match="导入该名单的人员"):
            consistent_accept(actor=wei, run=run)
        item = ReviewItem.objects.filter(run=run).first()
        if item is not None:
            with pytest.raises(PermissionDenied, match="导入该名单的人员"):
                item_accept(actor=wei, item=item)
    assert not PersonFact.objects.exists()

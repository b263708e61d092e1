"""The demo classes that `skillaid demo-data` adds for a first look at the class pages."""

import pytest

pytestmark = pytest.mark.django_db


def test_demo_classes_cover_each_stage_once(regions, person_factory):
    from skillaid.evaluation.models import Certificate
    from skillaid.ops.demo_classes import ensure_demo_classes
    from skillaid.ops.management.commands.demo_data import (
        ensure_demo_catalogue,
        ensure_demo_users,
    )
    from skillaid.training.models import TrainingClass

    ensure_demo_users()
    ensure_demo_catalogue()
    for i in range(24):
        person_factory(name=f"演示{i}", category="脱贫户")
    assert ensure_demo_classes() is True
    assert sorted(TrainingClass.objects.values_list("status", flat=True)) == [
        "approved",
        "closed",
        "declared",
    ]
    assert Certificate.objects.count() == 10
    assert ensure_demo_classes() is False
    assert TrainingClass.objects.count() == 3

"""Class review on the review mechanism: its steps, its queue, the 待我审核 page, the class
page's review history, and the steps rebuilt for classes reviewed before steps were kept."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.models import AuditEntry
from skillaid.accounts.review import ReviewStep, review_history, review_queue
from skillaid.training import classes
from skillaid.training.models import ClassStatus, TrainingClass
from tests.training.fixtures import class_data

pytestmark = pytest.mark.django_db


def soon(days: int = 8) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(
        hour=1, minute=0, second=0, microsecond=0
    )


def waiting(user) -> list[TrainingClass]:  # noqa: ANN001
    return [c for w in review_queue(user) for c in w.objects]


def test_declaring_and_reviewing_a_class_are_steps_of_its_history(lu, wei, school, class_factory):
    c = class_factory(lu, approve=False)
    classes.class_declare(actor=lu, training_class=c)
    classes.class_review(actor=wei, training_class=c, decision="return", note="缺少实操课时")
    classes.class_save(actor=lu, training_class=c, data=class_data(c.occupation, soon(9)))
    classes.class_declare(actor=lu, training_class=c, channel="api")
    c = classes.class_review(actor=wei, training_class=c, decision="approve")
    steps = list(review_history(c))
    assert [(s.move, s.from_state, s.to_state, s.actor) for s in steps] == [
        ("declare", "draft", "declared", lu),
        ("return", "declared", "returned", wei),
        ("declare", "returned", "declared", lu),
        ("approve", "declared", "approved", wei),
    ]
    assert steps[1].reason == "缺少实操课时" and steps[2].channel == "api"
    assert [s.maker for s in steps] == [True, False, True, False]
    # The fields the rest of the code reads are kept by the moves.
    assert (c.declared_by, c.declared_at, c.reviewed_by, c.reviewed_at) == (
        lu,
        steps[2].at,
        wei,
        steps[3].at,
    )
    notes = list(
        AuditEntry.objects.about(c)
        .exclude(changes__has_key="timetable")
        .filter(changes__has_key="status")
        .order_by("id")
        .values_list("note", flat=True)
    )
    assert notes == ["申报开班", "退回修改：缺少实操课时", "申报开班", "批准开班"]


def test_a_class_whose_first_session_began_is_not_approved_and_nothing_is_written(
    lu, wei, school, class_factory
):
    c = class_factory(lu, approve=False)
    classes.class_declare(actor=lu, training_class=c)
    with time_machine.travel(soon(9)):
        with pytest.raises(ValidationError) as info:
            classes.class_review(actor=wei, training_class=c, decision="approve")
    assert "首个课次已开始" in str(info.value)
    c.refresh_from_db()
    assert c.status == ClassStatus.DECLARED and review_history(c).count() == 1


def test_the_queue_holds_declared_classes_for_the_county_and_above_only(
    lu, wei, huang, liang, qin, school, class_factory
):
    c = class_factory(lu, approve=False)
    assert waiting(wei) == []  # a draft waits for nobody
    c = classes.class_declare(actor=lu, training_class=c)
    assert waiting(wei) == [c] and waiting(liang) == [c] and waiting(qin) == [c]
    assert waiting(huang) == []  # 隆安's clerk: not their county
    assert waiting(lu) == []  # the declarer
    classes.class_review(actor=wei, training_class=c, decision="approve")
    assert waiting(wei) == [] and waiting(liang) == []


def test_the_review_page_lists_what_waits_with_a_link(
    client, lu, wei, huang, school, class_factory
):
    c = class_factory(lu, approve=False)
    classes.class_declare(actor=lu, training_class=c)
    client.force_login(wei)
    page = client.get(reverse("review_list")).content.decode()
    assert "待我审核" in page and "培训班开班审核（1 项）" in page
    assert f'href="{reverse("class_detail", args=[c.pk])}"' in page
    assert "提交人 陆敏" in page and 'id="nav-review"' in page

    client.force_login(huang)
    page = client.get(reverse("review_list")).content.decode()
    assert c.name not in page and "没有等待您审核的事项" in page

    client.force_login(lu)
    page = client.get(reverse("review_list")).content.decode()
    assert "您的角色不审核任何事项" in page and 'id="nav-review"' not in page


def test_the_review_page_needs_a_login(client):
    response = client.get(reverse("review_list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_class_page_shows_its_review_history(client, lu, wei, school, class_factory):
    c = class_factory(lu, approve=False)
    classes.class_declare(actor=lu, training_class=c)
    classes.class_review(actor=wei, training_class=c, decision="reject", note="与已批准班级重复")
    client.force_login(lu)
    page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    history = page[page.index('id="review-history"') :]
    assert "申报开班" in history and "不予批准" in history and "韦丽" in history
    assert "原因：与已批准班级重复" in history
    assert "已申报待审核 → 不予批准" in history


def test_the_review_form_is_offered_to_a_checker_in_scope_and_not_to_the_declarer(
    client, lu, wei, huang, school, class_factory
):
    c = class_factory(lu, approve=False)
    classes.class_declare(actor=lu, training_class=c)
    client.force_login(wei)
    assert 'id="review"' in client.get(reverse("class_detail", args=[c.pk])).content.decode()
    client.force_login(lu)
    assert 'id="review"' not in client.get(reverse("class_detail", args=[c.pk])).content.decode()
    client.force_login(huang)
    assert client.get(reverse("class_detail", args=[c.pk])).status_code == 404


def _rebuild() -> None:
    import_module("skillaid.training.migrations.0005_review_steps").forwards(apps, None)


def test_classes_reviewed_before_steps_were_kept_get_their_history_from_the_log(
    lu, wei, school, class_factory
):
    c = class_factory(lu, approve=False)
    classes.class_declare(actor=lu, training_class=c)
    classes.class_review(actor=wei, training_class=c, decision="return", note="缺少实操课时")
    classes.class_declare(actor=lu, training_class=c)
    classes.class_review(actor=wei, training_class=c, decision="approve")
    kept = [(s.move, s.from_state, s.to_state, s.actor_id, s.reason) for s in review_history(c)]
    ReviewStep._base_manager.all()._raw_delete(ReviewStep.objects.db)
    _rebuild()
    assert [
        (s.move, s.from_state, s.to_state, s.actor_id, s.reason) for s in review_history(c)
    ] == kept
    _rebuild()  # run again, it adds nothing
    assert review_history(c).count() == 4


def test_without_log_entries_the_history_comes_from_the_class_fields(
    lu, wei, school, class_factory
):
    c = class_factory(lu, approve=False)
    declared = timezone.now() - dt.timedelta(days=3)
    reviewed = timezone.now() - dt.timedelta(days=2)
    TrainingClass.objects.filter(pk=c.pk).update(
        status=ClassStatus.RETURNED,
        declared_by=lu,
        declared_at=declared,
        reviewed_by=wei,
        reviewed_at=reviewed,
        review_note="教学计划不完整",
    )
    _rebuild()
    steps = list(review_history(c))
    assert [(s.move, s.actor, s.at, s.reason, s.channel) for s in steps] == [
        ("declare", lu, declared, "", ""),
        ("return", wei, reviewed, "教学计划不完整", ""),
    ]

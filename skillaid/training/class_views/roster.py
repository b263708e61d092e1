"""Adding a trainee to a class's roster and removing one, from the class page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from .. import classes
from ..forms import RosterForm
from ..selectors import enrolment_for
from .common import class_act


@login_required
@require_POST
def roster_add(request: HttpRequest, pk: int) -> HttpResponse:
    form = RosterForm(request.POST)

    def add(c) -> str:  # noqa: ANN001
        if not form.is_valid():
            raise ValidationError("请填写身份证号和姓名")
        e = classes.roster_add(actor=request.user, training_class=c, **form.cleaned_data)
        return f"{e.person.name}已加入花名册"

    return class_act(request, pk, add)


@login_required
@require_POST
def roster_remove(request: HttpRequest, pk: int) -> HttpResponse:
    e = enrolment_for(request.user, pk)

    def remove(c) -> str:  # noqa: ANN001
        classes.roster_remove(actor=request.user, enrolment=e)
        return f"{e.person.name}已移出花名册"

    return class_act(request, e.training_class_id, remove)

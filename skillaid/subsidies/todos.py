"""What of the subsidy work waits for a user on their desk (accounts.desk): claims at the
user's step of the review, claims returned for another submission, objections raised
during publication still open, and batches whose bank file is out with no result yet.
Each count is of the same rows the list it links to shows."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from skillaid.accounts.capabilities import can
from skillaid.accounts.desk import Todo
from skillaid.accounts.review import review_waiting

from .models import ClaimState, ObjectionState
from .payment_models import BatchState
from .payouts import batches_visible_to
from .publication_selectors import ObjectionFilters, objection_list
from .review import CLAIM_REVIEW
from .selectors import ClaimFilters, claim_list

GROUP = "补贴"


def subsidy_todos(request: HttpRequest, user: object) -> list[Todo]:
    items = []
    if can(user, "claim.read"):
        waiting = review_waiting(CLAIM_REVIEW, user).count()
        items.append(
            Todo(
                "份补贴申领待您审核",
                waiting,
                f"{reverse('review_list')}?kind={CLAIM_REVIEW.label}",
                group=GROUP,
            )
        )
    if can(user, "claim.submit"):
        returned = claim_list(user, filters=ClaimFilters(status=ClaimState.RETURNED)).count()
        items.append(
            Todo(
                "份补贴申领被退回，待修改后重新提交",
                returned,
                f"{reverse('claims')}?status={ClaimState.RETURNED}",
                urgent=True,
                group=GROUP,
            )
        )
    if can(user, "objection.resolve"):
        opened = objection_list(user, filters=ObjectionFilters(state=ObjectionState.OPEN)).count()
        items.append(
            Todo(
                "条公示异议待处理",
                opened,
                f"{reverse('objections')}?state={ObjectionState.OPEN}",
                urgent=True,
                group=GROUP,
            )
        )
    if can(user, "batch.reconcile"):
        exported = batches_visible_to(user).filter(state=BatchState.EXPORTED).count()
        items.append(
            Todo(
                "个发放批次已生成银行文件，待导入银行结果",
                exported,
                f"{reverse('batches')}?state={BatchState.EXPORTED}",
                group=GROUP,
            )
        )
    return items

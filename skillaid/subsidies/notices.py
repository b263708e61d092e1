"""Notices (accounts.notices) of what happens to claims after their review: their lines
published (公示), and paid (发放) once the bank's result is in. Each goes to the user who
submitted the claim (an institution's officer, or the county clerk for a person's
application), names the claims by their class or kind and number, never a person's ID."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count
from django.urls import reverse

from skillaid.accounts.notices import NoticeKind, notify

from .models import Claim, Publication
from .payment_models import Payment, PaymentBatch, PaymentStatus

NAMED = 3  # claims named in one notice; the rest are counted


def _by_maker(claims) -> dict[int, list[dict]]:  # noqa: ANN001
    makers: dict[int, list[dict]] = defaultdict(list)
    for c in claims.values("pk", "submitted_by_id", "training_class__name", "kind"):
        if c["submitted_by_id"]:
            makers[c["submitted_by_id"]].append(c)
    return makers


def _names(rows: list[dict]) -> str:
    kinds = dict(Claim._meta.get_field("kind").choices)
    names = [
        f"{r['training_class__name'] or kinds.get(r['kind'], '补贴申领')}（申领编号{r['pk']}）"
        for r in rows[:NAMED]
    ]
    more = f"等{len(rows)}份申领" if len(rows) > NAMED else ""
    return "、".join(names) + more


def _url(rows: list[dict]) -> str:
    if len(rows) == 1:
        return reverse("claim_detail", args=[rows[0]["pk"]])
    return reverse("claims")


def notify_published(publication: Publication) -> int:
    """Tell each claim's submitter that its lines are published, and until when."""
    claims = Claim.objects.filter(lines__publication=publication).distinct().order_by("pk")
    sent = 0
    for maker, rows in _by_maker(claims).items():
        text = (
            f"{_names(rows)}的补贴明细已在{publication.county.name}公示，"
            f"公示期{publication.starts_on:%Y-%m-%d}至{publication.ends_on:%Y-%m-%d}"
        )
        sent += notify([maker], NoticeKind.PUBLISHED, text, url=_url(rows))
    return sent


def notify_paid(batch: PaymentBatch) -> int:
    """Once the bank's result of a batch is all in: tell each claim's submitter how many of
    its payments were made and how many failed. Recorded once per batch (its key)."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Payment.objects.filter(batch=batch)
        .values("line__claim_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[row["line__claim_id"]][row["status"]] += row["n"]
    sent = 0
    claims = Claim.objects.filter(pk__in=list(counts)).order_by("pk")
    for maker, rows in _by_maker(claims).items():
        paid = sum(counts[r["pk"]][PaymentStatus.PAID] for r in rows)
        failed = sum(counts[r["pk"]][PaymentStatus.FAILED] for r in rows)
        text = f"{_names(rows)}的补贴已由银行发放：成功{paid}笔" + (
            f"，失败{failed}笔（请核对收款账户后重新发放）" if failed else ""
        )
        key = f"paid:batch:{batch.pk}"
        sent += notify([maker], NoticeKind.PAID, text, url=_url(rows), key=key)
    return sent

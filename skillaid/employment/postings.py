"""Job postings (招聘岗位): what is open, and the services that keep postings."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .models import Posting


def postings_open(on: dt.date) -> QuerySet[Posting]:
    """The postings open on `on`: within their validity and not closed by then. The one
    definition of "open" that lists, suggestions and referrals read."""
    return Posting.objects.filter(valid_from__lte=on, valid_until__gte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    )

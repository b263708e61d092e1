"""Who may see which certificates: those of the people the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from skillaid.accounts.models import User
from skillaid.people.selectors import people_visible_to

from .models import Certificate


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(person__in=people_visible_to(user))

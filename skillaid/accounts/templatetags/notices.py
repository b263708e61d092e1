"""`{% load notices %}`: the number of a user's unread notices, for the menu's badge (one
count on the index of user and read time)."""

from django import template

from skillaid.accounts.notices import unread_count

register = template.Library()


@register.filter
def unread_notices(user) -> int:  # noqa: ANN001
    if not getattr(user, "is_authenticated", False):
        return 0
    return unread_count(user)

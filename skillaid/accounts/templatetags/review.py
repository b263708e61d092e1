"""`{% load review %}`: whether the menu shows 待我审核 to a user."""

from django import template

from skillaid.accounts.review import reviews as _reviews

register = template.Library()


@register.filter
def reviews(user) -> bool:  # noqa: ANN001
    return _reviews(user)

"""Templates ask the capability table what to show: `{% load capabilities %}`, then
`{% if user|can:"ledger.edit" %}`, or `{% can user "institution.edit" institution as may %}`
for an action on one object."""

from __future__ import annotations

from django import template

from skillaid.accounts import capabilities

register = template.Library()


@register.filter(name="can")
def can_filter(user, capability: str) -> bool:  # noqa: ANN001
    return capabilities.can(user, capability)


@register.simple_tag(name="can")
def can_tag(user, capability: str, obj=None) -> bool:  # noqa: ANN001
    return capabilities.can(user, capability, obj)

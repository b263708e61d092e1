"""Who runs a class: the officers of its institution, and administrators (class.declare in the
capability table). The services require the capability of each step on the class itself
(class.declare, roster.edit, completion.record); this answers the same for pages that hold
only an institution's id."""

from __future__ import annotations

from skillaid.accounts.capabilities import can
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope


def is_officer_of(user: User, institution_id: int | None) -> bool:
    """An officer of this institution (or an administrator): who runs its classes."""
    scope = Scope.of(user)
    return can(user, "class.declare") and (
        scope.everything or scope.has_institution(institution_id)
    )

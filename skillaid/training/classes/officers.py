"""Who runs a class: the officers of its institution, and administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from skillaid.accounts.models import Role, User


def is_officer_of(user: User, institution_id: int | None) -> bool:
    """An officer of this institution (or an administrator): who runs its classes."""
    return user.role == Role.ADMIN or (
        user.role == Role.SCHOOL_OFFICER and user.institution_id == institution_id
    )


def require_officer(actor: User, c_institution_id: int | None) -> None:
    if not is_officer_of(actor, c_institution_id):
        raise PermissionDenied("只有本机构的管理员可以办理此事项")

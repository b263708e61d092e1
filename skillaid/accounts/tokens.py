"""Issuing and revoking API tokens, from the token page and the `skillaid token` command."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .capabilities import can
from .models import MAX_TOKEN_DAYS, Action, ApiToken, Role, TokenScope, User, audit


def _require_owner_or_manager(actor: User, owner_id: int, refusal: str) -> None:
    """Users issue and revoke their own tokens; an administrator anyone's."""
    if actor.pk != owner_id and not can(actor, "tokens.manage"):
        raise PermissionDenied(refusal)


def token_issue(
    *,
    actor: User,
    user: User,
    name: str,
    scope: str = TokenScope.READ_WRITE,
    days: int | None = None,
    channel: str,
) -> tuple[ApiToken, str]:
    """A new token for `user`, logged; returns the row and the token, which is shown once.

    Users issue their own tokens; an administrator may issue anyone's. The command line,
    run by whoever holds the server, acts as the system user.
    """
    _require_owner_or_manager(actor, user.pk, "只能为自己签发令牌")
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "请填写令牌用途，例如“考勤终端 1 号”"
    if scope not in TokenScope.values:
        errors["scope"] = "请选择权限范围：只读、读写或考勤终端"
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = f"有效天数应在 1 到 {MAX_TOKEN_DAYS} 天之间"
    if not user.is_active:
        errors["__all__"] = f"用户 {user.username} 已停用，不能签发令牌"
    elif user.role == Role.PERSON:
        # A person's own account reads its own record on the pages; the API is for systems.
        errors["__all__"] = "本人账户不能签发接口令牌"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, token = ApiToken.issue(user=user, name=name[:64], scope=scope, days=days)
        audit(
            actor=actor,
            channel=channel,
            action=Action.TOKEN_ISSUE,
            object_type="accounts.apitoken",
            object_id=row.pk,
            changes={
                "user": user.username,
                "name": row.name,
                "prefix": row.prefix,
                "scope": row.scope,
                "expires_at": row.expires_at.isoformat(),
            },
        )
    return row, token


def token_revoke(*, actor: User, token: ApiToken, channel: str, why: str = "") -> ApiToken:
    """Revoke `token` (its owner or an administrator); revoking twice changes nothing."""
    _require_owner_or_manager(actor, token.user_id, "只能吊销自己的令牌")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(
            actor=actor,
            channel=channel,
            action=Action.TOKEN_REVOKE,
            object_type="accounts.apitoken",
            object_id=token.pk,
            changes={"user": token.user.username, "name": token.name, "prefix": token.prefix},
            note=why[:255],
        )
    return token


def tokens_revoke_all(*, actor: User, user: User, channel: str, why: str) -> int:
    """Revoke every live token of `user`, each logged with `why`; the number revoked.

    Ending a user's sessions is not enough when an account may be compromised: a token
    issued from a stolen session would outlive them. So a password or second-factor
    reset, a change of role or scope, a deactivation and "logout everywhere" all end the
    user's tokens too.
    """
    live = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in live:
        token_revoke(actor=actor, token=token, channel=channel, why=why)
    return len(live)

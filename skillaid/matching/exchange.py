"""Keyed-hash exchange with a partner who may not receive ID numbers.

Each partner has its own exchange key (ExchangeKey), never our blind-index key: the file
we send holds HMAC-SHA256(key, ID number) in its first column (身份证号密文) and never a
plain number; a partner's keyed-hash file is loaded as a snapshot with `hashed` and the
same key, and compared the same way.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from skillaid.accounts import keys
from skillaid.accounts.capabilities import require
from skillaid.accounts.exports import log_export
from skillaid.accounts.models import Action, Channel, User, audit

from . import engine, ours
from .models import ExchangeKey

HEADER = ["身份证号密文", "姓名", "县区", "户类型", "识别日期"]


@transaction.atomic
def exchange_key_create(
    *, actor: User, name: str, partner: str, channel: str = Channel.PAGE
) -> tuple[ExchangeKey, str]:
    """A new exchange key and its secret, which is shown this once and never again."""
    require(actor, "matching.exchange_key")
    name, partner = (name or "").strip(), (partner or "").strip()
    errors = {}
    if not name:
        errors["name"] = "请填写密钥名称"
    elif len(name) > 64:
        errors["name"] = "密钥名称最多64字"
    elif ExchangeKey.objects.filter(name=name).exists():
        errors["name"] = f"已有名为“{name}”的交换密钥"
    if not partner:
        errors["partner"] = "请填写交换对象（对方单位或系统）"
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    key = ExchangeKey.objects.create(
        name=name,
        partner=partner[:128],
        key_sealed=keys.sealer().seal(secret),
        fingerprint=hashlib.sha256(secret.encode()).hexdigest()[:16],
        created_by=actor,
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=key,
        note=f"创建交换密钥：{key}（指纹 {key.fingerprint}）"[:255],
    )
    return key, secret


def exchange_export(
    *, actor: User, key: ExchangeKey, kind: str, dest: Path, channel: str = Channel.PAGE
) -> int:
    """Our people of `kind`'s group in `actor`'s scope, as a keyed-hash CSV; logged as an
    export. The plain numbers are opened in memory, batch by batch, and never written."""
    require(actor, "matching.exchange")
    if key.retired_at is not None:
        raise ValidationError({"key": f"交换密钥“{key.name}”已停用"})
    if kind not in engine.KINDS:
        raise ValidationError({"kind": f"名单类型“{kind}”不存在"})
    box = keys.sealer()

    def rows():  # noqa: ANN202
        for batch in ours.ours_rows(kind, actor):
            numbers = [box.open(r[1]) for r in batch]
            for number, r in zip(numbers, batch, strict=True):
                yield (number, r[2], r[4], r[5], r[6].isoformat() if r[6] else "")

    count = engine.exchange_write(dest, rows(), key=key.secret, header=HEADER)
    log_export(
        actor=actor,
        channel=channel,
        object_type=ExchangeKey,
        object_id=key.pk,
        rows=count,
        filters={"kind": kind, "key": key.name},
        note=f"导出密文交换文件 {count} 行：{key}（{engine.KINDS[kind].label}）",
    )
    return count

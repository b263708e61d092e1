"""Key rotation: re-seal every sealed value and recompute every blind index under a new ID key.

The rotation runs while SkillAid serves, configured with the new key as
SKILLAID_ID_KEY and the old one as SKILLAID_ID_KEY_OLD: values not yet re-sealed
still open, and look-ups try the index under both keys. Rows are re-sealed in
chunks in primary-key order, each chunk in one transaction with the progress
stored beside it, so that an interrupted rotation resumes where it stopped. Only
when every registered column is done does the new key's check value become the
database's; the old key may then be removed from the configuration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from skillaid.accounts import keys
from skillaid.accounts.models import IdKey, IdKeyState
from skillaid.lib import idnumber
from skillaid.lib.sealed import Key, Sealer
from skillaid.people.models import Household, Person


@dataclass
class RotationResult:
    resealed: dict[str, int] = field(default_factory=dict)
    households_renamed: int = 0
    finished: bool = False
    key_id: str = ""


class Interrupted(Exception):
    """Raised by the `stop_after` hook of tests, as a crash would stop a rotation."""


def id_key_rotate(
    *,
    chunk: int = 2000,
    progress: Callable[[str, int], None] | None = None,
    stop_after: int | None = None,
) -> RotationResult:
    box = keys.id_key_ready()
    upcoming = IdKey.objects.filter(state=IdKeyState.NEXT).first()
    if not box.older or upcoming is None or upcoming.check_value != box.check:
        raise CommandError(
            "未在轮换身份证号密钥：请先将新密钥配置为 SKILLAID_ID_KEY（或写入 "
            "var/id_key），原密钥配置为 SKILLAID_ID_KEY_OLD（或移到 var/id_key.old），"
            "重启所有 SkillAid 进程后再运行 skillaid rotate-id-key。"
        )
    result = RotationResult(key_id=box.key_id)
    chunks = 0
    for column in keys.SEALED:
        model = apps.get_model(column.model)
        done = int(upcoming.progress.get(column.model, 0))
        count = 0
        while True:
            with transaction.atomic():
                rows = list(
                    model.objects.filter(pk__gt=done)
                    .order_by("pk")
                    .values_list("pk", column.sealed)[:chunk]
                )
                if not rows:
                    break
                count += _reseal(box, model, column, rows, result)
                done = rows[-1][0]
                upcoming.progress = {**upcoming.progress, column.model: done}
                IdKey.objects.filter(pk=upcoming.pk).update(progress=upcoming.progress)
            chunks += 1
            if progress:
                progress(column.model, done)
            if stop_after is not None and chunks >= stop_after:
                raise Interrupted
        result.resealed[column.model] = count
    with transaction.atomic():
        IdKey.objects.filter(state=IdKeyState.CURRENT).update(
            state=IdKeyState.RETIRED, retired_at=timezone.now()
        )
        IdKey.objects.filter(pk=upcoming.pk).update(state=IdKeyState.CURRENT, progress={})
    keys.forget()
    result.finished = True
    return result


def _reseal(box: Sealer, model, column: keys.SealedColumn, rows, result: RotationResult) -> int:  # noqa: ANN001
    """Re-seal the rows of one chunk still under the old key; returns how many."""
    changed: list[tuple[int, str, Key]] = []  # pk, value, the old key that sealed it
    for pk, token in rows:
        value, key = box.open_with_key(token)
        if key is not box.key:
            changed.append((pk, value, key))
    if not changed:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    sealed = box.seal_many([value for _, value, _ in changed])
    with connection.cursor() as cursor:
        if column.index:
            cursor.executemany(
                f"UPDATE {table} SET {quote(column.sealed)} = %s, {quote(column.index)} = %s "
                f"WHERE {quote(model._meta.pk.column)} = %s",
                [
                    (token, box.index(value), pk)
                    for token, (pk, value, _) in zip(sealed, changed, strict=True)
                ],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET {quote(column.sealed)} = %s WHERE {quote(model._meta.pk.column)} = %s",
                [(token, pk) for token, (pk, _, _) in zip(sealed, changed, strict=True)],
            )
    if model is Person:
        result.households_renamed += _rename_households(box, changed)
    return len(changed)


def _rename_households(box: Sealer, changed: list[tuple[int, str, Key]]) -> int:
    """Households numbered after a member's blind index take the number under the new key.

    The ledger import names the household of someone listed without one
    "自动-<index[:12]>", and a household known by its head's ID number
    "户主<masked number>-<index[:8]>" (people/imports.py, people/services.py). A
    re-import after the rotation computes these names under the new key, and must
    find the same household, not make a second one. A head who is not in the
    ledger cannot be renamed here: their household keeps its number until its
    members are imported again.
    """
    by_person = dict(
        Person.objects.filter(pk__in=[pk for pk, _, _ in changed]).values_list("pk", "household_id")
    )
    numbers = dict(
        Household.objects.filter(pk__in={h for h in by_person.values() if h}).values_list(
            "pk", "number"
        )
    )
    renames: list[tuple[str, int]] = []
    for pk, value, old in changed:
        household = by_person.get(pk)
        number = numbers.get(household)
        if number is None:
            continue
        before, after = old.index(value), box.index(value)
        masked = "户主" + idnumber.mask(value) + "-"
        if number == "自动-" + before[:12]:
            renames.append(("自动-" + after[:12], household))
        elif number == masked + before[:8]:
            renames.append((masked + after[:8], household))
    if renames:
        table = connection.ops.quote_name(Household._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET number = %s WHERE id = %s", renames)
    return len(renames)

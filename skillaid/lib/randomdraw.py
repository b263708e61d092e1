"""The random draw of the random inspections (双随机): objects from a population and, for
each object, inspectors from a pool, decided wholly by a seed, so that anyone holding the
seed and the published lists redoes it with any SHA-256 tool and gets the same result.

The rule (RULE, what `plan` does and what the public page describes):
1. An id's key for a purpose is the SHA-256 (lower-case hex) of the UTF-8 text
   `<seed>:<purpose>:<id>` (ids in decimal, no spaces).
2. The objects drawn are the `sample_size` population ids with the smallest keys for the
   purpose `object`, in ascending order of key (their position is their place, from 1).
3. For each object drawn, its inspectors are the `per_object` eligible pool ids with the
   smallest keys for the purpose `inspector-<object id>`, in ascending order of key. The
   eligible pool is the pool without the inspectors tied (回避) to the object's
   institution. Each id appears once, so no inspector is drawn twice for one object.
   (Two equal keys would be ordered by id; SHA-256 makes that practically impossible.)

Draws made before this rule (LEGACY_RULE) used Python's `random.Random` seeded with the
SHA-256 of the seed and `sample`; `plan(..., rule=LEGACY_RULE)` still redoes them.

A list's digest is the SHA-256 (hex) of its text: ids in ascending order joined by commas
(`ids_text`), or pairs "a:b" in ascending order joined by commas (`pairs_text`).
Nothing here knows of Django.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RULE = "sha256-key"
LEGACY_RULE = "random-sample"
OBJECT_PURPOSE = "object"


class TooFew(ValueError):
    """The population or an object's eligible pool holds fewer than the draw needs."""

    def __init__(self, message: str, *, object_id: int | None = None, available: int = 0) -> None:
        super().__init__(message)
        self.object_id = object_id
        self.available = available


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def digest(ids: Iterable[int]) -> str:
    return sha256_hex(ids_text(ids))


def pairs_digest(pairs: Iterable[tuple[int, int]]) -> str:
    return sha256_hex(pairs_text(pairs))


def inspector_purpose(object_id: int) -> str:
    return f"inspector-{object_id}"


def key(seed: str, purpose: str, id_: int) -> str:
    """The key of step 1: SHA-256 hex of `<seed>:<purpose>:<id>`."""
    return sha256_hex(f"{seed}:{purpose}:{id_}")


def smallest(seed: str, purpose: str, ids: Iterable[int], k: int) -> list[int]:
    """The `k` ids with the smallest keys for `purpose`, in ascending order of key."""
    return sorted(set(ids), key=lambda i: (key(seed, purpose, i), i))[:k]


@dataclass(frozen=True)
class Drawn:
    object_id: int
    inspector_ids: tuple[int, ...]


def plan(
    seed: str,
    population: Sequence[tuple[int, int]],
    pool: Sequence[int],
    links: Iterable[tuple[int, int]],
    sample_size: int,
    per_object: int,
    *,
    rule: str = RULE,
) -> list[Drawn]:
    """The draw of `sample_size` objects from `population` ((object id, institution id)
    pairs) and `per_object` inspectors each from `pool`, without the inspectors `links`
    ((inspector id, institution id) pairs) ties to the object's institution. TooFew when
    the population, or an object's eligible pool, is smaller than asked."""
    if rule not in (RULE, LEGACY_RULE):
        raise ValueError(f"unknown rule {rule!r}")
    institution_of = dict(population)
    ids = sorted(institution_of)
    inspectors = sorted(set(pool))
    if sample_size > len(ids):
        raise TooFew(f"population {len(ids)} < sample {sample_size}", available=len(ids))
    barred: dict[int, set[int]] = {}
    for inspector, institution in links:
        barred.setdefault(institution, set()).add(inspector)
    rng = _legacy_generator(seed) if rule == LEGACY_RULE else None
    objects = (
        rng.sample(ids, sample_size) if rng else smallest(seed, OBJECT_PURPOSE, ids, sample_size)
    )
    drawn = []
    for object_id in objects:
        eligible = [i for i in inspectors if i not in barred.get(institution_of[object_id], ())]
        if per_object > len(eligible):
            raise TooFew(
                f"eligible pool {len(eligible)} < {per_object} for object {object_id}",
                object_id=object_id,
                available=len(eligible),
            )
        chosen = (
            rng.sample(eligible, per_object)
            if rng
            else smallest(seed, inspector_purpose(object_id), eligible, per_object)
        )
        drawn.append(Drawn(object_id, tuple(chosen)))
    return drawn


def _legacy_generator(seed: str) -> random.Random:
    """Only to redo draws recorded under LEGACY_RULE."""
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big"))  # noqa: S311


def ids_text(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in sorted(ids))


def ids_of(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def pairs_text(pairs: Iterable[tuple[int, int]]) -> str:
    return ",".join(f"{a}:{b}" for a, b in sorted(set(pairs)))


def pairs_of(text: str) -> list[tuple[int, int]]:
    pairs = []
    for part in text.split(","):
        if part.strip():
            a, b = part.split(":")
            pairs.append((int(a), int(b)))
    return pairs

"""The random draw of the random inspections (双随机): objects from a population and, for
each object, inspectors from a pool, decided wholly by a seed, so that anyone holding the
seed and the two ordered lists redoes it and gets the same result.

The rule, in full (it is what `plan` does, and what the public page describes):
1. The generator is Python's `random.Random` seeded with the integer whose big-endian
   bytes are the SHA-256 of the seed's UTF-8 text.
2. The objects drawn are `rng.sample(population ids in ascending order, sample_size)`,
   in the order drawn (their position is their place in that list, from 1).
3. For each object in that order, the inspectors are
   `rng.sample(eligible pool ids in ascending order, per_object)`, where the eligible
   pool is the pool without the inspectors linked to the object's institution (回避).
   A sample never repeats an element, so no inspector is drawn twice for one object.

A list's digest is the SHA-256 (hex) of its ids in ascending order joined by commas.
Nothing here knows of Django.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class TooFew(ValueError):
    """The population or an object's eligible pool holds fewer than the draw needs."""

    def __init__(self, message: str, *, object_id: int | None = None, available: int = 0) -> None:
        super().__init__(message)
        self.object_id = object_id
        self.available = available


def digest(ids: Iterable[int]) -> str:
    return hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()


def generator(seed: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big"))


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
) -> list[Drawn]:
    """The draw of `sample_size` objects from `population` ((object id, institution id)
    pairs) and `per_object` inspectors each from `pool`, without the inspectors `links`
    ((inspector id, institution id) pairs) ties to the object's institution. TooFew when
    the population, or an object's eligible pool, is smaller than asked."""
    institution_of = dict(population)
    ids = sorted(institution_of)
    inspectors = sorted(set(pool))
    if sample_size > len(ids):
        raise TooFew(f"population {len(ids)} < sample {sample_size}", available=len(ids))
    barred: dict[int, set[int]] = {}
    for inspector, institution in links:
        barred.setdefault(institution, set()).add(inspector)
    rng = generator(seed)
    drawn = []
    for object_id in rng.sample(ids, sample_size):
        eligible = [i for i in inspectors if i not in barred.get(institution_of[object_id], ())]
        if per_object > len(eligible):
            raise TooFew(
                f"eligible pool {len(eligible)} < {per_object} for object {object_id}",
                object_id=object_id,
                available=len(eligible),
            )
        drawn.append(Drawn(object_id, tuple(rng.sample(eligible, per_object))))
    return drawn


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

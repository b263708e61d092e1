"""A hash chain over log entries: each entry's hash covers its fields and the hash before it.

An entry is serialised canonically as a compact JSON array of its fields (a
JSON array leaves no doubt where one field ends and the next begins), the
previous entry's hash is appended, and SHA-256 of that text, in hex, is the
entry's hash. Changing, removing or inserting an entry breaks the link of the
entry after it, unless every later hash is recomputed too; keep the newest hash
somewhere else (a printout, a monitor) to catch that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence

# The C escaper that JSONEncoder(ensure_ascii=False) uses.
from json.encoder import encode_basestring

GENESIS = "0" * 64

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_SORTED = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)
_sha256 = hashlib.sha256


def moment(at: dt.datetime) -> str:
    """A time as the chain writes it: UTC to the microsecond, whatever zone it came in."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: object) -> str:
    """JSON text with sorted keys and no spaces: the same text for the same value, read back or not."""
    return _SORTED.encode(value)


def link(fields: Sequence[object], previous: str) -> str:
    """The hash of one entry: `fields` are text, integers or None, in a fixed order."""
    return _sha256((_ENCODER.encode(list(fields)) + previous).encode()).hexdigest()


def link_many(
    head: Sequence[object], tails: Iterable[tuple[str, int | None, str, str]], previous: str
) -> list[str]:
    """`link` for entries sharing their first fields, `head`, and ending in four fields each:
    text, an integer or None, text, text. Gives the same hashes as `link`, faster: a bulk import
    chains tens of thousands of entries, and the shared part is serialised once."""
    start = _ENCODER.encode(list(head))[:-1]
    hashes = []
    for a, b, c, d in tails:
        number = "null" if b is None else int(b)
        text = f"{start},{encode_basestring(a)},{number},{encode_basestring(c)},{encode_basestring(d)}]"
        previous = _sha256((text + previous).encode()).hexdigest()
        hashes.append(previous)
    return hashes

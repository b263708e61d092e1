"""Rotating sign-in codes: an HMAC of the session and the current time window.

The teacher's screen shows the code of the current window; a code is taken
during its own window and the one after it, so a trainee who reads it at the
last second still has time to type it.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

# No 0/O, 1/I/L: the code is read off a projector and typed on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def window(at: float, period: int) -> int:
    return int(at // period)


def code(key: str, session_id: int, window_no: int) -> str:
    digest = hmac.new(key.encode(), f"{session_id}:{window_no}".encode(), hashlib.sha256).digest()
    n = int.from_bytes(digest[:8], "big")
    out = []
    for _ in range(LENGTH):
        n, r = divmod(n, len(ALPHABET))
        out.append(ALPHABET[r])
    return "".join(out)


def normalise(text: object) -> str:
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return "".join(ch for ch in folded.upper() if ch.isalnum())


def matches(key: str, session_id: int, given: object, at: float, period: int) -> bool:
    typed = normalise(given)
    if len(typed) != LENGTH:
        return False
    now = window(at, period)
    return any(hmac.compare_digest(typed, code(key, session_id, w)) for w in (now, now - 1))


def seconds_left(at: float, period: int) -> int:
    return period - int(at % period)

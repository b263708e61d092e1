"""One-time codes a person types once to open their own account (开通码).

A code is handed over on paper (the roster slip), read off a phone's screen or sent by
SMS, and typed on a phone: eight characters of an alphabet without look-alikes (no 0/O,
1/I/L), shown in two groups of four. 31⁸ ≈ 8.5 × 10¹¹ codes: a guess succeeds about once
in a trillion, and the pages stop guessing long before (a code is void after a few wrong
tries). Only a keyed digest of the code is kept: whoever reads the database cannot
recover the codes, nor try all of them offline without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def generate() -> str:
    """A new code from the system's secure random source, without the group separator."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """ABCD-EFGH: easier to read out and to type than eight characters in a row."""
    return f"{code[:4]}-{code[4:]}"


def normalise(text: object) -> str:
    """A code as typed: full-width characters, lower case, spaces and dashes forgiven.

    What is left after that is compared as it is; a character outside the alphabet
    simply makes a code that matches nothing.
    """
    folded = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return "".join(ch for ch in folded.upper() if ch.isalnum())


def well_formed(text: object) -> bool:
    code = normalise(text)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def digest(key: bytes, code: str, subject: str) -> str:
    """HMAC-SHA256 of the normalised code bound to its `subject` (whose code it is): the
    same code issued to two people gives two digests, and one person's digest never
    opens another's account."""
    message = f"{subject}:{normalise(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def matches(key: bytes, typed: object, subject: str, kept: str) -> bool:
    """Whether `typed` is the code whose digest is `kept`, compared in constant time."""
    if not well_formed(typed):
        return False
    return hmac.compare_digest(digest(key, str(typed), subject), kept)

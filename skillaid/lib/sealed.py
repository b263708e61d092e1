"""Encryption at rest and keyed look-up for values such as resident ID numbers.

The stored text is AES-GCM with a random nonce, so equal numbers do not give
equal ciphertext; look-ups go through a separate keyed hash (HMAC-SHA256), the
"blind index", which reveals nothing without the key.

A Sealer may hold older keys beside its own while a key rotation re-seals the
stored values: it seals and indexes with its own key only, opens what any of its
keys sealed, and gives the index of a value under every key, so that look-ups
find values not yet re-sealed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# The check value is a keyed hash of this label: it proves which key sealed a
# database without revealing the key, and without any sealed value.
CHECK_LABEL = b"skillaid/id-key-check"


class Key:
    """One secret and what is derived from it."""

    def __init__(self, secret: str) -> None:
        if not secret:
            # HMAC takes an empty key without complaint: refuse it here, so that a
            # missing setting can never seal a whole database under a known key.
            raise ValueError("a sealing key must not be empty")
        root = secret.encode()
        self.aead = AESGCM(hmac.new(root, b"skillaid/encrypt", hashlib.sha256).digest())
        self.index_key = hmac.new(root, b"skillaid/blind-index", hashlib.sha256).digest()
        self.check = hmac.new(root, CHECK_LABEL, hashlib.sha256).hexdigest()
        # Short enough to read out over the phone, long enough to tell keys apart.
        self.key_id = self.check[:8]
        self._root = root

    def derive(self, label: bytes) -> bytes:
        """32 bytes for another purpose (backups), independent of the others."""
        return hmac.new(self._root, b"skillaid/" + label, hashlib.sha256).digest()

    def index(self, value: str) -> str:
        return hmac.digest(self.index_key, value.encode(), "sha256").hex()[:32]


class Sealer:
    def __init__(self, secret: str, *older: str) -> None:
        self.key = Key(secret)
        self.older = tuple(Key(s) for s in older if s and s != secret)

    @classmethod
    def of(cls, key: Key) -> Sealer:
        """A sealer of one key already derived."""
        box = cls.__new__(cls)
        box.key, box.older = key, ()
        return box

    @property
    def keys(self) -> tuple[Key, ...]:
        return (self.key, *self.older)

    @property
    def check(self) -> str:
        """The check value of the key this sealer seals with."""
        return self.key.check

    @property
    def key_id(self) -> str:
        return self.key.key_id

    def seal(self, value: str) -> str:
        return self._token(os.urandom(12), value)

    def seal_many(self, values: list[str]) -> list[str]:
        """`seal` for many values, with their nonces drawn from the system in one call."""
        nonces = os.urandom(12 * len(values))
        return [self._token(nonces[12 * i : 12 * i + 12], v) for i, v in enumerate(values)]

    def _token(self, nonce: bytes, value: str) -> str:
        return base64.b64encode(nonce + self.key.aead.encrypt(nonce, value.encode(), None)).decode()

    def open(self, token: str) -> str:
        """The value, under whichever key sealed it; InvalidTag if none of them did."""
        return self.open_with_key(token)[0]

    def open_with_key(self, token: str) -> tuple[str, Key]:
        """The value and the key that opened it (own key first)."""
        data = base64.b64decode(token)
        for key in self.keys:
            try:
                return key.aead.decrypt(data[:12], data[12:], None).decode(), key
            except InvalidTag:
                continue
        raise InvalidTag

    def opens(self, token: str) -> bool:
        try:
            self.open(token)
        except (InvalidTag, ValueError):
            return False
        return True

    def index(self, value: str) -> str:
        """128 bits of HMAC-SHA256 in hex: a stable look-up key that does not reveal the value."""
        return self.key.index(value)

    def indexes(self, value: str) -> list[str]:
        """The index of `value` under each key, own key first: a look-up during a rotation."""
        return [key.index(value) for key in self.keys]

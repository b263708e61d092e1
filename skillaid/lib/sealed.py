"""Encryption at rest and keyed look-up for values such as resident ID numbers.

The stored text is AES-GCM with a random nonce, so equal numbers do not give
equal ciphertext; look-ups go through a separate keyed hash (HMAC-SHA256), the
"blind index", which reveals nothing without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class Sealer:
    def __init__(self, secret: str) -> None:
        root = secret.encode()
        self._aead = AESGCM(hmac.new(root, b"skillaid/encrypt", hashlib.sha256).digest())
        self._index_key = hmac.new(root, b"skillaid/blind-index", hashlib.sha256).digest()

    def seal(self, value: str) -> str:
        return self._token(os.urandom(12), value)

    def seal_many(self, values: list[str]) -> list[str]:
        """`seal` for many values, with their nonces drawn from the system in one call."""
        nonces = os.urandom(12 * len(values))
        return [self._token(nonces[12 * i : 12 * i + 12], v) for i, v in enumerate(values)]

    def _token(self, nonce: bytes, value: str) -> str:
        return base64.b64encode(nonce + self._aead.encrypt(nonce, value.encode(), None)).decode()

    def open(self, token: str) -> str:
        data = base64.b64decode(token)
        return self._aead.decrypt(data[:12], data[12:], None).decode()

    def index(self, value: str) -> str:
        """128 bits of HMAC-SHA256 in hex: a stable look-up key that does not reveal the value."""
        return hmac.digest(self._index_key, value.encode(), "sha256").hex()[:32]

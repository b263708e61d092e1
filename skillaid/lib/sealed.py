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
import binascii
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

    def open_many(self, tokens: list[str]) -> list[str]:
        """`open` for many tokens: the own key's decrypt bound once, the older keys tried only
        for a token it does not open (a comparison run opens 2,000,000 in one go)."""
        decrypt = self.key.aead.decrypt
        a2b = binascii.a2b_base64
        out = []
        for token in tokens:
            data = a2b(token)
            try:
                out.append(decrypt(data[:12], data[12:], None).decode())
            except InvalidTag:
                out.append(self.open(token))
        return out

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


# Sealed files (backups): a header, then AES-GCM chunks of at most CHUNK bytes, each
# with its own nonce (a random prefix and the chunk's number) and authenticated with
# the header, its number and whether it is the last, so that chunks cannot be
# dropped, reordered or cut off the end unnoticed. Neither side holds more than a
# chunk in memory.
MAGIC = b"SKLBAK01"
CHUNK = 1 << 20
_FINAL = 1 << 31


class SealedFileError(Exception):
    pass


class SealedWriter:
    """A binary file-like object that seals what is written to `out`, chunk by chunk."""

    def __init__(self, out, key: Key) -> None:  # noqa: ANN001
        salt, prefix = os.urandom(16), os.urandom(8)
        self._header = MAGIC + key.key_id.encode() + salt + prefix
        self._aead = AESGCM(key.derive(b"backup" + salt))
        self._prefix = prefix
        self._out = out
        self._buffer = bytearray()
        self._count = 0
        out.write(self._header)

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), final=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, final: bool) -> None:
        number = self._count.to_bytes(4, "big")
        flag = _FINAL if final else 0
        sealed = self._aead.encrypt(
            self._prefix + number, plain, self._header + number + bytes([final])
        )
        self._out.write((len(sealed) | flag).to_bytes(4, "big") + sealed)
        self._count += 1

    def close(self) -> None:
        """Seal what is left as the last chunk; the file is incomplete without it."""
        self._emit(bytes(self._buffer), final=True)
        self._buffer.clear()

    def flush(self) -> None:
        pass


def sealed_file_key_id(source) -> str:  # noqa: ANN001
    """The key id a sealed file names in its header (read without any key)."""
    header = source.read(40)
    if len(header) != 40 or not header.startswith(MAGIC):
        raise SealedFileError("不是 SkillAid 备份文件")
    return header[8:16].decode()


class SealedReader:
    """Reads back what SealedWriter wrote, checking every chunk; raises SealedFileError."""

    def __init__(self, source, sealer: Sealer) -> None:  # noqa: ANN001
        header = source.read(40)
        if len(header) != 40 or not header.startswith(MAGIC):
            raise SealedFileError("不是 SkillAid 备份文件")
        key_id = header[8:16].decode()
        key = next((k for k in sealer.keys if k.key_id == key_id), None)
        if key is None:
            raise SealedFileError(
                f"备份由标识为 {key_id} 的身份证号密钥加密，当前配置的密钥（"
                + "、".join(k.key_id for k in sealer.keys)
                + "）打不开它"
            )
        self._header, self._prefix = header, header[32:40]
        self._aead = AESGCM(key.derive(b"backup" + header[16:32]))
        self._source = source
        self._buffer = b""
        self._pos = 0
        self._count = 0
        self._done = False

    def _next(self) -> None:
        head = self._source.read(4)
        if len(head) != 4:
            raise SealedFileError("备份文件不完整（缺少结尾）")
        word = int.from_bytes(head, "big")
        final, length = bool(word & _FINAL), word & ~_FINAL
        sealed = self._source.read(length)
        number = self._count.to_bytes(4, "big")
        try:
            self._buffer = self._aead.decrypt(
                self._prefix + number, sealed, self._header + number + bytes([final])
            )
        except InvalidTag as exc:
            raise SealedFileError(f"备份文件第 {self._count + 1} 块已损坏或被改动") from exc
        self._count += 1
        if final:
            if self._source.read(1):
                raise SealedFileError("备份文件结尾之后还有数据")
            self._done = True

    def read(self, size: int = -1) -> bytes:
        # The chunk is kept whole and read from an offset: tarfile reads 10 KB at a
        # time, and cutting the rest off a 1 MB buffer each time would copy it 100 times.
        parts = []
        while size != 0:
            if self._pos == len(self._buffer):
                if self._done:
                    break
                self._buffer, self._pos = b"", 0
                self._next()
                continue
            end = len(self._buffer) if size < 0 else min(len(self._buffer), self._pos + size)
            parts.append(self._buffer[self._pos : end])
            if size > 0:
                size -= end - self._pos
            self._pos = end
        return b"".join(parts)

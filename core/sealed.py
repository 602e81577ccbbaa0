"""A secret sealed for one reader: what a background worker makes (the initial passwords of an
import) and only the browser that started the work may open.

The page that starts the work makes a key pair (``key_pair``): the opening key goes to that
browser alone (a cookie), the sealing key with the job. The worker seals with the sealing key
(``seal``); neither the database, nor the files, nor the worker can open what it sealed:
only ``unseal`` with the opening key the browser sends back. X25519 for the key agreement
(a fresh key pair per seal), HKDF-SHA256 for the key, AES-256-GCM for the secret, all from
``cryptography``; ``context`` (the job's id) is bound in, so a sealed file moved to another
job does not open.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"S1"
KEY_BYTES = 32
NONCE_BYTES = 12


class Unsealable(Exception):
    """The opening key is missing, malformed or not the one the secret was sealed for, or the
    sealed bytes were changed."""


def _text(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _raw(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise Unsealable("not a key") from None
    if len(raw) != KEY_BYTES:
        raise Unsealable("not a key")
    return raw


def key_pair() -> tuple[str, str]:
    """A new (opening key, sealing key), each as URL-safe text (44 characters)."""
    opening = X25519PrivateKey.generate()
    return _text(opening.private_bytes_raw()), _text(opening.public_key().public_bytes_raw())


def _key(shared: bytes, ephemeral: bytes, recipient: bytes, context: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=ephemeral + recipient,
        info=b"keyprojects sealed v1 " + context,
    ).derive(shared)


def seal(sealing_key: str, secret: bytes, *, context: bytes) -> bytes:
    """``secret`` sealed for the holder of ``sealing_key``'s opening key."""
    recipient = _raw(sealing_key)
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    sender = ephemeral.public_key().public_bytes_raw()
    nonce = os.urandom(NONCE_BYTES)
    box = AESGCM(_key(shared, sender, recipient, context))
    return VERSION + sender + nonce + box.encrypt(nonce, secret, context)


def unseal(opening_key: str | None, sealed: bytes, *, context: bytes) -> bytes:
    """The secret ``seal`` sealed; ``Unsealable`` unless ``opening_key`` is its key and the
    bytes are as sealed for ``context``."""
    if not opening_key:
        raise Unsealable("no key")
    opening = X25519PrivateKey.from_private_bytes(_raw(opening_key))
    head = len(VERSION)
    if sealed[:head] != VERSION or len(sealed) < head + KEY_BYTES + NONCE_BYTES:
        raise Unsealable("not sealed here")
    sender = sealed[head : head + KEY_BYTES]
    nonce = sealed[head + KEY_BYTES : head + KEY_BYTES + NONCE_BYTES]
    recipient = opening.public_key().public_bytes_raw()
    try:
        shared = opening.exchange(X25519PublicKey.from_public_bytes(sender))
        box = AESGCM(_key(shared, sender, recipient, context))
        return box.decrypt(nonce, sealed[head + KEY_BYTES + NONCE_BYTES :], context)
    except (InvalidTag, ValueError):
        raise Unsealable("not this key, or changed") from None

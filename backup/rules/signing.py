"""The backup's keyed checksum: an HMAC-SHA256 over the manifest, which holds a SHA-256 of
every member. A bare checksum only catches damage (anyone who edits data.jsonl can recompute
it); the HMAC needs the installation's secret, so an edited backup is refused.

The key is ``BACKUP_KEY`` when set, otherwise ``SECRET_KEY``: the production environment file
already keeps SECRET_KEY, and it must be kept for a new machine after a disaster anyway.
Keys earlier in use stay accepted for restoring: SECRET_KEY and SECRET_KEY_FALLBACKS when
BACKUP_KEY is set later, and SECRET_KEY_FALLBACKS after a rotation. The manifest names its
key by a short fingerprint (an HMAC of a fixed text, which reveals nothing of the key), so a
restore on a machine with another key says which key is missing instead of "edited".
"""

import hmac
import json

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "keyprojects.backup.manifest"
KEY_ID_TEXT = "keyprojects.backup.key-id"
SIGNATURE = "signature"
KEY_ID = "key_id"


def _keys() -> list[str]:
    """The signing key first, then the earlier ones still accepted for restoring."""
    candidates = [
        getattr(settings, "BACKUP_KEY", ""),
        settings.SECRET_KEY,
        *getattr(settings, "SECRET_KEY_FALLBACKS", []),
    ]
    keys: list[str] = []
    for key in candidates:
        if key and key not in keys:
            keys.append(key)
    return keys


# config/settings.py's SECRET_KEY on a developer's machine (DEBUG on, no SECRET_KEY set):
# public, so a backup signed with it proves nothing.
DEVELOPMENT_KEY = "dev-only-secret-key-change-me"


def signs_with_the_development_key() -> bool:
    return _keys()[0] == DEVELOPMENT_KEY


def key_id(key: str) -> str:
    return salted_hmac(SALT, KEY_ID_TEXT, secret=key, algorithm="sha256").hexdigest()[:12]


def _canonical(manifest: dict) -> bytes:
    unsigned = {name: value for name, value in manifest.items() if name != SIGNATURE}
    return json.dumps(unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _mac(manifest: dict, key: str) -> str:
    return salted_hmac(SALT, _canonical(manifest), secret=key, algorithm="sha256").hexdigest()


def sign(manifest: dict) -> dict:
    """The manifest with the signing key's fingerprint and its HMAC."""
    key = _keys()[0]
    signed = {**manifest, KEY_ID: key_id(key)}
    signed[SIGNATURE] = _mac(signed, key)
    return signed


class SignatureError(Exception):
    """Why a manifest's signature is not accepted, in Chinese for the operator."""


def verify(manifest: dict) -> None:
    signature = manifest.get(SIGNATURE)
    wanted = manifest.get(KEY_ID)
    if not isinstance(signature, str) or not isinstance(wanted, str):
        raise SignatureError("备份清单没有签名（密钥校验值），无法确认备份未被改动，拒绝恢复。")
    keys = {key_id(key): key for key in _keys()}
    if wanted not in keys:
        raise SignatureError(
            f"备份文件由另一个密钥签名（密钥编号 {wanted}），本机的备份密钥"
            f"（编号 {key_id(_keys()[0])}）无法校验它，拒绝恢复。"
            "请在本机的环境变量 BACKUP_KEY 中设置做备份的系统所用的备份密钥"
            "（那台系统未设 BACKUP_KEY 时，即其 SECRET_KEY）后再恢复。"
        )
    if not hmac.compare_digest(signature, _mac(manifest, keys[wanted])):
        raise SignatureError(
            "备份文件的签名校验失败：备份的数据或清单在备份之后被改动过，拒绝恢复。"
            "请改用未经改动的备份文件。"
        )

"""Personal data at rest: authenticated encryption and keyed blind indexes.

Document and phone numbers are stored encrypted (AES-256-GCM, or SM4-GCM where the national
suite is configured with `TONGBAN_CRYPTO_SUITE=sm`) and found by a blind index: a keyed
hash (HMAC-SHA256, or HMAC-SM3) of the normalised value, so equality look-ups work without
the database ever holding the number. Keys come from `TONGBAN_DATA_KEY` (32 bytes, base64);
without it (development and tests only) they are derived from the secret key.

A ciphertext names its suite (`a1:` / `s1:`), so an instance that switches suites still
reads what it wrote before; blind indexes depend on the suite, so a switch needs the
indexes rebuilt.
"""

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SUITES = ("aes", "sm")


class DecryptionFailed(Exception):
    """A stored value could not be decrypted: a wrong key, or the value was altered."""


@functools.cache
def _master_key() -> bytes:
    configured = getattr(settings, "DATA_KEY", "")
    if configured:
        key = base64.b64decode(configured)
        if len(key) != 32:
            raise ValueError("TONGBAN_DATA_KEY must be 32 bytes, base64-encoded")
        return key
    return hashlib.sha256(b"tongban-data-key:" + settings.SECRET_KEY.encode()).digest()


@functools.cache
def _subkey(label: str, length: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=None, info=label.encode()
    ).derive(_master_key())


def _suite() -> str:
    suite = getattr(settings, "CRYPTO_SUITE", "aes")
    if suite not in SUITES:
        raise ValueError(f"unknown crypto suite {suite!r}; use one of {SUITES}")
    return str(suite)


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt a short text; `context` (e.g. "person.document") is bound as associated data."""
    nonce = os.urandom(12)
    data = plaintext.encode()
    if _suite() == "sm":
        encryptor = Cipher(
            algorithms.SM4(_subkey("tongban-sm4", 16)), modes.GCM(nonce)
        ).encryptor()
        encryptor.authenticate_additional_data(context.encode())
        sealed = encryptor.update(data) + encryptor.finalize() + encryptor.tag
        prefix = "s1:"
    else:
        sealed = AESGCM(_subkey("tongban-aes", 32)).encrypt(
            nonce, data, context.encode()
        )
        prefix = "a1:"
    return prefix + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, *, context: str) -> str:
    prefix, _sep, body = token.partition(":")
    try:
        raw = base64.b64decode(body)
        nonce, sealed = raw[:12], raw[12:]
        if prefix == "s1":
            decryptor = Cipher(
                algorithms.SM4(_subkey("tongban-sm4", 16)),
                modes.GCM(nonce, sealed[-16:]),
            ).decryptor()
            decryptor.authenticate_additional_data(context.encode())
            data = decryptor.update(sealed[:-16]) + decryptor.finalize()
        elif prefix == "a1":
            data = AESGCM(_subkey("tongban-aes", 32)).decrypt(
                nonce, sealed, context.encode()
            )
        else:
            raise DecryptionFailed(f"unknown ciphertext format {prefix!r}")
    except DecryptionFailed:
        raise
    except Exception as error:  # InvalidTag, bad base64, short input
        raise DecryptionFailed(str(error) or type(error).__name__) from error
    return data.decode()


def blind_index(value: str, *, kind: str) -> str:
    """A keyed hash of a normalised value, for equality look-ups."""
    key = _subkey("tongban-blind-index", 32)
    message = f"{kind}:{value}".encode()
    if _suite() == "sm":
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(message)
        return "s" + mac.finalize().hex()[:63]
    return "a" + hmac.new(key, message, hashlib.sha256).hexdigest()[:63]


def secret_digest(value: str) -> str:
    """A keyed digest of a short-lived secret (SMS code, refresh token) for comparison."""
    return hmac.new(
        _subkey("tongban-secret-digest", 32), value.encode(), hashlib.sha256
    ).hexdigest()

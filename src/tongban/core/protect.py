"""Personal data at rest: authenticated encryption and keyed blind indexes, under a keyring.

Document and phone numbers are stored encrypted (AES-256-GCM, or SM4-GCM where the national
suite is configured with `TONGBAN_CRYPTO_SUITE=sm`) and found by a blind index: a keyed
hash (HMAC-SHA256, or HMAC-SM3) of the normalised value, so equality look-ups work without
the database ever holding the number.

Keys: a ring of master keys, each 32 bytes in base64 — `TONGBAN_DATA_KEY`, the current one,
which everything new is written under, and `TONGBAN_DATA_KEY_PREVIOUS` (comma-separated),
keys that are only read, until `tongban keys rotate` has moved everything off them. Without
`TONGBAN_DATA_KEY` (development and tests only) the current key is derived from the secret
key. Every subkey (cipher, blind index, secret digest) is an HKDF subkey of a master key.

A key is named by its id: eight hex characters of an HKDF subkey of its own ("tongban-key-
id"), so an id cannot name the wrong key and says nothing about it. Every value names the
suite and the key it was made with:

- ciphertexts `a2:<id>:` / `s2:<id>:` + base64(nonce + ciphertext + tag);
- blind indexes `a2:<id>:` / `s2:<id>:` + 52 hex characters (208 bits) of the HMAC;
- secret digests `d2:<id>:` + 52 hex characters of HMAC-SHA256.

Values written before key ids (`a1:` / `s1:` ciphertexts, `a` / `s` + 63 hex indexes, 64
hex digests) still read: they are tried under every key of the ring. Look-ups by index or
digest use `blind_indexes` / `secret_digests`: the value under every key and suite of the
ring, in both formats, so nobody is missed while a rotation is under way.
"""

import base64
import binascii
import functools
import hashlib
import hmac
import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SUITES = ("aes", "sm")
# The letter that starts a ciphertext or index of each suite; secret digests start with "d".
SUITE_LETTERS = {"aes": "a", "sm": "s"}
DIGEST_LETTER = "d"
# A key id in a value: "a2:" then 8 hex characters then ":" — the id is value[3:11].
KEY_ID_LENGTH = 8
PREFIX_LENGTH = 3 + KEY_ID_LENGTH + 1
# Hex characters of an index or digest after its prefix: the columns hold 64 characters.
MAC_HEX_LENGTH = 64 - PREFIX_LENGTH
# What `value_key_id` answers for a value written before key ids.
LEGACY = "legacy"


class DecryptionFailed(Exception):
    """A stored value could not be decrypted: a key not in the ring, or an altered value."""


@dataclass(frozen=True)
class DataKey:
    """A master key of the ring and its id (safe to show and to store beside values)."""

    id: str
    secret: bytes = field(repr=False)


@functools.cache
def _subkey(secret: bytes, label: str, length: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=length, salt=None, info=label.encode()
    ).derive(secret)


def _data_key(secret: bytes) -> DataKey:
    return DataKey(id=_subkey(secret, "tongban-key-id", 4).hex(), secret=secret)


def _decoded(text: str, setting: str) -> bytes:
    try:
        secret = base64.b64decode(text, validate=True)
    except binascii.Error:
        secret = b""
    if len(secret) != 32:
        raise ValueError(f"{setting} must hold keys of 32 bytes, base64-encoded")
    return secret


@functools.cache
def _ring(
    current: str, previous: tuple[str, ...], secret_key: str
) -> tuple[DataKey, ...]:
    if current:
        first = _data_key(_decoded(current, "TONGBAN_DATA_KEY"))
    else:
        first = _data_key(
            hashlib.sha256(b"tongban-data-key:" + secret_key.encode()).digest()
        )
    ring = [first]
    for text in previous:
        key = _data_key(_decoded(text, "TONGBAN_DATA_KEY_PREVIOUS"))
        if all(key.id != known.id for known in ring):
            ring.append(key)
    return tuple(ring)


def keyring() -> tuple[DataKey, ...]:
    """The keys of the ring, the current one first (read from the settings at each call)."""
    previous = getattr(settings, "DATA_KEY_PREVIOUS", ()) or ()
    if isinstance(previous, str):
        previous = previous.split(",")
    return _ring(
        getattr(settings, "DATA_KEY", "") or "",
        tuple(text.strip() for text in previous if text.strip()),
        str(settings.SECRET_KEY),
    )


def key_new() -> DataKey:
    """A new random master key (`tongban keys generate`)."""
    return _data_key(os.urandom(32))


def current_key() -> DataKey:
    return keyring()[0]


def current_key_configured() -> bool:
    """Whether the current key is one given by the deployment (not derived)."""
    return bool(getattr(settings, "DATA_KEY", ""))


def _key_by_id(key_id: str) -> DataKey | None:
    return next((key for key in keyring() if key.id == key_id), None)


def suite() -> str:
    chosen = getattr(settings, "CRYPTO_SUITE", "aes")
    if chosen not in SUITES:
        raise ValueError(f"unknown crypto suite {chosen!r}; use one of {SUITES}")
    return str(chosen)


def current_prefix() -> str:
    """How every ciphertext and index written now starts; a value that does not is one
    `tongban keys rotate` rewrites."""
    return f"{SUITE_LETTERS[suite()]}2:{current_key().id}:"


def value_key_id(value: str) -> str:
    """The id of the key a stored value was made with; `LEGACY` for a value from before
    key ids (its key is not named), "" for an empty value."""
    if not value:
        return ""
    if _is_named(value):
        return value[3 : 3 + KEY_ID_LENGTH]
    return LEGACY


def _is_named(value: str) -> bool:
    return (
        len(value) > PREFIX_LENGTH
        and value[0] in "asd"
        and value[1:3] == "2:"
        and value[PREFIX_LENGTH - 1] == ":"
    )


# --- encryption --------------------------------------------------------------------------


def _seal(chosen: str, key: DataKey, nonce: bytes, data: bytes, context: str) -> bytes:
    if chosen == "sm":
        encryptor = Cipher(
            algorithms.SM4(_subkey(key.secret, "tongban-sm4", 16)), modes.GCM(nonce)
        ).encryptor()
        encryptor.authenticate_additional_data(context.encode())
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag
    return AESGCM(_subkey(key.secret, "tongban-aes", 32)).encrypt(
        nonce, data, context.encode()
    )


def _open(chosen: str, key: DataKey, body: str, context: str) -> str:
    try:
        raw = base64.b64decode(body)
        nonce, sealed = raw[:12], raw[12:]
        if chosen == "sm":
            decryptor = Cipher(
                algorithms.SM4(_subkey(key.secret, "tongban-sm4", 16)),
                modes.GCM(nonce, sealed[-16:]),
            ).decryptor()
            decryptor.authenticate_additional_data(context.encode())
            data = decryptor.update(sealed[:-16]) + decryptor.finalize()
        else:
            data = AESGCM(_subkey(key.secret, "tongban-aes", 32)).decrypt(
                nonce, sealed, context.encode()
            )
        return data.decode()
    except Exception as error:  # InvalidTag, bad base64, short input
        raise DecryptionFailed(str(error) or type(error).__name__) from error


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt a short text under the current key; `context` (e.g. "person.document") is
    bound as associated data, so a value moved to another column does not decrypt."""
    chosen, key = suite(), current_key()
    nonce = os.urandom(12)
    sealed = _seal(chosen, key, nonce, plaintext.encode(), context)
    prefix = f"{SUITE_LETTERS[chosen]}2:{key.id}:"
    return prefix + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, *, context: str) -> str:
    """Decrypt a value made under any key of the ring, in either format."""
    letter, version = token[:1], token[1:3]
    chosen = next((s for s, a in SUITE_LETTERS.items() if a == letter), "")
    if chosen and version == "2:" and _is_named(token):
        key_id = token[3 : 3 + KEY_ID_LENGTH]
        key = _key_by_id(key_id)
        if key is None:
            raise DecryptionFailed(
                f"key {key_id} is not in the keyring "
                "(TONGBAN_DATA_KEY, TONGBAN_DATA_KEY_PREVIOUS)"
            )
        return _open(chosen, key, token[PREFIX_LENGTH:], context)
    if chosen and version == "1:":
        failure = DecryptionFailed("no key of the ring opens it")
        for key in keyring():  # the current key first: most values are under it
            try:
                return _open(chosen, key, token[3:], context)
            except DecryptionFailed as error:
                failure = error
        raise failure
    raise DecryptionFailed(f"unknown ciphertext format {token[:3]!r}")


# --- blind indexes and secret digests ---------------------------------------------------


def _mac(key: DataKey, chosen: str, message: bytes) -> str:
    secret = _subkey(key.secret, "tongban-blind-index", 32)
    if chosen == "sm":
        mac = crypto_hmac.HMAC(secret, hashes.SM3())
        mac.update(message)
        return mac.finalize().hex()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def blind_index(value: str, *, kind: str) -> str:
    """The index to store: a keyed hash of a normalised value under the current key."""
    chosen, key = suite(), current_key()
    digest = _mac(key, chosen, f"{kind}:{value}".encode())
    return f"{SUITE_LETTERS[chosen]}2:{key.id}:{digest[:MAC_HEX_LENGTH]}"


def blind_indexes(value: str, *, kind: str) -> tuple[str, ...]:
    """Every index the value may be stored under — each key and suite of the ring, new
    format and old — the one `blind_index` writes first. Look-ups filter with `__in`."""
    message = f"{kind}:{value}".encode()
    current_suite = suite()
    suites = (current_suite, *(s for s in SUITES if s != current_suite))
    named, legacy = [], []
    for key in keyring():
        for chosen in suites:
            digest = _mac(key, chosen, message)
            letter = SUITE_LETTERS[chosen]
            named.append(f"{letter}2:{key.id}:{digest[:MAC_HEX_LENGTH]}")
            legacy.append(letter + digest[:63])
    return (*named, *legacy)


def _digest(key: DataKey, value: str) -> str:
    secret = _subkey(key.secret, "tongban-secret-digest", 32)
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def secret_digest(value: str) -> str:
    """A keyed digest of a short-lived secret (SMS code, refresh token) for comparison."""
    key = current_key()
    return f"{DIGEST_LETTER}2:{key.id}:{_digest(key, value)[:MAC_HEX_LENGTH]}"


def secret_digests(value: str) -> tuple[str, ...]:
    """Every digest the secret may be stored under (each key of the ring, both formats)."""
    ring = keyring()
    named = [
        f"{DIGEST_LETTER}2:{key.id}:{_digest(key, value)[:MAC_HEX_LENGTH]}"
        for key in ring
    ]
    return (*named, *(_digest(key, value) for key in ring))


def secret_digest_matches(value: str, digest: str) -> bool:
    """Whether `digest` (stored) is the secret's digest under any key of the ring."""
    return any(
        hmac.compare_digest(digest, candidate) for candidate in secret_digests(value)
    )

"""Identifiers at rest: the blind indexes by which a person is found by document or phone
without the number ever being stored in clear. Writes store `document_index` /
`phone_index` (the current key); look-ups match any of `document_indexes` /
`phone_indexes` (every key of the ring), so a key rotation under way never hides anyone."""

from tongban.core import protect


def document_index(doc_type: str, number: str) -> str:
    return protect.blind_index(f"{doc_type}:{number}", kind="document")


def document_indexes(doc_type: str, number: str) -> tuple[str, ...]:
    return protect.blind_indexes(f"{doc_type}:{number}", kind="document")


def phone_index(e164: str) -> str:
    return protect.blind_index(e164, kind="phone")


def phone_indexes(e164: str) -> tuple[str, ...]:
    return protect.blind_indexes(e164, kind="phone")

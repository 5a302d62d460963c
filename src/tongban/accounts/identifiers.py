"""Identifiers at rest: the blind indexes by which a person is found by document or phone
without the number ever being stored in clear. Reads and writes both use them."""

from tongban.core import protect


def document_index(doc_type: str, number: str) -> str:
    return protect.blind_index(f"{doc_type}:{number}", kind="document")


def phone_index(e164: str) -> str:
    return protect.blind_index(e164, kind="phone")

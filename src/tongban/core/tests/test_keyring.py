"""The data key's ring: values name their key, any key of the ring reads, the current one
writes, and what the release before key ids wrote still reads and is still found."""

import base64

import pytest
from django.test import override_settings

from tongban.core import protect

OLD = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # bytes 0..31
NEW = base64.b64encode(bytes(range(100, 132))).decode()
NUMBER = "310115198506120317"
PHONE = "+8613812345678"

# Written by the release before key ids, under OLD (tongban.core.protect at e186236).
LEGACY_AES = "a1:2jb2fTgGHngrYP3FVFFk8jwdOPtm+AfeHqHLOCMDUZXDwIjc5zeEO9g19266YQ=="
LEGACY_SM4 = "s1:a4tyzl5BRFchMqA23dLFd5lq1JZSDE7Z7bD/Ain6wfAxeP8gOChV6cZe"
LEGACY_INDEX_AES = "ae80f37292964a22e80a47535c224ec90a7fe41b823e956295b7208355d3691e"
LEGACY_INDEX_SM3 = "s09cfc3b24dc2ae1de4bac97f48f50b50cdad3081ce526f65c90bcb54e3f565a"
LEGACY_DIGEST = "840b076806af12989eca049bff4bce2b8b2823ee4c7c1c3b1e79d4cc1635ded3"


def _id(key: str) -> str:
    with override_settings(DATA_KEY=key, DATA_KEY_PREVIOUS=[]):
        return protect.current_key().id


def test_a_key_id_is_eight_hex_characters_fixed_by_the_key() -> None:
    assert _id(OLD) == "b881d0a5"  # HKDF-SHA256(key, info="tongban-key-id")[:4]
    assert _id(NEW) != _id(OLD)
    assert len(_id(NEW)) == 8


@override_settings(DATA_KEY=NEW, DATA_KEY_PREVIOUS=[OLD])
def test_values_name_the_current_key_and_any_key_of_the_ring_reads() -> None:
    new_id, old_id = _id(NEW), _id(OLD)
    assert [key.id for key in protect.keyring()] == [new_id, old_id]
    token = protect.encrypt(NUMBER, context="person.document")
    assert token.startswith(f"a2:{new_id}:")
    assert protect.decrypt(token, context="person.document") == NUMBER
    assert protect.value_key_id(token) == new_id
    with override_settings(DATA_KEY=OLD, DATA_KEY_PREVIOUS=[]):
        old_token = protect.encrypt(NUMBER, context="person.document")
    assert protect.value_key_id(old_token) == old_id
    assert protect.decrypt(old_token, context="person.document") == NUMBER
    index = protect.blind_index(NUMBER, kind="document")
    assert index.startswith(f"a2:{new_id}:") and len(index) == 64
    assert protect.secret_digest("code").startswith(f"d2:{new_id}:")


def test_a_value_under_a_key_not_in_the_ring_says_which_key() -> None:
    with override_settings(DATA_KEY=OLD, DATA_KEY_PREVIOUS=[]):
        token = protect.encrypt(NUMBER, context="person.document")
    with (
        override_settings(DATA_KEY=NEW, DATA_KEY_PREVIOUS=[]),
        pytest.raises(protect.DecryptionFailed, match=f"key {_id(OLD)} is not in"),
    ):
        protect.decrypt(token, context="person.document")


@override_settings(DATA_KEY=NEW, DATA_KEY_PREVIOUS=[OLD])
def test_what_the_release_before_key_ids_wrote_reads_under_any_key_of_the_ring() -> (
    None
):
    assert protect.decrypt(LEGACY_AES, context="person.document") == NUMBER
    assert protect.decrypt(LEGACY_SM4, context="person.phone") == PHONE
    assert protect.value_key_id(LEGACY_AES) == protect.LEGACY
    assert protect.value_key_id(LEGACY_INDEX_AES) == protect.LEGACY
    with (
        override_settings(DATA_KEY=NEW, DATA_KEY_PREVIOUS=[]),
        pytest.raises(protect.DecryptionFailed),
    ):
        protect.decrypt(LEGACY_AES, context="person.document")
    # Found by every index the number may be stored under: both formats, both suites.
    assert LEGACY_INDEX_AES in protect.blind_indexes(
        f"resident_id:{NUMBER}", kind="document"
    )
    assert LEGACY_INDEX_SM3 in protect.blind_indexes(PHONE, kind="phone")
    assert protect.secret_digest_matches("refresh-token", LEGACY_DIGEST)
    assert not protect.secret_digest_matches("another-token", LEGACY_DIGEST)


def test_look_ups_find_an_index_or_digest_made_under_the_previous_key() -> None:
    with override_settings(DATA_KEY=OLD, DATA_KEY_PREVIOUS=[]):
        old_index = protect.blind_index(PHONE, kind="phone")
        old_digest = protect.secret_digest("123456")
    with override_settings(DATA_KEY=NEW, DATA_KEY_PREVIOUS=[OLD]):
        candidates = protect.blind_indexes(PHONE, kind="phone")
        assert candidates[0] == protect.blind_index(PHONE, kind="phone")
        assert old_index in candidates
        assert old_index not in protect.blind_indexes("+8613800000000", kind="phone")
        assert protect.secret_digest_matches("123456", old_digest)
        assert old_digest in protect.secret_digests("123456")
    with override_settings(DATA_KEY=NEW, DATA_KEY_PREVIOUS=[]):  # the old key retired
        assert old_index not in protect.blind_indexes(PHONE, kind="phone")
        assert not protect.secret_digest_matches("123456", old_digest)


@override_settings(DATA_KEY=NEW, DATA_KEY_PREVIOUS=[OLD], CRYPTO_SUITE="sm")
def test_the_national_suite_names_its_key_too() -> None:
    token = protect.encrypt(PHONE, context="person.phone")
    assert token.startswith(f"s2:{_id(NEW)}:")
    assert protect.decrypt(token, context="person.phone") == PHONE
    assert protect.current_prefix() == f"s2:{_id(NEW)}:"
    with override_settings(CRYPTO_SUITE="aes"):  # an AES index before a switch: found
        aes_index = protect.blind_index(PHONE, kind="phone")
    assert aes_index in protect.blind_indexes(PHONE, kind="phone")


@pytest.mark.parametrize("previous", [["not base64!"], ["c2hvcnQ="]])
def test_a_previous_key_that_is_not_32_bytes_of_base64_is_refused(
    previous: list[str],
) -> None:
    with (
        override_settings(DATA_KEY=NEW, DATA_KEY_PREVIOUS=previous),
        pytest.raises(ValueError, match="TONGBAN_DATA_KEY_PREVIOUS"),
    ):
        protect.keyring()


def test_the_previous_keys_may_be_given_as_one_comma_separated_text() -> None:
    third = base64.b64encode(bytes(range(200, 232))).decode()
    with override_settings(DATA_KEY=NEW, DATA_KEY_PREVIOUS=f"{OLD}, {third},{OLD}"):
        assert [key.id for key in protect.keyring()] == [_id(NEW), _id(OLD), _id(third)]

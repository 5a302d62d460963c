"""Every column that holds a value made with the data key is declared for `tongban keys`,
so a new encrypted field cannot be left out of a rotation unnoticed."""

import re

from django.apps import apps
from django.db import models

from tongban.ops.keyed import REGISTRY

KEYED_NAME = re.compile(r"_(encrypted|index|digest)$")


def test_every_encrypted_index_and_digest_column_is_declared() -> None:
    found = {
        (model._meta.label_lower, field.name)
        for model in apps.get_models()
        if model._meta.app_label != "ops"
        for field in model._meta.get_fields()
        if isinstance(field, models.Field) and KEYED_NAME.search(field.name)
    }
    declared = {
        (table.label, column) for table in REGISTRY.values() for column in table.columns
    }
    assert found - declared == set()
    assert found == {
        ("accounts.person", "doc_encrypted"),
        ("accounts.person", "doc_index"),
        ("accounts.person", "phone_encrypted"),
        ("accounts.person", "phone_index"),
        ("accounts.staffprofile", "totp_encrypted"),
        ("accounts.smschallenge", "phone_index"),
        ("accounts.smschallenge", "code_digest"),
        ("accounts.apisession", "refresh_digest"),
        ("notifications.outboxmessage", "to_encrypted"),
    }


def test_what_is_rewritten_and_what_ages_out() -> None:
    rotated = [label for label, table in REGISTRY.items() if table.is_rotated]
    # Companies before people: a holder's old index is matched against people not yet
    # rotated (accounts/keyed.py).
    assert rotated == [
        "accounts.company",
        "accounts.person",
        "accounts.staffprofile",
        "notifications.outboxmessage",
    ]
    ageing = {label for label, table in REGISTRY.items() if not table.is_rotated}
    assert ageing == {"accounts.smschallenge", "accounts.apisession"}

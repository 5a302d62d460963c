"""The backend of each outside system is the class its setting names, read at call time."""

from typing import Any, ClassVar

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tongban.contrib import registries
from tongban.contrib.backends import backend_for
from tongban.contrib.registries import IdentityAnswer
from tongban.contrib.registries.http import HttpEntityRegistry, HttpPopulationRegistry
from tongban.contrib.sms import sms_send
from tongban.contrib.sms.http import HttpSmsGateway

HERE = __name__


class PagerGateway:
    """A second SMS gateway: a different outside system that keeps what it is handed."""

    sent: ClassVar[list[tuple[str, str, str]]] = []

    def __init__(self, system: str) -> None:
        self.system = system

    def send(self, phone: str, text: str, *, key: str = "") -> str:
        message_id = f"pager-{len(self.sent) + 1}"
        self.sent.append((self.system, phone, text))
        return message_id


class CountyPopulationRegistry:
    """A second population registry that knows one person."""

    def __init__(self, system: str) -> None:
        self.system = system

    def identity_check(self, **query: Any) -> IdentityAnswer:
        known = query["number"] == "110101199003077777" and query["name"] == "王五"
        return IdentityAnswer(
            registry=self.system, matches=known, reason="" if known else "not_found"
        )

    def held_documents(
        self, *, holder: str, dataset: str | None
    ) -> list[dict[str, Any]]:
        return [{"holder": holder, "dataset": dataset, "issuer": "county"}]

    def guardianship_check(self, **query: str) -> bool:
        return False


def test_the_default_backends_are_the_http_clients() -> None:
    assert isinstance(backend_for("sms"), HttpSmsGateway)
    assert isinstance(backend_for("registry", "population"), HttpPopulationRegistry)
    assert isinstance(backend_for("registry", "legal_entity"), HttpEntityRegistry)
    assert backend_for("registry", "exit_entry").system == "exit_entry"


def test_the_sms_backend_setting_selects_the_class() -> None:
    PagerGateway.sent.clear()
    with override_settings(SMS_BACKEND=f"{HERE}.PagerGateway"):
        assert sms_send("+8613800138000", "您的验证码是 123456") == "pager-1"
    assert PagerGateway.sent == [("sms", "+8613800138000", "您的验证码是 123456")]


def test_each_registry_is_selected_by_its_name() -> None:
    backends = {
        "population": f"{HERE}.CountyPopulationRegistry",
        "exit_entry": "tongban.contrib.registries.http.HttpPersonRegistry",
        "legal_entity": "tongban.contrib.registries.http.HttpEntityRegistry",
    }
    with override_settings(REGISTRY_BACKENDS=backends):
        answer = registries.identity_check(
            name="王五",
            doc_type="resident_id",
            number="110101199003077777",
            nationality="CHN",
        )
        held = registries.held_documents("population", holder="X", dataset="hukou")
        assert isinstance(
            backend_for("registry", "exit_entry"), registries.http.HttpPersonRegistry
        )
    assert answer == IdentityAnswer(registry="population", matches=True, reason="")
    assert held == [{"holder": "X", "dataset": "hukou", "issuer": "county"}]


def test_the_backend_is_made_once_per_setting_value() -> None:
    first = backend_for("sms")
    assert backend_for("sms") is first
    with override_settings(SMS_BACKEND=f"{HERE}.PagerGateway"):
        assert isinstance(backend_for("sms"), PagerGateway)
    assert backend_for("sms") is first


def test_an_unknown_dotted_path_is_a_clear_error() -> None:
    with (
        override_settings(SMS_BACKEND="tongban.contrib.sms.nowhere.Gateway"),
        pytest.raises(ImproperlyConfigured) as raised,
    ):
        sms_send("+8613800138000", "text")
    assert str(raised.value).startswith(
        "SMS_BACKEND = 'tongban.contrib.sms.nowhere.Gateway' cannot be imported: "
    )
    with (
        override_settings(SMS_BACKEND=f"{HERE}.NoSuchGateway"),
        pytest.raises(ImproperlyConfigured, match="NoSuchGateway"),
    ):
        sms_send("+8613800138000", "text")


def test_an_unknown_registry_name_is_a_clear_error() -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        registries.held_documents("tax", holder="X")
    assert str(raised.value) == (
        "REGISTRY_BACKENDS has no 'tax' (it has: exit_entry, legal_entity, population)"
    )

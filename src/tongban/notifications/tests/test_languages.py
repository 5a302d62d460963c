"""Each person hears in their language: the inbox, SMS and email of one step in English for
an English-preferring person and in Chinese for a Chinese-preferring one, the service by
its English name; every message exists in both languages."""

import re

import pytest
from django.core import mail
from django.utils import translation

from tongban.accounts.constants import SmsPurpose
from tongban.accounts.models import Person
from tongban.accounts.services.sms_codes import sms_code_text
from tongban.cases.models import Case
from tongban.cases.tests.conftest import CHAN, SMITH, World
from tongban.core import clock
from tongban.notifications.messages import STAFF_TEMPLATES, TEMPLATES
from tongban.notifications.models import Notification
from tongban.notifications.services import message_render, outbox_due, sms_signed

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# Every value a message may name, so each template renders whole.
CONTEXT = {
    "service": "个体工商户登记",
    "service_en": "Registration of an individual business",
    "number": "310115-20261202-0001-00001",
    "new_number": "310115-20261202-0002-00001",
    "legal_deadline": "2026-12-30",
    "department": "上海市浦东新区市场监督管理局",
    "department_en": "Pudong New Area Administration for Market Regulation",
    "from_department": "上海市市场监督管理局",
    "from_department_en": "Shanghai Administration for Market Regulation",
    "reason": "duplicate",
}


def test_one_step_reaches_each_person_in_their_language(world: World) -> None:
    smith = Person.objects.get(name=SMITH[0])
    chan = Person.objects.get(name=CHAN[0])
    assert (smith.language, chan.language) == ("en", "zh-hans")  # passport, HMT permit
    Person.objects.filter(pk__in=[smith.pk, chan.pk]).update(
        email_confirmed_at=clock.now()
    )
    Person.objects.filter(pk=smith.pk).update(email="smith@example.co.uk")
    Person.objects.filter(pk=chan.pk).update(email="chan@example.hk")
    with translation.override("zh-hans"):  # the language of the page it was done on
        number = world.apply().json()["number"]
    case = Case.objects.get(number=number)
    context = {"service": case.item.name, "service_en": case.item.name_en}
    context.update(number=number, legal_deadline="")
    english = message_render(TEMPLATES["case.submit"], context, "en")
    chinese = message_render(TEMPLATES["case.submit"], context, "zh-hans")
    assert case.item.name_en and case.item.name_en in english[0]
    assert case.item.name in chinese[0]

    inbox = {n.recipient_id: n for n in Notification.objects.filter(case=case)}
    assert (inbox[smith.pk].title, inbox[smith.pk].body) == english
    assert (inbox[chan.pk].title, inbox[chan.pk].body) == chinese
    assert world.representative.get("/me/notifications").json()["items"][0][
        "title"
    ] == english[0]  # fmt: skip

    assert outbox_due() == 4
    to_smith = world.api.standins.sms("+447911123456")[-1]["text"]
    to_chan = world.api.standins.sms("+85291234567")[-1]["text"]
    assert to_smith == sms_signed(english[1], "en")
    assert to_chan == f"【通办】{chinese[1]}"
    mails = {m.to[0]: m for m in mail.outbox}
    assert mails["smith@example.co.uk"].subject == english[0]
    assert mails["smith@example.co.uk"].body == english[1]
    assert mails["chan@example.hk"].subject == chinese[0]
    # English is English once the lead's translations are in: no Chinese left
    assert not CJK.search(to_smith), to_smith
    assert not CJK.search(english[0] + english[1]), english


def test_a_changed_language_applies_to_the_next_message(world: World) -> None:
    number = world.apply().json()["number"]
    changed = world.handler.client.patch(
        "/api/v1/me",
        {"language": "en"},
        content_type="application/json",
        headers=world.handler._headers(),
    )
    assert changed.status_code == 200
    world.act(world.clerk, number, "accept")
    chan = Person.objects.get(name=CHAN[0])
    first, second = Notification.objects.filter(recipient=chan).order_by("pk")
    case = Case.objects.get(number=number)
    names = {"service": case.item.name, "service_en": case.item.name_en}
    context = {**CONTEXT, **names, "number": number}
    assert (
        first.title == message_render(TEMPLATES["case.submit"], context, "zh-hans")[0]
    )
    assert second.title == message_render(TEMPLATES["case.accept"], context, "en")[0]


def test_an_english_message_falls_back_to_the_chinese_name_only_when_none_is_given() -> (
    None
):
    without = {**CONTEXT, "service_en": ""}
    title, _text = message_render(TEMPLATES["case.submit"], without, "en")
    assert CONTEXT["service"] in title
    title, text = message_render(TEMPLATES["case.forward"], CONTEXT, "en")
    assert CONTEXT["service_en"] in title
    assert CONTEXT["department_en"] in text
    assert CONTEXT["department"] not in text


def test_staff_messages_are_in_chinese_whatever_the_pages_language() -> None:
    with translation.override("en"):
        title, _text = message_render(
            STAFF_TEMPLATES["staff.withdraw"], CONTEXT, "zh-hans"
        )
    assert title.startswith("申请人已撤回")


@pytest.mark.parametrize(
    "key",
    [*(f"person:{k}" for k in TEMPLATES), *(f"staff:{k}" for k in STAFF_TEMPLATES)],
)
def test_every_message_exists_in_english(key: str) -> None:
    kind, event = key.split(":", 1)
    templates = (TEMPLATES if kind == "person" else STAFF_TEMPLATES)[event]
    chinese = message_render(templates, CONTEXT, "zh-hans")
    english = message_render(templates, CONTEXT, "en")
    for zh, en in zip(chinese, english, strict=True):
        assert en != zh
        assert not CJK.search(en), f"{event}: {en}"


@pytest.mark.parametrize("purpose", SmsPurpose.values)
def test_every_code_sms_exists_in_english(purpose: str) -> None:
    text = sms_code_text(code="123456", minutes=10, purpose=purpose, language="en")
    assert text != sms_code_text(
        code="123456", minutes=10, purpose=purpose, language="zh-hans"
    )
    assert not CJK.search(text), text
    assert not CJK.search(sms_signed("Hello", "en"))

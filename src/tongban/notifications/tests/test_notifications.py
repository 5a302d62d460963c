"""Everyone concerned hears of each step: inbox at once, SMS and email through the outbox,
delayed by an outage but never lost."""

import datetime as dt
from typing import Any

from django.core import mail
from django.test import override_settings

from tongban.accounts.models import Person
from tongban.cases.tests.conftest import World
from tongban.core import clock
from tongban.notifications.models import Notification, OutboxMessage, OutboxStatus
from tongban.notifications.services import backoff, outbox_due


def test_each_step_reaches_the_handler_and_the_representative(world: World) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    inbox = world.handler.get("/me/notifications").json()["items"]
    assert [n["title"].split("：")[0] for n in inbox] == ["申请已受理", "申请已收到"]
    assert inbox[0]["case_number"] == number
    boss = world.representative.get("/me/notifications").json()["items"]
    assert len(boss) == 2  # the legal representative of the office hears too
    assert outbox_due() == 4  # two SMS to each
    texts = [m["text"] for m in world.api.standins.sms("+85291234567")]
    assert any(number in text and "已受理" in text for text in texts)


def test_an_sms_outage_delays_but_never_loses(
    world: World, platform_clock: Any
) -> None:
    world.api.standins.sms_down()
    try:
        number = world.apply().json()["number"]
        assert outbox_due() == 0
        message = OutboxMessage.objects.filter(channel="sms").first()
        assert message is not None
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == 1
        assert "503" in message.last_error
        # nothing is due again until the backoff has passed
        assert outbox_due() == 0
    finally:
        world.api.standins.sms_down(False)
    platform_clock.set_now(clock.now() + backoff(1) + dt.timedelta(seconds=1))
    assert outbox_due() == 2
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2
    assert any(number in m["text"] for m in world.api.standins.sms("+85291234567"))


def test_preferences_and_confirmed_email(world: World) -> None:
    world.handler.client.put(
        "/api/v1/me/notification-preferences",
        {"sms": False, "email": True},
        content_type="application/json",
        headers=world.handler._headers(),
    )
    Person.objects.filter(name="陈美玲").update(
        email="chan@example.hk", email_confirmed_at=clock.now()
    )
    world.apply()
    channels = set(
        OutboxMessage.objects.filter(
            notification__recipient__name="陈美玲"
        ).values_list("channel", flat=True)
    )
    assert channels == {"email"}
    outbox_due()
    assert mail.outbox[-1].to == ["chan@example.hk"]
    assert "申请已收到" in mail.outbox[-1].subject


def test_reading_a_notification(world: World) -> None:
    world.apply()
    first = world.handler.get("/me/notifications").json()["items"][0]
    assert first["read"] is False
    world.handler.post(f"/me/notifications/{first['id']}/read")
    assert world.handler.get("/me/notifications").json()["items"][0]["read"] is True
    assert Notification.objects.filter(read_at__isnull=False).count() == 1


def test_another_persons_notification_is_not_found_and_stays_unread(
    world: World,
) -> None:
    world.apply()
    theirs = world.representative.get("/me/notifications").json()["items"][0]
    answer = world.handler.post(f"/me/notifications/{theirs['id']}/read")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert Notification.objects.get(pk=theirs["id"]).read_at is None
    assert world.handler.post("/me/notifications/999999/read").status_code == 404
    staff = world.clerk.post(f"/workbench/notifications/{theirs['id']}/read")
    assert staff.status_code == 404


def test_the_inbox_pages_with_offset_and_limit(world: World) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    everything = [
        n["id"] for n in world.handler.get("/me/notifications").json()["items"]
    ]
    assert len(everything) >= 2
    page = world.handler.get("/me/notifications", offset="1", limit="1").json()["items"]
    assert [n["id"] for n in page] == everything[1:2]
    assert world.handler.get("/me/notifications", limit="0").status_code == 422


def test_email_goes_over_smtp_to_the_stand_in(world: World) -> None:
    Person.objects.filter(name="陈美玲").update(
        email="chan.mei.ling@example.hk", email_confirmed_at=clock.now()
    )
    with override_settings(
        EMAIL_BACKEND="tongban.contrib.mail.StandinAwareSmtpBackend"
    ):
        number = world.apply().json()["number"]
        outbox_due()
    received = world.api.standins.mail("chan.mei.ling@example.hk")
    assert received, "no mail reached the SMTP stand-in"
    assert number in received[-1]["text"]
    assert received[-1]["subject"].startswith("申请已收到")


def test_a_message_whose_sender_died_mid_send_reaches_the_phone_once(
    world: World, platform_clock: Any
) -> None:
    """The worker handed the SMS to the gateway and died before it could write that down:
    the retry carries the same key, the gateway takes it once, and the row says what
    happened to the attempt that never answered."""
    from tongban.contrib.sms import sms_send

    world.api.standins.sms_down()  # hold the step's messages back for the drill
    try:
        world.apply()
        outbox_due()
    finally:
        world.api.standins.sms_down(False)
    message = OutboxMessage.objects.filter(channel="sms").first()
    assert message is not None and message.idempotency_key
    before = len(world.api.standins.sms(message.to))
    # the dead worker's attempt: leased, handed over, never recorded
    OutboxMessage.objects.filter(pk=message.pk).update(last_error="")
    sms_send(message.to, message.body, key=message.idempotency_key)
    platform_clock.set_now(
        clock.now() + dt.timedelta(hours=7)
    )  # lease and backoff over
    assert outbox_due() >= 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.last_error == "attempt 1 did not finish (the sender stopped)"
    assert len(world.api.standins.sms(message.to)) == before + 1  # once, not twice
    keys = OutboxMessage.objects.values_list("idempotency_key", flat=True)
    assert len(set(keys)) == len(keys)  # every message its own key

"""`tongban keys rotate`: everything under the data key rewritten under the new key, look-ups
that never miss anyone meanwhile, and a rotation interrupted — by an exception, or by
SIGKILL to a real process — and resumed to the same result."""

import base64
import dataclasses
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings

from tongban.accounts.constants import SmsPurpose
from tongban.accounts.identifiers import document_index, phone_index
from tongban.accounts.models import ApiSession, Company, Person, StaffProfile
from tongban.accounts.services import (
    api_session_open,
    api_session_refresh,
    login_password,
    login_sms,
    person_document_set,
    person_phone_set,
    person_register,
    sms_code_send,
    staff_create,
)
from tongban.audit.models import AuditEvent
from tongban.catalog.constants import StaffRole
from tongban.catalog.models import Department
from tongban.core import clock, protect
from tongban.core.documents import DocumentType, document_validate
from tongban.core.errors import Conflict, TooManyAttempts
from tongban.notifications.models import Notification, OutboxMessage
from tongban.notifications.services import _outbox_message
from tongban.ops.keyed import REGISTRY
from tongban.ops.models import KeyRotation, KeyRotationTable

OLD = base64.b64encode(bytes(range(32))).decode()
NEW = base64.b64encode(bytes(range(100, 132))).decode()
PASSWORD = "Tongban-2026-safe"
ADDRESS = "203.0.113.9"
_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def _key_id(key: str) -> str:
    return protect._data_key(base64.b64decode(key)).id


def resident_id(n: int) -> str:
    """The n-th well-formed resident ID number (GB 11643 check character)."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 900)
    body = f"310115{born:%Y%m%d}{100 + n % 900:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def phone(n: int) -> str:
    return f"+86138{n:08d}"


def people_create(count: int, *, start: int = 0) -> list[Person]:
    """People as a counter records them (numbers encrypted and indexed by the same helpers
    the services use), in bulk; every third without a phone."""
    now = clock.now()
    people = []
    for n in range(start, start + count):
        person = Person(name=f"测试{n}", created_at=now, level=2)
        person_document_set(
            person, document_validate(DocumentType.RESIDENT_ID, resident_id(n))
        )
        if n % 3:
            person_phone_set(person, phone(n))
        people.append(person)
    return Person.objects.bulk_create(people)


def with_login(person: Person) -> Person:
    person.user = User.objects.create_user(f"p-{person.pk}", password=PASSWORD)
    person.save(update_fields=["user"])
    return person


def user_of(person: Person) -> User:
    assert person.user is not None
    return person.user


def staff_with_totp() -> StaffProfile:
    department = Department.objects.create(
        code="11310000000000001X",
        name="测试局",
        short_name="测试局",
        region="310000",
        level="city",
    )
    return staff_create(
        username="clerk",
        email="clerk@example.gov.cn",
        password=PASSWORD,
        department=department,
        roles=[StaffRole.INTAKE_CLERK],
        totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    )


def outbox_message(person: Person) -> OutboxMessage:
    notification = Notification.objects.create(
        recipient=person, event="test", title="t", body="b", created_at=clock.now()
    )
    message = _outbox_message(notification, "sms", person.phone, clock.now())
    message.save()
    return message


def rotate(*arguments: str) -> str:
    out = io.StringIO()
    call_command("keys", "rotate", *arguments, stdout=out)
    return out.getvalue()


def status(*arguments: str) -> str:
    out = io.StringIO()
    call_command("keys", "status", *arguments, stdout=out)
    return out.getvalue()


def counts(report: str, table: str, column: str) -> str:
    """The values per key that `keys status` reports for one column."""
    for line in report.splitlines():
        words = line.split()
        if words[:2] == [table, column]:
            return " ".join(words[2:])
    raise AssertionError(f"no line for {table} {column} in:\n{report}")


def keys_switch(settings: Any) -> None:
    """What the operator does first: the new key current, the old one only read."""
    settings.DATA_KEY = NEW
    settings.DATA_KEY_PREVIOUS = [OLD]


def person_state(person: Person) -> tuple[str, str, str, str]:
    person.refresh_from_db()
    return (person.doc_number, person.phone, person.doc_index, person.phone_index)


def assert_all_under(key: str) -> None:
    prefix = f"a2:{_key_id(key)}:"
    for person in Person.objects.all():
        assert person.doc_encrypted.startswith(prefix)
        assert person.doc_index == document_index(person.doc_type, person.doc_number)
        assert person.doc_index.startswith(prefix)
        if person.phone_encrypted:
            assert person.phone_encrypted.startswith(prefix)
            assert person.phone_index == phone_index(person.phone)


@pytest.fixture
def old_key(settings: Any) -> None:
    settings.DATA_KEY = OLD
    settings.DATA_KEY_PREVIOUS = []


def test_rotation_rewrites_everything_under_the_new_key(
    db: None, old_key: None, settings: Any
) -> None:
    people = people_create(25)
    before = {p.pk: person_state(p) for p in people}
    profile = staff_with_totp()
    messages = [outbox_message(p) for p in [p for p in people if p.phone][:5]]
    stranger = document_index(DocumentType.RESIDENT_ID, resident_id(999))
    company = Company.objects.create(
        uscc="91310000MA1FL4XQ3X",
        name="测试有限公司",
        positions=[
            {
                "position": "legal_representative",
                "name": "测试0",
                "doc_index": people[0].doc_index,
            },
            {
                "position": "chief_representative",
                "name": "测试1",
                "doc_index": people[1].doc_index,
            },
            {"position": "delegate", "name": "某人", "doc_index": stranger},
        ],
        registry_checked_at=clock.now(),
        legal_representative=people[0],
        registered_by=people[0],
        created_at=clock.now(),
    )
    keys_switch(settings)

    output = rotate("--batch-size", "10")

    # 25 people, a staff member, a company and five messages
    assert "Done: 32 rows re-keyed by this run" in output
    assert_all_under(NEW)
    assert {p.pk: person_state(p)[:2] for p in people} == {
        pk: state[:2] for pk, state in before.items()
    }
    profile.refresh_from_db()
    assert profile.totp_encrypted.startswith(f"a2:{_key_id(NEW)}:")
    assert (
        protect.decrypt(profile.totp_encrypted, context="staff.totp")
        == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    )
    for message in messages:
        message.refresh_from_db()
        assert message.to_encrypted.startswith(f"a2:{_key_id(NEW)}:")
        recipient = message.notification.recipient
        assert recipient is not None and message.to == recipient.phone
    company.refresh_from_db()
    # Holders on the platform get their new index; one who is not cannot be re-indexed.
    assert [p["doc_index"] for p in company.positions] == [
        document_index(DocumentType.RESIDENT_ID, resident_id(0)),
        document_index(DocumentType.RESIDENT_ID, resident_id(1)),
        "",
    ]
    rotation = KeyRotation.objects.get()
    assert (rotation.key_id, rotation.suite, rotation.runs) == (_key_id(NEW), "aes", 1)
    assert rotation.finished_at is not None
    assert {t.table: t.rekeyed for t in rotation.tables.all()} == {
        "accounts.company": 1,
        "accounts.person": 25,
        "accounts.staffprofile": 1,
        "notifications.outboxmessage": 5,
    }
    events = list(AuditEvent.objects.filter(action__startswith="keys.").order_by("id"))
    assert [e.action for e in events] == [
        "keys.rotation_started",
        "keys.rotation_finished",
    ]
    assert events[0].data["key_id"] == _key_id(NEW)
    assert events[0].data["previous_key_ids"] == [_key_id(OLD)]
    assert events[1].data["rows"]["accounts.person"] == 25
    # Nothing refers to the old key any more: it may go.
    report = status("--check")
    assert f"Key {_key_id(OLD)}: nothing refers to it" in report
    settings.DATA_KEY_PREVIOUS = []
    assert {p.pk: person_state(p)[:2] for p in people} == {
        pk: state[:2] for pk, state in before.items()
    }
    assert rotate() == (
        f"Rotating to key {_key_id(NEW)} (aes); ring: {_key_id(NEW)}\n"
        f"Nothing to rotate: everything is under key {_key_id(NEW)}.\n"
    )


class Killed(Exception):
    """Stands for the process dying in the middle of a batch."""


def _person_rekey_dying_at(monkeypatch: pytest.MonkeyPatch, row: int) -> None:
    table = REGISTRY["accounts.person"]
    assert table.rekey is not None
    rekey, calls = table.rekey, [0]

    def dying(person: Person) -> bool:
        calls[0] += 1
        if calls[0] == row:
            raise Killed
        return rekey(person)

    monkeypatch.setitem(REGISTRY, table.label, dataclasses.replace(table, rekey=dying))


def _assert_rotated_exactly_up_to(progress: KeyRotationTable) -> None:
    """Every batch was written whole with its progress, or not at all."""
    new, old = _key_id(NEW), _key_id(OLD)
    for person in Person.objects.all():
        expected = new if person.pk <= progress.after_pk else old
        assert protect.value_key_id(person.doc_encrypted) == expected
        assert protect.value_key_id(person.doc_index) == expected


def test_key_rotation_interrupted_and_resumed_gives_the_same_result(
    db: None, old_key: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = people_create(40)
    before = {p.pk: person_state(p)[:2] for p in people}
    keys_switch(settings)
    _person_rekey_dying_at(monkeypatch, row=35)  # in the fourth batch of ten

    with pytest.raises(Killed):
        rotate("--batch-size", "10")

    progress = KeyRotationTable.objects.get(table="accounts.person")
    assert (progress.rekeyed, progress.after_pk) == (30, people[29].pk)
    assert progress.finished_at is None
    _assert_rotated_exactly_up_to(progress)
    assert KeyRotation.objects.get().finished_at is None
    assert "not finished" in status()

    monkeypatch.undo()
    keys_switch(settings)
    output = rotate("--batch-size", "10")

    assert "Done (resumed): 10 rows re-keyed by this run" in output
    assert_all_under(NEW)
    assert {p.pk: person_state(p)[:2] for p in people} == before
    rotation = KeyRotation.objects.get()
    assert rotation.runs == 2 and rotation.finished_at is not None
    assert KeyRotationTable.objects.get(table="accounts.person").rekeyed == 40
    assert list(
        AuditEvent.objects.filter(action__startswith="keys.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["keys.rotation_started", "keys.rotation_resumed", "keys.rotation_finished"]


def test_an_interrupt_at_the_console_leaves_the_batch_unwritten(
    db: None, old_key: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    people_create(12)
    keys_switch(settings)
    table = REGISTRY["accounts.person"]
    assert table.rekey is not None
    rekey = table.rekey

    def interrupted(person: Person) -> bool:
        if person.name == "测试7":
            raise KeyboardInterrupt
        return rekey(person)

    monkeypatch.setitem(
        REGISTRY, table.label, dataclasses.replace(table, rekey=interrupted)
    )
    with pytest.raises(CommandError, match="interrupted: the batch under way"):
        rotate("--batch-size", "5")
    progress = KeyRotationTable.objects.get(table="accounts.person")
    assert progress.rekeyed == 5
    _assert_rotated_exactly_up_to(progress)


def test_a_value_written_under_the_old_key_behind_the_rotation_is_taken_next_pass(
    db: None, old_key: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process still on the old key (or a save of a row read before its batch) writes
    behind the walk: the table is done only when a whole pass finds nothing left."""
    people = people_create(20)
    keys_switch(settings)
    with override_settings(DATA_KEY=OLD, DATA_KEY_PREVIOUS=[]):
        behind = protect.encrypt(people[0].doc_number, context="person.document")
    table = REGISTRY["accounts.person"]
    assert table.rekey is not None
    rekey = table.rekey

    def with_a_write_behind(person: Person) -> bool:
        if person.pk == people[15].pk:  # in the second batch, the first one written
            Person.objects.filter(pk=people[0].pk).update(doc_encrypted=behind)
        return rekey(person)

    monkeypatch.setitem(
        REGISTRY, table.label, dataclasses.replace(table, rekey=with_a_write_behind)
    )
    rotate("--batch-size", "10")

    assert_all_under(NEW)
    progress = KeyRotationTable.objects.get(table="accounts.person")
    # pass 1: all twenty; pass 2: the one written behind; pass 3 finds nothing left
    assert (progress.passes, progress.rekeyed) == (3, 21)
    assert person_state(people[0])[0] == resident_id(0)


def test_look_ups_find_everyone_during_a_rotation(
    db: None,
    old_key: None,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    standins: Any,
) -> None:
    people = people_create(30)
    rotated, waiting = with_login(people[1]), with_login(people[29])
    code_phone = people[29].phone
    sms_code_send(phone=code_phone, purpose=SmsPurpose.LOGIN, client_address=ADDRESS)
    code = standins.last_code(code_phone)
    tokens = api_session_open(user_of(rotated))
    keys_switch(settings)
    _person_rekey_dying_at(monkeypatch, row=15)
    with pytest.raises(Killed):
        rotate("--batch-size", "10")
    rotated.refresh_from_db()
    waiting.refresh_from_db()
    assert protect.value_key_id(rotated.phone_index) == _key_id(NEW)
    assert protect.value_key_id(waiting.phone_index) == _key_id(OLD)

    for person in (rotated, waiting):
        for login in (person.phone, person.doc_number):
            user = login_password(
                login=login, password=PASSWORD, client_address=ADDRESS
            )
            assert user == person.user
        # One account per document and per phone, whichever key holds them.
        with pytest.raises(Conflict) as refused:
            person_register(
                name="冒名",
                doc_type=DocumentType.RESIDENT_ID,
                doc_number=resident_id(500),
                nationality=None,
                phone=person.phone,
                sms_code="000000",
                password=PASSWORD,
            )
        assert refused.value.code == "phone_taken"
        with pytest.raises(Conflict) as refused:
            person_register(
                name="冒名",
                doc_type=DocumentType.RESIDENT_ID,
                doc_number=person.doc_number,
                nationality=None,
                phone=phone(500),
                sms_code="000000",
                password=PASSWORD,
            )
        assert refused.value.code == "already_registered"
    assert Person.objects.count() == 30
    # A code sent under the old key still counts against the phone, and still logs in.
    with pytest.raises(TooManyAttempts):
        sms_code_send(
            phone=code_phone, purpose=SmsPurpose.LOGIN, client_address=ADDRESS
        )
    assert login_sms(phone=code_phone, sms_code=code, client_address=ADDRESS) == (
        waiting.user
    )
    # A refresh token digested under the old key still refreshes, and is digested anew.
    api_session_refresh(tokens.refresh_token)
    assert protect.value_key_id(ApiSession.objects.get().refresh_digest) == _key_id(NEW)


def test_status_counts_values_per_key_and_says_when_a_key_may_go(
    db: None, old_key: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = people_create(6)  # four with a phone
    session = api_session_open(user_of(with_login(people[0])))
    keys_switch(settings)
    new, old = _key_id(NEW), _key_id(OLD)
    _person_rekey_dying_at(monkeypatch, row=3)
    with pytest.raises(Killed):
        rotate("--batch-size", "2")

    report = status()
    assert f"Keyring: current {new} (aes), previous {old}" in report
    assert counts(report, "accounts.person", "doc_encrypted") == f"{new}: 2 {old}: 4"
    assert counts(report, "accounts.person", "phone_index") == f"{new}: 1 {old}: 3"
    assert counts(report, "accounts.apisession", "refresh_digest") == f"{old}: 1"
    assert "14 values are not under the current key" in report  # 4 + 4 + 3 + 3
    assert f"Key {old}: still needed by 15 values" in report  # and the session
    with pytest.raises(SystemExit) as exited:
        status("--check")
    assert exited.value.code == 1

    monkeypatch.undo()
    keys_switch(settings)
    rotate()
    # Only the live API session is left under the old key: it ages out, or refreshes.
    assert f"Key {old}: still needed by 1 values" in status()
    api_session_refresh(session.refresh_token)
    assert f"Key {old}: nothing refers to it" in status("--check")


def test_rotation_refuses_without_the_new_key_configured(
    db: None, old_key: None, settings: Any
) -> None:
    people_create(3)
    settings.DATA_KEY = ""
    settings.DATA_KEY_PREVIOUS = [OLD]
    with pytest.raises(CommandError, match="TONGBAN_DATA_KEY is not set"):
        rotate()
    assert not KeyRotation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="keys.").exists()
    assert all(
        protect.value_key_id(p.doc_encrypted) == _key_id(OLD)
        for p in Person.objects.all()
    )


def test_rotation_refuses_while_data_is_under_a_key_missing_from_the_ring(
    db: None, old_key: None, settings: Any
) -> None:
    people_create(3)
    settings.DATA_KEY = NEW
    settings.DATA_KEY_PREVIOUS = []
    message = f"not in the ring: {_key_id(OLD)} \\(10 values\\)"  # 3 + 3 + 2 + 2
    with pytest.raises(CommandError, match=message):
        rotate()
    assert not KeyRotation.objects.exists()


def test_a_session_left_under_a_retired_key_does_not_stop_the_next_rotation(
    db: None, old_key: None, settings: Any
) -> None:
    """Digests cannot be rewritten: one under a key already removed just ends."""
    api_session_open(user_of(with_login(people_create(1)[0])))
    keys_switch(settings)
    rotate()
    settings.DATA_KEY_PREVIOUS = []  # retired early: that session is signed out
    assert "Nothing to rotate" in rotate()


def test_a_duplicate_written_under_the_other_key_stops_the_rotation(
    db: None, old_key: None, settings: Any
) -> None:
    """A process still on the old settings can register a phone another process just
    registered under the new key: the rotation finds it instead of hiding it."""
    first = people_create(1, start=1)[0]
    keys_switch(settings)
    second = Person(name="重复", created_at=clock.now())
    person_document_set(
        second, document_validate(DocumentType.RESIDENT_ID, resident_id(2))
    )
    person_phone_set(second, first.phone)
    second.save()
    with pytest.raises(CommandError, match="two rows hold the same value"):
        rotate()
    first.refresh_from_db()
    assert protect.value_key_id(first.phone_index) == _key_id(OLD)


# --- a real interrupt ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_key_rotation_killed_with_sigkill_and_resumed(
    database_url: str, settings: Any
) -> None:
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = OLD, []
    people = people_create(400)
    before = {p.pk: person_state(p)[:2] for p in people}
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": database_url,
        "TONGBAN_DATA_DIR": tempfile.mkdtemp(prefix="tongban-keys-"),
        "TONGBAN_DATA_KEY": NEW,
        "TONGBAN_DATA_KEY_PREVIOUS": OLD,
        "PYTHONUNBUFFERED": "1",
    }
    tongban = Path(sys.executable).parent / "tongban"
    process = subprocess.Popen(  # noqa: S603
        [str(tongban), "keys", "rotate", "--batch-size", "40"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("  accounts.person:") and len(seen) >= 3:
            break  # two batches written: the process is inside the next one
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "".join(seen)

    progress = KeyRotationTable.objects.get(table="accounts.person")
    assert progress.finished_at is None
    assert 80 <= progress.rekeyed < 400
    assert progress.rekeyed == Person.objects.filter(pk__lte=progress.after_pk).count()
    settings.DATA_KEY, settings.DATA_KEY_PREVIOUS = NEW, [OLD]
    _assert_rotated_exactly_up_to(progress)

    output = rotate("--batch-size", "40")

    assert "Done (resumed)" in output
    assert_all_under(NEW)
    assert {p.pk: person_state(p)[:2] for p in people} == before
    # Each row re-keyed exactly once over the two runs: the killed batch left nothing.
    assert KeyRotationTable.objects.get(table="accounts.person").rekeyed == 400
    assert KeyRotation.objects.get().runs == 2

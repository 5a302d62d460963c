"""Abuse limits: how often SMS codes are sent and logins tried (the settings are in
`conf/base.py`; their defaults and the reasons for them are here).

SMS codes (`_sms_code_allow`, called by `sms_code_send` before anything is sent):

- per phone: one every `SMS_CODE_RESEND_SECONDS` (60) and `SMS_CODES_PER_PHONE_PER_DAY`
  (10) in 24 hours — read from the codes themselves (`SmsChallenge`) on the platform clock,
  the clock a code's lifetime runs on, so that tests and drills move both together;
- per client address: `SMS_CODES_PER_ADDRESS` — 5 in 10 minutes (a person who mistypes
  their number twice still gets through) and 20 a day (a family or a small office behind
  one address); a penetration test sent codes to 12 new phones in a row from one address;
- for the whole platform: `SMS_CODES_CEILING`, 1000 sends a minute — far above the busiest
  morning, so reaching it means the per-address limit is being dodged (many addresses,
  "SMS pumping") and every send is refused until the minute ends, with an alarm: a
  CRITICAL log line and an audit event `sms.ceiling_reached`, once per window however many
  sends are refused.

Address and ceiling are counted in the database (`ops.ratelimits.rate_hit`: one atomic
increment per send, shared by every process, windows in real time). Platform
notifications — the outbox of `tongban.notifications` — are not codes: they never pass here.

Logins (`_attempt_allow`, `_attempt_failed`, `_attempt_succeeded`):

- failures are counted per account (`LoginGuard`, key `user:<id>`), whichever spelling
  reached it — phone or document number, typed any way — so locking a document number no
  longer leaves the phone open. A login no account has is counted by its normalised
  spelling (a blind index), with the same thresholds, messages and refusals, so probing
  unknown logins is limited too and cannot tell them from real ones;
- applicants: after `LOGIN_DELAY_AFTER_FAILURES` (5) failures each further try must wait a
  delay that doubles, `LOGIN_DELAY_FIRST_SECONDS` (1 s), 2 s, 4 s … up to
  `LOGIN_DELAY_MAX_SECONDS` (15 minutes). During the delay every try is refused (429), the
  right password too, or the delay would protect nothing; a refused try is not counted.
  A success clears the count, and so does a day without failure
  (`LOGIN_FAILURES_FORGOTTEN_SECONDS`). A growing delay rather than a lock: a stranger who
  types a citizen's phone five times no longer shuts them out for 15 minutes, while a
  guesser is slowed to about a hundred tries a day;
- staff: the hard lockout 等保 2.0 asks for — `STAFF_LOCK_AFTER_FAILURES` (5) failures lock
  the account for `STAFF_LOCK_SECONDS` (15 minutes), audited `account.locked`;
- per client address: `LOGIN_FAILURES_PER_ADDRESS`, 30 failures in 10 minutes, whatever
  accounts they were against, so one address cannot spray many accounts with a few tries
  each. Failures only: a carrier's shared address with many people logging in correctly is
  never refused.

The delay runs on the platform clock, as the lock always has: tests and drills move it to
see a delay end. Why not django-axes (8.x): it locks by request parameters (username, IP)
through `authenticate()` and its signals, while these services take no request and check
passwords themselves at two doors; its cool-off is at once the lock's length and how long
failures are remembered, so a doubling delay would forget the failures it doubles on; and
one account reached by several spellings needs a username callable resolving the account
anyway. Expressing all that meant as much custom code around axes as this module is.
"""

import datetime as dt
import logging
import math
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tongban.accounts.models import LoginGuard, SmsChallenge
from tongban.audit.services import audit_record
from tongban.core import clock, protect
from tongban.core.errors import TooManyAttempts
from tongban.ops.ratelimits import rate_count, rate_hit, rate_window_left

logger = logging.getLogger(__name__)


def _wait_words(seconds: int) -> str:
    """A wait in plain words: "42 秒", "5 分钟", "3 小时" (rounded up)."""
    if seconds < 60:
        return ngettext("%(n)d 秒", "%(n)d 秒", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return ngettext("%(n)d 分钟", "%(n)d 分钟", minutes) % {"n": minutes}
    hours = math.ceil(seconds / 3600)
    return ngettext("%(n)d 小时", "%(n)d 小时", hours) % {"n": hours}


def _refusal(message: str, seconds: int) -> TooManyAttempts:
    """429 `too_many_attempts`; the API adds `Retry-After: seconds`."""
    return TooManyAttempts(
        "too_many_attempts", message, extra={"retry_after": max(1, seconds)}
    )


def _seconds_until(moment: dt.datetime, now: dt.datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


# --- SMS codes ---------------------------------------------------------------------------


def _sms_code_allow(*, phone_indexes: Sequence[str], client_address: str) -> None:
    """Refuse (429) a code send over any limit; counts this send against address and
    platform. Called outside any transaction (`rate_hit` commits on its own). The phone's
    codes are found under every index it may have (`phone_indexes`: each key of the ring),
    so its limits hold through a key rotation."""
    now = clock.now()
    recent = SmsChallenge.objects.filter(
        phone_index__in=phone_indexes, created_at__gt=now - dt.timedelta(days=1)
    )
    sent = list(recent.order_by("created_at").values_list("created_at", flat=True))
    resend = dt.timedelta(seconds=settings.SMS_CODE_RESEND_SECONDS)
    if sent and sent[-1] + resend > now:
        seconds = _seconds_until(sent[-1] + resend, now)
        raise _refusal(
            _("验证码已发送，请 %(wait)s后再试。") % {"wait": _wait_words(seconds)},
            seconds,
        )
    per_day = settings.SMS_CODES_PER_PHONE_PER_DAY
    if len(sent) >= per_day:
        # Allowed again when the oldest send that keeps the day full is a day old.
        seconds = _seconds_until(sent[len(sent) - per_day] + dt.timedelta(days=1), now)
        raise _refusal(
            _("该号码 24 小时内获取的验证码已达上限，请 %(wait)s后再试。")
            % {"wait": _wait_words(seconds)},
            seconds,
        )
    for limit, window in settings.SMS_CODES_PER_ADDRESS:
        key = f"sms-codes:address:{window}:{client_address}"
        if not rate_hit(key=key, limit=limit, window_seconds=window):
            seconds = rate_window_left(window_seconds=window)
            raise _refusal(
                _("此网络地址获取验证码过于频繁，请 %(wait)s后再试。")
                % {"wait": _wait_words(seconds)},
                seconds,
            )
    limit, window = settings.SMS_CODES_CEILING
    if not rate_hit(key=f"sms-codes:all:{window}", limit=limit, window_seconds=window):
        # The first refusal of the window raises the alarm; the others only refuse.
        if rate_hit(key=f"sms-codes:alarm:{window}", limit=1, window_seconds=window):
            _sms_ceiling_alarm(limit=limit, window=window)
        seconds = rate_window_left(window_seconds=window)
        raise _refusal(
            _("验证码发送繁忙，请 %(wait)s后再试。") % {"wait": _wait_words(seconds)},
            seconds,
        )


def _sms_ceiling_alarm(*, limit: int, window: int) -> None:
    logger.critical(
        "SMS code ceiling reached: more than %d code sends in %d s across the platform; "
        "every code send is refused until the window ends (SMS pumping from many "
        "addresses?)",
        limit,
        window,
    )
    audit_record(
        action="sms.ceiling_reached", data={"limit": limit, "window_seconds": window}
    )


# --- logins ------------------------------------------------------------------------------


def _guard_key(*, user: User | None, spelling: str) -> str:
    """The account's key whatever spelling reached it; for a login no account has, its
    normalised spelling as a blind index (the login itself is never stored)."""
    if user is not None:
        return f"user:{user.pk}"
    return protect.blind_index(spelling, kind="login")


def _address_key(client_address: str) -> str:
    _limit, window = settings.LOGIN_FAILURES_PER_ADDRESS
    return f"login-failures:{window}:{client_address}"


def _attempt_allow(*, key: str, staff: bool, client_address: str) -> None:
    """Refuse (429) a login try from an address that failed too often, or on an account
    locked (staff) or waiting out its delay (applicants) — before any password is checked."""
    limit, window = settings.LOGIN_FAILURES_PER_ADDRESS
    if rate_count(key=_address_key(client_address), window_seconds=window) >= limit:
        seconds = rate_window_left(window_seconds=window)
        raise _refusal(
            _("此网络地址登录失败次数过多，请 %(wait)s后再试。")
            % {"wait": _wait_words(seconds)},
            seconds,
        )
    now = clock.now()
    guard = LoginGuard.objects.filter(key=key).first()
    if guard is None or guard.locked_until is None or guard.locked_until <= now:
        return
    seconds = _seconds_until(guard.locked_until, now)
    if staff:
        message = _("失败次数过多，账户已暂时锁定，请 %(wait)s后再试。")
    else:
        message = _("登录失败次数较多，为保护账户，请 %(wait)s后再试。")
    raise _refusal(message % {"wait": _wait_words(seconds)}, seconds)


def _attempt_failed(
    *, key: str, staff: bool, user: User | None, client_address: str
) -> None:
    """Count a failure against the account and the address, each committed on its own
    (durable: the refusal that follows must not undo it)."""
    limit, window = settings.LOGIN_FAILURES_PER_ADDRESS
    rate_hit(key=_address_key(client_address), limit=limit, window_seconds=window)
    now = clock.now()
    with transaction.atomic(durable=True):
        guard, _created = LoginGuard.objects.select_for_update().get_or_create(key=key)
        if staff:
            if guard.locked_until and guard.locked_until <= now:  # a lock served
                guard.failures = 0
                guard.locked_until = None
        elif guard.last_failure_at and now - guard.last_failure_at > dt.timedelta(
            seconds=settings.LOGIN_FAILURES_FORGOTTEN_SECONDS
        ):
            guard.failures = 0
            guard.locked_until = None
        guard.failures += 1
        guard.last_failure_at = now
        subject_type, subject_id = ("user", user.pk) if user is not None else ("", "")
        if staff and guard.failures >= settings.STAFF_LOCK_AFTER_FAILURES:
            guard.locked_until = now + dt.timedelta(seconds=settings.STAFF_LOCK_SECONDS)
            audit_record(
                action="account.locked",
                data={
                    "failures": guard.failures,
                    "minutes": settings.STAFF_LOCK_SECONDS // 60,
                },
                subject_type=subject_type,
                subject_id=subject_id,
            )
        elif not staff and guard.failures >= settings.LOGIN_DELAY_AFTER_FAILURES:
            doublings = min(guard.failures - settings.LOGIN_DELAY_AFTER_FAILURES, 30)
            delay = min(
                settings.LOGIN_DELAY_FIRST_SECONDS * 2**doublings,
                settings.LOGIN_DELAY_MAX_SECONDS,
            )
            guard.locked_until = now + dt.timedelta(seconds=delay)
            if guard.failures == settings.LOGIN_DELAY_AFTER_FAILURES:
                # Once, when the delays begin: each later failure is the same story.
                audit_record(
                    action="account.login_delayed",
                    data={"failures": guard.failures},
                    subject_type=subject_type,
                    subject_id=subject_id,
                )
        guard.save()


def _attempt_succeeded(key: str) -> None:
    LoginGuard.objects.filter(key=key).delete()

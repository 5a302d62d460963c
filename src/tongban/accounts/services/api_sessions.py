"""API sessions: a rotating refresh token, short-lived access tokens pointing at it."""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core import signing
from django.utils.translation import gettext as _

from tongban.accounts import constants as c
from tongban.accounts.models import ApiSession, StaffProfile
from tongban.core import clock, protect
from tongban.core.errors import NotAuthenticated


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int


def _access_token(session: ApiSession) -> str:
    expires = clock.now() + c.ACCESS_TOKEN_LIFETIME
    return signing.dumps(
        {"s": session.pk, "u": session.user_id, "x": int(expires.timestamp())},
        salt=c.ACCESS_TOKEN_SALT,
    )


def api_session_open(user: User) -> TokenPair:
    refresh = secrets.token_urlsafe(32)
    now = clock.now()
    session = ApiSession.objects.create(
        user=user,
        refresh_digest=protect.secret_digest(refresh),
        created_at=now,
        refreshed_at=now,
        expires_at=now + c.REFRESH_TOKEN_LIFETIME,
    )
    return TokenPair(
        _access_token(session), refresh, int(c.ACCESS_TOKEN_LIFETIME.total_seconds())
    )


def api_session_refresh(refresh_token: str) -> TokenPair:
    """A new pair for a live refresh token; the old refresh token stops working."""
    now = clock.now()
    # Under any key of the ring: a key rotation signs nobody out (the token is digested
    # again under the current key just below).
    session = ApiSession.objects.filter(
        refresh_digest__in=protect.secret_digests(refresh_token)
    ).first()
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise NotAuthenticated("invalid_token", _("登录已失效，请重新登录。"))
    if _staff_idle(session, now):
        ApiSession.objects.filter(pk=session.pk).update(revoked_at=now)
        raise NotAuthenticated(
            "reauthentication_required",
            _("已闲置超过 15 分钟，请重新输入密码和动态口令登录。"),
        )
    refresh = secrets.token_urlsafe(32)
    updated = ApiSession.objects.filter(
        pk=session.pk, refresh_digest=session.refresh_digest
    ).update(refresh_digest=protect.secret_digest(refresh), refreshed_at=now)
    if not updated:
        raise NotAuthenticated("invalid_token", _("登录已失效，请重新登录。"))
    return TokenPair(
        _access_token(session), refresh, int(c.ACCESS_TOKEN_LIFETIME.total_seconds())
    )


# How often a session's last use is written: the idle rule is kept to the minute.
TOUCH_EVERY = dt.timedelta(minutes=1)


def _staff_idle(session: ApiSession, now: dt.datetime) -> bool:
    """A staff member's session unused for longer than a staff page may be idle (等保:
    the password and a fresh one-time code again before any further step)."""
    if not StaffProfile.objects.filter(user_id=session.user_id).exists():
        return False
    last = session.last_used_at or session.refreshed_at
    return now - last > c.IDLE_TIMEOUT_STAFF


def api_session_touch(session: ApiSession) -> None:
    """Note that a staff member's session was used now (at most once a minute). Refreshing
    is not use: a client that only refreshes its tokens is idle."""
    now = clock.now()
    if session.last_used_at is not None and now - session.last_used_at < TOUCH_EVERY:
        return
    ApiSession.objects.filter(pk=session.pk).update(last_used_at=now)
    session.last_used_at = now


def api_session_close(session_id: int) -> None:
    ApiSession.objects.filter(pk=session_id, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )

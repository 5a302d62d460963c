"""Sessions end when idle (sooner for staff), and pages know whom the user acts for."""

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from tongban.accounts.constants import IDLE_TIMEOUT_APPLICANT, IDLE_TIMEOUT_STAFF
from tongban.accounts.selectors import acting_resolve, person_of
from tongban.core import clock
from tongban.core.errors import DomainError

SESSION_LAST_SEEN = "tongban.last_seen"
SESSION_ACTING = "tongban.acting"


class IdleTimeoutMiddleware:
    """Logs a page session out after a quiet spell, measured on the platform clock."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = clock.now().timestamp()
            last = request.session.get(SESSION_LAST_SEEN)
            limit = (
                IDLE_TIMEOUT_STAFF if hasattr(user, "staff") else IDLE_TIMEOUT_APPLICANT
            )
            if last is not None and now - float(last) > limit.total_seconds():
                logout(request)
                request.session["tongban.idle_expired"] = True
            else:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class ActingForMiddleware:
    """`request.acting`: the principal chosen in the switcher (themself by default)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting = None  # type: ignore[attr-defined]
        request.person = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith("/api/")
        ):
            person = person_of(user)
            request.person = person  # type: ignore[attr-defined]
            if person is not None:
                key = request.session.get(SESSION_ACTING, "self")
                try:
                    request.acting = acting_resolve(person, key)  # type: ignore[attr-defined]
                except DomainError:
                    request.session[SESSION_ACTING] = "self"
                    request.acting = acting_resolve(person, "self")  # type: ignore[attr-defined]
        return self.get_response(request)

"""Who is calling the API: bearer tokens, the person or staff guards, whom they act for.

Every app's router takes its guards from here, so no app's API imports another's.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from tongban.accounts import selectors, services
from tongban.accounts.models import ApiSession, Person, StaffProfile
from tongban.core.errors import Forbidden

ACTING_HEADER = "X-Acting-For"


class Bearer(HttpBearer):
    """An access token of a live session; the request gets `api_session` and its user."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        session = selectors.access_token_read(token)
        if session is None:
            return None
        request.api_session = session  # type: ignore[attr-defined]
        request.user = session.user
        if selectors.staff_of(session.user) is not None:
            services.api_session_touch(session)  # staff sessions lapse when idle
        return session.user


bearer = Bearer()


def person_required(request: HttpRequest) -> Person:
    person = selectors.person_of(request.user)
    if person is None:
        raise Forbidden("not_authorised", _("该接口仅供办事人使用。"))
    return person


def staff_required(request: HttpRequest) -> StaffProfile:
    staff = selectors.staff_of(request.user)
    if staff is None:
        raise Forbidden("not_authorised", _("该接口仅供工作人员使用。"))
    return staff


def acting_for(request: HttpRequest) -> str:
    """The key of whom the caller acts for (`X-Acting-For`, "self" when absent).

    Refused as the page's switcher refuses it (404 not theirs to act for, 403 a lapsed
    grant). The first call of a session for a new principal begins acting for it, audited
    as the page's switcher audits it; back to "self" is remembered, not audited, so acting
    for the same principal again is a new beginning, as on the page.
    """
    key = request.headers.get(ACTING_HEADER, "") or "self"
    session: ApiSession = request.api_session  # type: ignore[attr-defined]
    if key == session.acting_key == "self":
        return key  # the common case, and a staff member's only one: nothing to check
    person = person_required(request)
    return services.api_session_acting_set(session=session, person=person, key=key).key

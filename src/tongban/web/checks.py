"""Deployment checks of what the public pages promise (`tongban check --deploy`)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def privacy_contacts_named(**_kwargs: Any) -> list[CheckMessage]:
    """The privacy page must name who processes and whom to ask (PIPL Arts. 17, 52)."""
    found: list[CheckMessage] = []
    officer = getattr(settings, "PERSONAL_INFORMATION_OFFICER", {}) or {}
    if not officer.get("name") or not (officer.get("email") or officer.get("phone")):
        found.append(
            Warning(
                "No personal-information officer is named: the privacy page sends people "
                "to the 12345 hotline instead (PIPL Art. 52).",
                hint="Set TONGBAN_PI_OFFICER_NAME and TONGBAN_PI_OFFICER_EMAIL or _PHONE.",
                id="tongban.web.W001",
            )
        )
    if not getattr(settings, "PLATFORM_OPERATOR", ""):
        found.append(
            Warning(
                "TONGBAN_OPERATOR_NAME is not set: the privacy page cannot say who "
                "processes people's data (PIPL Art. 17).",
                id="tongban.web.W002",
            )
        )
    return found

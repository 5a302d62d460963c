"""Template context every page needs: links to the same page in the other languages, and
what a staff member's roles open (the header links only to those pages)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from tongban.accounts.permissions import django_permissions, permissions_of
from tongban.accounts.selectors import staff_of


def languages(request: HttpRequest) -> dict[str, Any]:
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "html_lang": "zh-CN" if code.startswith("zh") else code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
            }
        )
    return {"language_links": links}


def staff_permissions(request: HttpRequest) -> dict[str, Any]:
    """`staff_may`: the permissions (their values, "cases.handle") of the staff member
    viewing the page, empty for anyone else; `staff_admin_site`: whether their roles open
    anything in the admin site. Read only when a template asks."""
    user = getattr(request, "user", None)
    found: dict[str, Any] = {}

    def staff() -> Any:  # read once, for both
        if "staff" not in found:
            authenticated = user is not None and user.is_authenticated
            found["staff"] = staff_of(user) if authenticated else None
        return found["staff"]

    return {
        "staff_may": SimpleLazyObject(
            lambda: frozenset(str(p) for p in permissions_of(staff()))
        ),
        "staff_admin_site": SimpleLazyObject(lambda: bool(django_permissions(staff()))),
    }

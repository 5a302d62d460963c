"""The home page (search first), the large-text display setting (适老化), the privacy
policy and the user agreement."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from tongban.accounts.constants import CONSENT_VERSION
from tongban.catalog import selectors
from tongban.catalog.models import Collection

LARGE_TEXT_COOKIE = "tongban_large_text"


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {
            "popular": selectors.popular_services(
                limit=8,
                prefer_district=selectors.district_of(
                    getattr(request, "acting", None), getattr(request, "person", None)
                ),
            ),
            "windows": selectors.collections_list(kind=Collection.Kind.WINDOW),
            "bundles": selectors.collections_list(kind=Collection.Kind.BUNDLE),
            "departments": selectors.departments_list(),
        },
    )


def large_text(request: HttpRequest) -> HttpResponse:
    """Turn large text on or off (a cookie, so it works without JavaScript), then go back."""
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.COOKIES.get(LARGE_TEXT_COOKIE) == "1":
        response.delete_cookie(LARGE_TEXT_COOKIE)
    else:
        response.set_cookie(
            LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax"
        )
    return response


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy policy (隐私政策): the version people agree to when they register.

    Its body is one template per language (`privacy_zh.html`, `privacy_en.html`): a legal
    text reads as a whole, and a translator keeps the two in step more surely than some
    hundred separate messages.
    """
    body = (
        "web/privacy_en.html"
        if translation.get_language() == "en"
        else "web/privacy_zh.html"
    )
    return render(
        request,
        "web/privacy.html",
        {
            "body": body,
            "version": CONSENT_VERSION,
            "operator": settings.PLATFORM_OPERATOR,
            "officer": settings.PERSONAL_INFORMATION_OFFICER,
        },
    )


def terms(request: HttpRequest) -> HttpResponse:
    """The user agreement (用户服务协议), agreed to with the privacy policy when one
    registers or claims an account: the same version (`CONSENT_VERSION`), recorded with
    the consent. One body per language, as the privacy policy: `terms_zh.html` is the
    authoritative text, `terms_en.html` its translation."""
    body = (
        "web/terms_en.html"
        if translation.get_language() == "en"
        else "web/terms_zh.html"
    )
    return render(
        request,
        "web/terms.html",
        {
            "body": body,
            "version": CONSENT_VERSION,
            "operator": settings.PLATFORM_OPERATOR,
            "officer": settings.PERSONAL_INFORMATION_OFFICER,
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that has expired (or from elsewhere): said on a page of
    the platform, in the person's language — Django's own page styles itself inline,
    which the Content-Security-Policy refuses."""
    return render(request, "web/csrf_failure.html", status=403)

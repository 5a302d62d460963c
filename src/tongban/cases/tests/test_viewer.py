"""Materials and documents are read in the platform's own viewer; the raw file is only
ever a sandboxed download, never a page of the platform's origin."""

import pytest
from django.test import Client
from django.urls import reverse

from tongban.accounts.models import Person
from tongban.cases.models import Case
from tongban.cases.tests.conftest import CHAN, World
from tongban.core.headers import DOWNLOAD_POLICY

pytestmark = pytest.mark.django_db


def _page_of(person_name: str) -> Client:
    page = Client()
    person = Person.objects.get(name=person_name)
    assert person.user is not None
    page.force_login(person.user)
    return page


def test_raw_files_are_sandboxed_downloads_and_the_viewer_shows_them(
    world: World,
) -> None:
    number = world.apply().json()["number"]
    case = Case.objects.get(number=number)
    material = case.materials.exclude(file="").first()
    assert material is not None
    document = case.documents.get().number
    page = _page_of(CHAN[0])

    raw = page.get(f"/cases/{number}/materials/{material.pk}/")
    assert raw.status_code == 200
    assert raw["Content-Disposition"].startswith("attachment;")
    assert raw["Content-Security-Policy"] == DOWNLOAD_POLICY
    assert raw["X-Content-Type-Options"] == "nosniff"
    for path in (
        f"/cases/{number}/documents/{document}.pdf",
        f"/api/v1/cases/{number}/documents/{document}.pdf",
    ):
        client = world.handler if path.startswith("/api/") else page
        answer = (
            client.get(path.removeprefix("/api/v1"))
            if client is world.handler
            else client.get(path)
        )
        assert answer.status_code == 200, path
        assert answer["Content-Disposition"].startswith("attachment;"), path
        assert answer["Content-Security-Policy"] == DOWNLOAD_POLICY, path

    shown = page.get(f"/cases/{number}/materials/{material.pk}/view/")
    assert shown.status_code == 200
    html = shown.content.decode()
    raw_url = f"/cases/{number}/materials/{material.pk}/"
    assert material.content_type == "application/pdf"  # what the test world uploads
    assert f'data-src="{raw_url}"' in html
    assert "<img" not in html.split('id="main"', 1)[1]
    letter = page.get(reverse("cases:document_view", args=[number, document]))
    assert letter.status_code == 200
    assert 'id="pdf-viewer"' in letter.content.decode()
    assert "script-src 'self' 'wasm-unsafe-eval'" in letter["Content-Security-Policy"]

    # the case page links to the viewer, not to the raw file
    detail = page.get(f"/cases/{number}/").content.decode()
    assert reverse("cases:material_view", args=[number, material.pk]) in detail
    assert reverse("cases:document_view", args=[number, document]) in detail


def test_the_viewer_shows_nothing_of_a_case_that_is_not_yours(world: World) -> None:
    number = world.apply().json()["number"]
    case = Case.objects.get(number=number)
    material = case.materials.exclude(file="").first()
    assert material is not None
    world.api.register("张伟", "310115198506120317", "13900000005")
    stranger = _page_of("张伟")
    document = case.documents.get().number
    for path in (
        f"/cases/{number}/materials/{material.pk}/view/",
        f"/cases/{number}/documents/{document}/view/",
        f"/cases/{number}/materials/{material.pk + 999}/view/",
    ):
        assert stranger.get(path).status_code == 404, path


def test_every_page_carries_the_strict_policy() -> None:
    answer = Client().get("/")
    policy = answer["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self';",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert "wasm" not in policy  # only the viewer and pdf.js's own files compile it
    assert Client().get("/api/v1/services")["Content-Security-Policy"] == policy
    worker = Client().get("/static/vendor/pdfjs/build/pdf.worker.min.mjs")
    assert worker.status_code == 200
    assert "'wasm-unsafe-eval'" in worker["Content-Security-Policy"]


def test_an_expired_form_is_said_on_a_page_of_the_platform() -> None:
    page = Client(enforce_csrf_checks=True)
    answer = page.post("/accounts/login/", {"login": "x", "password": "y"})
    assert answer.status_code == 403
    html = answer.content.decode()
    assert "页面已过期" in html
    assert "<style" not in html
    assert "style-src 'self'" in answer["Content-Security-Policy"]

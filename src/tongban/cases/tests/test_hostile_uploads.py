"""Hostile uploads are refused at every door — the API's upload, the case page's upload and
the one-request submission — and leave nothing behind: no material row, no stored file.

What exactly is refused, and why, is pinned in `core/tests/test_uploads.py`; here each door
is shown to apply those checks (`tongban.core.uploads`)."""

import html
import io
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tongban.cases.models import Case, CaseMaterial
from tongban.cases.tests.conftest import (
    CHAN,
    FORM,
    REP_CHANGE,
    World,
    files_needed,
    sample_pdf,
)

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """Uploaded files go to a folder of this test's own, so "nothing stored" is seen."""
    folder = tmp_path / "media"
    chosen = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(folder)},
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": chosen}):
        yield folder


def _stored(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def _javascript_pdf() -> bytes:
    """An ordinary PDF whose catalogue runs a script when it is opened."""
    return sample_pdf().replace(
        b"/Type /Catalog",
        b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.launchURL('x')) >>",
    )


def _bomb_pdf() -> bytes:
    """A few kilobytes that inflate to 50 MB (the tests bound decoding at 10 MB)."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject, StreamObject

    writer = PdfWriter(clone_from=io.BytesIO(sample_pdf()))
    stream = StreamObject()
    stream.set_data(zlib.compress(b"\0" * (50 * MB), 9))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page = writer.pages[0]
    page[NameObject("/Contents")] = ArrayObject(
        [page.raw_get("/Contents"), writer._add_object(stream)]
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _png(size: tuple[int, int]) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", size, 1).save(buffer, "PNG")  # black and white: small to make
    return buffer.getvalue()


HOSTILE = {
    "javascript": (_javascript_pdf, "scan.pdf", "file_active_content"),
    "bomb": (_bomb_pdf, "scan.pdf", "file_decompressed_too_large"),
    "81-megapixels": (lambda: _png((9000, 9000)), "scan.png", "file_too_many_pixels"),
    "pdf-html": (
        lambda: sample_pdf() + b"<html><script>alert(1)</script></html>",
        "scan.pdf",
        "file_mixed_formats",
    ),
    "png-html": (
        lambda: _png((64, 64)) + b"<script>alert(1)</script>",
        "scan.png",
        "file_mixed_formats",
    ),
}


def _draft(world: World) -> str:
    response = world.handler.post("/cases", {"service_code": REP_CHANGE, "form": FORM})
    assert response.status_code == 201, response.json()
    return str(response.json()["number"])


@pytest.mark.parametrize("kind", list(HOSTILE))
@override_settings(UPLOAD_MAX_DECODED_BYTES=10 * MB)
def test_the_api_upload_refuses_a_hostile_file_and_keeps_nothing(
    world: World, disk: Path, kind: str
) -> None:
    number = _draft(world)
    rows = CaseMaterial.objects.count()
    make, name, code = HOSTILE[kind]
    refused = world.upload(number, 1, make(), name=name)
    assert refused.status_code == 422, refused.json()
    assert refused.json()["code"] == code
    assert set(refused.json()["fields"]) == {"file"}
    assert CaseMaterial.objects.count() == rows
    assert _stored(disk) == []
    good = world.upload(number, 1, sample_pdf())  # the same door takes an ordinary file
    assert good.status_code == 201, good.json()
    assert len(_stored(disk)) == 1


def _page(world: World) -> Client:
    from tongban.accounts.middleware import SESSION_ACTING
    from tongban.accounts.models import Person

    user = Person.objects.get(name=CHAN[0]).user
    assert user is not None
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_ACTING] = f"company:{world.company_id}"
    session.save()
    return client


def test_the_case_page_refuses_a_hostile_file_and_keeps_nothing(
    world: World, disk: Path
) -> None:
    """The page shows the refusal on the case page (200, as every refusal of that page,
    `test_forms.py`), with the same message the API gives."""
    number = _draft(world)
    page = _page(world)
    rows = CaseMaterial.objects.count()
    upload = SimpleUploadedFile("scan.pdf", _javascript_pdf())
    refused = page.post(
        f"/cases/{number}/", {"do": "upload", "position": "1", "file": upload}
    )
    assert refused.status_code == 200
    text = html.unescape(refused.content.decode())
    assert (
        "PDF 中含有脚本、附件、多媒体或会自动执行的动作，出于安全原因不能接受。" in text
    )
    assert "材料已上传" not in text
    assert "javascript" not in text.lower().split("<main", 1)[1]  # no reason code shown
    assert CaseMaterial.objects.count() == rows
    assert _stored(disk) == []
    upload = SimpleUploadedFile("scan.png", _png((9000, 9000)))
    refused = page.post(
        f"/cases/{number}/", {"do": "upload", "position": "1", "file": upload}
    )
    assert "不能超过 50 百万像素" in html.unescape(refused.content.decode())
    assert _stored(disk) == []
    upload = SimpleUploadedFile("scan.pdf", sample_pdf())
    taken = page.post(
        f"/cases/{number}/", {"do": "upload", "position": "1", "file": upload}
    )
    assert taken.status_code == 302
    assert len(_stored(disk)) == 1


def _submit(world: World, files: dict[int, bytes], key: str) -> Any:
    return world.handler.client.post(
        "/api/v1/cases/submissions",
        {
            "service_code": REP_CHANGE,
            "form": json.dumps(FORM),
            **{
                f"material_{i}": SimpleUploadedFile("scan.pdf", data)
                for i, data in files.items()
            },
        },
        headers={**world.handler._headers(), "Idempotency-Key": key},
    )


def test_a_submission_with_one_hostile_file_is_refused_whole(
    world: World, disk: Path
) -> None:
    needed = files_needed()
    files = {i: sample_pdf() for i in needed}
    files[needed[-1]] = _javascript_pdf()
    refused = _submit(world, files, "k-hostile")
    assert refused.status_code == 422
    assert refused.json()["code"] == "file_active_content"
    assert Case.objects.count() == 0
    assert _stored(disk) == []


def test_a_submission_past_its_total_is_refused_before_any_file_is_read(
    world: World, disk: Path
) -> None:
    """Three ordinary files of 0.6 MB against a bound of 1 MB for all (50 MB by default:
    80 MB in one submission is refused the same way)."""
    needed = files_needed()
    padded = sample_pdf() + b"\n" * (600 * 1024)  # padding after %%EOF is allowed
    files = {i: padded for i in needed}
    assert len(files) * len(padded) > MB
    with override_settings(UPLOAD_MAX_SUBMISSION_BYTES=MB):
        refused = _submit(world, files, "k-total")
    assert refused.status_code == 422
    assert refused.json() == {
        "code": "submission_too_large",
        "message": (
            f"本次提交的文件共 {len(files) * len(padded) / MB:.1f} MB，一次提交不能超过 1 MB。"
            "请压缩文件，或先保存草稿再逐个上传。"
        ),
        "fields": {"file": "submission_too_large"},
    }
    assert Case.objects.count() == 0
    assert _stored(disk) == []
    taken = _submit(world, files, "k-total-2")  # within the default bound of 50 MB
    assert taken.status_code == 201, taken.json()
    assert len(_stored(disk)) == len(files)

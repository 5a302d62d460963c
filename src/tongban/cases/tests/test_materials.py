"""Materials: checked by content, size and that they open; government-held ones fetched."""

import io
from typing import Any

from django.core.files.storage import default_storage
from django.test import override_settings

from tongban.cases.materials import orphan_files_sweep
from tongban.cases.models import CaseMaterial
from tongban.cases.tests.conftest import (
    FORM,
    REP_CHANGE,
    World,
    files_needed,
    sample_pdf,
)


def _draft(world: World) -> dict[str, Any]:
    response = world.handler.post("/cases", {"service_code": REP_CHANGE, "form": FORM})
    assert response.status_code == 201, response.json()
    return response.json()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_government_held_material_is_fetched_with_its_provenance(world: World) -> None:
    draft = _draft(world)
    fetched = [m for m in draft["materials"] if m["fetched"]]
    assert len(fetched) == 1
    assert fetched[0]["source"] == "legal_entity_registry"
    assert fetched[0]["provenance"]["registry"] == "legal_entity"
    assert fetched[0]["provenance"]["issuer"] == "上海市市场监督管理局"
    assert fetched[0]["provenance"]["issued_on"] == "2017-08-01"


def test_uploads_are_checked_by_content_and_nothing_is_kept_on_refusal(
    world: World,
) -> None:
    number = _draft(world)["number"]

    before = CaseMaterial.objects.count()
    renamed = world.upload(number, 1, b"just some text, not a scan", name="scan.pdf")
    assert renamed.status_code == 422
    assert renamed.json()["code"] == "material_type_not_allowed"
    broken = world.upload(
        number, 1, b"%PDF-1.7\n garbage that is not a PDF", name="scan.pdf"
    )
    assert broken.status_code == 422
    assert broken.json()["code"] == "material_unreadable"
    with override_settings(MATERIAL_MAX_BYTES=1024):
        big = world.upload(number, 1, sample_pdf() + b" " * 2048)
    assert big.status_code == 422
    assert big.json()["code"] == "material_too_large"
    assert CaseMaterial.objects.count() == before
    good = world.upload(number, 1, _png(), name="任免文件.png")
    assert good.status_code == 201, good.json()
    assert good.json()["content_type"] == "image/png"
    assert len(good.json()["sha256"]) == 64
    again = world.upload(number, 1, sample_pdf())
    assert again.json()["content_type"] == "application/pdf"
    current = world.handler.get(f"/cases/{number}").json()["materials"]
    assert [m["content_type"] for m in current if m["position"] == 1] == [
        "application/pdf"
    ]
    assert (
        CaseMaterial.objects.filter(position=1).count() == 2
    )  # the first is kept, replaced


def test_no_uploads_after_submission(world: World) -> None:
    number = world.apply().json()["number"]
    late = world.upload(number, 1, sample_pdf())
    assert late.status_code == 409
    assert late.json()["code"] == "invalid_transition"


def test_orphan_files_are_swept(world: World) -> None:
    from django.core.files.base import ContentFile

    number = _draft(world)["number"]
    world.upload(number, 1, sample_pdf())
    case_id = CaseMaterial.objects.first().case_id  # type: ignore[union-attr]
    orphan = default_storage.save(f"cases/{number}/99-deadbeef.pdf", ContentFile(b"x"))
    assert orphan_files_sweep(older_than_seconds=0) >= 1
    assert not default_storage.exists(orphan)
    assert CaseMaterial.objects.filter(file__startswith=f"cases/{number}/").count() == 1
    kept = CaseMaterial.objects.exclude(file="").get(case_id=case_id)
    assert default_storage.exists(kept.file.name)


def test_one_request_submission_is_all_or_nothing(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongban.cases.models import Case

    needed = files_needed()

    def post(files: dict[str, bytes], key: str) -> Any:
        import json

        return world.handler.client.post(
            "/api/v1/cases/submissions",
            {
                "service_code": REP_CHANGE,
                "form": json.dumps(FORM),
                **{
                    name: SimpleUploadedFile("scan.pdf", data)
                    for name, data in files.items()
                },
            },
            headers={**world.handler._headers(), "Idempotency-Key": key},
        )

    stored = set(CaseMaterial.objects.exclude(file="").values_list("file", flat=True))
    # the last file is not a PDF: the whole submission is refused and nothing is kept
    files = {f"material_{i}": sample_pdf() for i in needed}
    files[f"material_{needed[-1]}"] = b"not a pdf"
    refused = post(files, "k-1")
    assert refused.status_code == 422
    assert refused.json()["code"] == "material_type_not_allowed"
    assert Case.objects.count() == 0
    assert (
        set(CaseMaterial.objects.exclude(file="").values_list("file", flat=True))
        == stored
    )
    good = {f"material_{i}": sample_pdf() for i in needed}
    first = post(good, "k-2")
    assert first.status_code == 201, first.json()
    assert first.json()["status"] == "received"
    again = post(good, "k-2")
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.count() == 1
    # the answer is built from the rows the request wrote: the same as reading it back
    read = world.handler.get(f"/cases/{first.json()['number']}").json()
    for key in ("materials", "documents", "timeline", "status", "correction_due"):
        assert first.json()[key] == read[key], key
    assert [m["position"] for m in read["materials"]] == sorted(
        m["position"] for m in read["materials"]
    )
    assert any(m["fetched"] for m in read["materials"])
    assert [e["action"] for e in read["timeline"]] == ["draft", "submit"]
    assert [d["kind"] for d in read["documents"]] == ["receipt"]


def test_one_request_submission_refuses_a_key_used_for_a_draft(world: World) -> None:
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongban.cases.models import Case

    draft = world.handler.client.post(
        "/api/v1/cases",
        {"service_code": REP_CHANGE, "form": FORM},
        content_type="application/json",
        headers={**world.handler._headers(), "Idempotency-Key": "k-draft"},
    )
    assert draft.status_code == 201
    stored = set(CaseMaterial.objects.values_list("file", flat=True))
    reused = world.handler.client.post(
        "/api/v1/cases/submissions",
        {
            "service_code": REP_CHANGE,
            "form": json.dumps(FORM),
            "material_1": SimpleUploadedFile("scan.pdf", sample_pdf()),
        },
        headers={**world.handler._headers(), "Idempotency-Key": "k-draft"},
    )
    assert reused.status_code == 409
    assert reused.json()["code"] == "conflict"
    assert draft.json()["number"] in reused.json()["message"]
    assert Case.objects.count() == 1
    assert set(CaseMaterial.objects.values_list("file", flat=True)) == stored


def test_a_stored_file_has_a_place_no_other_file_is_given(world: World) -> None:
    """Folders are case numbers and names end in a random part: what a rolled-back
    submission left can never sit where a later case's file goes, nor be taken for it."""
    number = _draft(world)["number"]
    world.upload(number, 1, sample_pdf())
    world.upload(number, 1, sample_pdf())  # the same bytes again: a replacement
    paths = list(
        CaseMaterial.objects.filter(case__number=number)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    assert len(paths) == 2
    assert len(set(paths)) == 2
    assert all(path.startswith(f"cases/{number}/01-") for path in paths)  # a draft's

"""免交 that tells the truth: only the document a material names is fetched, for the
person it is about; when the registry has none, the applicant is told and uploads it."""

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.cases.models import Case, CaseMaterial
from tongban.cases.tests.conftest import FORM, REP_CHANGE, World, sample_pdf

IDENTITY, CV, CERTIFICATE = 2, 3, 4  # the new chief representative's; the office's
EMMA = "548812706"  # the stand-in registry holds her passport
LIAM = "557301948"  # it holds his residence permit, not his passport
JANE = FORM["passport_number"]  # it holds nothing for her


def _draft(world: World, passport: str) -> dict[str, Any]:
    response = world.handler.post(
        "/cases",
        {"service_code": REP_CHANGE, "form": {**FORM, "passport_number": passport}},
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _status(case: dict[str, Any]) -> dict[int, tuple[str, str]]:
    return {m["position"]: (m["status"], m["message"]) for m in case["material_status"]}


def test_the_new_representatives_passport_is_fetched_by_the_number_in_the_form(
    world: World,
) -> None:
    draft = _draft(world, EMMA)
    fetched = {m["position"]: m for m in draft["materials"] if m["fetched"]}
    assert sorted(fetched) == [IDENTITY, CERTIFICATE]
    assert fetched[IDENTITY]["provenance"] == {
        "registry": "exit_entry",
        "document": "护照信息",
        "issuer": "HM Passport Office",
        "issued_on": "2022-04-11",
    }
    assert fetched[CERTIFICATE]["provenance"]["document"] == "代表机构登记信息"
    stored = CaseMaterial.objects.get(case__number=draft["number"], position=IDENTITY)
    assert stored.provenance["content"]["name"] == "Emma Clarke"  # not the filer's
    assert _status(draft)[IDENTITY] == ("fetched", "")
    assert _status(draft)[CV] == ("to_upload", "")


def test_another_document_of_the_holder_is_never_attached_in_its_place(
    world: World,
) -> None:
    draft = _draft(world, LIAM)  # a residence permit is held, the passport is not
    assert [m["position"] for m in draft["materials"]] == [CERTIFICATE]
    assert _status(draft)[IDENTITY] == (
        "not_fetched",
        "未能按申请表填写的证件号码从出入境管理信息库调取，请上传。",
    )
    assert not CaseMaterial.objects.filter(
        case__number=draft["number"], position=IDENTITY
    ).exists()


def test_a_material_nothing_could_be_fetched_for_must_be_uploaded_to_submit(
    world: World,
) -> None:
    draft = _draft(world, JANE)
    number = draft["number"]
    assert _status(draft)[IDENTITY][0] == "not_fetched"
    for position in (1, CV):
        assert world.upload(number, position, sample_pdf()).status_code == 201
    refused = world.handler.post(f"/cases/{number}/submit", {})
    assert refused.status_code == 422
    assert refused.json()["code"] == "materials_missing"
    assert refused.json()["fields"] == {
        f"materials.{IDENTITY}": "新任首席代表的身份证明"
    }
    assert Case.objects.get(number=number).status == "draft"
    uploaded = world.upload(number, IDENTITY, sample_pdf("passport"))
    assert uploaded.status_code == 201, uploaded.json()
    submitted = world.handler.post(f"/cases/{number}/submit", {})
    assert submitted.status_code == 200, submitted.json()
    assert _status(submitted.json())[IDENTITY] == ("uploaded", "")


def _submission(world: World, passport: str, positions: list[int], key: str) -> Any:
    return world.handler.client.post(
        "/api/v1/cases/submissions",
        {
            "service_code": REP_CHANGE,
            "form": json.dumps({**FORM, "passport_number": passport}),
            **{
                f"material_{i}": SimpleUploadedFile("scan.pdf", sample_pdf())
                for i in positions
            },
        },
        headers={**world.handler._headers(), "Idempotency-Key": key},
    )


def test_one_request_without_the_file_that_could_not_be_fetched_is_refused(
    world: World,
) -> None:
    stored = set(CaseMaterial.objects.values_list("file", flat=True))
    refused = _submission(world, LIAM, [1, CV], "k-1")
    assert refused.status_code == 422
    assert refused.json()["code"] == "materials_missing"
    assert refused.json()["fields"] == {
        f"materials.{IDENTITY}": "新任首席代表的身份证明"
    }
    assert Case.objects.count() == 0
    assert set(CaseMaterial.objects.values_list("file", flat=True)) == stored
    with_it = _submission(world, LIAM, [1, IDENTITY, CV], "k-2")
    assert with_it.status_code == 201, with_it.json()
    fetched = _submission(world, EMMA, [1, CV], "k-3")
    assert fetched.status_code == 201, fetched.json()
    assert _status(fetched.json())[IDENTITY] == ("fetched", "")


def test_the_draft_page_asks_for_the_material_that_could_not_be_fetched(
    world: World,
) -> None:
    from django.test import Client

    from tongban.accounts.middleware import SESSION_ACTING
    from tongban.accounts.models import Person
    from tongban.cases.tests.conftest import CHAN

    number = _draft(world, JANE)["number"]
    user = Person.objects.get(name=CHAN[0]).user
    assert user is not None
    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_ACTING] = f"company:{world.company_id}"
    session.save()
    page = client.get(f"/cases/{number}/").content.decode()
    identity = page.split(f'data-testid="material-{IDENTITY}"')[1].split("</li>")[0]
    assert "未能按申请表填写的证件号码从出入境管理信息库调取，请上传。" in identity
    assert 'name="file"' in identity
    certificate = page.split(f'data-testid="material-{CERTIFICATE}"')[1]
    assert "not-fetched" not in certificate.split("</li>")[0]

"""A small world for case tests: the seed catalogue, a company with a handler, four staff."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tongban.accounts.tests.conftest import Api, api, staff_token  # noqa: F401
from tongban.catalog.services import catalog_load
from tongban.core import clock

# 外国企业常驻代表机构首席代表变更: 8 working days by law, 3 promised; 市市场监管局.
REP_CHANGE = "000131007000-310000000000-000-11310000002420033N-1-00"
DEPARTMENT = "上海市市场监督管理局"
SMITH = ("John Smith", "533380006")
CHAN = ("陈美玲", "810000199005050026")
OFFICE = "91310000ME2X0A1173"
FORM = {
    "office_name": "英国示范贸易有限公司上海代表处",
    "new_representative": "Jane Doe",
    "passport_number": "561234987",
    "appointment_date": "2026-11-20",
}


def draft_materials() -> list[dict[str, Any]]:
    from tongban.catalog.models import ServiceItem

    item = ServiceItem.objects.get(code=REP_CHANGE)
    return list(item.current_version.content.get("materials") or [])


def files_needed() -> list[int]:
    """The positions of the representative change's required materials the applicant
    uploads: the registration certificate is fetched, the application form is filled in
    online."""
    return [
        position
        for position, material in enumerate(draft_materials())
        if material.get("required", True)
        and material.get("source") not in ("legal_entity_registry", "online_form")
    ]


def sample_pdf(title: str = "材料") -> bytes:
    """A real one-page PDF, as a scanner would make."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, f"scan: {title.encode('unicode_escape').decode()}")
    page.showPage()
    page.save()
    return buffer.getvalue()


@dataclass
class World:
    api: Api
    handler: Api  # 陈美玲 acting for the representative office
    representative: Api  # John Smith
    company_id: int
    clerk: Api
    reviewer: Api
    approver: Api
    head: Api

    def apply(self, *, key: str = "", form: dict[str, Any] | None = None) -> Any:
        """Draft, upload every material the government does not hold, submit."""
        handler = self.handler
        headers = handler._headers()
        if key:
            headers["Idempotency-Key"] = key
        draft = handler.client.post(
            "/api/v1/cases",
            {"service_code": REP_CHANGE, "form": form or FORM},
            content_type="application/json",
            headers=headers,
        )
        if draft.status_code != 201:
            return draft
        number = draft.json()["number"]
        have = {m["position"] for m in draft.json()["materials"]}
        for position, material in enumerate(draft_materials()):
            if position in have or not material.get("required", True):
                continue
            if material.get("source") == "online_form":
                continue  # the form itself
            uploaded = self.upload(number, position, sample_pdf(material["name"]))
            assert uploaded.status_code == 201, uploaded.json()
        submitted = handler.client.post(
            f"/api/v1/cases/{number}/submit", headers=headers
        )
        submitted.status_code = (
            201 if submitted.status_code == 200 else submitted.status_code
        )
        return submitted

    def upload(
        self, number: str, position: int, data: bytes, name: str = "scan.pdf"
    ) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.handler.client.post(
            f"/api/v1/cases/{number}/materials/{position}",
            {"file": SimpleUploadedFile(name, data)},
            headers=self.handler._headers(),
        )

    def relogin_handler(self) -> None:
        from tongban.accounts.tests.conftest import PASSWORD

        tokens = self.api.post("/auth/token", {"login": CHAN[1], "password": PASSWORD})
        self.handler = self.api.as_(
            tokens.json()["access_token"], acting=self.handler.acting
        )

    def act(self, who: Api, number: str, action: str, **payload: Any) -> Any:
        if "expected_version" not in payload:
            payload["expected_version"] = who.get(f"/workbench/cases/{number}").json()[
                "version"
            ]
        return who.post(f"/workbench/cases/{number}/actions/{action}", payload)


@pytest.fixture
def world(api: Api) -> World:  # noqa: F811
    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    smith = api.register(
        *SMITH, "+44 7911 123456", doc_type="passport", nationality="GBR"
    )
    assert smith.post("/me/identity-verification").status_code == 200
    company = smith.post("/companies", {"uscc": OFFICE})
    assert company.status_code == 201, company.json()
    company_id = company.json()["id"]
    chan = api.register(*CHAN, "+852 9123 4567", doc_type="hmt_residence_permit")
    chan.post("/me/identity-verification")
    until = (clock.today() + dt.timedelta(days=365)).isoformat()
    granted = smith.post(
        f"/companies/{company_id}/grants",
        {
            "agent_name": CHAN[0],
            "agent_doc_type": "hmt_residence_permit",
            "agent_doc_number": CHAN[1],
            "valid_from": "2026-01-01",
            "valid_until": until,
        },
    )
    assert granted.status_code == 201, granted.json()
    # Registration services ask for L3 (remote face verification), which arrives with the
    # e-signature issue; until then the handler is raised to L3 here, as that step would.
    from tongban.accounts.models import Person

    Person.objects.filter(name=CHAN[0]).update(level=3)
    staff = {
        role: api.as_(staff_token(api, f"{role}-1", DEPARTMENT, roles))
        for role, roles in {
            "clerk": ["intake_clerk"],
            "reviewer": ["reviewer"],
            "approver": ["approver"],
            "head": ["department_head"],
        }.items()
    }
    return World(
        api=api,
        handler=chan.as_(chan.token, acting=f"company:{company_id}"),
        representative=smith,
        company_id=company_id,
        **staff,
    )

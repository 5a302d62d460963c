"""What staff work with: the queue's columns (the applicant, working days left to each
deadline, 期限待定), its search by number and applicant on the page and in the API, the
reviewer's chosen recommendation, and the case page asking before a document is issued."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client

from tongban.accounts.models import Company, Person, StaffProfile
from tongban.cases import selectors, services
from tongban.cases.models import Case
from tongban.cases.tests.conftest import (
    CHAN,
    FORM,
    OFFICE,
    REP_CHANGE,
    World,
    draft_materials,
    sample_pdf,
)
from tongban.core import clock
from tongban.core.errors import InvalidInput
from tongban.workdays.selectors import calendar_get

pytestmark = pytest.mark.django_db

COMPANY = "英国示范贸易有限公司上海代表处"


def _staff(username: str) -> StaffProfile:
    return StaffProfile.objects.select_related("user").get(user__username=username)


def _page(username: str) -> Client:
    client = Client()
    client.force_login(_staff(username).user)
    return client


def _row(number: str, q: str = "") -> selectors.QueueRow:
    _count, rows = selectors.queue_page(_staff("clerk-1"), q=q, limit=100)
    return next(row for row in rows if row.number == number)


# --- the reviewer's recommendation ---------------------------------------------------------


def test_a_review_needs_a_recommendation_chosen(world: World) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    unchosen = world.act(world.reviewer, number, "review", opinion="材料齐全")
    assert unchosen.status_code == 422  # the API has no default either
    case = Case.objects.get(number=number)
    reviewer = _staff("reviewer-1")
    for recommend in ("", "maybe"):
        with pytest.raises(InvalidInput) as refused:
            services.case_review(
                case=case,
                staff=reviewer,
                expected_version=case.row_version,
                opinion="材料齐全",
                recommend=recommend,
            )
        assert "recommend" in (refused.value.fields or {})
    with pytest.raises(InvalidInput) as no_reasons:
        services.case_review(
            case=case,
            staff=reviewer,
            expected_version=case.row_version,
            opinion="  ",
            recommend="refuse",
        )
    assert "理由" in str(no_reasons.value.fields["opinion"])
    assert Case.objects.get(number=number).status == "accepted"


def test_the_approver_sees_the_recommendation_and_its_reasons(world: World) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    reviewer = _page("reviewer-1")
    version = Case.objects.get(number=number).row_version
    page = reviewer.post(
        f"/workbench/{number}/",
        {"action": "review", "version": version, "opinion": "任免文件未经认证"},
        follow=True,
    ).content.decode()
    assert "请选择审查建议" in page  # nothing is implied
    assert Case.objects.get(number=number).status == "accepted"
    reviewer.post(
        f"/workbench/{number}/",
        {
            "action": "review",
            "version": version,
            "recommend": "refuse",
            "opinion": "任免文件未经认证",
        },
    )
    assert Case.objects.get(number=number).status == "reviewed"
    approver = _page("approver-1").get(f"/workbench/{number}/").content.decode()
    assert 'data-testid="review-recommendation"' in approver
    assert "建议不予许可" in approver
    assert "任免文件未经认证" in approver
    assert "审查完成：建议不予许可" in approver  # the timeline says it in words
    staff = world.approver.get(f"/workbench/cases/{number}").json()["timeline"]
    review = next(e for e in staff if e["action"] == "review")
    assert review["label"] == "审查完成：建议不予许可"
    assert review["detail"] == "不予许可的理由：任免文件未经认证"


def test_the_steps_that_issue_a_document_ask_first_naming_it(world: World) -> None:
    number = world.apply().json()["number"]
    received = _page("clerk-1").get(f"/workbench/{number}/").content.decode()
    # the applicant's form under its labels, as the applicant filled it in
    assert "任命日期" in received and "2026-11-20" in received
    assert "<dt>appointment_date</dt>" not in received
    assert 'data-confirm="将签发《受理通知书》并通知申请人，确定受理？"' in received
    assert "将签发《补正材料通知书》并通知申请人" in received
    assert "将签发《不予受理通知书》并通知申请人" in received
    # claiming is not needed to act, and the page says so
    assert "认领（可选）" in received
    assert "办理不需要先认领" in received
    world.act(world.clerk, number, "accept")
    world.act(world.reviewer, number, "review", recommend="approve", opinion="齐全")
    reviewed = _page("approver-1").get(f"/workbench/{number}/").content.decode()
    assert (
        'data-confirm="将签发《准予许可决定书》并通知申请人，确定准予许可？"'
        in reviewed
    )
    assert "将签发《不予许可决定书》并通知申请人，确定不予许可？" in reviewed
    assert "将签发《延长审查期限告知书》并通知申请人" in reviewed


# --- the queue's columns ---------------------------------------------------------------------


def test_a_row_names_the_applicant_and_counts_working_days(world: World) -> None:
    number = world.apply().json()["number"]
    row = _row(number)
    assert (row.applicant, row.applicant_kind) == (COMPANY, "company")
    assert row.applicant_identifier == OFFICE  # a company's code is not masked
    assert row.legal_left == selectors.Countdown(None, "not_started")
    assert row.promised_left.reason == "not_started"

    world.act(world.clerk, number, "accept")
    case = Case.objects.get(number=number)
    assert case.legal_deadline and case.promised_deadline
    calendar = calendar_get(region=case.region)
    row = _row(number)
    today = clock.today()
    assert row.legal_left.days == calendar.count_working_days(
        today, case.legal_deadline
    )
    assert row.promised_left.days == calendar.count_working_days(
        today, case.promised_deadline
    )
    assert row.legal_left.days > 0 and not row.legal_left.overdue

    past = calendar.add_working_days(today - dt.timedelta(days=30), 3)
    Case.objects.filter(pk=case.pk).update(legal_deadline=past)
    row = _row(number)
    assert row.legal_left.days == -calendar.count_working_days(past, today) < 0
    assert row.legal_left.overdue == -row.legal_left.days

    Case.objects.filter(pk=case.pk).update(
        legal_deadline=None, promised_deadline=None, deadline_pending_year=2099
    )
    row = _row(number)
    assert row.legal_left == row.promised_left == selectors.Countdown(None, "pending")


def test_a_persons_own_case_shows_the_person_masked_as_the_policy_says(
    world: World,
) -> None:
    number = world.apply().json()["number"]
    case = Case.objects.get(number=number)
    case.applicant_company = None
    case.applicant_columns_fill()  # as a person's own case is received
    case.save()
    row = _row(number)
    assert row.applicant_kind == "person"
    assert row.applicant == CHAN[0]  # staff see names whole (core/masking.py)
    assert row.applicant_identifier == Person.objects.get(name=CHAN[0]).doc_masked
    assert CHAN[1][4:-4] not in row.applicant_identifier


def test_the_applicant_is_kept_on_the_case_when_drafted_and_again_when_received(
    world: World,
) -> None:
    handler = world.handler
    draft = handler.client.post(
        "/api/v1/cases",
        {"service_code": REP_CHANGE, "form": FORM},
        content_type="application/json",
        headers=handler._headers(),
    )
    assert draft.status_code == 201, draft.json()
    number = draft.json()["number"]
    drafted = Case.objects.get(number=number)
    assert (
        drafted.applicant_kind,
        drafted.applicant_label,
        drafted.applicant_identifier,
    ) == ("company", COMPANY, OFFICE)
    # the company is renamed while the case is a draft: the case names it as filed
    Company.objects.filter(pk=world.company_id).update(
        name="英国示范有限公司上海代表处"
    )
    have = {m["position"] for m in draft.json()["materials"]}
    for position, material in enumerate(draft_materials()):
        if position in have or not material.get("required", True):
            continue
        if material.get("source") == "online_form":
            continue
        uploaded = world.upload(number, position, sample_pdf(material["name"]))
        assert uploaded.status_code == 201, uploaded.json()
    submitted = handler.client.post(
        f"/api/v1/cases/{number}/submit", headers=handler._headers()
    )
    assert submitted.status_code == 200, submitted.json()
    received = Case.objects.get(pk=drafted.pk)
    assert received.status == "received"
    assert received.applicant_label == "英国示范有限公司上海代表处"
    assert _row(received.number).applicant == "英国示范有限公司上海代表处"
    assert _row(received.number, q="示范有限").number == received.number


def test_the_migration_fills_the_applicant_of_the_cases_already_there(
    world: World,
) -> None:
    number = world.apply().json()["number"]
    company_case = Case.objects.get(number=number)
    own = Case.objects.get(pk=company_case.pk)
    own.pk, own.number, own.applicant_company = None, "T-OWN", None
    own.save(force_insert=True)  # the filer's own case: no applicant person either
    Case.objects.update(applicant_kind="", applicant_label="", applicant_identifier="")
    migration = importlib.import_module(
        "tongban.cases.migrations.0006_case_applicant_columns"
    )

    class Editor:
        @staticmethod
        def execute(sql: str) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql)

    migration.fill(django_apps, Editor())
    filer = Person.objects.get(name=CHAN[0])
    assert list(
        Case.objects.order_by("pk").values_list(
            "applicant_kind", "applicant_label", "applicant_identifier"
        )
    ) == [("company", COMPANY, OFFICE), ("person", CHAN[0], filer.doc_masked)]


def test_the_queue_page_shows_the_columns_and_stacks_on_a_phone(world: World) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    page = _page("clerk-1").get("/workbench/").content.decode()
    assert "<title>待办件" in page
    assert COMPANY in page and OFFICE in page
    assert "table-stack" in page
    for label in ("办件编号", "申请人", "事项", "状态", "承诺期限", "法定期限"):
        assert f'data-label="{label}"' in page
    assert "个工作日" in page
    other = world.apply().json()["number"]
    assert (
        "期限待定"
        in _page("clerk-1").get("/workbench/?status=received").content.decode()
    )
    assert other


# --- search ----------------------------------------------------------------------------------


def test_search_finds_a_case_by_number_and_by_applicant(world: World) -> None:
    first = world.apply().json()["number"]
    second = world.apply(key="second").json()["number"]
    own = Case.objects.get(number=second)
    own.applicant_company = None  # her own case, as it would be received
    own.applicant_columns_fill()
    own.save()
    clerk = _staff("clerk-1")

    def found(q: str) -> list[str]:
        return [row.number for row in selectors.queue_page(clerk, q=q)[1]]

    assert found(first) == [first]
    assert found(f"  {first.lower()} ") == [first]
    assert set(found(first[:12])) == {first, second}  # the start of a number
    assert found(OFFICE) == [first]  # the credit code
    assert found(OFFICE.lower()) == [first]
    assert found("示范贸易") == [first]  # a part of the company's name
    assert set(found(CHAN[1])) == {first, second}  # who filed both, by document number
    # by name, the applicant the case names: her own case, not the company's she filed
    assert found("陈美") == [second]
    assert found("张三丰") == []
    assert found("100%") == [] and found("_") == []
    for q in (first, OFFICE, "示范贸易", CHAN[1], "陈美", "x"):
        assert selectors.queue_count(clerk, q=q) == len(found(q))


def test_the_api_searches_with_q(world: World) -> None:
    number = world.apply().json()["number"]
    world.act(world.clerk, number, "accept")
    answer = world.clerk.get(f"/workbench/queue?q={number}").json()
    assert answer["count"] == 1
    (item,) = answer["items"]
    assert item["number"] == number
    assert item["applicant"] == COMPANY
    assert item["applicant_kind"] == "company"
    assert item["applicant_identifier"] == OFFICE
    assert isinstance(item["legal_working_days_left"], int)
    assert item["legal_countdown"] == ""
    assert world.clerk.get("/workbench/queue?q=示范贸易").json()["count"] == 1
    assert world.clerk.get("/workbench/queue?q=nothing-like-it").json() == {
        "count": 0,
        "count_exact": True,
        "items": [],
    }
    assert world.clerk.get("/workbench/queue?q=" + "x" * 101).status_code == 422


def test_the_queue_page_searches_and_pages(world: World) -> None:
    number = world.apply().json()["number"]
    clerk = _page("clerk-1")
    page = clerk.get("/workbench/", {"q": number}).content.decode()
    assert f'data-number="{number}"' in page
    assert "共 1 件" in page
    nothing = clerk.get("/workbench/", {"q": "张三丰"}).content.decode()
    assert "没有与“张三丰”相符的在办件" in nothing
    case = Case.objects.get(number=number)
    for n in range(55):
        case.pk = None
        case.number = f"P-{n:03d}"
        case.save(force_insert=True)
    first = clerk.get("/workbench/").content.decode()
    assert first.count('data-testid="queue-row"') == 50
    assert 'data-testid="queue-next"' in first
    second = clerk.get("/workbench/", {"page": 2}).content.decode()
    assert second.count('data-testid="queue-row"') == 6
    assert 'data-testid="queue-previous"' in second
    assert clerk.get("/workbench/", {"page": "x"}).status_code == 200

"""Two staff acting on one case at the same moment, on a file database: exactly one wins."""

import threading

import pytest
from django.db import connection

from tongban.accounts.models import StaffProfile
from tongban.accounts.tests.conftest import staff_token
from tongban.cases import services
from tongban.cases.models import Case, CaseEvent
from tongban.cases.tests.conftest import World
from tongban.core.errors import Conflict


@pytest.mark.django_db(transaction=True)
def test_two_clerks_at_the_same_moment(world: World) -> None:
    assert (
        connection.vendor != "sqlite" or connection.settings_dict["NAME"] != ":memory:"
    )
    staff_token(world.api, "clerk-2", "上海市市场监督管理局", ["intake_clerk"])
    number = world.apply().json()["number"]
    version = Case.objects.get(number=number).row_version
    events = CaseEvent.objects.filter(case__number=number).count()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def clerk(username: str, action: str) -> None:
        try:
            staff = StaffProfile.objects.select_related("department", "user").get(
                user__username=username
            )
            case = Case.objects.select_related("version", "department", "item").get(
                number=number
            )
            barrier.wait()
            try:
                if action == "accept":
                    services.case_accept(
                        case=case, staff=staff, expected_version=version
                    )
                else:
                    services.case_refuse_intake(
                        case=case,
                        staff=staff,
                        expected_version=version,
                        reason="不属于本机关职权范围。",
                    )
                outcomes.append(f"won:{action}")
            except Conflict as error:
                outcomes.append(f"lost:{error.code}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=clerk, args=("clerk-1", "accept")),
        threading.Thread(target=clerk, args=("clerk-2", "refuse_intake")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.split(":")[0] for o in outcomes) == ["lost", "won"], outcomes
    assert [o for o in outcomes if o.startswith("lost")] == ["lost:conflict"]
    case = Case.objects.get(number=number)
    winner = next(o for o in outcomes if o.startswith("won")).split(":")[1]
    assert (
        case.status == {"accept": "accepted", "refuse_intake": "not_accepted"}[winner]
    )
    assert case.row_version == version + 1
    assert CaseEvent.objects.filter(case=case).count() == events + 1


@pytest.mark.django_db(transaction=True)
def test_numbers_are_not_held_by_the_transaction_that_drew_them() -> None:
    """On PostgreSQL a number is drawn on its own connection: eight submissions of one
    department on one day, each still inside its transaction, all get different numbers
    without waiting for each other; the one that is rolled back leaves a gap."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has one writer: numbers are drawn in the caller's transaction"
        )
    from django.db import transaction
    from django.test import override_settings

    from tongban.cases.numbers import number_next, numbers_close

    prefix = "310000-20200203-033N"
    drawn: list[int] = []
    barrier = threading.Barrier(
        8, timeout=10
    )  # all eight hold their transaction at once

    def submission(index: int) -> None:
        try:
            with override_settings(NUMBERS_OWN_CONNECTION=True):
                try:
                    with transaction.atomic():
                        drawn.append(number_next(prefix))
                        barrier.wait()
                        if index == 0:
                            raise RuntimeError("refused after its number was drawn")
                except RuntimeError:
                    pass
        finally:
            numbers_close()
            connection.close()

    threads = [threading.Thread(target=submission, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(drawn) == list(range(1, 9))
    with override_settings(NUMBERS_OWN_CONNECTION=True):
        try:
            assert (
                number_next(prefix) == 9
            )  # the rolled-back 1..8 are not handed out again
        finally:
            numbers_close()

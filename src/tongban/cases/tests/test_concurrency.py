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
                services.case_act(
                    case=case,
                    staff=staff,
                    action=action,
                    expected_version=version,
                    payload={"reason": "不属于本机关职权范围。"},
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

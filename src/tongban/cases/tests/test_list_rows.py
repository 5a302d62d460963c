"""The case lists written as SQL give exactly what the ORM's scoped queries give: the same
cases, in the same order, a page at a time — on SQLite and on PostgreSQL."""

import datetime as dt

from tongban.accounts.models import Company, Person, StaffProfile
from tongban.cases import selectors
from tongban.cases.constants import Status
from tongban.cases.models import Case
from tongban.cases.tests.conftest import CHAN, SMITH, World
from tongban.core import clock

FIELDS = ("number", "status", "item__name", "received_on", "legal_deadline")
PAGES = [(0, 5), (3, 4), (7, 20), (0, 100), (40, 10)]


def _copies(world: World) -> tuple[Person, Person, StaffProfile]:
    """Thirty cases around a real one: the handler's own, the company's filed by its
    representative, a stranger's, in several states and deadlines, some at one instant."""
    assert world.apply().status_code == 201
    model = Case.objects.get()
    chan = Person.objects.get(name=CHAN[0])
    smith = Person.objects.get(name=SMITH[0])
    stranger = Person.objects.exclude(pk__in=[chan.pk, smith.pk]).first() or smith
    company = Company.objects.get(pk=world.company_id)
    clerk = StaffProfile.objects.get(user__username="clerk-1")
    base = clock.now()
    statuses = [Status.RECEIVED, Status.ACCEPTED, Status.CLOSED, Status.REVIEWED]
    for n in range(30):
        model.pk = None
        model.number = f"T-{n:03d}"
        owner = [chan, smith, stranger][n % 3]
        model.submitted_by = owner
        model.applicant_person = owner if n % 3 != 1 else None
        model.applicant_company = company if n % 3 == 1 else None
        model.status = statuses[n % 4]
        model.legal_deadline = (
            None if n % 5 == 0 else dt.date(2026, 12, 1) + dt.timedelta(days=n % 7)
        )
        model.claimed_by = clerk.user if n % 2 else None
        model.applicant_columns_fill()
        # cases 0 and 1, 2 and 3, … share an instant: the id decides
        model.created_at = base - dt.timedelta(minutes=n // 2)
        model.save(force_insert=True)
    return chan, smith, clerk


def test_applicant_rows_match_the_scoped_query(world: World) -> None:
    chan, smith, _clerk = _copies(world)
    for person in (chan, smith):
        everything = selectors.cases_for_person(person).order_by("-created_at", "-pk")
        assert everything.count() > 10
        assert selectors.case_count_for_person(person) == everything.count()
        for offset, limit in PAGES:
            expected = list(everything.values_list(*FIELDS)[offset : offset + limit])
            got = selectors.case_rows_for_person(person, offset=offset, limit=limit)
            assert [tuple(row) for row in got] == expected, (person.name, offset)


def test_queue_rows_match_the_department_queue(world: World) -> None:
    _chan, _smith, clerk = _copies(world)
    number = Case.objects.exclude(number__startswith="T-").get().number
    searches = ("", "T-01", number, "示范", "smith", CHAN[1], "nobody")
    for status in (None, Status.ACCEPTED, Status.CLOSED):
        for mine in (False, True):
            for q in searches:
                queue = selectors.staff_queue(clerk, status=status, mine=mine, q=q)
                counted = selectors.queue_count(clerk, status=status, mine=mine, q=q)
                assert counted == queue.count(), (status, mine, q)
                assert selectors.queue_count(
                    clerk, status=status, mine=mine, q=q, most=2
                ) == min(queue.count(), 3)
                for offset, limit in PAGES:
                    expected = list(
                        queue.values_list(*selectors.QUEUE_FIELDS)[
                            offset : offset + limit
                        ]
                    )
                    got = selectors.queue_rows(
                        clerk, status=status, mine=mine, q=q, offset=offset, limit=limit
                    )
                    assert [tuple(row) for row in got] == expected, (
                        status,
                        mine,
                        q,
                        offset,
                    )
    assert selectors.queue_rows(clerk, offset=0, limit=100)
    for q in searches[1:-1]:  # each search finds something, the last nothing
        assert selectors.queue_count(clerk, q=q), q
    assert not selectors.queue_count(clerk, q="nobody")

"""Template tags of a case's deadlines: the pending ones at the earliest, where the case
pages and any row of cases show them (`{% earliest_possible_of case as pending %}`)."""

from django import template

from tongban.cases.deadlines import EarliestDeadlines, earliest_possible
from tongban.cases.models import Case

register = template.Library()


@register.simple_tag
def earliest_possible_of(case: Case) -> EarliestDeadlines | None:
    """`cases.deadlines.earliest_possible`: None (and no query) unless the case waits for
    a year's holiday arrangement."""
    return earliest_possible(case)

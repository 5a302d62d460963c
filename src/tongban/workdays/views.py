"""The time-limit calculator page; HTMX swaps in just the answer when it can."""

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban import regions
from tongban.core.errors import DomainError
from tongban.workdays.calendar import CalendarMissing
from tongban.workdays.constants import DayKind, DaySource, limit_phrase
from tongban.workdays.forms import FORMS
from tongban.workdays.selectors import calendar_get, calendar_known_years, holiday_name


def _answer(question: str, data: dict[str, Any]) -> dict[str, Any]:
    calendar = calendar_get(region=data.get("region", ""))
    answer: dict[str, Any] = {
        **data,
        "question": question,
        "region_info": regions.get(calendar.region) if calendar.region else None,
    }
    if question == "add":
        answer["limit"] = limit_phrase(data["days"], data["unit"])
        try:
            answer["result"] = calendar.add(data["date"], data["days"], data["unit"])
        except CalendarMissing as missing:
            # Into a year not yet published: when it will be known, and the earliest day.
            answer["pending_year"] = missing.year
            answer["earliest"] = calendar.add_assuming_weekends(
                data["date"], data["days"], data["unit"]
            )
    elif question == "count":
        answer["count"] = calendar.count_working_days(data["start"], data["end"])
    else:
        info = calendar.day(data["date"])
        answer["day"] = info
        answer["name"] = holiday_name(info.name)
        answer["kind_label"] = DayKind(info.kind).label
        answer["source_label"] = DaySource(info.source).label
    return answer


def _error_field(error: DomainError, data: dict[str, Any]) -> str:
    """The field a refusal is about, so the message stands next to it."""
    named = next(iter(error.fields), None)
    if named in data:
        return named
    dates = [name for name, value in data.items() if isinstance(value, dt.date)]
    year = error.extra.get("year")
    in_year = [name for name in dates if data[name].year == year]
    return (in_year or dates)[-1 if not in_year else 0]


def calculator_context(request: HttpRequest) -> dict[str, Any]:
    """The calculator's forms, and the answer or the errors for the question asked."""
    question = request.GET.get("q", "add")
    if question not in FORMS:
        question = "add"
    forms = {name: form_class(prefix=name) for name, form_class in FORMS.items()}
    context: dict[str, Any] = {"question": question, "answer": None}
    if any(key.startswith(f"{question}-") for key in request.GET):
        form = FORMS[question](request.GET, prefix=question)
        forms[question] = form
        if form.is_valid():
            try:
                context["answer"] = _answer(question, form.cleaned_data)
            except DomainError as error:
                form.add_error(
                    _error_field(error, form.cleaned_data), str(error.message)
                )
    known = calendar_known_years()
    context.update(
        forms=forms,
        first_year=known[0],
        last_year=known[-1],
        provinces=[
            region
            for region in regions.all_regions()
            if region.level == "province" and region.is_current
        ],
    )
    return context


def calculator(request: HttpRequest) -> HttpResponse:
    context = calculator_context(request)
    if getattr(request, "htmx", False):
        return render(request, "workdays/_calculator.html", context)
    return render(request, "workdays/calculator.html", context)

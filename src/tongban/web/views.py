"""The home page: what tongban is, and the time-limit calculator."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tongban.workdays.views import calculator_context


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", calculator_context(request))

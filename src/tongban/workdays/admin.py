"""Admin pages where an administrator keeps the calendar current, with history of every edit."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tongban.core.errors import DomainError
from tongban.workdays import services
from tongban.workdays.models import CalendarYear, DayOverride
from tongban.workdays.selectors import region_normalise


class CalendarYearForm(forms.ModelForm):
    days = forms.CharField(
        label=_("节假日与调休安排"),
        widget=forms.Textarea(attrs={"rows": 16, "cols": 60}),
        help_text=_(
            "每行一段：“2027-02-06~2027-02-12 休 春节”表示放假，“2027-02-14 班 春节”表示调休上班。"
            "未列出的日期按周一至周五工作、周末休息。"
        ),
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "source", "published_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            rows = DayOverride.objects.filter(region="", date__year=self.instance.year)
            self.fields["days"].initial = "\n".join(
                f"{row.date:%Y-%m-%d} {'班' if row.is_working_day else '休'} {row.name}".rstrip()
                for row in rows
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            cleaned["arranged_days"] = services.arrangement_parse(
                cleaned.get("days", "")
            )
        except DomainError as error:
            raise ValidationError({"days": str(error.message)}) from error
        return cleaned


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    form = CalendarYearForm
    list_display = ["year", "source", "published_on", "updated_at"]

    def save_model(
        self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool
    ) -> None:
        saved = services.calendar_year_save(
            year=form.cleaned_data["year"],
            source=form.cleaned_data["source"],
            published_on=form.cleaned_data.get("published_on"),
            days=form.cleaned_data["arranged_days"],
        )
        obj.pk = saved.pk


class DayOverrideForm(forms.ModelForm):
    class Meta:
        model = DayOverride
        fields = ["region", "date", "is_working_day", "name", "basis"]

    def clean_region(self) -> str:
        try:
            return region_normalise(self.cleaned_data.get("region", ""))
        except DomainError as error:
            raise ValidationError(str(error.message)) from error


@admin.register(DayOverride)
class DayOverrideAdmin(SimpleHistoryAdmin):
    form = DayOverrideForm
    list_display = ["date", "region", "is_working_day", "name", "basis", "updated_at"]
    list_filter = ["is_working_day", "region"]
    date_hierarchy = "date"
    search_fields = ["name", "region", "basis"]

    def save_model(
        self, request: HttpRequest, obj: DayOverride, form: Any, change: bool
    ) -> None:
        if change and form.initial.get("region") is not None:
            original = DayOverride.objects.get(pk=obj.pk)
            if (original.region, original.date) != (obj.region, obj.date):
                original.delete()
        saved = services.day_override_set(
            region=obj.region,
            date=obj.date,
            is_working_day=obj.is_working_day,
            name=obj.name,
            basis=obj.basis,
        )
        obj.pk = saved.pk

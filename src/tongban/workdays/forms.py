"""The time-limit calculator's three questions, as forms people fill in."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.workdays.constants import MAX_LIMIT_AMOUNT, LimitUnit

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_REGION_HELP = _("六位代码，如 310115；留空为全国")


class _RegionForm(forms.Form):
    """A question about one region's calendar; the region field comes last."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(
            [name for name in self.fields if name != "region"] + ["region"]
        )
        for field in self.fields.values():
            css = (
                "form-select"
                if isinstance(field.widget, forms.Select)
                else "form-control"
            )
            field.widget.attrs.setdefault("class", css)

    region = forms.CharField(
        label=_("地区代码（可选）"),
        required=False,
        max_length=6,
        help_text=_REGION_HELP,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "list": "regions"}
        ),
    )


class AddForm(_RegionForm):
    date = forms.DateField(label=_("起算日期"), widget=_DATE)
    days = forms.IntegerField(label=_("时限"), min_value=0, max_value=MAX_LIMIT_AMOUNT)
    unit = forms.ChoiceField(
        label=_("单位"), choices=LimitUnit.choices, initial=LimitUnit.WORKING_DAYS
    )


class CountForm(_RegionForm):
    start = forms.DateField(label=_("开始日期（不计入）"), widget=_DATE)
    end = forms.DateField(label=_("结束日期（计入）"), widget=_DATE)


class DayForm(_RegionForm):
    date = forms.DateField(label=_("日期"), widget=_DATE)


FORMS = {"add": AddForm, "count": CountForm, "day": DayForm}

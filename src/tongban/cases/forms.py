"""The application form, built from the item's JSON Schema (the catalogue's `form`)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


def schema_form(
    schema: dict[str, Any] | None, data: Any = None, initial: Any = None
) -> forms.Form:
    """A Django form with one field per property; the server checks against the schema too."""
    form = forms.Form(data=data, initial=initial)
    required = set((schema or {}).get("required", []))
    for name, prop in ((schema or {}).get("properties") or {}).items():
        label = prop.get("title", name)
        is_required = name in required
        kind = prop.get("type", "string")
        attrs = {"class": "form-control"}
        field: forms.Field
        if "enum" in prop:
            field = forms.ChoiceField(
                label=label,
                required=is_required,
                choices=[("", "—")] + [(v, v) for v in prop["enum"]],
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        elif kind == "boolean":
            field = forms.BooleanField(label=label, required=False)
        elif kind in ("integer", "number"):
            field = forms.CharField(
                label=label, required=is_required, widget=forms.NumberInput(attrs=attrs)
            )
        elif prop.get("format") == "date":
            field = forms.CharField(
                label=label,
                required=is_required,
                widget=forms.DateInput(attrs={**attrs, "type": "date"}),
            )
        else:
            field = forms.CharField(
                label=label,
                required=is_required,
                max_length=prop.get("maxLength"),
                widget=forms.TextInput(attrs=attrs),
            )
        form.fields[name] = field
    return form


def form_values(
    schema: dict[str, Any] | None, cleaned: dict[str, Any]
) -> dict[str, Any]:
    """Form input as the schema's types; empty fields are left out."""
    values: dict[str, Any] = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        value: Any = cleaned.get(name)
        if value is None or value == "":
            continue
        kind = prop.get("type", "string")
        try:
            if kind == "integer":
                value = int(value)
            elif kind == "number":
                value = float(value)
        except ValueError:
            pass  # the schema check will say so
        values[name] = value
    return values


class UploadForm(forms.Form):
    file = forms.FileField(label=_("选择文件（PDF、JPG、PNG）"))


class ItemsForm(forms.Form):
    items = forms.CharField(
        label=_("需要补正的全部材料和内容（每行一项）"),
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )

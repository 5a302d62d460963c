"""The application form, built from the item's JSON Schema (the catalogue's `form`).

The schema's constraints are carried twice: into HTML attributes, so the browser checks
each field as the applicant types (`web/form-check.js` shows the message under it), and
into Django validators, so a browser without JavaScript gets the same messages back under
the same fields. The service checks the values against the schema once more
(`cases.services.form_check`); the views attach its per-field messages to the fields.
"""

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from tongban.catalog.schema import ordered_properties

# A pattern of digits only (`^\d{9}$`, `^1[3-9][0-9]{9}$`): a phone shows its number pad.
DIGITS_ONLY = re.compile(
    r"\^?(?:(?:\\d|\[[0-9-]+\]|[0-9])(?:\{\d+(?:,\d*)?\}|[+*?])?)+\$?"
)


class SchemaBoundField(BoundField):
    """A field whose widget carries Bootstrap's `is-invalid` while it has errors."""

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            base = (widget or self.field.widget).attrs.get("class", "")
            attrs["class"] = f"{attrs.get('class', base)} is-invalid".strip()
        return attrs


class SchemaForm(forms.Form):
    bound_field_class = SchemaBoundField
    # field → the (controlling field, values) pairs any one of which makes it required
    required_when: dict[str, list[tuple[str, list[Any]]]] = {}  # noqa: RUF012

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, conditions in self.required_when.items():
            if name not in self.fields:
                continue  # a rule naming no field of the form: the service's check says it
            if cleaned.get(name) not in (None, ""):
                continue
            holds = any(cleaned.get(other) in values for other, values in conditions)
            if holds and name not in self.errors:
                self.add_error(name, rule_message("required"))
        return cleaned


def required_when(
    schema: dict[str, Any] | None,
) -> dict[str, list[tuple[str, list[Any]]]]:
    """The form's conditional requirements the pages can check as the applicant types:
    `if` one field has a value (`const`, or one of an `enum`) `then` other fields are
    `required` — at the top or in `allOf` (家庭经营 chosen → family members required).
    Other shapes of condition are left to the service's own check of the whole schema."""
    found: dict[str, list[tuple[str, list[Any]]]] = {}
    rules = [schema or {}, *((schema or {}).get("allOf") or [])]
    for rule in rules:
        test, then = rule.get("if"), rule.get("then")
        if not isinstance(test, dict) or not isinstance(then, dict):
            continue
        tested = test.get("properties") or {}
        if len(tested) != 1 or set(test) - {"properties", "required"}:
            continue
        ((other, constraint),) = tested.items()
        if not isinstance(constraint, dict) or set(constraint) - {"const", "enum"}:
            continue
        values = (
            [constraint["const"]] if "const" in constraint else constraint.get("enum")
        )
        if not isinstance(values, list):
            continue
        for name in then.get("required") or []:
            found.setdefault(name, []).append((other, values))
    return found


def html_pattern(pattern: str) -> str:
    """A JSON Schema `pattern` (ECMA-262, found anywhere in the value) as HTML's `pattern`
    attribute, which must match the whole value: anchors are dropped, and a side without
    one may have anything before or after."""
    if _alternates(pattern):  # `^a|b$`: the anchors belong to the branches, keep them
        return rf"[\s\S]*(?:{pattern})[\s\S]*"
    core = pattern.removeprefix("^")
    anchored_start = core != pattern
    anchored_end = core.endswith("$") and not core.endswith(r"\$")
    core = core.removesuffix("$") if anchored_end else core
    return (
        ("" if anchored_start else r"[\s\S]*")
        + core
        + ("" if anchored_end else r"[\s\S]*")
    )


def _alternates(pattern: str) -> bool:
    """Whether the pattern has a `|` outside any group or character class."""
    depth, in_class, escaped = 0, False, False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
        elif character in "()":
            depth += 1 if character == "(" else -1
        elif character == "|" and depth == 0:
            return True
    return False


def _refuse_unless(
    test: Callable[[Any], bool], message: str, code: str
) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if not test(value):
            raise ValidationError(message, code=code)

    return check


def _is_date(value: str) -> bool:
    """A calendar date written as JSON Schema's `format: date` wants it: 2026-11-20."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _in_language(prop: dict[str, Any], key: str) -> Any:
    """A property's `key` (title, description, enum) in the page's language."""
    english = (get_language() or "").startswith("en")
    return (english and prop.get(f"{key}_en")) or prop.get(key)


def rule_message(
    rule: str, limit: Any = None, prop: dict[str, Any] | None = None
) -> str:
    """The words for a failed rule of the form's JSON Schema (`rule` is its keyword,
    `limit` its value, `prop` the property), in the page's language — one wording for the
    browser, the Django form and the service's own check."""
    if rule == "required":
        return gettext("请填写此项。")
    if rule == "const":
        return (
            gettext("请勾选此项。")
            if limit is True
            else gettext("填写的内容不符合要求。")
        )
    if rule == "enum":
        return gettext("请从列表中选择。")
    if rule == "type":
        if limit == "integer":
            return gettext("请填写整数。")
        if limit == "number":
            return gettext("请填写数字。")
        return gettext("填写的内容类型不对。")
    if rule == "format":
        if limit == "date":
            return gettext("请按“年-月-日”填写有效的日期。")
        if limit == "email":
            return gettext("请输入有效的电子邮箱地址。")
        return gettext("格式不正确。")
    if rule == "pattern":
        hint = _in_language(prop or {}, "description")
        return (
            gettext("格式不正确：%(hint)s") % {"hint": hint}
            if hint
            else gettext("格式不正确。")
        )
    worded = {
        "maxLength": lambda: gettext("不能超过 %(n)d 个字。") % {"n": limit},
        "minLength": lambda: gettext("至少填写 %(n)d 个字。") % {"n": limit},
        "minimum": lambda: (
            gettext("不能小于 %(limit_value)s。") % {"limit_value": limit}
        ),
        "maximum": lambda: (
            gettext("不能大于 %(limit_value)s。") % {"limit_value": limit}
        ),
        "exclusiveMinimum": lambda: gettext("必须大于 %(limit)s。") % {"limit": limit},
        "exclusiveMaximum": lambda: gettext("必须小于 %(limit)s。") % {"limit": limit},
        "multipleOf": lambda: gettext("必须是 %(limit)s 的整数倍。") % {"limit": limit},
    }
    if rule in worded:
        return worded[rule]()
    return gettext("填写的内容不符合要求。")


def _field(name: str, prop: dict[str, Any], *, required: bool) -> forms.Field:
    """One property as a form field: label, help and choices in the page's language; the
    schema's constraints as attributes and validators; each refusal's message both as
    Django's error message and as a `data-msg-*` attribute for the browser."""

    def text(key: str) -> Any:
        return _in_language(prop, key)

    kind = prop.get("type", "string")
    common: dict[str, Any] = {
        "label": text("title") or name,
        "help_text": text("description") or "",
        "required": required,
    }
    errors = {"required": rule_message("required")}  # Django's error_messages
    browser = dict(errors)  # data-msg-<validity>, read by web/form-check.js
    attrs: dict[str, Any] = {"class": "form-control"}
    field: forms.Field

    if "enum" in prop:
        values = list(prop["enum"])
        labels = text("enum")
        if not isinstance(labels, list) or len(labels) != len(values):
            labels = values
        by_text = {str(value): value for value in values}
        errors["invalid_choice"] = rule_message("enum")
        field = forms.TypedChoiceField(
            choices=[("", gettext("请选择"))]
            + [(str(v), str(shown)) for v, shown in zip(values, labels, strict=True)],
            coerce=by_text.__getitem__,
            widget=forms.Select(attrs={"class": "form-select"}),
            **common,
        )
    elif kind == "boolean":
        # Unticked is an answer too (false), unless it is a declaration (`const: true`).
        declaration = prop.get("const") is True
        errors = {"required": rule_message("const", True)} if declaration else {}
        browser = dict(errors)
        field = forms.BooleanField(
            widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            **{**common, "required": declaration},
        )
    elif kind in ("integer", "number"):
        is_integer = kind == "integer"
        low, high = prop.get("minimum"), prop.get("maximum")
        errors["invalid"] = browser["type"] = browser["step"] = rule_message(
            "type", kind
        )
        if not is_integer:
            del browser["step"]
        if low is not None:
            errors["min_value"] = browser["min"] = rule_message("minimum", low)
        if high is not None:
            errors["max_value"] = browser["max"] = rule_message("maximum", high)
        # HTML has no exclusive bounds: the browser refuses what is beyond the bound, the
        # form refuses the bound itself too.
        beyond: list[Callable[[Any], None]] = []
        above, below = prop.get("exclusiveMinimum"), prop.get("exclusiveMaximum")
        if above is not None:
            message = rule_message("exclusiveMinimum", above)
            beyond.append(_refuse_unless(lambda v: v > above, message, "above"))
            if low is None:
                attrs["min"] = math.floor(above) + 1 if is_integer else above
                browser["min"] = message
        if below is not None:
            message = rule_message("exclusiveMaximum", below)
            beyond.append(_refuse_unless(lambda v: v < below, message, "below"))
            if high is None:
                attrs["max"] = math.ceil(below) - 1 if is_integer else below
                browser["max"] = message
        attrs["step"] = "1" if is_integer else "any"
        attrs["inputmode"] = "numeric" if is_integer else "decimal"
        number_field = forms.IntegerField if is_integer else forms.FloatField
        field = number_field(
            min_value=low,
            max_value=high,
            validators=beyond,
            widget=forms.NumberInput(attrs=attrs),
            **common,
        )
    else:
        validators: list[Callable[[Any], None]] = []
        widget: forms.Widget
        field_class: type[forms.CharField] = forms.CharField
        if prop.get("format") == "email":
            errors["invalid"] = browser["type"] = rule_message("format", "email")
            field_class = forms.EmailField
            widget = forms.EmailInput(attrs={**attrs, "inputmode": "email"})
        elif prop.get("format") == "date":
            browser["type"] = rule_message("format", "date")
            validators.append(_refuse_unless(_is_date, browser["type"], "date"))
            widget = forms.DateInput(attrs={**attrs, "type": "date"})
        else:
            widget = forms.TextInput(attrs=attrs)
        if "pattern" in prop:
            browser["pattern"] = rule_message("pattern", prop=prop)
            try:
                pattern = re.compile(prop["pattern"])
            except re.error:  # ECMA-262 only (`\p{L}`): the service still checks it
                pass
            else:
                validators.append(
                    _refuse_unless(
                        lambda value: bool(pattern.search(str(value))),
                        browser["pattern"],
                        "pattern",
                    )
                )
            widget.attrs["pattern"] = html_pattern(prop["pattern"])
            if DIGITS_ONLY.fullmatch(prop["pattern"]):
                widget.attrs["inputmode"] = "numeric"
        if "maxLength" in prop:
            errors["max_length"] = browser["maxlength"] = rule_message(
                "maxLength", prop["maxLength"]
            )
        if "minLength" in prop:
            errors["min_length"] = browser["minlength"] = rule_message(
                "minLength", prop["minLength"]
            )
        field = field_class(
            max_length=prop.get("maxLength"),
            min_length=prop.get("minLength"),
            validators=validators,
            widget=widget,
            **common,
        )

    field.error_messages.update(errors)
    field.widget.attrs.update(
        {f"data-msg-{key}": message for key, message in browser.items()}
    )
    return field


def schema_form(
    schema: dict[str, Any] | None, data: Any = None, initial: Any = None
) -> forms.Form:
    """A Django form with one field per property; the server checks against the schema too."""
    if initial:  # a whole number saved as 5.0 is shown as the applicant typed it: 5
        initial = {
            key: int(value)
            if isinstance(value, float) and value.is_integer()
            else value
            for key, value in initial.items()
        }
    form = SchemaForm(data=data, initial=initial)
    required = set((schema or {}).get("required", []))
    form.required_when = {
        name: conditions
        for name, conditions in required_when(schema).items()
        if name not in required
    }
    for name, prop in ordered_properties(schema):
        field = form.fields[name] = _field(name, prop, required=name in required)
        conditions = form.required_when.get(name)
        if conditions:
            # web/form-check.js makes the field required while a condition holds
            field.widget.attrs["data-required-when"] = json.dumps(
                [
                    {"field": f"id_{other}", "values": values}
                    for other, values in conditions
                ],
                ensure_ascii=False,
            )
            field.required_when = True  # type: ignore[attr-defined]
    return form


def form_values(
    schema: dict[str, Any] | None, cleaned: dict[str, Any]
) -> dict[str, Any]:
    """Form input as the schema's types; empty fields are left out."""
    values: dict[str, Any] = {}
    for name, prop in ordered_properties(schema):
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


@dataclass(frozen=True)
class Answer:
    """One answer of a submitted form, as the applicant sees it: the field's label, the
    value in words (`text`), or nested answers (`rows`: an array's items, each a list of
    answers for an object, or one answer)."""

    name: str
    label: str
    text: str = ""
    rows: tuple[tuple["Answer", ...], ...] = ()


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _answer_text(prop: dict[str, Any], field: forms.Field | None, value: Any) -> str:
    if isinstance(field, forms.TypedChoiceField):
        # the labels the form offered, so the page says what the applicant chose
        shown = dict(cast(list[tuple[str, str]], field.choices))
        return str(shown.get(str(value), value))
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, int | float):
        return _number(value)
    if prop.get("format") == "date" and isinstance(value, str) and _is_date(value):
        return date_format(dt.date.fromisoformat(value), "Y-m-d")
    return str(value)


def _answers(schema: dict[str, Any], data: dict[str, Any]) -> tuple[Answer, ...]:
    return tuple(
        _answer(name, prop, data[name])
        for name, prop in ordered_properties(schema)
        if name in data
    )


def _answer(
    name: str, prop: dict[str, Any], value: Any, *, is_item: bool = False
) -> Answer:
    kind = prop.get("type", "string")
    nested = kind in ("object", "array") or isinstance(value, dict | list)
    field = None if nested else _field(name, prop, required=False)
    # An array's plain items have no label of their own; else the form's label, and a
    # property without a title is named by nothing rather than by its key.
    label = "" if is_item else str(_in_language(prop, "title") or "")
    if isinstance(value, dict):
        return Answer(name, label, rows=(_answers(prop, value),))
    if isinstance(value, list):
        items = prop.get("items")
        item: dict[str, Any] = items if isinstance(items, dict) else {}
        rows: list[tuple[Answer, ...]] = []
        for entry in value:
            if isinstance(entry, dict):
                rows.append(_answers(item, entry))
            else:
                rows.append((_answer(name, item, entry, is_item=True),))
        return Answer(name, label, rows=tuple(rows))
    return Answer(name, label, text=_answer_text(prop, field, value))


def form_answers(
    schema: dict[str, Any] | None, data: dict[str, Any] | None
) -> tuple[Answer, ...]:
    """A submitted form in the schema's order, labelled as the form labelled it (in the
    page's language), its values in words: an enum's label, 是/否, a date as the pages
    write dates, a whole number without `.0`, arrays and objects as nested answers.
    Values the schema does not name (an older form's) are left out, so no key shows."""
    return _answers(schema or {}, dict(data or {}))

"""The form's field order survives storage: PostgreSQL's jsonb keeps an object's keys in
its own order (shorter keys first), so the loader writes the order down as `x-order`."""

import json
from typing import Any

import pytest

from tongban.catalog.schema import ordered_properties, with_property_order

FORM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "organisation_form": {"type": "string"},
        "capital": {"type": "number"},
        "family_members": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "member_name": {"type": "string"},
                    "id": {"type": "string"},
                },
            },
        },
        "ratio": {"type": "number"},
    },
}


def _as_jsonb(value: Any) -> Any:
    """An object's keys in jsonb's order: by length, then bytewise."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return {key: _as_jsonb(value[key]) for key in keys}
    if isinstance(value, list):
        return [_as_jsonb(entry) for entry in value]
    return value


def test_the_order_is_written_at_every_depth_and_followed_after_reordering() -> None:
    ordered = with_property_order(FORM)
    stored = _as_jsonb(json.loads(json.dumps(ordered)))
    assert list(stored["properties"]) != list(FORM["properties"])  # jsonb did reorder
    assert [name for name, _ in ordered_properties(stored)] == list(FORM["properties"])
    member = stored["properties"]["family_members"]["items"]
    assert [name for name, _ in ordered_properties(member)] == ["member_name", "id"]


def test_an_authors_order_must_name_the_properties() -> None:
    with pytest.raises(ValueError, match="x-order"):
        with_property_order({**FORM, "x-order": ["capital", "ratio"]})
    given = ["ratio", "capital", "family_members", "organisation_form"]
    assert with_property_order({**FORM, "x-order": given})["x-order"] == given


def test_a_schema_without_order_keeps_its_own() -> None:
    assert [name for name, _ in ordered_properties(FORM)] == list(FORM["properties"])
    assert ordered_properties(None) == []

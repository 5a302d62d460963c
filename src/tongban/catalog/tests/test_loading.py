"""Publishing the catalogue: versions only when content changed, retire, round-trip, refuse."""

import copy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from tongban.catalog.models import CatalogLoad, ServiceItem, ServiceVersion
from tongban.catalog.selectors import (
    ServiceFilters,
    service_get,
    service_search,
    service_version_get,
)
from tongban.catalog.services import CatalogInvalid, catalog_dump, catalog_load
from tongban.catalog.tests.small_catalog import SERVICES, write_catalog

pytestmark = pytest.mark.django_db


def test_first_load_creates_version_one_of_everything(tmp_path):
    outcome = catalog_load(root=write_catalog(tmp_path), actor="test")
    assert len(outcome.created) == 3
    assert (outcome.changed, outcome.retired, outcome.unchanged) == ([], [], 0)
    item = service_get(code=SERVICES[0]["code"])
    assert item.current_version.number == 1
    assert (
        item.current_version.content["materials"][0]["source"] == "population_registry"
    )
    assert item.department.name == "上海市公安局"
    assert CatalogLoad.objects.get().actor == "test"


def test_a_load_is_its_own_transaction_and_refuses_to_run_inside_another(tmp_path):
    root = write_catalog(tmp_path)
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        catalog_load(root=root, actor="test")
    assert not CatalogLoad.objects.exists()
    assert not ServiceItem.objects.exists()


def test_an_unchanged_load_makes_no_new_version(tmp_path):
    root = write_catalog(tmp_path)
    catalog_load(root=root, actor="test")
    outcome = catalog_load(root=root, actor="test")
    assert (outcome.created, outcome.changed, outcome.retired) == ([], [], [])
    assert outcome.unchanged == 3
    assert ServiceVersion.objects.count() == 3


def test_a_changed_item_gets_a_new_version_and_the_old_one_stays_readable(tmp_path):
    catalog_load(root=write_catalog(tmp_path / "a"), actor="test")
    changed = copy.deepcopy(SERVICES)
    changed[0]["promised_limit"] = {"value": 5, "unit": "working_days"}
    outcome = catalog_load(root=write_catalog(tmp_path / "b", changed), actor="editor")
    assert outcome.changed == [SERVICES[0]["code"]]
    assert outcome.unchanged == 2
    item = service_get(code=SERVICES[0]["code"])
    assert item.current_version.number == 2
    assert item.current_version.content["promised_limit"] == {
        "value": 5,
        "unit": "working_days",
    }
    first = service_version_get(code=SERVICES[0]["code"], number=1)
    assert first.content["promised_limit"] == {"value": 10, "unit": "working_days"}
    assert CatalogLoad.objects.get(pk=outcome.load.pk).changed == [SERVICES[0]["code"]]


def test_a_removed_item_is_retired_not_deleted_and_its_version_stays_readable(tmp_path):
    catalog_load(root=write_catalog(tmp_path / "a"), actor="test")
    outcome = catalog_load(
        root=write_catalog(tmp_path / "b", SERVICES[:2]), actor="test"
    )
    assert outcome.retired == [SERVICES[2]["code"]]
    retired = service_get(code=SERVICES[2]["code"])
    assert retired.is_retired is True
    assert retired.current_version.content["name"] == "居住证签注"
    found = service_search(text="居住证签注", filters=ServiceFilters())
    assert SERVICES[2]["code"] not in [item.code for item in found.items]
    # Brought back unchanged: current again, without a new version.
    back = catalog_load(root=write_catalog(tmp_path / "c"), actor="test")
    assert back.changed == [SERVICES[2]["code"]]
    assert service_get(code=SERVICES[2]["code"]).current_version.number == 1


def test_dump_then_load_changes_nothing(tmp_path):
    catalog_load(root=write_catalog(tmp_path / "a"), actor="test")
    catalog_dump(root=tmp_path / "dumped")
    outcome = catalog_load(root=tmp_path / "dumped", actor="test")
    assert (outcome.created, outcome.changed, outcome.retired) == ([], [], [])
    assert outcome.unchanged == 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"channels": ["web", "fax"]},
            "services/residence.yaml: item {code} field channels.1",
        ),
        ({"region": "999999"}, "field region"),
        ({"promised_limit": {"value": 30, "unit": "working_days"}}, "promised limit"),
        ({"department": "11310000002419826H"}, "implementing-body part"),
        ({"colour": "blue"}, "field colour: Extra inputs are not permitted"),
        ({"case_type": "promised", "promised_limit": None}, "needs a promised_limit"),
        (
            {"form": {"type": "array"}},
            'field form: Value error, the form schema must have "type": "object"',
        ),
        (
            {
                "workflow": {
                    "steps": [
                        {"step": "decide", "role": "approver"},
                        {"step": "accept", "role": "intake_clerk"},
                    ]
                }
            },
            "field workflow.steps",
        ),
        (
            {"materials": [{"name": "身份证", "source": "population_registry"}]},
            "names the document",
        ),
        (
            {
                "materials": [
                    {
                        "name": "新任代表的护照",
                        "source": "exit_entry_registry",
                        "source_document": "护照信息",
                        "holder_field": "passport_number",
                    }
                ]
            },
            "holder_field 'passport_number' of 新任代表的护照 is not a field",
        ),
        (
            {"materials": [{"name": "简历", "holder_field": "passport_number"}]},
            "holder_field is only for a material the government fetches",
        ),
    ],
)
def test_a_broken_file_loads_nothing_and_names_file_item_and_field(
    tmp_path, change, expected
):
    broken = copy.deepcopy(SERVICES)
    broken[1].update(change)
    with pytest.raises(CatalogInvalid) as error:
        catalog_load(root=write_catalog(tmp_path, broken), actor="test")
    text = "\n".join(error.value.problems)
    assert expected.format(code=SERVICES[1]["code"]) in text
    assert ServiceItem.objects.count() == 0
    assert CatalogLoad.objects.count() == 0


def test_the_command_reports_problems_and_loads_nothing(tmp_path, capsys):
    broken = copy.deepcopy(SERVICES)
    broken[0]["visits"] = -1
    root = write_catalog(tmp_path, broken)
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("catalog", "load", str(root))
    assert "field visits" in capsys.readouterr().err
    assert ServiceItem.objects.count() == 0
    call_command("catalog", "load", str(write_catalog(tmp_path / "good")))
    assert ServiceItem.objects.count() == 3


def test_the_seed_catalogue_loads_and_round_trips_through_dump(tmp_path):
    seed = Path(settings.PROJECT_DIR) / "catalog"
    first = catalog_load(root=seed, actor="test")
    assert len(first.created) >= 40
    departments = {item.department_id for item in ServiceItem.objects.all()}
    assert len(departments) >= 10
    assert {item.region for item in ServiceItem.objects.all()} >= {
        "310000",
        "310115",
        "310101",
    }
    catalog_dump(root=tmp_path)
    again = catalog_load(root=tmp_path, actor="test")
    assert (again.created, again.changed, again.retired) == ([], [], [])
    assert again.unchanged == len(first.created)


def _required_names(schema):
    """Every `required` list in a form, the conditional ones (allOf/if/then) included."""
    if isinstance(schema, list):
        for part in schema:
            yield from _required_names(part)
    elif isinstance(schema, dict):
        yield from schema.get("required", [])
        for key, part in schema.items():
            if key != "properties":
                yield from _required_names(part)


def test_every_seed_item_has_a_form_titled_in_chinese_and_english():
    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    problems = []
    for item in ServiceItem.objects.filter(is_retired=False).select_related("current"):
        form = item.current_version.content.get("form")
        if not form:
            problems.append(f"{item.name} {item.region}: no form")
            continue
        properties = form.get("properties") or {}
        for name in _required_names(form):
            if name not in properties:
                problems.append(f"{item.name}: required {name} is not a property")
        for name, field in properties.items():
            if not field.get("title") or not field.get("title_en"):
                problems.append(f"{item.name}: {name} lacks title or title_en")
            if len(field.get("enum_en", [])) != len(field.get("enum", [])):
                problems.append(f"{item.name}: {name} enum_en does not match enum")
    assert ServiceItem.objects.filter(is_retired=False).count() >= 40
    assert problems == []

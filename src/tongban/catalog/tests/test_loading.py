"""Publishing the catalogue: versions only when content changed, retire, round-trip, refuse."""

import copy
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from tongban.catalog.models import (
    CatalogLoad,
    Department,
    ServiceItem,
    ServiceVersion,
)
from tongban.catalog.selectors import (
    ServiceFilters,
    service_get,
    service_search,
    service_version_get,
)
from tongban.catalog.services import CatalogInvalid, catalog_dump, catalog_load
from tongban.catalog.tests.small_catalog import (
    CITY,
    DEPARTMENTS,
    PUDONG,
    SERVICES,
    write_catalog,
)

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
            "services/residence.yaml: item {code} (居住证新办) field channels.1",
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
            {
                "materials": [
                    {
                        "name": "身份证",
                        "name_en": "ID card",
                        "source": "population_registry",
                    }
                ]
            },
            "names the document",
        ),
        (
            {
                "materials": [
                    {
                        "name": "新任代表的护照",
                        "name_en": "New representative's passport",
                        "source": "exit_entry_registry",
                        "source_document": "护照信息",
                        "holder_field": "passport_number",
                    }
                ]
            },
            "holder_field 'passport_number' of 新任代表的护照 is not a field",
        ),
        (
            {
                "materials": [
                    {"name": "简历", "name_en": "CV", "holder_field": "passport_number"}
                ]
            },
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


# --- where, when and whom to ask: each department's hall, hours and phone ----------------


def _with_department(tmp_path, change=None, drop=()):
    """The small catalogue with its district department changed; the problems it has."""
    departments = copy.deepcopy(DEPARTMENTS)
    departments[1].update(change or {})
    for key in drop:
        departments[1].pop(key)
    root = write_catalog(tmp_path)
    (root / "departments.yaml").write_text(
        yaml.safe_dump({"departments": departments}, allow_unicode=True),
        encoding="utf-8",
    )
    with pytest.raises(CatalogInvalid) as error:
        catalog_load(root=root, actor="test")
    assert ServiceItem.objects.count() == 0
    assert Department.objects.count() == 0
    return "\n".join(error.value.problems)


@pytest.mark.parametrize(
    ("change", "drop", "expected"),
    [
        (
            {"phone": "12345678"},
            (),
            "field phone: Value error, '12345678' is not a phone number as dialled",
        ),
        ({"phone": "021-1234567"}, (), "'021-1234567' is not a phone number"),
        ({"phone": "021 12345678"}, (), "is not a phone number"),
        ({}, ("hours",), "field hours: Field required"),
        ({"hours": "9-17"}, (), "'9-17' is not a day or a range of days (Mo-Fr)"),
        ({"hours": "Mo-Fr 9:00-17:00"}, (), "'9:00-17:00' is not a time span"),
        ({"hours": "Mo-Fr 17:00-09:00"}, (), "must end after it starts"),
        (
            {"hours": "Mo-Fr 09:00-12:00,11:00-17:00"},
            (),
            "must start after the span before it ends",
        ),
        ({"hours": "Mo-Fr 09:00-17:00; Fr 09:00-12:00"}, (), "an earlier rule names"),
        ({"hours": "Fr-Mo 09:00-17:00"}, (), "runs backwards"),
        ({"hours": "Mo-Su off; PH off"}, (), "the office is never open"),
        ({"hours": "Mo-Fr 09:00-17:00;"}, (), "an empty rule"),
        ({}, ("address_en",), "field address_en: Field required"),
        ({}, ("name_en",), "field name_en: Field required"),
        (
            {"demo": False},
            (),
            "address, hours and phone need a public source (source: <url>), "
            "or demo: true where no public source confirms them",
        ),
        ({"source": "www.example.gov.cn"}, (), "field source"),
    ],
)
def test_a_department_without_a_sound_hall_hours_or_phone_loads_nothing(
    tmp_path, change, drop, expected
):
    problems = _with_department(tmp_path, change, drop)
    # The problem names the file, the department (its code and name) and the field.
    assert f"departments.yaml: item {PUDONG} (浦东新区公安分局)" in problems
    assert expected in problems


def test_a_material_or_service_without_an_english_name_loads_nothing(tmp_path):
    broken = copy.deepcopy(SERVICES)
    del broken[0]["name_en"]
    del broken[2]["materials"][1]["name_en"]
    with pytest.raises(CatalogInvalid) as error:
        catalog_load(root=write_catalog(tmp_path, broken), actor="test")
    assert error.value.problems == [
        f"services/residence.yaml: item {SERVICES[0]['code']} (居住证新办) "
        "field name_en: Field required",
        f"services/residence.yaml: item {SERVICES[2]['code']} (居住证签注) "
        "field materials.1.name_en: Field required",
    ]
    assert ServiceItem.objects.count() == 0


def test_each_department_is_loaded_with_its_hall_hours_phone_and_source(tmp_path):
    catalog_load(root=write_catalog(tmp_path / "a"), actor="test")
    city, pudong = (
        Department.objects.get(code=CITY),
        Department.objects.get(code=PUDONG),
    )
    assert (city.address, city.hours, city.phone) == (
        "上海市黄浦区福州路185号",
        "Mo-Fr 09:00-11:30,13:30-17:00; Sa 09:00-12:00; PH off",
        "12345",
    )
    assert city.address_en == "185 Fuzhou Road, Huangpu District, Shanghai"
    assert (city.sources, city.is_demo) == (
        ["https://www.example.gov.cn/contact"],
        False,
    )
    assert (pudong.phone, pudong.sources, pudong.is_demo) == ("021-12345678", [], True)
    # Dumped and loaded back, the same.
    catalog_dump(root=tmp_path / "dumped")
    dumped = yaml.safe_load((tmp_path / "dumped" / "departments.yaml").read_text())
    by_code = {entry["code"]: entry for entry in dumped["departments"]}
    assert by_code[CITY]["source"] == "https://www.example.gov.cn/contact"
    assert "demo" not in by_code[CITY]
    assert by_code[PUDONG]["demo"] is True
    assert "source" not in by_code[PUDONG]
    catalog_load(root=tmp_path / "dumped", actor="test")
    assert Department.objects.get(code=PUDONG).is_demo is True


def test_every_seed_department_says_where_when_and_whom_and_whether_it_is_real():
    catalog_load(root=Path(settings.PROJECT_DIR) / "catalog", actor="test")
    departments = list(Department.objects.filter(is_active=True))
    assert len(departments) >= 20
    for department in departments:
        assert department.address and department.address_en, department.name
        assert department.hours and department.phone, department.name
        assert department.name_en, department.name
        assert department.sources or department.is_demo, department.name
    # Real values only where a public page gives them, and that page is cited.
    sourced = [d for d in departments if not d.is_demo]
    assert sourced and all(
        url.startswith("https://") for d in sourced for url in d.sources
    )

"""A two-department, three-service catalogue written to a folder, for loader tests."""

import copy
from pathlib import Path
from typing import Any

import yaml

CITY = "11310000002419825J"  # a well-formed code for a city bureau (test data)
PUDONG = "11310115002439439M"

DEPARTMENTS: list[dict[str, Any]] = [
    {
        "code": CITY,
        "name": "上海市公安局",
        "name_en": "Shanghai Public Security Bureau",
        "region": "310000",
        "level": "city",
        "address": "上海市黄浦区福州路185号",
        "address_en": "185 Fuzhou Road, Huangpu District, Shanghai",
        "hours": "Mo-Fr 09:00-11:30,13:30-17:00; Sa 09:00-12:00; PH off",
        "phone": "12345",
        "review_body": "上海市人民政府",
        "review_body_en": "Shanghai Municipal People's Government",
        "source": "https://www.example.gov.cn/contact",
    },
    {
        "code": PUDONG,
        "name": "浦东新区公安分局",
        "name_en": "Pudong Branch, Shanghai Public Security Bureau",
        "region": "310115",
        "level": "district",
        "parent": CITY,
        "description": "浦东新区居住证受理。",
        "description_en": "Residence permit applications in Pudong.",
        "address": "上海市浦东新区合欢路2号",
        "address_en": "2 Hehuan Road, Pudong New Area, Shanghai",
        "hours": "Mo-Fr 09:00-17:00; PH off",
        "phone": "021-12345678",
        "review_body": "上海市浦东新区人民政府",
        "review_body_en": "People's Government of Pudong New Area, Shanghai",
        "demo": True,
    },
]


NAMES_EN = {
    "居住证新办": "Application for a Shanghai residence permit",
    "居住证签注": "Annual endorsement of a Shanghai residence permit",
}


def service(
    basic: str, region: str, department: str, name: str, **fields: Any
) -> dict[str, Any]:
    entry = {
        "code": f"{basic}-{region}000000-000-{department}-1-00",
        "basic_code": basic,
        "name": name,
        "name_en": NAMES_EN.get(name, f"{name} (English)"),
        "department": department,
        "region": region,
        "level": "city" if region == "310000" else "district",
        "item_type": "administrative_confirmation",
        "subject_types": ["person"],
        "case_type": "promised",
        "legal_limit": {"value": 15, "unit": "working_days"},
        "promised_limit": {"value": 10, "unit": "working_days"},
        "approval_modes": ["standard"],
        "channels": ["web", "mobile"],
        "result_delivery": ["express"],
        "visits": 0,
        "description": f"{name}的说明。",
        "legal_basis": "《居住证暂行条例》第十条",
        "materials": [
            {
                "name": "居民身份证",
                "name_en": "Resident identity card",
                "source": "population_registry",
                "source_document": "居民身份证",
            },
            {
                "name": "居住证明",
                "name_en": "Proof of residence",
                "form": "copy",
                "may_be_supplied_later": True,
            },
        ],
    }
    entry.update(fields)
    return entry


SERVICES = [
    service(
        "000201001000",
        "310000",
        CITY,
        "居住证新办",
        aliases=["办居住证"],
        popularity=90,
    ),
    service("000201001000", "310115", PUDONG, "居住证新办", aliases=["办居住证"]),
    service("000201002000", "310000", CITY, "居住证签注", popularity=50),
]


def write_catalog(root: Path, services: list[dict[str, Any]] | None = None) -> Path:
    services = copy.deepcopy(SERVICES if services is None else services)
    (root / "services").mkdir(parents=True, exist_ok=True)

    def dump(name: str, data: dict[str, Any]) -> None:
        (root / name).write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )

    dump("departments.yaml", {"departments": DEPARTMENTS})
    dump("services/residence.yaml", {"services": services})
    dump(
        "windows.yaml",
        {
            "windows": [
                {
                    "key": "residents",
                    "name": "居民服务",
                    "services": [services[0]["code"]],
                }
            ]
        },
    )
    dump(
        "bundles.yaml",
        {
            "bundles": [
                {
                    "key": "arrival",
                    "name": "来沪一件事",
                    "services": [services[0]["code"]],
                }
            ]
        },
    )
    dump("synonyms.yaml", {"synonyms": {"居住卡": ["居住证"]}})
    return root

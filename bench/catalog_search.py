"""Search latency on a synthetic 10,000-implementation catalogue, on the configured database.

Run by bench/run.py once per database (TONGBAN_DATABASE_URL); prints one JSON line.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import django
import yaml
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SUBJECTS = [
    ("机动车驾驶证", ["驾照"], "motor vehicle driving licence"),
    ("居住证", ["居住卡"], "residence permit"),
    ("营业执照", ["执照"], "business licence"),
    ("食品经营许可证", ["食品许可"], "food business licence"),
    ("外国人来华工作许可", ["工作许可"], "work permit for foreigners"),
    ("危险化学品经营许可证", ["危化品许可"], "hazardous chemicals licence"),
    ("医疗器械注册证", ["器械注册"], "medical device registration"),
    ("就医记录册", ["医保本"], "medical record book"),
    ("社会保障卡", ["社保卡"], "social security card"),
    ("住房公积金", ["公积金"], "housing provident fund"),
    ("建设工程规划许可证", ["规划许可"], "construction planning permit"),
    ("排污许可证", ["排污证"], "pollutant discharge permit"),
    ("出生医学证明", ["出生证"], "birth certificate"),
    ("不动产权证书", ["房产证"], "real estate certificate"),
    ("道路运输经营许可证", ["运输许可"], "road transport licence"),
]
ACTIONS = [
    ("新办", "new"),
    ("变更", "change"),
    ("补领", "replacement"),
    ("换领", "renewal"),
    ("注销", "cancellation"),
    ("延续", "extension"),
    ("备案", "filing"),
    ("核准", "approval"),
]
QUERIES = [
    "驾照",
    "jsz",
    "jiashizheng",
    "居住证",
    "营业执照变更",
    "work permit",
    "工作许可",
    "公积金",
    "社保卡补领",
    "食品经营许可",
    "危险化学品",
    "出生证",
    "房产证 变更",
    "yyzz",
    "medical device",
    "排污",
    "运输许可 延续",
    "就医记录册补领",
]


def synthetic_catalog(root: Path, count: int) -> None:
    # start-up: __main__ puts src/ on the path first (the script needs no installed tongban)
    from tongban.core.identifiers import uscc_make

    generator = random.Random(20201017)
    districts = [
        "310101",
        "310104",
        "310105",
        "310106",
        "310107",
        "310109",
        "310110",
        "310112",
        "310113",
        "310114",
        "310115",
        "310116",
        "310117",
        "310118",
        "310120",
        "310151",
    ]
    departments = []
    for index, region in enumerate(["310000", *districts]):
        for bureau in range(4):
            code = uscc_make(f"11{region}", f"{40000000 + index * 10 + bureau:08d}")
            departments.append(
                {
                    "code": code,
                    "name": f"第{bureau + 1}局（{region}）",
                    "name_en": f"Bureau {bureau + 1} ({region})",
                    "region": region,
                    "level": "city" if region == "310000" else "district",
                    "address": f"合成数据路{index * 10 + bureau + 1}号",
                    "address_en": f"{index * 10 + bureau + 1} Synthetic Road",
                    "hours": "Mo-Fr 09:00-17:00; PH off",
                    "phone": "12345",
                    "review_body": "上海市人民政府",
                    "review_body_en": "Shanghai Municipal People's Government",
                    "demo": True,
                }
            )
    services = []
    for number in range(count):
        subject, aliases, english = SUBJECTS[number % len(SUBJECTS)]
        action, action_en = ACTIONS[(number // len(SUBJECTS)) % len(ACTIONS)]
        department = departments[number % len(departments)]
        basic = f"{(number // len(departments)) + 100000000000:012d}"
        services.append(
            {
                "code": f"{basic}-{department['region']}000000-000-{department['code']}-1-{number % 100:02d}",
                "basic_code": basic,
                "name": f"{subject}{action}",
                "name_en": f"{english} {action_en}",
                "aliases": [f"{alias}{action}" for alias in aliases],
                "department": department["code"],
                "region": department["region"],
                "level": department["level"],
                "item_type": "administrative_licence",
                "subject_types": ["person"],
                "case_type": "promised",
                "legal_limit": {"value": 20, "unit": "working_days"},
                "promised_limit": {
                    "value": generator.randint(1, 20),
                    "unit": "working_days",
                },
                "approval_modes": ["standard"],
                "channels": ["web"],
                "result_delivery": ["electronic"],
                "visits": 0,
                "description": "合成数据",
                "legal_basis": "合成数据",
                "popularity": generator.randint(0, 100),
            }
        )
    (root / "services").mkdir(parents=True)
    for name, data in [
        ("departments.yaml", {"departments": departments}),
        ("services/synthetic.yaml", {"services": services}),
        ("windows.yaml", {"windows": []}),
        ("bundles.yaml", {"bundles": []}),
        ("synonyms.yaml", {"synonyms": {"驾照": ["驾驶证"], "执照": ["营业执照"]}}),
    ]:
        (root / name).write_text(
            yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.conf.test")
    django.setup()
    # start-up: tongban's models load only after django.setup()
    from tongban.catalog.selectors import ServiceFilters, service_search
    from tongban.catalog.services import catalog_load

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as folder:
        synthetic_catalog(Path(folder), count)
        started = time.perf_counter()
        catalog_load(root=Path(folder), actor="bench")
        load_seconds = time.perf_counter() - started
    filters = ServiceFilters()
    for query in QUERIES:  # warm up: jieba's dictionary, caches
        service_search(text=query, filters=filters)
    timings = []
    for _round in range(30):
        for query in QUERIES:
            started = time.perf_counter()
            result = service_search(text=query, filters=filters)
            timings.append((time.perf_counter() - started) * 1000)
            if result.count == 0:
                raise SystemExit(
                    f"no result for {query!r}: the benchmark is not measuring search"
                )
    timings.sort()
    district = ServiceFilters(district="310115")
    filtered = []
    for query in QUERIES * 5:
        started = time.perf_counter()
        service_search(text=query, filters=district)
        filtered.append((time.perf_counter() - started) * 1000)
    filtered.sort()
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "services": count,
                "queries": len(timings),
                "load_seconds": round(load_seconds, 1),
                "p50_ms": round(statistics.median(timings), 2),
                "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2),
                "district_p50_ms": round(statistics.median(filtered), 2),
                "district_p99_ms": round(filtered[int(len(filtered) * 0.99) - 1], 2),
            }
        )
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()

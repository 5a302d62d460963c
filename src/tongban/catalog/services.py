"""Publishing the catalogue: load the YAML (all checked first, all or nothing), dump it back."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ValidationError

from tongban.catalog import search
from tongban.catalog.models import (
    CatalogLoad,
    Collection,
    CollectionService,
    Department,
    Referral,
    ServiceItem,
    ServiceVersion,
    Synonym,
)
from tongban.catalog.referrals import ReferralsFile
from tongban.catalog.schema import (
    BundlesFile,
    DepartmentsFile,
    Implementation,
    ServicesFile,
    SynonymsFile,
    WindowsFile,
)
from tongban.core import clock
from tongban.core.errors import InvalidInput


class CatalogInvalid(InvalidInput):
    """The catalogue does not validate; `problems` names each file, item and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "catalog_invalid",
            _("目录数据有误，未载入任何内容：%(count)s 处问题。")
            % {"count": len(problems)},
            extra={"problems": problems},
        )
        self.problems = problems


@dataclass
class CatalogFiles:
    """The whole catalogue as read from a folder, validated."""

    departments: DepartmentsFile
    services: list[tuple[str, Implementation]]  # (file relative to the folder, item)
    windows: WindowsFile
    bundles: BundlesFile
    synonyms: SynonymsFile
    problems: list[str] = field(default_factory=list)
    referrals: ReferralsFile = field(default_factory=ReferralsFile)


def _read(path: Path, model: type[BaseModel], problems: list[str], root: Path) -> Any:
    relative = path.relative_to(root).as_posix()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        problems.append(f"{relative}: cannot be read as YAML: {error}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            location = list(detail["loc"])
            item = ""
            if (
                len(location) >= 2
                and isinstance(location[1], int)
                and isinstance(data, dict)
            ):
                entries = next(iter(data.values()), []) or []
                entry = entries[location[1]] if location[1] < len(entries) else {}
                key, name = (
                    (entry.get("code") or entry.get("key"), entry.get("name"))
                    if isinstance(entry, dict)
                    else (None, None)
                )
                item = f" item {key or '#' + str(location[1] + 1)}"
                if isinstance(name, str) and name:
                    item += f" ({name})"  # a code alone does not say which one
                location = location[2:]
            field_name = ".".join(str(part) for part in location) or (
                "(item)" if item else "(file)"
            )
            problems.append(f"{relative}:{item} field {field_name}: {detail['msg']}")
        return None


def catalog_read(root: Path) -> CatalogFiles:
    """Read and check every file under `root`; problems are collected, not raised."""
    problems: list[str] = []
    if not root.is_dir():
        raise CatalogInvalid([f"{root}: no such folder"])
    departments = _read(root / "departments.yaml", DepartmentsFile, problems, root)
    windows = _read(root / "windows.yaml", WindowsFile, problems, root)
    bundles = _read(root / "bundles.yaml", BundlesFile, problems, root)
    synonyms = _read(root / "synonyms.yaml", SynonymsFile, problems, root)
    services: list[tuple[str, Implementation]] = []
    for path in sorted((root / "services").glob("*.yaml")):
        parsed = _read(path, ServicesFile, problems, root)
        if parsed is not None:
            relative = path.relative_to(root).as_posix()
            services += [(relative, item) for item in parsed.services]
    files = CatalogFiles(departments, services, windows, bundles, synonyms, problems)
    # Optional: a catalogue without English phrases has none.
    if (root / "referrals.yaml").is_file():
        referrals = _read(root / "referrals.yaml", ReferralsFile, problems, root)
        if referrals is not None:
            files.referrals = referrals
    # Cross-file references are only worth checking once every file read cleanly.
    if not problems:
        _cross_check(files)
    return files


def _cross_check(files: CatalogFiles) -> None:
    problems = files.problems
    department_codes = [department.code for department in files.departments.departments]
    known_departments = set(department_codes)
    if len(known_departments) != len(department_codes):
        problems.append("departments.yaml: a department code appears twice")
    for department in files.departments.departments:
        if department.parent and department.parent not in known_departments:
            problems.append(
                f"departments.yaml: item {department.code} field parent: unknown department"
            )
    seen: dict[str, str] = {}
    for relative, item in files.services:
        if item.department not in known_departments:
            problems.append(
                f"{relative}: item {item.code} field department: unknown department"
            )
        if item.code in seen:
            problems.append(
                f"{relative}: item {item.code} field code: also in {seen[item.code]}"
            )
        seen[item.code] = relative
    for name, collection_file in (
        ("windows.yaml", files.windows),
        ("bundles.yaml", files.bundles),
    ):
        if collection_file is None:
            continue
        collections = getattr(collection_file, name.removesuffix(".yaml"))
        keys = [collection.key for collection in collections]
        if len(set(keys)) != len(keys):
            problems.append(f"{name}: a key appears twice")
        for collection in collections:
            for code in collection.services:
                if code not in seen:
                    problems.append(
                        f"{name}: item {collection.key} field services: unknown service {code}"
                    )


def content_hash(content: dict[str, Any]) -> str:
    text = json.dumps(
        content, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _bounded(values: list[str]) -> str:
    return "," + ",".join(values) + ","


def _search_document(item: Implementation, department: Department) -> str:
    return search.document_terms(
        name=item.name,
        aliases=item.aliases,
        name_en=item.name_en,
        codes=[item.code, item.basic_code],
        extra=department.short_name or department.name,
    )


@dataclass
class LoadOutcome:
    load: CatalogLoad
    created: list[str]
    changed: list[str]
    retired: list[str]
    unchanged: int


@transaction.atomic(durable=True)
def catalog_load(*, root: Path, actor: str) -> LoadOutcome:
    """Publish the catalogue in `root`: new versions only for what changed, retire what is gone.

    Everything is checked before anything is written; one problem anywhere loads nothing.
    """
    files = catalog_read(root)
    if files.problems:
        raise CatalogInvalid(files.problems)
    now = clock.now()
    load = CatalogLoad.objects.create(created_at=now, actor=actor, source=str(root))

    departments = _departments_save(files.departments)
    created: list[str] = []
    changed: list[str] = []
    unchanged = 0
    present: set[str] = set()
    for relative, item in files.services:
        present.add(item.code)
        content = item.model_dump(mode="json")
        digest = content_hash(content)
        existing = (
            ServiceItem.objects.select_related("current").filter(code=item.code).first()
        )
        department = departments[item.department]
        has_version = existing is not None and existing.current is not None
        if (
            existing is not None
            and has_version
            and existing.current_version.content_hash == digest
        ):
            if existing.is_retired:
                # Back in the catalogue as it was: current again, no new version.
                _item_columns(existing, item, department, relative)
                existing.save()
                search.index_replace(existing.pk, existing.search_document)
                changed.append(item.code)
            else:
                if existing.source_file != relative:
                    ServiceItem.objects.filter(pk=existing.pk).update(
                        source_file=relative
                    )
                unchanged += 1
            continue
        service = existing or ServiceItem(code=item.code)
        number = 1 if existing is None else existing.versions.count() + 1
        _item_columns(service, item, department, relative)
        service.save()
        version = ServiceVersion.objects.create(
            item=service,
            number=number,
            content=content,
            content_hash=digest,
            load=load,
            created_at=now,
        )
        service.current = version
        service.save(update_fields=["current"])
        search.index_replace(service.pk, service.search_document)
        (created if existing is None else changed).append(item.code)

    retired: list[str] = []
    for service in ServiceItem.objects.filter(is_retired=False).exclude(
        code__in=present
    ):
        service.is_retired = True
        service.retired_at = now
        service.save(update_fields=["is_retired", "retired_at"])
        search.index_remove(service.pk)
        retired.append(service.code)

    _collections_save(Collection.Kind.WINDOW, files.windows.windows)
    _collections_save(Collection.Kind.BUNDLE, files.bundles.bundles)
    _synonyms_save(files.synonyms)
    _referrals_save(files.referrals)

    load.created, load.changed, load.retired, load.unchanged = (
        created,
        changed,
        retired,
        unchanged,
    )
    load.save(update_fields=["created", "changed", "retired", "unchanged"])
    return LoadOutcome(load, created, changed, retired, unchanged)


def _item_columns(
    service: ServiceItem, item: Implementation, department: Department, relative: str
) -> None:
    service.basic_code = item.basic_code
    service.department = department
    service.region = item.region
    service.name = item.name
    service.name_en = item.name_en
    service.item_type = item.item_type
    service.case_type = item.case_type
    service.visits = item.visits
    service.subject_types = _bounded(list(item.subject_types))
    service.approval_modes = _bounded(list(item.approval_modes))
    service.channels = _bounded(list(item.channels))
    service.result_delivery = _bounded(list(item.result_delivery))
    service.is_foreigner_service = item.is_foreigner_service
    service.popularity = item.popularity
    service.source_file = relative
    service.is_retired = False
    service.retired_at = None
    service.search_document = _search_document(item, department)


def _departments_save(departments_file: DepartmentsFile) -> dict[str, Department]:
    saved: dict[str, Department] = {}
    for entry in departments_file.departments:
        department, _created = Department.objects.update_or_create(
            code=entry.code,
            defaults={
                "name": entry.name,
                "name_en": entry.name_en,
                "short_name": entry.short_name,
                "region": entry.region,
                "level": entry.level,
                "description": entry.description,
                "description_en": entry.description_en,
                "address": entry.address,
                "address_en": entry.address_en,
                "hours": entry.hours,
                "phone": entry.phone,
                "review_body": entry.review_body,
                "review_body_en": entry.review_body_en,
                "sources": entry.sources,
                "is_demo": entry.demo,
                "is_active": True,
                "parent": None,
            },
        )
        saved[entry.code] = department
    for entry in departments_file.departments:
        if entry.parent:
            Department.objects.filter(code=entry.code).update(
                parent=saved[entry.parent]
            )
    Department.objects.exclude(code__in=saved).update(is_active=False)
    return saved


def _collections_save(kind: str, entries: list[Any]) -> None:
    Collection.objects.filter(kind=kind).exclude(
        key__in=[entry.key for entry in entries]
    ).delete()
    items = dict(ServiceItem.objects.values_list("code", "pk"))
    for position, entry in enumerate(entries):
        collection, _created = Collection.objects.update_or_create(
            kind=kind,
            key=entry.key,
            defaults={
                "name": entry.name,
                "name_en": entry.name_en,
                "description": entry.description,
                "description_en": entry.description_en,
                "position": position,
            },
        )
        CollectionService.objects.filter(collection=collection).delete()
        CollectionService.objects.bulk_create(
            CollectionService(
                collection=collection, item_id=items[code], position=index
            )
            for index, code in enumerate(entry.services)
        )


def _referrals_save(referrals_file: ReferralsFile) -> None:
    keys = [term.key for term in referrals_file.terms]
    Referral.objects.exclude(key__in=keys).delete()
    for position, term in enumerate(referrals_file.terms):
        Referral.objects.update_or_create(
            key=term.key,
            defaults={
                "phrases": term.phrases,
                "search": term.search,
                "notice": term.notice,
                "notice_en": term.notice_en,
                "office": term.office.model_dump(exclude_defaults=True)
                if term.office
                else None,
                "position": position,
            },
        )


def _synonyms_save(synonyms_file: SynonymsFile) -> None:
    Synonym.objects.exclude(word__in=list(synonyms_file.synonyms)).delete()
    for word, targets in synonyms_file.synonyms.items():
        Synonym.objects.update_or_create(word=word, defaults={"targets": targets})


# --- dump ----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, Chinese as is, long texts as literal blocks: readable by people."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def _write(path: Path, header: str, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
    )
    path.write_text(f"# {header}\n{text}", encoding="utf-8")


def catalog_dump(*, root: Path) -> int:
    """Write the current catalogue to `root` as YAML that `catalog_load` reads back unchanged."""
    departments = [
        {
            key: value
            for key, value in {
                "code": department.code,
                "name": department.name,
                "name_en": department.name_en,
                "short_name": department.short_name,
                "region": department.region,
                "level": department.level,
                "parent": department.parent.code if department.parent else None,
                "description": department.description,
                "description_en": department.description_en,
                "address": department.address,
                "address_en": department.address_en,
                "hours": department.hours,
                "phone": department.phone,
                "review_body": department.review_body,
                "review_body_en": department.review_body_en,
                "source": department.sources[0]
                if len(department.sources) == 1
                else department.sources,
                "demo": department.is_demo,
            }.items()
            if value not in ("", None, [], False)
        }
        for department in Department.objects.filter(is_active=True).select_related(
            "parent"
        )
    ]
    _write(
        root / "departments.yaml",
        "Departments (written by tongban catalog dump)",
        {"departments": departments},
    )
    by_file: dict[str, list[dict[str, Any]]] = {}
    for service in (
        ServiceItem.objects.filter(is_retired=False)
        .select_related("current")
        .order_by("source_file", "code")
    ):
        item = Implementation.model_validate(service.current_version.content)
        by_file.setdefault(service.source_file or "services/other.yaml", []).append(
            item.model_dump(mode="json", exclude_defaults=True)
        )
    for relative, services in by_file.items():
        _write(
            root / relative,
            "Services (written by tongban catalog dump)",
            {"services": services},
        )
    for kind, file_name in (
        (Collection.Kind.WINDOW, "windows"),
        (Collection.Kind.BUNDLE, "bundles"),
    ):
        entries = []
        for collection in Collection.objects.filter(kind=kind).prefetch_related(
            "collectionservice_set__item"
        ):
            entry: dict[str, Any] = {
                "key": collection.key,
                "name": collection.name,
                "name_en": collection.name_en,
                "description": collection.description,
                "description_en": collection.description_en,
            }
            entry = {key: value for key, value in entry.items() if value}
            entry["services"] = [
                link.item.code for link in collection.collectionservice_set.all()
            ]
            entries.append(entry)
        _write(
            root / f"{file_name}.yaml",
            f"{file_name} (written by tongban catalog dump)",
            {file_name: entries},
        )
    synonyms = {
        synonym.word: synonym.targets for synonym in Synonym.objects.order_by("word")
    }
    _write(
        root / "synonyms.yaml",
        "Synonyms (written by tongban catalog dump)",
        {"synonyms": synonyms},
    )
    terms = [
        {
            key: value
            for key, value in {
                "key": referral.key,
                "phrases": referral.phrases,
                "search": referral.search,
                "notice": referral.notice,
                "notice_en": referral.notice_en,
                "office": referral.office,
            }.items()
            if value
        }
        for referral in Referral.objects.order_by("position")
    ]
    if terms:
        _write(
            root / "referrals.yaml",
            "English phrases (written by tongban catalog dump)",
            {"terms": terms},
        )
    return sum(len(services) for services in by_file.values())

"""Materials of a case: uploads checked by content, and documents fetched from registries."""

import hashlib
import logging
import secrets
import time
from typing import Any

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.models import Person
from tongban.cases.constants import Status
from tongban.cases.models import Case, CaseMaterial
from tongban.catalog.constants import MaterialSource
from tongban.contrib import registries
from tongban.contrib.registries import OutsideSystemUnavailable
from tongban.core import clock
from tongban.core.errors import Conflict, Forbidden, InvalidInput
from tongban.core.uploads import UNREADABLE, submission_size_check, upload_check

logger = logging.getLogger(__name__)

ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# The registry each government dataset lives in (others have no system to ask yet).
REGISTRY_OF: dict[str, str] = {
    MaterialSource.POPULATION_REGISTRY: "population",
    MaterialSource.EXIT_ENTRY_REGISTRY: "exit_entry",
    MaterialSource.LEGAL_ENTITY_REGISTRY: "legal_entity",
}


def _catalogue_materials(case: Case) -> list[dict[str, Any]]:
    return list(case.version.content.get("materials") or [])


def _max_bytes() -> int:
    return int(getattr(settings, "MATERIAL_MAX_BYTES", 20 * 1024 * 1024))


def _check_opens(data: bytes, content_type: str) -> None:
    """It opens, is one format and nothing else, runs nothing and stays within the bounds
    once decoded (`tongban.core.uploads`); one that does not open in this app's words."""
    try:
        upload_check(data, content_type)
    except InvalidInput as refusal:
        if refusal.code != UNREADABLE:
            raise
        raise InvalidInput(
            "material_unreadable",
            _("文件无法打开，可能已损坏，请重新扫描或导出后上传。"),
            fields={"file": "unreadable"},
        ) from refusal


def _material_checked(
    case: Case, person: Person, position: int, upload: UploadedFile
) -> tuple[dict[str, Any], bytes, str]:
    """Who may upload, to which material, and the file itself: size, type by content (PDF,
    JPEG, PNG), and that it opens and is safe to keep. Answers the catalogue's material,
    the bytes, the type."""
    if case.submitted_by_id != person.pk:
        raise Forbidden("not_authorised", _("只有提交申请的人可以上传材料。"))
    if case.status not in (Status.DRAFT, Status.CORRECTION_REQUESTED):
        raise Conflict("invalid_transition", _("只有草稿或待补正的办件可以上传材料。"))
    materials = _catalogue_materials(case)
    if not 0 <= position < len(materials):
        raise InvalidInput("invalid_material", _("办事指南中没有这项材料。"))
    if materials[position].get("source") == MaterialSource.ONLINE_FORM:
        raise InvalidInput(
            "material_is_online_form",
            _("这项材料是在线填写的申请表，不需要上传文件。"),
        )
    size = int(upload.size or 0)
    if size > _max_bytes():
        raise InvalidInput(
            "material_too_large",
            _("文件过大（%(size).1f MB），单个文件不超过 %(limit)d MB。")
            % {"size": size / 1048576, "limit": _max_bytes() // 1048576},
            fields={"file": "too_large"},
        )
    data = upload.read()
    kind = filetype.guess(data[:8192])
    content_type = kind.mime if kind else ""
    if content_type not in ALLOWED_TYPES:
        raise InvalidInput(
            "material_type_not_allowed",
            _("只接受 PDF、JPG、PNG 文件（按文件内容判断，不看扩展名）。"),
            fields={"file": content_type or "unknown"},
        )
    _check_opens(data, content_type)
    return materials[position], data, content_type


def _material_written(
    case: Case,
    person: Person,
    checked: "Checked",
    written: list[str],
) -> CaseMaterial:
    """Store one checked file; the row is built, not saved. The path goes to `written`
    at once, so the caller can delete the file if its row is never saved.

    The folder is the number the case has then (a draft's own, or its case number), and
    the name ends in a random part: a file left by a submission that was rolled back
    never has a place a later case takes (a rolled-back id, on SQLite even a number, can
    be given again; a random name cannot)."""
    position, upload_name, material, data, content_type = checked
    digest = hashlib.sha256(data).hexdigest()
    unique = secrets.token_hex(6)
    path = default_storage.save(
        f"cases/{case.number}/{position:02d}-{digest[:16]}-{unique}"
        f"{ALLOWED_TYPES[content_type]}",
        ContentFile(data),
    )
    written.append(path)
    return CaseMaterial(
        case=case,
        position=position,
        name=str(material.get("name", "")),
        source=str(material.get("source", MaterialSource.APPLICANT)),
        file=path,
        original_name=upload_name[:200],
        content_type=content_type,
        size=len(data),
        sha256=digest,
        added_at=clock.now(),
        added_by=person.user,
    )


# (position, original file name, the catalogue's material, bytes, content type)
Checked = tuple[int, str, dict[str, Any], bytes, str]


def materials_checked(
    case: Case, person: Person, files: dict[int, UploadedFile]
) -> list[Checked]:
    """Check every file of a request before any is stored (a refusal writes nothing),
    and all of them together against the bound of one submission, before any is read."""
    submission_size_check(int(upload.size or 0) for upload in files.values())
    checked = []
    for position, upload in sorted(files.items()):
        material, data, content_type = _material_checked(case, person, position, upload)
        checked.append((position, upload.name or "", material, data, content_type))
    return checked


def material_upload(
    *, case: Case, person: Person, position: int, upload: UploadedFile
) -> CaseMaterial:
    """Store one file for a material, replacing (and keeping) the one before."""
    written: list[str] = []
    try:
        (checked,) = materials_checked(case, person, {position: upload})
        row = _material_written(case, person, checked, written)
        with transaction.atomic():
            CaseMaterial.objects.filter(
                case=case, position=position, replaced_at__isnull=True
            ).update(replaced_at=row.added_at)
            row.save(force_insert=True)
            return row
    except BaseException:
        for path in written:
            default_storage.delete(path)  # nothing half-saved: no file without its row
        raise


def materials_written(
    *, case: Case, person: Person, checked: list[Checked], written: list[str]
) -> list[CaseMaterial]:
    """Store the checked files of a case made in this same request (nothing to replace
    yet); the rows are built, not saved.

    Every stored path is appended to `written` as soon as it exists, so the caller can
    delete them if the request fails later on.
    """
    return [_material_written(case, person, one, written) for one in checked]


def _holder(case: Case, material: dict[str, Any], registry: str) -> str:
    """The number the registry is asked about: the one the form gives for the person the
    material is about (`holder_field`), else the company's code or the applicant's own."""
    field = str(material.get("holder_field") or "")
    if field:
        return str(case.form_data.get(field) or "").strip()
    if case.applicant_company_id and registry == "legal_entity":
        return case.applicant_company.uscc  # type: ignore[union-attr]
    person = case.applicant_person or case.submitted_by
    return person.doc_number


def materials_fetch(case: Case) -> int:
    """Fetch what the government already holds for a saved case and store it."""
    if not any(str(m.get("source")) in REGISTRY_OF for m in _catalogue_materials(case)):
        return 0  # nothing this item needs is held by a registry
    have = set(
        case.materials.filter(replaced_at__isnull=True).values_list(
            "position", flat=True
        )
    )
    rows = materials_fetched(case, have=have)
    CaseMaterial.objects.bulk_create(rows)
    return len(rows)


def materials_fetched(case: Case, *, have: set[int]) -> list[CaseMaterial]:
    """What the government already holds, as rows built but not saved (so the registries
    can be asked before a transaction begins); positions in `have` are not asked for.

    Only the document the material names is attached, for the holder it is about; when
    the registry holds none (or cannot be reached, or the form gives no number) nothing
    is, and the material stays open for the applicant to upload — `materials_missing`
    then names it. Each registry is asked once per holder and dataset."""
    answers: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    rows = []
    for position, material in enumerate(_catalogue_materials(case)):
        source = str(material.get("source"))
        registry = REGISTRY_OF.get(source)
        if registry is None or position in have:
            continue
        holder = _holder(case, material, registry)
        if not holder:
            continue  # the form names no one to ask about
        if (registry, holder, source) not in answers:
            try:
                answers[registry, holder, source] = registries.held_documents(
                    registry, holder=holder, dataset=source
                )
            except OutsideSystemUnavailable:
                logger.warning(
                    "registry %s unavailable while fetching a material", registry
                )
                answers[registry, holder, source] = []
        wanted = str(material.get("source_document", ""))
        document = next(
            (
                d
                for d in answers[registry, holder, source]
                if d.get("document") == wanted
            ),
            None,
        )
        if document is None:
            continue  # never another document in its place
        rows.append(
            CaseMaterial(
                case=case,
                position=position,
                name=str(material.get("name", "")),
                source=source,
                provenance={
                    "registry": registry,
                    "document": document.get("document"),
                    "issuer": document.get("issuer"),
                    "issued_on": document.get("issued_on"),
                    "content": document.get("content", {}),
                },
                added_at=clock.now(),
            )
        )
    return rows


def materials_status(
    case: Case, current: dict[int, CaseMaterial]
) -> list[dict[str, Any]]:
    """Each material of the guide with what the case has for it (`current`: the rows in
    force by position): `uploaded`, `fetched`, `not_fetched` (the government holds it,
    but nothing could be fetched: the applicant uploads it), `online_form` (the
    application form filled in online: its answers are the material) or `to_upload`."""
    out = []
    for position, material in enumerate(_catalogue_materials(case)):
        source = str(material.get("source") or MaterialSource.APPLICANT)
        row = current.get(position)
        message = ""
        if source == MaterialSource.ONLINE_FORM:
            status = "online_form"
        elif row is not None:
            status = "uploaded" if row.file else "fetched"
        elif source == MaterialSource.APPLICANT:
            status = "to_upload"
        else:
            status = "not_fetched"
            registry = (
                MaterialSource(source).label
                if source in MaterialSource.values
                else source
            )
            if material.get("holder_field"):
                message = _("未能按申请表填写的证件号码从%(registry)s调取，请上传。")
            else:
                message = _("未能从%(registry)s调取，请上传。")
            message %= {"registry": registry}
        out.append(
            {
                "position": position,
                "name": str(material.get("name", "")),
                "source": source,
                "required": bool(material.get("required", True)),
                "status": status,
                "message": message,
            }
        )
    return out


def materials_missing(case: Case, *, have: set[int] | None = None) -> dict[str, str]:
    """Required materials with nothing supplied, that may not come later or by commitment
    (`have`: the positions supplied, when the caller knows them without asking)."""
    if have is None:
        have = set(
            case.materials.filter(replaced_at__isnull=True).values_list(
                "position", flat=True
            )
        )
    commitment = case.approval_mode == "commitment"
    missing = {}
    for position, material in enumerate(_catalogue_materials(case)):
        if not material.get("required", True) or position in have:
            continue
        if material.get("source") == MaterialSource.ONLINE_FORM:
            continue  # the form's own check says what is missing from it
        if material.get("may_be_supplied_later"):
            continue
        if commitment and material.get("replaceable_by_commitment"):
            continue
        missing[f"materials.{position}"] = str(material.get("name", ""))
    return missing


def orphan_files_sweep(*, older_than_seconds: int = 3600) -> int:
    """Delete stored case files that no material row names (a crash between the two).

    Only through the storage API, so it works alike on the local disk and in a bucket,
    where "folders" are key prefixes."""
    try:
        folders, _files = default_storage.listdir("cases")
    except FileNotFoundError:
        return 0  # a local disk with no folder yet (a bucket lists nothing)
    known = set(CaseMaterial.objects.exclude(file="").values_list("file", flat=True))
    removed = 0
    for folder in folders:
        _sub, files = default_storage.listdir(f"cases/{folder}")
        for name in files:
            path = f"cases/{folder}/{name}"
            if path in known:
                continue
            modified = default_storage.get_modified_time(path).timestamp()
            if time.time() - modified > older_than_seconds:
                default_storage.delete(path)
                removed += 1
    return removed

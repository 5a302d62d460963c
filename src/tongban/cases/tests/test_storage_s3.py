"""Case materials on S3-compatible object storage: the same code with the settings production
uses (`TONGBAN_S3_*`), against moto's S3 server on 127.0.0.1."""

import hashlib
import itertools
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.functional import empty
from storages.backends.s3 import S3Storage

from tongban.cases.materials import orphan_files_sweep
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.tests.conftest import (
    CHAN,
    FORM,
    REP_CHANGE,
    World,
    files_needed,
    sample_pdf,
)
from tongban.conf.env import file_storage_from_env

_bucket_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server, in a thread of this test process, on a free port of 127.0.0.1."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    requests_log = logging.getLogger("werkzeug")  # one line per request otherwise
    level = requests_log.level
    requests_log.setLevel(logging.WARNING)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    requests_log.setLevel(level)


@dataclass
class Bucket:
    endpoint: str
    name: str
    client: Any  # boto3's S3 client, as the operator's own tools would see the bucket
    local_disk: FileSystemStorage  # where files went before the switch

    def keys(self) -> set[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return {entry["Key"] for entry in listed.get("Contents", ())}

    def read(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bucket]:
    """A new private bucket, and the default storage pointed at it by the real settings code
    (`file_storage_from_env` with `TONGBAN_S3_*` set); the local disk again afterwards."""
    import boto3

    name = f"tongban-materials-{next(_bucket_numbers)}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=name, ACL="private")
    client.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    for variable, value in {
        "TONGBAN_S3_BUCKET": name,
        "TONGBAN_S3_ENDPOINT_URL": s3_endpoint,
        "TONGBAN_S3_REGION": "us-east-1",
        "TONGBAN_S3_ACCESS_KEY_ID": "test-key",
        "TONGBAN_S3_SECRET_ACCESS_KEY": "test-secret",
        "TONGBAN_S3_SERVER_SIDE_ENCRYPTION": "AES256",
    }.items():
        monkeypatch.setenv(variable, value)
    local_disk = storages.create_storage(settings.STORAGES["default"])
    assert isinstance(local_disk, FileSystemStorage)
    chosen = file_storage_from_env(data_dir=settings.DATA_DIR)
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    # override_settings sends setting_changed, on which Django forgets the storages it
    # made (storages._storages, default_storage._wrapped), on the way in and out.
    with override_settings(STORAGES={**settings.STORAGES, "default": chosen}):
        assert isinstance(storages["default"], S3Storage)
        assert CaseMaterial._meta.get_field("file").storage is default_storage
        yield Bucket(s3_endpoint, name, client, local_disk)
    # Forgotten again: the next use of default_storage takes storages["default"], local.
    assert default_storage._wrapped is empty  # type: ignore[attr-defined]
    assert type(storages["default"]) is FileSystemStorage


def _stored(case_number: str) -> list[CaseMaterial]:
    return list(
        CaseMaterial.objects.filter(case__number=case_number)
        .exclude(file="")
        .order_by("position", "pk")
    )


def _draft(world: World) -> str:
    response = world.handler.post("/cases", {"service_code": REP_CHANGE, "form": FORM})
    assert response.status_code == 201, response.json()
    return str(response.json()["number"])


def _page_client(username: str | None = None, *, person: str | None = None) -> Client:
    from django.contrib.auth import get_user_model

    from tongban.accounts.models import Person

    client = Client()
    if person is not None:
        user = Person.objects.get(name=person).user
        assert user is not None
        client.force_login(user)
    elif username is not None:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def test_materials_of_an_application_are_private_encrypted_objects_in_the_bucket(
    bucket: Bucket, world: World
) -> None:
    assert bucket.keys() == set()
    submitted = world.apply()
    assert submitted.status_code == 201, submitted.json()
    number = submitted.json()["number"]
    stored = _stored(number)
    assert len(stored) >= 2
    assert bucket.keys() == {m.file.name for m in stored}
    for material in stored:
        key = material.file.name
        folder, name = key.removeprefix("cases/").split("/")
        assert folder.startswith("draft-")  # the number it had when it was stored
        assert name.startswith(f"{material.position:02d}-")
        assert key.endswith(".pdf")
        data = bucket.read(key)
        assert len(data) == material.size
        assert hashlib.sha256(data).hexdigest() == material.sha256
        head = bucket.client.head_object(Bucket=bucket.name, Key=key)
        assert head["ServerSideEncryption"] == "AES256"
        assert head["ContentType"] == "application/pdf"
        grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
        assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
        assert [g["Grantee"]["Type"] for g in grants] == ["CanonicalUser"]
        with pytest.raises(urllib.error.HTTPError) as anonymous:
            urllib.request.urlopen(f"{bucket.endpoint}/{bucket.name}/{key}", timeout=5)  # noqa: S310 — the test's own server
        assert anonymous.value.code == 403
        assert not bucket.local_disk.exists(key)  # nothing went to the local disk


def test_the_same_file_twice_is_two_objects_and_the_replaced_one_is_kept(
    bucket: Bucket, world: World
) -> None:
    number = _draft(world)
    scan = sample_pdf("同一份")
    first = world.upload(number, 1, scan)
    second = world.upload(number, 1, scan)
    assert first.status_code == second.status_code == 201
    stored = _stored(number)
    assert [m.sha256 for m in stored] == [hashlib.sha256(scan).hexdigest()] * 2
    assert stored[0].replaced_at is not None
    assert stored[1].replaced_at is None
    assert stored[0].file.name != stored[1].file.name  # no overwriting on S3 either
    assert bucket.keys() == {stored[0].file.name, stored[1].file.name}
    assert bucket.read(stored[0].file.name) == bucket.read(stored[1].file.name) == scan


def test_a_material_is_downloaded_through_the_app_after_the_permission_check(
    bucket: Bucket, world: World
) -> None:
    from tongban.accounts.tests.conftest import staff_token

    number = _draft(world)
    scan = sample_pdf("下载")
    uploaded = world.upload(number, 1, scan, name="任命书.pdf")
    assert uploaded.status_code == 201, uploaded.json()
    (material,) = _stored(number)
    url = reverse("cases:material", args=[number, material.pk])

    world.api.register("张伟", "310115198506120317", "13900000005")
    staff_token(world.api, "police-1", "上海市公安局", ["intake_clerk"])
    refused = {
        "anonymous": _page_client(),
        "another_person": _page_client(person="张伟"),
        "staff_other_department": _page_client("police-1"),
    }
    for who, client in refused.items():
        response = client.get(url)
        expected = 302 if who == "anonymous" else 404
        assert response.status_code == expected, who
        assert not getattr(response, "streaming", False), who
    allowed = {
        "applicant": _page_client(person=CHAN[0]),
        "right_staff": _page_client("clerk-1"),  # of the case's department
    }
    for who, client in allowed.items():
        response = client.get(url)
        assert response.status_code == 200, who
        # streamed through Django, not a redirect to the bucket
        assert response.streaming, who
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Length"] == str(len(scan))
        assert "filename" in response["Content-Disposition"]
        # the test client closes the response (and the S3 file) once it is read through
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert body == scan, who


def test_refused_uploads_leave_no_object(bucket: Bucket, world: World) -> None:
    number = _draft(world)
    refused = world.upload(number, 1, b"just some text, not a scan", name="scan.pdf")
    assert refused.status_code == 422
    assert refused.json()["code"] == "material_type_not_allowed"
    assert bucket.keys() == set()

    # One request with every file: the earlier files are written to the bucket before the
    # last one is refused, and deleted again.
    needed = files_needed()
    assert len(needed) >= 2
    files = {
        f"material_{p}": SimpleUploadedFile("scan.pdf", sample_pdf()) for p in needed
    }
    files[f"material_{needed[-1]}"] = SimpleUploadedFile("scan.pdf", b"not a pdf")
    cases_before = Case.objects.count()
    response = world.handler.client.post(
        "/api/v1/cases/submissions",
        {"service_code": REP_CHANGE, "form": json.dumps(FORM), **files},
        headers=world.handler._headers(),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "material_type_not_allowed"
    assert Case.objects.count() == cases_before
    assert bucket.keys() == set()


def test_orphan_sweep_removes_objects_without_a_row_and_keeps_the_rest(
    bucket: Bucket, world: World
) -> None:
    # no "cases/" prefix in the bucket at all yet (a local disk has no folder then)
    assert orphan_files_sweep(older_than_seconds=0) == 0
    number = _draft(world)
    assert world.upload(number, 1, sample_pdf()).status_code == 201
    (material,) = _stored(number)
    orphan = default_storage.save(
        f"cases/{material.case_id}/99-deadbeef.pdf", ContentFile(sample_pdf())
    )
    assert bucket.keys() == {material.file.name, orphan}
    assert orphan_files_sweep() == 0  # too young: its row may still be on its way
    assert bucket.keys() == {material.file.name, orphan}
    assert orphan_files_sweep(older_than_seconds=0) == 1
    assert bucket.keys() == {material.file.name}
    assert (
        hashlib.sha256(bucket.read(material.file.name)).hexdigest() == material.sha256
    )


def test_settings_keep_files_on_local_disk_unless_a_bucket_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for variable in ("TONGBAN_S3_BUCKET", "TONGBAN_S3_SERVER_SIDE_ENCRYPTION"):
        monkeypatch.delenv(variable, raising=False)
    assert file_storage_from_env(data_dir=tmp_path) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")},
    }
    monkeypatch.setenv("TONGBAN_S3_BUCKET", "materials")
    chosen = file_storage_from_env(data_dir=tmp_path)
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    options = chosen["OPTIONS"]
    assert options["bucket_name"] == "materials"
    assert options["file_overwrite"] is False
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 60
    assert "object_parameters" not in options  # no encryption header unless asked
    storage = S3Storage(**options)  # every option is one S3Storage knows
    assert storage.bucket_name == "materials"

"""Reading settings from the environment, with typed defaults."""

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str, *, data_dir: Path) -> dict[str, Any]:
    """Turn `sqlite:///path` or `postgresql://user:pw@host:port/name` into DATABASES['default'].

    SQLite is set up as a real multi-process database: WAL journal, a busy timeout and
    immediate transactions, because the web server, the worker and the scheduler all write.
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        raw_path = unquote(parsed.path)
        # sqlite:///name.db lies in the data folder; sqlite:////abs/name.db is absolute.
        path = Path(raw_path[1:] if raw_path.startswith("/") else raw_path)
        if not path.is_absolute():
            path = data_dir / path
        path.parent.mkdir(parents=True, exist_ok=True)  # a fresh data folder just works
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=30000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": str(path.with_name(path.stem + "_test.sqlite3"))},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        # Django's defaults: parameters bound on the client, nothing prepared. Preparing
        # (`?server_side_binding=on&prepare_threshold=5`) halved PostgreSQL's CPU per
        # submission, but its generic plans made catalogue search six times slower
        # (docs/decisions/0014-hot-reads-in-sql.md): a trade-off left to the operator.
        options: dict[str, Any] = {}
        off = {"0", "false", "no", "off", "none"}
        for key, values in parse_qs(parsed.query).items():
            value = values[-1]
            if key == "server_side_binding":
                options[key] = value.lower() not in off
            elif key == "prepare_threshold":
                options[key] = None if value.lower() in off else int(value)
            else:
                options[key] = value
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"unsupported database URL scheme: {parsed.scheme!r}")


def file_storage_from_env(*, data_dir: Path) -> dict[str, Any]:
    """STORAGES['default'], where uploaded files (case materials) live.

    On local disk in the data folder, unless `TONGBAN_S3_BUCKET` names a bucket of
    S3-compatible object storage. Materials hold personal data: the bucket stays private
    (no ACL is ever set on an object) and files reach people only through the app, after
    its permission check; a signed URL, if one is ever made, lives a minute.
    """
    bucket = env_str("TONGBAN_S3_BUCKET", "")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(data_dir / "media")},
        }
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Unset: AWS itself. Unset keys: boto3's own chain (AWS_* variables, instance role).
        "endpoint_url": env_str("TONGBAN_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("TONGBAN_S3_REGION", "us-east-1"),
        "access_key": env_str("TONGBAN_S3_ACCESS_KEY_ID", "") or None,
        "secret_key": env_str("TONGBAN_S3_SECRET_ACCESS_KEY", "") or None,
        # "path" for servers without a name per bucket (MinIO); else the SDK decides.
        "addressing_style": env_str("TONGBAN_S3_ADDRESSING_STYLE", "") or None,
        "signature_version": "s3v4",
        "file_overwrite": False,  # a second file of the same name gets a suffix
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        # A material read for a download spills to a temporary file past 5 MB.
        "max_memory_size": 5 * 1024 * 1024,
    }
    encryption = env_str("TONGBAN_S3_SERVER_SIDE_ENCRYPTION", "")
    if encryption:  # "AES256" or "aws:kms"; off by default, as not every server has it
        options["object_parameters"] = {"ServerSideEncryption": encryption}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}

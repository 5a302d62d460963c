"""The production settings pass Django's deployment checks with no warning, and redirect
to HTTPS what a TLS-terminating proxy forwards as plain HTTP."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tongban.conf.production",
        "TONGBAN_SECRET_KEY": secrets.token_urlsafe(60),
        "TONGBAN_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
        "TONGBAN_DATA_DIR": str(tmp_path),
        "TONGBAN_ALLOWED_HOSTS": "zwfw.example.gov.cn",
        "TONGBAN_AUDIT_SINK_URL": "https://audit-sink.example.gov.cn/tongban",
        "TONGBAN_AUDIT_CHECKPOINT_KEY": secrets.token_urlsafe(32),
        "TONGBAN_OPERATOR_NAME": "上海市大数据中心",
        "TONGBAN_PI_OFFICER_NAME": "个人信息保护负责人",
        "TONGBAN_PI_OFFICER_EMAIL": "privacy@example.gov.cn",
    }


def test_the_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "tongban",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_behind_a_tls_proxy_http_is_redirected_and_https_is_trusted(
    tmp_path: Path,
) -> None:
    probe = (
        "from django.test import Client;"
        "c = Client(HTTP_HOST='zwfw.example.gov.cn', raise_request_exception=False);"
        "plain = c.get('/');"
        "secure = c.get('/api/v1/openapi.json', HTTP_X_FORWARDED_PROTO='https');"
        "health = c.get('/healthz');"
        "print(plain.status_code, plain['Location'], secure.status_code,"
        " 'Strict-Transport-Security' in secure, health.status_code)"
    )
    answer = subprocess.run(
        [sys.executable, "-m", "tongban", "shell", "-c", probe],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    plain, location, secure, hsts, health = answer.stdout.splitlines()[-1].split()
    assert (plain, location) == ("301", "https://zwfw.example.gov.cn/")
    assert secure != "301" and hsts == "True"
    assert health != "301"  # health checks come over plain HTTP

"""`tongban export_openapi PATH`: write the API's OpenAPI document, stable and diff-friendly."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from tongban.api.urls import api


class Command(BaseCommand):
    help = "Write the OpenAPI document of /api/v1 to PATH (docs/openapi.json is the contract)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        with translation.override("zh-hans"):
            schema = api.get_openapi_schema(path_prefix="/api/v1")
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        Path(path).write_text(text, encoding="utf-8")

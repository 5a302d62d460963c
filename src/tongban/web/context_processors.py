"""Template context every page needs: links to the same page in the other languages."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation


def languages(request: HttpRequest) -> dict[str, Any]:
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "html_lang": "zh-CN" if code.startswith("zh") else code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
            }
        )
    return {"language_links": links}

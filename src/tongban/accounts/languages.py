"""The language a person is written to in: chosen at registration, checked when changed."""

from django.conf import settings
from django.utils.translation import gettext as _

from tongban.core.documents import DocumentType
from tongban.core.errors import InvalidInput

ENGLISH = "en"
# Documents only foreigners hold: their holders are written to in English unless they
# choose Chinese (on the profile, or `language` when registering by the API).
FOREIGNERS_DOCUMENTS = frozenset(
    {DocumentType.PASSPORT.value, DocumentType.PERMANENT_RESIDENCE.value}
)


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_require(language: str) -> str:
    """`language` if the platform writes in it (one of settings.LANGUAGES), else 422."""
    if language in language_codes():
        return language
    message = _("不支持的语言“%(language)s”，可选：%(choices)s。") % {
        "language": language,
        "choices": ", ".join(language_codes()),
    }
    raise InvalidInput("unknown_language", message, fields={"language": message})


def registration_language(*, doc_type: str, page_language: str | None) -> str:
    """A foreigner's document, or a page (or API call) in English, means English;
    anything else the platform's own language, Chinese."""
    english_page = (page_language or "").lower().split("-")[0] == ENGLISH
    if doc_type in FOREIGNERS_DOCUMENTS or english_page:
        return ENGLISH
    return str(settings.LANGUAGE_CODE)

"""One masking policy for personal identifiers, by the context they are shown in.

- `screen`: what a person or authorised staff see — resident ID `310115********0112`,
  phone `138****5678`.
- `log`: nothing of the value (a log line names only the kind of value).
- `export`: data leaving the platform for anyone but the person themself — as on screen.
- `public`: public pages never show any part.
"""

from typing import Literal

from tongban.core.documents import document_mask
from tongban.core.phones import phone_mask

Context = Literal["screen", "log", "export", "public"]


def mask_document(doc_type: str, number: str, context: Context = "screen") -> str:
    if context in ("screen", "export"):
        return document_mask(doc_type, number)
    if context == "log":
        return "[document]"
    return ""


def mask_phone(e164: str, context: Context = "screen") -> str:
    if not e164:
        return ""
    if context in ("screen", "export"):
        return phone_mask(e164)
    if context == "log":
        return "[phone]"
    return ""


def mask_name(name: str, context: Context = "screen") -> str:
    """Names are shown whole to the person and staff; public pages keep the first character."""
    if context == "public":
        return name[:1] + "*" * max(len(name) - 1, 1)
    return name


def mask_email(email: str, context: Context = "screen") -> str:
    """`z***@example.com`: the first character of the mailbox and the whole domain."""
    if not email:
        return ""
    if context in ("screen", "export"):
        box, at, domain = email.partition("@")
        return f"{box[:1]}***{at}{domain}"
    if context == "log":
        return "[email]"
    return ""

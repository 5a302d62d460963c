"""Response headers every answer carries: the Content-Security-Policy.

The policy is strict — scripts and styles only from the project's own static files (no
inline script, no inline style, no eval), no plugins, never framed — so that if anything
did slip markup into a page, the browser would not run it. Bootstrap's icons are `data:`
images in its CSS. pdf.js compiles its image decoders with WebAssembly: the viewer's page
and pdf.js's own files (its worker runs under the policy its file came with) add
`'wasm-unsafe-eval'`, which allows compiling WebAssembly and nothing else — no other page
has it (a view marks its response with `allow_webassembly`).

A response that sets its own policy keeps it: raw downloads answer `sandbox`, so a file
opened directly is an inert document of no origin.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# What a raw download answers: no script, no origin, no plugins, never framed.
DOWNLOAD_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'none'"


def policy_text(*, webassembly: bool = False) -> str:
    policy = {**POLICY, **getattr(settings, "CONTENT_SECURITY_POLICY_EXTRA", {})}
    if webassembly:
        policy["script-src"] += " 'wasm-unsafe-eval'"
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def allow_webassembly(response: HttpResponseBase) -> HttpResponseBase:
    """Mark a page that runs pdf.js: its policy lets WebAssembly be compiled."""
    response.allow_webassembly = True  # type: ignore[attr-defined]
    return response


class ContentSecurityPolicyMiddleware:
    """Sets the platform's policy on every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.header = policy_text()
        self.with_webassembly = policy_text(webassembly=True)
        self.pdfjs = f"{settings.STATIC_URL}vendor/pdfjs/"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        wasm = getattr(response, "allow_webassembly", False) or request.path.startswith(
            self.pdfjs
        )
        response.headers.setdefault(
            "Content-Security-Policy", self.with_webassembly if wasm else self.header
        )
        return response


def as_download(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    """Make `response` a raw download: saved, never shown inline, sandboxed if opened."""
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=filename)
        or "attachment"
    )
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response

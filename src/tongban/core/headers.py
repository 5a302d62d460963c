"""Response headers every answer carries: the Content-Security-Policy.

The policy is strict — scripts and styles only from the project's own static files (no
inline script, no inline style, no eval), no plugins, never framed — so that if anything
did slip markup into a page, the browser would not run it. Bootstrap's icons are `data:`
images in its CSS; pdf.js compiles its image decoders with WebAssembly
(`'wasm-unsafe-eval'`, which allows compiling WebAssembly and nothing else).

A response that sets its own policy keeps it: raw downloads answer `sandbox`, so a file
opened directly is an inert document of no origin.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval'",
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


def policy_text() -> str:
    policy = {**POLICY, **getattr(settings, "CONTENT_SECURITY_POLICY_EXTRA", {})}
    return "; ".join(f"{name} {value}" for name, value in policy.items())


class ContentSecurityPolicyMiddleware:
    """Sets the platform's policy on every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response
        self.header = policy_text()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
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

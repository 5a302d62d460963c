"""Who is on the other end of a request: the client address that limits count by."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address, as the deployment's own proxies saw it.

    With no proxy of ours in front (`TRUSTED_PROXY_HOPS` = 0) it is REMOTE_ADDR, and any
    X-Forwarded-For is ignored: a client could write it, and would choose the address it
    is counted under. Behind N proxies of ours, each of which appends the address it was
    reached from, the client is the N-th address from the right of X-Forwarded-For —
    whatever a client wrote itself stands to the left of it and is never read. Without
    this, every client behind the TLS-terminating proxy would count as the proxy.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    if hops <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) < hops:
        return remote  # not through all our proxies: what reached us is all we know
    return forwarded[-hops]

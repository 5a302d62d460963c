"""Who is on the other end of a request: the client address that limits count by."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    """An IP address as text, IPv6 as its /64 (one host holds a whole /64); else None."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def client_address(request: HttpRequest) -> str:
    """The client's address, as the deployment's own proxies saw it.

    With no proxy of ours in front (`TRUSTED_PROXY_HOPS` = 0) it is REMOTE_ADDR, and any
    X-Forwarded-For is ignored: a client could write it, and would choose the address it
    is counted under. Behind N proxies of ours, each of which appends the address it was
    reached from, the client is the N-th address from the right of X-Forwarded-For —
    whatever a client wrote itself stands to the left of it and is never read — but only
    when the request came from one of our proxies (`TRUSTED_PROXIES`, networks; empty:
    any, for a web process only the proxy can reach). Anything that is not an address
    counts as REMOTE_ADDR. An IPv6 client counts as its /64.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    proxies = [
        ipaddress.ip_network(network, strict=False)
        for network in getattr(settings, "TRUSTED_PROXIES", [])
    ]
    own = _address(remote) or remote
    if hops <= 0:
        return own
    if proxies:
        try:
            peer = ipaddress.ip_address(remote)
        except ValueError:
            return own
        if not any(peer in network for network in proxies):
            return own  # not through our proxy: its header is the client's own words
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    if len(forwarded) < hops:
        return own  # not through all our proxies: what reached us is all we know
    return _address(forwarded[-hops]) or own

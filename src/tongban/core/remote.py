"""Who is on the other end of a request: the client address that limits count by."""

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, as the deployment sets it.

    Never a header a client could write itself (X-Forwarded-For), so nobody chooses the
    address they are counted under. Behind a proxy the deployment must make REMOTE_ADDR
    the client's address (the PROXY protocol, or a proxy-aware server in front of
    gunicorn); otherwise every client counts as the proxy.
    """
    return str(request.META.get("REMOTE_ADDR", ""))

"""The client address limits count by: never one a client chose."""

from django.test import RequestFactory, override_settings

from tongban.core.remote import client_address


def _request(forwarded: str = "") -> object:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", **headers)


def test_with_no_proxy_of_ours_a_written_header_is_ignored() -> None:
    assert client_address(_request("203.0.113.9")) == "10.0.0.5"  # type: ignore[arg-type]


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_behind_our_proxy_the_address_it_appended_counts() -> None:
    # the client wrote "1.2.3.4" itself; our proxy appended the address it saw
    request = _request("1.2.3.4, 198.51.100.7")
    assert client_address(request) == "198.51.100.7"  # type: ignore[arg-type]
    assert client_address(_request()) == "10.0.0.5"  # type: ignore[arg-type]


@override_settings(TRUSTED_PROXY_HOPS=2)
def test_behind_two_proxies_of_ours() -> None:
    request = _request("1.2.3.4, 198.51.100.7, 10.1.1.1")
    assert client_address(request) == "198.51.100.7"  # type: ignore[arg-type]

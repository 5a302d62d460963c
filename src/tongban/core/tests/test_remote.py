"""The client address limits count by: never one a client chose."""

from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from tongban.core.remote import client_address


def _request(forwarded: str = "") -> HttpRequest:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5")
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_with_no_proxy_of_ours_a_written_header_is_ignored() -> None:
    assert client_address(_request("203.0.113.9")) == "10.0.0.5"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_behind_our_proxy_the_address_it_appended_counts() -> None:
    # the client wrote "1.2.3.4" itself; our proxy appended the address it saw
    assert client_address(_request("1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_address(_request()) == "10.0.0.5"


@override_settings(TRUSTED_PROXY_HOPS=2)
def test_behind_two_proxies_of_ours() -> None:
    assert client_address(_request("1.2.3.4, 198.51.100.7, 10.1.1.1")) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_HOPS=1, TRUSTED_PROXIES=["10.0.0.0/24"])
def test_a_request_that_did_not_come_through_our_proxy_counts_as_itself() -> None:
    assert client_address(_request("198.51.100.7")) == "198.51.100.7"  # via 10.0.0.5
    direct = _request("198.51.100.7")
    direct.META["REMOTE_ADDR"] = "192.0.2.1"
    assert client_address(direct) == "192.0.2.1"


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_what_is_not_an_address_is_never_a_key_and_ipv6_counts_by_its_64() -> None:
    assert client_address(_request("x" * 500)) == "10.0.0.5"
    assert client_address(_request("2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::/64"
    assert client_address(_request("2001:db8:1:2:ffff::1")) == "2001:db8:1:2::/64"

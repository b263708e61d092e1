"""The client's address behind none, one or two proxies of ours: what the client wrote into
X-Forwarded-For itself is never believed."""

from django.test import RequestFactory

from skillaid.accounts.clientip import client_ip


def request(remote: str, forwarded: str = ""):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_served_directly_the_connection_is_the_client(settings):
    settings.SKILLAID_PROXY_COUNT = 0
    assert client_ip(request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_behind_proxies_the_client_is_that_many_entries_from_the_end(settings):
    settings.SKILLAID_PROXY_COUNT = 1
    # The client claims 1.2.3.4; our proxy appended the address it really came from.
    assert client_ip(request("10.0.0.2", "1.2.3.4, 198.51.100.9")) == "198.51.100.9"
    settings.SKILLAID_PROXY_COUNT = 2
    assert client_ip(request("10.0.0.3", "1.2.3.4, 198.51.100.9, 10.0.0.2")) == "198.51.100.9"
    # A request that did not pass through as many proxies as configured: the connection.
    assert client_ip(request("10.0.0.3", "198.51.100.9")) == "10.0.0.3"


def test_the_lockout_and_the_opening_page_read_the_same_address(settings):
    from axes.helpers import get_client_ip_address

    settings.SKILLAID_PROXY_COUNT = 1
    assert get_client_ip_address(request("10.0.0.2", "1.2.3.4, 198.51.100.9")) == "198.51.100.9"

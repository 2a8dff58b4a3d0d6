"""Limits that count for real (issue 10, item 7): who the client is, as CAREPATH_TRUSTED_PROXIES defines it."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from carepath import clients


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ("", "203.0.113.1", "198.51.100.7", "203.0.113.1"),  # no proxy: the header is anyone's to write
        ("1", "10.0.0.2", "198.51.100.7", "198.51.100.7"),
        ("1", "10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # what the client wrote is left of it
        ("2", "10.0.0.3", "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        ("2", "10.0.0.3", "198.51.100.7", "10.0.0.3"),  # a chain too short did not come through both
        ("1", "10.0.0.2", None, "10.0.0.2"),
        ("1", "10.0.0.2", "not-an-address", "10.0.0.2"),
        ("10.0.0.0/8", "10.0.0.2", "6.6.6.6, 198.51.100.7, 10.1.1.1", "198.51.100.7"),
        ("10.0.0.0/8", "192.0.2.9", "198.51.100.7", "192.0.2.9"),  # not from a trusted proxy
        ("10.0.0.2, 10.0.0.3", "10.0.0.2", "10.0.0.3", "10.0.0.3"),  # all trusted: the leftmost
        ("10.0.0.0/8", "10.0.0.2", "garbage, 10.0.0.5", "10.0.0.5"),
        ("", "garbage", None, None),
    ],
)
def test_limits_count_for_real_the_client_address(settings, trusted, remote, forwarded, expected):
    settings.CAREPATH_TRUSTED_PROXIES = trusted
    assert clients.address(request(remote, forwarded)) == expected


def test_limits_count_for_real_ipv6_clients_are_counted_by_their_64(settings):
    settings.CAREPATH_TRUSTED_PROXIES = ""
    assert clients.ident(request("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert clients.ident(request("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64"
    assert clients.ident(request("::ffff:203.0.113.4")) == "203.0.113.4"
    assert clients.ident(request("203.0.113.4")) == "203.0.113.4"
    assert clients.ident(request("")) == "unknown"


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        ("1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("10.0.0.0/8", "6.6.6.6, 198.51.100.7, 10.0.0.4", "198.51.100.7"),
        ("1", None, None),
    ],
)
def test_limits_count_for_real_a_proxy_on_a_unix_socket_is_the_trusted_one(
    settings, trusted, forwarded, expected
):
    """Behind a proxy on a unix socket the connection has no address: its header says who the client is."""
    settings.CAREPATH_TRUSTED_PROXIES = trusted
    assert clients.address(request("", forwarded)) == expected
    settings.CAREPATH_TRUSTED_PROXIES = ""
    assert clients.address(request("", forwarded)) is None  # without proxies, no header is believed

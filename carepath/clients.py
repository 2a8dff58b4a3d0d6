"""Who is asking: the client's address, as the trusted proxies in front of Carepath say it.

One function for every limit (the navigator's, saved plans, password reset e-mails) and for django-axes.
``X-Forwarded-For`` is read only when ``CAREPATH_TRUSTED_PROXIES`` says which proxies to believe: anyone can send
the header, so believing it otherwise would let every request pass as a new client.

``CAREPATH_TRUSTED_PROXIES`` is either a number, the proxies in front of Carepath (each appends the address it
saw to the header, so the client is that many entries from the right), or the addresses and networks of the
proxies (``10.0.0.5, 192.168.0.0/16``): then the client is the first address from the right that is not one of
them.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def address(request: HttpRequest) -> str | None:
    """The client's IP address, or None when the connection gives none that can be read."""
    found = _address(request)
    return None if found is None else str(found)


def ident(request: HttpRequest) -> str:
    """The key a rate limit counts the client under: its address, or for IPv6 its /64 network.

    An IPv6 host usually holds a whole /64 and could take a new address for each request.
    """
    found = _address(request)
    if found is None:
        return "unknown"
    if isinstance(found, ipaddress.IPv6Address):
        if found.ipv4_mapped is not None:
            return str(found.ipv4_mapped)
        return str(ipaddress.ip_network(f"{found}/64", strict=False))
    return str(found)


def _address(request: HttpRequest) -> Address | None:
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    trusted = _trusted(settings.CAREPATH_TRUSTED_PROXIES)
    if trusted is None or (peer is None and request.META.get("REMOTE_ADDR")):
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [item.strip() for item in header.split(",")] if header.strip() else []
    if isinstance(trusted, int):
        # Each of the proxies appended what it saw; the entry before theirs is the client. A shorter chain did
        # not come through them all, so the connecting address is all that can be believed.
        if len(chain) < trusted:
            return peer
        return _parse(chain[-trusted]) or peer
    if peer is None:
        # No address: the proxy connects through a local (unix) socket, so it is the trusted one, and the last
        # entry of its header is what it saw.
        if not chain:
            return None
        peer, chain = _parse(chain[-1]), chain[:-1]
        if peer is None:
            return None
    current = peer
    for item in reversed(chain):
        if not any(current in network for network in trusted):
            break
        entry = _parse(item)
        if entry is None:  # a trusted proxy never writes this: what is left of it came from the client
            break
        current = entry
    return current


def _parse(value: str) -> Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


@checks.register(checks.Tags.security)
def check_trusted_proxies(**kwargs: Any) -> list[checks.CheckMessage]:
    """``CAREPATH_TRUSTED_PROXIES`` must read (``carepath check``; a request would fail otherwise)."""
    try:
        _trusted(settings.CAREPATH_TRUSTED_PROXIES)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="carepath.E001")]
    return []


@lru_cache(maxsize=8)
def _trusted(value: str) -> int | tuple[Network, ...] | None:
    """``CAREPATH_TRUSTED_PROXIES`` read: None (no proxy), a count, or networks."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return int(value) or None
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"CAREPATH_TRUSTED_PROXIES: {item!r} is neither an address nor a network; give the number of "
                "proxies in front of Carepath, or their addresses and networks separated by commas."
            ) from None
    return tuple(networks) or None

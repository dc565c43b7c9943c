"""Which address a request came from: the one place that knows about trusted proxies."""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_address

from starlette.requests import HTTPConnection

Networks = tuple[IPv4Network | IPv6Network, ...]


def client_address(request: HTTPConnection, trusted_proxies: Networks = ()) -> str:
    """The TCP peer, or the address a trusted proxy (`BFF_TRUSTED_PROXIES`) forwarded; anyone
    else's X-Forwarded-For is a header the client wrote itself, so it is ignored."""
    peer = request.client.host if request.client else ""
    if not trusted_proxies or not _within(peer, trusted_proxies):
        return peer or "unknown"
    hops = [
        h.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for h in header.split(",")
    ]
    # Right to left: each trusted proxy appended the address it saw; the first one that is not
    # a proxy of ours is the client. Whatever lies left of it the client wrote.
    for hop in reversed(hops):
        if not _is_address(hop):
            break
        if not _within(hop, trusted_proxies):
            return hop
        peer = hop
    return peer


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _within(address: str, networks: Networks) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)

"""Where a demo process reaches itself, when nobody said (BFF_PUBLIC_URL).

A bind address is where a server listens, not where anyone reaches it: `--host 0.0.0.0`
listens everywhere and is reachable nowhere under that name (a `payUrl` of
`http://0.0.0.0:8000/...` opens nothing on a phone). So a wildcard bind becomes loopback here,
and a real deployment says its public URL itself (production refuses to start without it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from ipaddress import ip_address

WILDCARDS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104  (names, not a bind)
LOOPBACK = "127.0.0.1"


def local_host(host: str) -> str:
    """The address this machine reaches a server bound to `host` at."""
    return LOOPBACK if host in WILDCARDS else host.strip("[]")


def local_url(host: str, port: int) -> str:
    """http://HOST:PORT as this machine reaches a server bound to `host`."""
    host = local_host(host)
    try:
        if ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass  # a host name
    return f"http://{host}:{port}"


def demo_urls(
    host: str, port: int, *, embedded: bool, environ: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """The URL settings a demo `serve` fills in when unset: its own public URL and, with the
    embedded simulators, the HIS, bank, WeChat and Alipay under its /sim."""
    own = local_url(host, port)
    urls = {"BFF_PUBLIC_URL": environ.get("BFF_PUBLIC_URL", own)}
    if embedded:
        # The process calls its own simulators at its loopback address, whatever the public
        # URL (and answers those calls in the process: embedded_transport.py).
        for name in ("HIS", "BANK", "WECHAT"):
            urls[f"BFF_{name}_BASE_URL"] = f"{own}/sim/{name.lower()}"
        urls["BFF_ALIPAY_GATEWAY_URL"] = f"{own}/sim/alipay/gateway.do"
    return urls

"""Whether a URL's host is this computer: the one rule for plain-http permission."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """An IP literal in 127.0.0.0/8 or ::1, or exactly ``localhost``.

    A name prefix is not enough: ``127.evil.example`` or ``127.0.0.1.nip.io`` resolve
    wherever their owner likes, and the bearer token would travel to them in clear text.
    """
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False

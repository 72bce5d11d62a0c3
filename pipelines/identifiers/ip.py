"""IPv4 addresses, as :mod:`ipaddress` writes them."""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from pipelines.extract.mentions import Mention

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")


def canonical_ip_address(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def find_ips(text: str) -> Iterator[Mention]:
    for m in _IPV4.finditer(text):
        value = canonical_ip_address(m.group())
        if value:
            yield Mention(m.start(), m.end(), "ip_address", m.group(), value, "pattern:ip", 0.95)

"""Handset IMEIs: 15 digits, the last a Luhn check digit."""
from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import imei as std_imei

from pipelines.extract.mentions import Mention

_IMEI = re.compile(r"(?<![\d-])\d{2}[ -]?\d{6}[ -]?\d{6}[ -]?\d(?![\d-])")


def canonical_imei(raw: str) -> str | None:
    value = re.sub(r"[\s./-]", "", raw)
    return value if std_imei.is_valid(value) and len(value) == 15 else None


def find_imeis(text: str) -> Iterator[Mention]:
    for m in _IMEI.finditer(text):
        value = canonical_imei(m.group())
        if value:
            yield Mention(m.start(), m.end(), "imei", m.group(), value, "checksum:imei", 0.97)

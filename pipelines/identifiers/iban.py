"""Bank accounts as IBANs: compact, their check digits holding."""
from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import iban as std_iban

from pipelines.extract.mentions import Mention
from pipelines.text import compact

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


def canonical_iban(raw: str) -> str | None:
    value = compact(raw)
    return value if std_iban.is_valid(value) else None


def find_ibans(text: str) -> Iterator[Mention]:
    for m in _IBAN.finditer(text):
        value = canonical_iban(m.group())
        if value:
            yield Mention(m.start(), m.end(), "account", m.group(), value, "checksum:iban", 0.99, m.group()[:2])

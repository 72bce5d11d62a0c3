"""E-mail addresses: lower-case, without the brackets they are often written in."""
from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.extract.mentions import Mention

_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}")
# Wider than a valid address, so that a match ends where the address ends; canonical_email decides.
_EMAIL_IN_TEXT = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def canonical_email(raw: str) -> str | None:
    value = raw.strip().strip("<>").lower()
    return value if _EMAIL.fullmatch(value) else None


def find_emails(text: str) -> Iterator[Mention]:
    for m in _EMAIL_IN_TEXT.finditer(text):
        value = canonical_email(m.group().rstrip("."))
        if value:
            yield Mention(m.start(), m.end(), "email", m.group(), value, "pattern:email", 0.99)

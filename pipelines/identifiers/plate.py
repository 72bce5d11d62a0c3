"""Licence plates: upper-case letters and digits.

In text the shapes only one country's plates have are taken anywhere; any other shape only
after a plate cue nearer than any other cue.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.extract.mentions import Mention
from pipelines.identifiers.cues import PLATE_CUES, cue_before, nearest_cue
from pipelines.text import compact

_PLATE_DISTINCT = [  # shapes no other identifier has: taken without a cue
    (re.compile(r"\b[A-Z]{3}-?\d[A-Z]\d{2}\b"), "BR"),  # Mercosur Brazil: BRA2E19
    (re.compile(r"\b[A-Z]{2} ?\d{3} ?[A-Z]{2}\b"), "AR"),  # Mercosur Argentina: AB 123 CD
    (re.compile(r"\b[A-Z]{2}-\d{3}-[A-Z]{2}\b"), "FR"),  # SIV France: AB-123-CD
    (re.compile(r"\b\d{4} ?[BCDFGHJKLMNPRSTVWXYZ]{3}\b"), "ES"),  # Spain: 1234 BCD
    (re.compile(r"\b[A-Z]{3}-\d{4}\b"), "BR"),  # older Brazilian: ABC-1234
]
_PLATE_WITH_CUE = re.compile(r"\b(?=[A-Z0-9 -]{0,9}\d)(?=[A-Z0-9 -]{0,9}[A-Z])"
                             r"[A-Z0-9]{2,4}(?:[- ]?[A-Z0-9]{1,4}){1,2}\b")


def canonical_plate(raw: str) -> str | None:
    value = compact(raw)
    return value if 2 <= len(value) <= 10 else None


def find_plates(text: str) -> Iterator[Mention]:
    seen: set[tuple[int, int]] = set()
    for pattern, country in _PLATE_DISTINCT:
        for m in pattern.finditer(text):
            value = canonical_plate(m.group())
            if value and (m.start(), m.end()) not in seen:
                seen.add((m.start(), m.end()))
                cued = cue_before(PLATE_CUES, text, m.start())
                yield Mention(m.start(), m.end(), "plate", m.group(), value, "shape:plate", 0.95 if cued else 0.8,
                              country)
    for m in _PLATE_WITH_CUE.finditer(text):
        value = canonical_plate(m.group())
        # The look-aheads see the digit of the next word: "2010 WHITE 9WOK132" is no plate WHITE.
        if value is None or (m.start(), m.end()) in seen or not 5 <= len(value) <= 8 or value.isalpha():
            continue
        if cue_before(PLATE_CUES, text, m.start(), 25) and nearest_cue(text, m.start()) == "plate":
            yield Mention(m.start(), m.end(), "plate", m.group(), value, "cue:plate", 0.9)

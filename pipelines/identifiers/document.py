"""Passport and identity document numbers: upper-case letters and digits, their issuing country beside them.

In text a number is taken from a passport's machine-readable zone when its check digits hold,
or after a document cue word (passport numbers carry no checksum of their own).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

import pycountry

from pipelines.extract.mentions import Mention
from pipelines.identifiers.cues import DOCUMENT_CUES, PHONE_CUES, cue_before, nearest_cue
from pipelines.text import compact

_MRZ_LINE2 = re.compile(r"^([A-Z0-9<]{9})(\d)([A-Z<]{3})(\d{6})(\d)([MF<])(\d{6})(\d)([A-Z0-9<]{14})(\d)(\d)$",
                        re.MULTILINE)
# Passport and id numbers as written: letters and at least five digits, in up to three groups.
_DOCUMENT_TOKEN = re.compile(r"\b(?=(?:[A-Za-z -]*\d){5})(?:[A-Za-z]{1,3}[ -]?)?[A-Za-z0-9]*\d[A-Za-z0-9]*"
                             r"(?:[ -][A-Za-z0-9]*\d[A-Za-z0-9]*){0,2}\b")


def canonical_document_number(raw: str) -> str | None:
    value = compact(raw)
    return value if 4 <= len(value) <= 20 else None


def _mrz_check(value: str) -> str:
    weights = (7, 3, 1)
    total = sum((int(c) if c.isdigit() else 0 if c == "<" else ord(c) - 55) * weights[i % 3]
                for i, c in enumerate(value))
    return str(total % 10)


def _iso2(alpha3: str) -> str | None:
    country = pycountry.countries.get(alpha_3=alpha3.replace("<", ""))
    return country.alpha_2 if country else None


def find_mrz(text: str) -> Iterator[Mention]:
    """The document number of an ICAO 9303 passport MRZ (line 2), when its check digits hold."""
    for m in _MRZ_LINE2.finditer(text):
        number, check, nationality = m.group(1), m.group(2), m.group(3)
        if _mrz_check(number) != check or _mrz_check(m.group(4)) != m.group(5) or _mrz_check(m.group(7)) != m.group(8):
            continue
        canonical = canonical_document_number(number)
        if canonical:
            yield Mention(m.start(1), m.start(1) + len(canonical), "identity_document", canonical, canonical,
                          "checksum:mrz", 0.99, _iso2(nationality))


def find_documents_by_cue(text: str) -> Iterator[Mention]:
    """Passport and id numbers, which carry no checksum: taken after a document cue word.

    Numbers are looked for only in the 25 characters after each cue (the shape alone, tried at
    every word of the text, costs more than all the other finders).
    """
    taken_until = -1
    for cue in DOCUMENT_CUES.finditer(text):
        for m in _DOCUMENT_TOKEN.finditer(text, max(cue.end(), taken_until)):
            if m.start() > cue.start() + 25:
                break
            taken_until = m.end()
            value = canonical_document_number(m.group())
            if value is None or not 6 <= len(value) <= 12:
                continue
            # The number belongs to a phone when a phone cue is nearer to it than the document cue.
            if cue_before(PHONE_CUES, text, m.start(), 25) and nearest_cue(text, m.start()) == "phone":
                continue
            yield Mention(m.start(), m.end(), "identity_document", m.group().strip(), value, "cue:document", 0.9)

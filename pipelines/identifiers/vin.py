"""Vehicle identification numbers (ISO 3779): 17 upper-case letters and digits, never I, O or Q."""
from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.extract.mentions import Mention
from pipelines.identifiers.cues import cue_before
from pipelines.text import compact

_VIN_SHAPE = "[A-HJ-NPR-Z0-9]{17}"
_VIN = re.compile(_VIN_SHAPE)
_VIN_IN_TEXT = re.compile(rf"\b{_VIN_SHAPE}\b")
VIN_CUES = re.compile(r"\b(vin|chasis|chassi|châssis|niv)\b", re.IGNORECASE)
_VIN_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9))),
               **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def canonical_vin(raw: str) -> str | None:
    """The VIN compacted, whether or not its check digit holds: European VINs carry none."""
    value = compact(raw)
    return value if _VIN.fullmatch(value) else None


def vin_check_digit_holds(vin: str) -> bool:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS))
    return vin[8] == ("X" if total % 11 == 10 else str(total % 11))


def find_vins(text: str) -> Iterator[Mention]:
    """VINs of letters and digits whose check digit holds, or after a VIN cue."""
    for m in _VIN_IN_TEXT.finditer(text):
        vin = canonical_vin(m.group())
        if vin is None or not (any(c.isalpha() for c in vin) and any(c.isdigit() for c in vin)):
            continue
        if vin_check_digit_holds(vin):
            yield Mention(m.start(), m.end(), "vehicle", m.group(), vin, "checksum:vin", 0.98)
        elif cue_before(VIN_CUES, text, m.start()):  # European VINs carry no check digit
            yield Mention(m.start(), m.end(), "vehicle", m.group(), vin, "cue:vin", 0.85)

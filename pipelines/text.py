"""How written text is folded before it is compared: accents dropped, only letters and digits kept.

:func:`fold_accents` gives the folded text; :func:`fold_aligned` keeps every character in its
place, for finders whose matches must point into the text as written.
"""
from __future__ import annotations

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def fold_accents(text: str) -> str:
    """``PÉREZ GÓMEZ`` → ``PEREZ GOMEZ`` (display keeps the original; matching uses this)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def compact(value: str) -> str:
    """Upper-case letters and digits only: ``AAB-123 456`` → ``AAB123456``."""
    return _NOT_ALNUM.sub("", fold_accents(value)).upper()


class _FoldTable(dict):
    """``str.translate`` table: a character → itself without its accent, when that is one character."""

    def __missing__(self, code: int) -> int:
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        self[code] = ord(base) if len(base) == 1 else code
        return self[code]


_FOLD = _FoldTable({code: code for code in range(128)})


def fold_aligned(text: str) -> str:
    """Accents dropped character by character, so offsets in the result are offsets in ``text``."""
    return text.translate(_FOLD)

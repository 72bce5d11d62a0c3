"""Names of persons and aliases as compared across sources: folded, without the words that tell no one apart."""
from __future__ import annotations

import re

from pipelines.text import fold_accents


def canonical_name(raw: str) -> str:
    """A person's or alias's name as compared across sources: ``José Ó. Pérez-Gómez`` → ``JOSE O PEREZ GOMEZ``."""
    return " ".join(re.sub(r"[-.'’]", " ", fold_accents(raw)).upper().split())


# Joining words of names (DA SILVA, DE LA CRUZ, BEN ALI, MC DONALD): they tell no person apart, and
# in text they join the words of one name. The conjunctions Y and E are not among them: as one
# letter they are dropped like initials, and in text they join two names ("Ana Silva e Rodrigo").
PARTICLES = frozenset({"DE", "DA", "DO", "DOS", "DAS", "DEL", "LA", "LAS", "LOS", "VAN", "VON", "DI", "LE", "AL",
                       "EL", "BEN", "BIN", "IBN", "MC"})


def is_name_word(word: str) -> bool:
    """Whether a folded upper-case word of a name tells persons apart: no particle, no initial."""
    return word not in PARTICLES and len(word) > 1


def name_words(value: str | None) -> list[str]:
    """The words of a name that tell persons apart: folded, no particles, no initials."""
    return [t for t in canonical_name(value or "").split() if is_name_word(t)]


# Spellings that sound alike in Spanish and Portuguese, as officers mishear and mistype them:
# PERES/PEREZ, SILBA/SILVA, MENDOSA/MENDOZA, HERNANDES/HERNANDEZ, ORTIS/ORTIZ, YUSUF/YOUSSEF;
# and the transliterations of one name: MUSTAPHA/MUSTAFA, MICHAIL/MIKHAIL, IOURI/YURI,
# SOKOLOFF/SOKOLOV/SOKOLOW, Pinyin ZHANG/Wade-Giles CHANG. In order: each applies to what the
# ones before it left.
_SOUNDS = [(re.compile(p), r) for p, r in (
    (r"^ZH", "CH"), (r"^H", ""), (r"PH", "F"), (r"(?<=[^CS])H", ""), (r"QU", "K"), (r"C(?=[EI])", "S"), (r"C", "K"),
    (r"KH", "K"), (r"Z", "S"), (r"V", "B"), (r"W", "B"), (r"G(?=[EI])", "J"), (r"LL", "Y"), (r"Y(?=[^AEIOU]|$)", "I"),
    (r"X$", "S"), (r"OU", "U"), (r"^I(?=[AEIOU])", "Y"), (r"(.)\1+", r"\1"), (r"OF$", "OB"))]


def name_sound(word: str) -> str:
    """A name word's sound key: words that differ by these spellings share it (``PERES`` = ``PEREZ``)."""
    key = word.upper()
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    return key

"""The keys of the search index, computed the same way for what is indexed and for a query.

Three kinds: the *terms* of a text (for BM25 ranking), the *name keys* of a person's name (each
word spelled as written, as it sounds and as its consonant skeleton, so ``Peres``, ``PÉREZ`` and
``Perez`` meet, and ``Youssef``, ``Yusuf`` and ``Юсуф`` too), and the *identifier keys* of a
value in any written form.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

import phonenumbers
from normality import ascii_text

from pipelines.identifiers.document import find_mrz
from pipelines.identifiers.name import name_sound, name_words
from pipelines.identifiers.phone import parse_phone
from pipelines.text import compact, fold_accents

MAX_TERM_CHARS = 40
MAX_NAME_WORDS = 6  # a longer query is prose, not a name
_WORD = re.compile(r"\w+", re.UNICODE)
_VOWELS = re.compile(r"[AEIOUY]")
_PUNCTUATION = re.compile(r"[^\w\s'’.-]")  # what canonical_name keeps apart: commas, brackets, quotes
_GLIDE = re.compile(r"^[YI](?=[AEIOU])")  # YUSUF, IUSUF and Юсуф (USUF) begin alike

# Function words of the four languages of the reports: they tell no document apart and would
# make the largest posting lists of the index.
STOP_WORDS = frozenset("""
a al algo algun alguna ante aos as at au aux com como con contra da das de del des dos du e el ela
ele em en entre era es esta este et eu for from han ha has have he her his i il in is it la las le
les lo los mais mas me mi mon na nas ne no nos o of on os ou par para pas pela pelo per por que qui
se ser sin sobre son su sua sus sur tem the their they this to um uma un una une y ya est sont ce
cette ces dans avec il elle nous vous leur leurs was were be been by an or not que quien cual
""".split())


def terms(text: str | None) -> Counter[str]:
    """The terms of a text and how often each occurs: folded lower-case words, no function words."""
    if not text:
        return Counter()
    words = _WORD.findall(fold_accents(text).lower())
    return Counter(w for w in words if len(w) <= MAX_TERM_CHARS and w not in STOP_WORDS)


class NameKey(NamedTuple):
    word: str       # folded, upper-case, as written
    sound: str      # name_sound: PERES = PEREZ
    skeleton: str   # first letter and consonants of the sound: YUSUF = YOUSSEF = YSF


def name_key(word: str) -> NameKey:
    sound = name_sound(word)
    bare = _GLIDE.sub("", sound)
    return NameKey(word, sound, bare[:1] + _VOWELS.sub("", bare[1:]))


def name_keys(name: str | None) -> list[NameKey]:
    """The keys of each distinguishing word of a name, in any script (transliterated to Latin first)."""
    if not name:
        return []
    latin = _PUNCTUATION.sub(" ", ascii_text(name) or "")
    return [name_key(w) for w in dict.fromkeys(name_words(latin))]


def identifier_key(value: str) -> str:
    """The index key of a canonical identifier: its letters and digits, upper-case."""
    return compact(value)


def identifier_keys(text: str, regions: Iterable[str]) -> list[str]:
    """Every key a query may stand for: as written compacted, as a phone of each region, and the
    document number of a passport's machine-readable zone pasted whole.

    ``+57 310 555 1234``, ``0057 3105551234`` and ``310-555-1234`` (in Colombia's numbering)
    all give the key of ``+573105551234``.
    """
    written = compact(text)
    keys = [written] if len(written) >= 4 else []
    keys += [identifier_key(m.canonical) for m in find_mrz(text) if m.canonical]
    if sum(c.isdigit() for c in text) >= 6:
        for region in [None, *regions]:  # every region's reading: the query may mean any of them
            phone = parse_phone(text, region)
            if phone:
                keys.append(identifier_key(phonenumbers.format_number(phone, phonenumbers.PhoneNumberFormat.E164)))
    return list(dict.fromkeys(k for k in keys if k))

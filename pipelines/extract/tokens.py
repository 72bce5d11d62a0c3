"""Tokens of a text and what the tagger sees of each: its word, shape, affixes, lexicon hits and neighbours.

One home for the features, used alike to train the tagger and to tag: a feature is a string
(``-1w=suspeito``, ``s=Xx``, ``G``) hashed into ``FEATURES`` buckets, so the model is a plain
weight matrix and needs no vocabulary. Two word lists of maintained packages tell names from
words: the given and family names of the four languages in Faker's locale lists (a name that
no record holds is still a name the lexicon may know), and how common each word is in es, pt,
en and fr running text (wordfreq's Zipf scale, 0 for a word it does not list): "Meanwhile"
opening a sentence is a word, "Kirpenstein" is not.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module

import wordfreq

from pipelines.identifiers.name import PARTICLES
from pipelines.text import fold_aligned

FEATURES = 1 << 19
TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
ENTITY_OF_TAG = {"PER": "person", "ORG": "organization", "LOC": "location"}
TAG_OF_ENTITY = {entity: tag for tag, entity in ENTITY_OF_TAG.items()}
LEXICON_LOCALES = ("es_ES", "es_MX", "es_AR", "es_CO", "pt_BR", "pt_PT", "fr_FR", "en_US")
LANGUAGES = ("es", "pt", "en", "fr")
MAX_TOKENS = 20_000  # a text's first 20,000 tokens are tagged (a 10 MB dump holds more than a report)

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*|[^\w\s]", re.UNICODE)
_SHAPES = (re.compile(r"[A-ZÀ-Þ]"), re.compile(r"[a-zß-ÿ]"), re.compile(r"\d"))
_ENDS_SENTENCE = frozenset(".!?:;\n")


@dataclass(frozen=True)
class Lexicon:
    given: frozenset[str]
    family: frozenset[str]
    # folded lower-case word → its Zipf frequency (rounded down), the highest of the four languages
    common: dict[str, int]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Given and family names of es/pt/fr/en, folded upper case (loaded once per process)."""
    given: set[str] = set()
    family: set[str] = set()
    for locale in LEXICON_LOCALES:
        provider = import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names_male", "first_names_female", "first_names"):
            names = getattr(provider, attribute, ())
            if not isinstance(names, property):
                given.update(fold_aligned(n).upper() for n in names)
        family.update(fold_aligned(n).upper() for n in provider.last_names)
    common: dict[str, int] = {}
    for language in LANGUAGES:
        for word, frequency in wordfreq.get_frequency_dict(language, wordlist="small").items():
            key = fold_aligned(word)
            common[key] = max(common.get(key, 0), int(wordfreq.freq_to_zipf(frequency)))
    return Lexicon(frozenset(given), frozenset(family), common)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    lower: str
    shape: str
    flags: tuple[str, ...]


def _shape(word: str) -> str:
    """``Xx``, ``X``, ``x``, ``d``, ``Xd``…: the classes of its characters in order, repeats folded."""
    out: list[str] = []
    for char in word:
        kind = "X" if char.isupper() else "x" if char.islower() else "d" if char.isdigit() else char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)[:6]


def tokens(text: str) -> list[Token]:
    """The words and punctuation of ``text`` (its first ``MAX_TOKENS``), with offsets."""
    found: list[Token] = []
    lex = lexicon()
    for match in _WORD.finditer(text):
        if len(found) >= MAX_TOKENS:
            break
        word = match.group()
        upper = fold_aligned(word).upper()
        flags = []
        if upper in lex.given:
            flags.append("G")
        if upper in lex.family:
            flags.append("F")
        if upper in PARTICLES:
            flags.append("P")
        flags.append(f"z{lex.common.get(upper.lower(), 0)}")
        if len(word) > 30:
            flags.append("long")
        found.append(Token(match.start(), match.end(), word, upper.lower()[:24], _shape(word), tuple(flags)))
    return found


def _sentence_starts(toks: list[Token]) -> list[bool]:
    return [i == 0 or toks[i - 1].text in _ENDS_SENTENCE or "\n" in toks[i - 1].text for i in range(len(toks))]


def _in_capitals(toks: list[Token]) -> list[bool]:
    """Whether each token stands among words mostly in capitals (a sentence typed in capitals)."""
    upper = [t.shape == "X" and len(t.text) > 1 for t in toks]
    words = [t.shape != t.text for t in toks]  # punctuation's shape is itself
    out = []
    for i in range(len(toks)):
        window = range(max(0, i - 6), min(len(toks), i + 7))
        n = sum(words[j] for j in window)
        out.append(n > 0 and sum(upper[j] for j in window) / n > 0.6)
    return out


def features(toks: list[Token]) -> list[list[int]]:
    """The hashed features of every token (sorted bucket numbers, each once)."""
    starts, capitals = _sentence_starts(toks), _in_capitals(toks)
    out = []
    for i, t in enumerate(toks):
        names = ["b", f"w={t.lower}", f"s={t.shape}", f"p3={t.lower[:3]}", f"x3={t.lower[-3:]}",
                 f"x2={t.lower[-2:]}", *t.flags]
        if starts[i]:
            names.append("start")
        if capitals[i]:
            names.append("caps")
            names.append(f"caps|s={t.shape}")
        for d in (-3, -2, -1, 1, 2, 3):
            j = i + d
            if 0 <= j < len(toks):
                u = toks[j]
                names += [f"{d}w={u.lower}", f"{d}s={u.shape}", *(f"{d}{flag}" for flag in u.flags)]
                if abs(d) == 1:
                    names.append(f"{d}x3={u.lower[-3:]}")
            else:
                names.append(f"{d}edge")
        before = toks[i - 1].lower if i else "^"
        after = toks[i + 1].lower if i + 1 < len(toks) else "$"
        names += [f"bi-={before}|{t.lower}", f"bi+={t.lower}|{after}",
                  f"sh={toks[i - 1].shape if i else '^'}|{t.shape}"]
        out.append(sorted({zlib.crc32(n.encode()) & (FEATURES - 1) for n in names}))
    return out


def labels(toks: list[Token], spans: list[tuple[int, int, str]]) -> list[int]:
    """The tag number of each token under ``spans`` (start, end, entity type); other types are ``O``."""
    tags = [0] * len(toks)
    for start, end, entity in spans:
        tag = TAG_OF_ENTITY.get(entity)
        if tag is None:
            continue
        inside = [i for i, t in enumerate(toks) if t.start >= start and t.end <= end]
        for k, i in enumerate(inside):
            tags[i] = TAGS.index(("B-" if k == 0 else "I-") + tag)
    return tags

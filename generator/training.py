"""Labelled texts for the tagger: what officers write, with every person, organization and place marked.

A labelled text is, half the time, a report or message template of :mod:`generator.texts` filled
as the lake's are, then one to three sentences of prose (:mod:`generator.prose`); otherwise the
prose alone. Each text is a function of (seed, families, number) only, so Spark's executors make
the training set in parallel and the same seed makes the same set. Training draws from
``TRAINING_FAMILIES`` with ``TRAINING_SEED``; evaluation from ``HELD_OUT_FAMILY`` with
``HELD_OUT_SEED``, which training never sees.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.dice import Dice
from generator.people import COUNTRIES, LANGUAGE, Person, person, written_name
from generator.prose import (
    HELD_OUT_FAMILY,
    HELD_OUT_SEED,
    TRAINING_FAMILIES,
    prose_values,
    sentence_template,
)
from generator.records import slot_values
from generator.texts import (
    MESSAGE_TEMPLATES,
    REPORT_TEMPLATES,
    Span,
    pick,
    render,
    slots_of,
)

TRAINING_SEED = 1
POPULATION = 20_000  # persons the templates' recorded names are drawn from
LANGUAGES = ("es", "pt", "en", "fr")


@dataclass(frozen=True)
class LabelledText:
    language: str
    country: str
    text: str
    spans: tuple[Span, ...]
    recorded: tuple[Person, ...]  # the persons of the text that records hold (the rest no record names)


def _joined(pieces: list[tuple[str, list[Span]]], separator: str) -> tuple[str, list[Span]]:
    text, spans, offset = [], [], 0
    for piece, piece_spans in pieces:
        text.append(piece)
        spans += [Span(s.start + offset, s.end + offset, s.entity_type, s.text, s.canonical, s.person_id)
                  for s in piece_spans]
        offset += len(piece) + len(separator)
    return separator.join(text), spans


def labelled_text(seed: int, families: tuple[str, ...], number: int) -> LabelledText:
    """Labelled text ``number`` of ``seed``, its prose drawn from ``families``."""
    rng: random.Random = Dice(f"{seed}|labelled|{number}")
    language = rng.choice(LANGUAGES)  # each language as often, though six countries of nine speak Spanish
    country = rng.choice([c for c in COUNTRIES if LANGUAGE[c] == language])
    main, other = person(seed, rng.randrange(POPULATION)), person(seed, rng.randrange(POPULATION))
    pieces: list[tuple[str, list[Span]]] = []
    named: list[Person] = []
    if rng.random() < 0.5:
        template = pick(rng, REPORT_TEMPLATES if rng.random() < 0.7 else MESSAGE_TEMPLATES, language)
        pieces.append(render(template, slot_values(rng, main, other, country, language, slots_of(template))))
        named += [main] + ([other] if "{name2}" in template else [])
    for _ in range(rng.choice((1, 1, 2, 3))):
        _, sentence = sentence_template(rng, language, families)
        known = [(written_name(rng, other), other.full_name, other.person_id)]
        values = prose_values(rng, language, sentence, known)
        if any(v[2] == other.person_id for v in values.values()) and other not in named:
            named.append(other)
        pieces.append(render(sentence, values))
    text, spans = _joined(pieces, rng.choice((" ", "\n", "\n\n")))
    return LabelledText(language, country, text, tuple(spans), tuple(named))


def training_example(number: int, seed: int = TRAINING_SEED) -> tuple[str, list[tuple[int, int, str]]]:
    """What :func:`pipelines.extract.training.train` asks for: (text, [(start, end, entity type)])."""
    labelled = labelled_text(seed, TRAINING_FAMILIES, number)
    return labelled.text, [(s.start, s.end, s.entity_type) for s in labelled.spans]


def training_examples(seed: int = TRAINING_SEED) -> partial:
    return partial(training_example, seed=seed)


def held_out(number: int) -> LabelledText:
    """Evaluation text ``number``: the held-out family, the held-out seed."""
    return labelled_text(HELD_OUT_SEED, (HELD_OUT_FAMILY,), number)


def held_out_set(count: int):
    """``count`` held-out texts as documents, their planted names and the records' persons."""
    from pipelines.extract.heldout import HeldOutSet

    documents, truth, persons, seen = [], [], [], set()
    for number in range(count):
        text = held_out(number)
        doc_id = f"heldout:{number}"
        documents.append({"doc_id": doc_id, "language": text.language, "country": text.country, "body": text.text})
        ids = {p.person_id for p in text.recorded}
        truth += [(doc_id, s.entity_type, s.text, s.person_id in ids) for s in text.spans]
        for p in text.recorded:
            if p.person_id not in seen:
                seen.add(p.person_id)
                persons.append((p.given_names, p.family_name, [p.alias] if p.alias else [], [p.nationality]))
    return HeldOutSet(documents, truth, persons)


def held_out_rows(model: Path, count: int, extractors: tuple[str, ...] = ("tagger", "rules")) -> list[dict[str, str]]:
    """The extractors side by side on ``count`` held-out texts, the tagger read from ``model``
    (left out when ``model`` holds none)."""
    from pipelines.extract.heldout import compare, side_by_side
    from pipelines.extract.tagger import MODEL_FILE, Tagger
    from pipelines.spark import get_spark

    tagger = Tagger.load(model) if "tagger" in extractors and (model / MODEL_FILE).exists() else None
    chosen = tuple(e for e in extractors if e != "tagger" or tagger is not None)
    return side_by_side(compare(get_spark(), held_out_set(count), tagger, chosen))

"""Extraction scored on held-out documents: a phrasing family and a seed the tagger never saw.

Both extractors read the same documents through :func:`pipelines.extract.job.text_mentions` in
Spark (only the found names come back, to be scored). A found name and a planted one match when
they are in the same document with the same type and the same folded name (``JOSE O PEREZ``),
counted as multisets. Persons are also scored apart for the names no record holds: a planted
person counts there when the records of the set do not hold him; a found person that matches
nothing counts there as a false positive when its name is no recorded person's.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pyspark.sql import SparkSession

from pipelines.extract.evaluate import Score
from pipelines.extract.job import text_mentions
from pipelines.extract.names import Gazetteer
from pipelines.extract.tagger import Tagger
from pipelines.identifiers.name import canonical_name

SCORED_TYPES = ("person", "organization", "location")
UNRECORDED = "person, no record"
HELD_OUT_KIND = "attachment"  # what an author wrote, with no header rendered from fields before it


@dataclass(frozen=True)
class HeldOutSet:
    documents: list[dict]  # doc_id, language, country, body
    truth: list[tuple[str, str, str, bool]]  # (doc_id, entity type, text as planted, a record holds it)
    persons: list[tuple[str, str, list[str], list[str]]]  # the records' persons: given, family, aliases, nationalities


def found_names(spark: SparkSession, held_out: HeldOutSet, tagger: Tagger | None) -> list[tuple[str, str, str]]:
    """(doc_id, type, text) of the names found in the held-out documents."""
    documents = spark.createDataFrame(
        [(d["doc_id"], None, HELD_OUT_KIND, None, d["body"], d["country"], d["country"], [], "official")
         for d in held_out.documents],
        "doc_id string, parent_doc_id string, source string, title string, body string, country string, "
        "owner_country string, restricted_to array<string>, classification string")
    mentions = text_mentions(documents, Gazetteer.from_records(held_out.persons), tagger)
    return [(r.doc_id, r.type, r.text) for r in
            mentions.where(mentions.type.isin(*SCORED_TYPES)).select("doc_id", "type", "text").collect()]


def score(held_out: HeldOutSet, found: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], Score]:
    """(type or ``UNRECORDED``, language) → counts; language ``all`` sums them."""
    language = {d["doc_id"]: d["language"] for d in held_out.documents}
    recorded_names = {canonical_name(f"{g} {f}") for g, f, _, _ in held_out.persons}
    wanted: dict[str, Counter] = defaultdict(Counter)
    for doc_id, kind, text, recorded in held_out.truth:
        if kind in SCORED_TYPES:
            wanted[doc_id][(kind, canonical_name(text), recorded)] += 1
    got: dict[str, Counter] = defaultdict(Counter)
    for doc_id, kind, text in found:
        got[doc_id][(kind, canonical_name(text))] += 1
    scores: dict[tuple[str, str], Score] = defaultdict(Score)

    def add(kinds: list[str], doc_id: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        for kind in kinds:
            for lang in (language[doc_id], "all"):
                s = scores[(kind, lang)]
                s.tp, s.fp, s.fn = s.tp + tp, s.fp + fp, s.fn + fn

    for doc_id in set(wanted) | set(got):
        remaining = Counter(got[doc_id])
        for (kind, key, recorded), n in sorted(wanted[doc_id].items(), key=lambda item: not item[0][2]):
            hit = min(n, remaining[(kind, key)])
            remaining[(kind, key)] -= hit
            kinds = [kind] + ([UNRECORDED] if kind == "person" and not recorded else [])
            add(kinds, doc_id, tp=hit, fn=n - hit)
        for (kind, key), n in remaining.items():
            if n > 0:
                add([kind] + ([UNRECORDED] if kind == "person" and key not in recorded_names else []), doc_id, fp=n)
    return dict(scores)


def compare(spark: SparkSession, held_out: HeldOutSet, tagger: Tagger | None,
            extractors: Iterable[str] = ("tagger", "rules")) -> dict[str, dict[tuple[str, str], Score]]:
    """Each extractor's scores on the same held-out documents (``tagger`` needs the model)."""
    return {name: score(held_out, found_names(spark, held_out, tagger if name == "tagger" else None))
            for name in extractors}


def side_by_side(scores: dict[str, dict[tuple[str, str], Score]]) -> list[dict[str, str]]:
    """One row per (type, language) with every extractor's precision, recall and F1 beside each other."""
    keys = sorted({k for by_key in scores.values() for k in by_key},
                  key=lambda k: (SCORED_TYPES.index(k[0]) if k[0] in SCORED_TYPES else len(SCORED_TYPES),
                                 k[1] == "all", k[1]))
    rows = []
    for kind, language in keys:
        row = {"type": kind, "language": language}
        for name, by_key in scores.items():
            s = by_key.get((kind, language), Score())
            row.update({f"{name} P": f"{s.precision:.3f}", f"{name} R": f"{s.recall:.3f}", f"{name} F1": f"{s.f1:.3f}"})
        rows.append(row)
    return rows

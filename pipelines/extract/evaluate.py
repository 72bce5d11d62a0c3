"""Extraction quality against the generator's ground truth: precision, recall and F1 per type and language.

A planted mention and a found one match when they are in the same document with the same type
and the same key: the canonical value for identifiers (``+5491155551234`` however it was
written), the folded name for persons and places (``JOSE O PEREZ``). Counts are multisets, so a
value named twice must be found twice. Free text and structured fields are scored apart.
Message headers (From/To/Subject lines, and the subject again as the document's title, which the
generator does not plant) are left out, and
free text is scored on the free-text documents (reports, messages, attachments): the rendered
text of a structured record holds its fields, scored as structured (so the partner a diffusion's
summary names, planted for resolution, is not scored here). The truth of a structured
record lists the fields of its main person only, so structured precision is not measured.
Reads the lake with delta-rs: no Spark.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.config import LakePaths
from pipelines.delta import read_arrow
from pipelines.identifiers.name import canonical_name
from pipelines.resolve.scores import Rates
from pipelines.sources import SOURCES
from pipelines.truth import iter_truth

LANGUAGE_OF_COUNTRY = {"AR": "es", "CL": "es", "CO": "es", "PE": "es", "MX": "es", "ES": "es", "BR": "pt",
                       "FR": "fr", "US": "en"}
NAME_TYPES = {"person", "location", "organization"}
TEXT_FIELDS = {"narrative", "body"}
UNPLANTED_FIELDS = {"header", "title"}
FREE_TEXT_KINDS = tuple(f"{kind}:" for s in SOURCES if s.free_text for kind in s.document_kinds)


@dataclass
class Score(Rates):
    tp: int = 0
    fp: int = 0
    fn: int = 0


def _key(kind: str, text: str | None, canonical: str | None) -> str | None:
    if kind in NAME_TYPES:
        return canonical_name(text or "")
    return canonical


def _scored(mode: str, doc_id: str) -> bool:
    """Free text is scored on the free-text documents only (see the module's docstring)."""
    return mode != "text" or doc_id.startswith(FREE_TEXT_KINDS)


def record_doc_id(row: dict[str, Any]) -> str:
    """The document a truth row's record is (a message, not one of its attachments)."""
    return f"{SOURCES[row['source']].kind}:{row['source_id']}"


def truth_doc_id(row: dict[str, Any]) -> str:
    part_kind = SOURCES[row["source"]].part_kind  # a mention planted in a part (attachment) of the record
    if part_kind and row["start"] is not None and row["field"] not in TEXT_FIELDS:
        return f"{part_kind}:{row['source_id']}/{row['field']}"
    return record_doc_id(row)


def _rows(uri: str, columns: list[str]) -> list[dict[str, Any]]:
    table = read_arrow(uri, columns)
    if table is None:
        raise FileNotFoundError(f"no Delta table at {uri}: materialize the home first")
    return table.to_pylist()


def evaluate(home: Path, types: Iterable[str] | None = None) -> dict[tuple[str, str, str], Score]:
    """(mode ``text``/``structured``, type, language) → counts, over the documents the lake holds."""
    paths = LakePaths.from_env(home)
    documents = _rows(paths.table("silver", "documents"), ["doc_id", "language", "owner_country"])
    language = {d["doc_id"]: d["language"] or LANGUAGE_OF_COUNTRY.get(d["owner_country"], "other") for d in documents}
    wanted: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in iter_truth(home, "mentions"):
        doc_id = truth_doc_id(row)
        if doc_id in language:  # a quarantined record has no document to find mentions in
            mode = "structured" if row["start"] is None else "text"
            if not _scored(mode, doc_id):
                continue
            wanted[(mode, doc_id)][(row["entity_type"], _key(row["entity_type"], row["text"], row["canonical"]))] += 1
    scored = {mode: set(types) if types else {kind for (m, _), counts in wanted.items() if m == mode
                                              for kind, _ in counts} for mode in ("text", "structured")}
    found: dict[tuple[str, str], Counter] = defaultdict(Counter)
    mentions = _rows(paths.table("silver", "mentions"), ["doc_id", "field", "type", "text", "canonical", "extractor"])
    for m in mentions:
        mode = "structured" if m["extractor"] == "structured" else "text"
        if m["type"] not in scored[mode] or m["field"] in UNPLANTED_FIELDS:
            continue
        if not _scored(mode, m["doc_id"]):
            continue
        if mode == "structured" and not any(k == m["type"] for k, _ in wanted.get((mode, m["doc_id"]), ())):
            continue  # fields the truth does not list for this record
        found[(mode, m["doc_id"])][(m["type"], _key(m["type"], m["text"], m["canonical"]))] += 1
    scores: dict[tuple[str, str, str], Score] = defaultdict(Score)
    for mode, doc_id in set(wanted) | set(found):
        want, got = wanted.get((mode, doc_id), Counter()), found.get((mode, doc_id), Counter())
        for item in set(want) | set(got):
            score = scores[(mode, item[0], language.get(doc_id, "other"))]
            both = min(want[item], got[item])
            score.tp += both
            score.fp += got[item] - both
            score.fn += want[item] - both
    return dict(scores)


def totals(scores: dict[tuple[str, str, str], Score]) -> dict[tuple[str, str], Score]:
    """The same counts summed over languages: (mode, type) → counts."""
    summed: dict[tuple[str, str], Score] = defaultdict(Score)
    for (mode, kind, _), s in scores.items():
        total = summed[(mode, kind)]
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
    return dict(summed)

"""Watchlist alerts against the generator's ground truth.

A planted alert is a pair (notice or diffusion, other document) where the other document names
a phone or identity document that the notice or diffusion lists for its subject: the generator
writes a person's identifiers into the records and texts about him, so each such pair is a true
watchlist hit, and an identifier is found whatever its written form. Pairs whose documents the
lake does not hold (planted bad input, quarantined) are counted apart. Reads the lake with
delta-rs: no Spark.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipelines.config import LakePaths
from pipelines.delta import read_arrow
from pipelines.extract.evaluate import record_doc_id, truth_doc_id
from pipelines.sources import SOURCES
from pipelines.truth import iter_truth

WATCH_TRUTH_SOURCES = tuple(s.name for s in SOURCES if s.watchlist)
THROUGH_TYPES = ("phone", "identity_document")


@dataclass(frozen=True)
class AlertRecall:
    planted: int      # planted alerts whose two documents the lake holds
    raised: int       # of them, raised (as any kind of alert)
    not_in_lake: int  # planted alerts resting on a document the lake does not hold
    missed: list[tuple[str, str]]

    @property
    def recall(self) -> float:
        return self.raised / self.planted if self.planted else 1.0


def planted_alerts(home: Path) -> set[tuple[str, str]]:
    """``(watch_doc_id, doc_id)`` of every planted watchlist hit (see the module's docstring)."""
    subject = {record_doc_id(r): r["person_ids"][0]
               for r in iter_truth(home, "records") if r["source"] in WATCH_TRUTH_SOURCES and r["person_ids"]}
    listed: dict[tuple[str, str], set[str]] = defaultdict(set)  # (type, value) → watch documents listing it
    named: dict[tuple[str, str], set[str]] = defaultdict(set)   # (type, value) → documents naming it
    for row in iter_truth(home, "mentions"):
        if row["entity_type"] not in THROUGH_TYPES or not row["canonical"]:
            continue
        key, doc_id = (row["entity_type"], row["canonical"]), truth_doc_id(row)
        named[key].add(doc_id)
        if row["source"] in WATCH_TRUTH_SOURCES and row["start"] is None and row["person_id"] == subject.get(doc_id):
            listed[key].add(doc_id)
    return {(watch, doc) for key, watches in listed.items() for watch in watches for doc in named[key] if doc != watch}


def alert_recall(home: Path) -> AlertRecall:
    """How many planted alerts ``gold.alerts`` raised."""
    paths = LakePaths.from_env(home)
    documents = read_arrow(paths.table("gold", "documents"), ["doc_id"])
    raised = read_arrow(paths.table("gold", "alerts"), ["watch_doc_id", "doc_id"])
    if documents is None or raised is None:
        raise FileNotFoundError(f"no gold alerts in {paths.lake}: materialize the home first")
    held = set(documents.column("doc_id").to_pylist())
    raised_pairs = set(zip(raised.column("watch_doc_id").to_pylist(), raised.column("doc_id").to_pylist()))
    planted = planted_alerts(home)
    in_lake = {p for p in planted if p[0] in held and p[1] in held}
    missed = sorted(in_lake - raised_pairs)
    return AlertRecall(len(in_lake), len(in_lake) - len(missed), len(planted) - len(in_lake), missed)

"""The copies of the vocabulary that data files cannot import hold the same words as its home.

Document kinds have their one home in the sources registry (``pipelines/sources.py``), which the
checks read as ``ref_sources``; the Secretariat is in ``pipelines/vocabulary.py``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from pipelines.vocabulary import SECRETARIAT

SUITES = Path(__file__).resolve().parents[2] / "expectations"


def _queries() -> list[str]:
    return [e["kwargs"]["unexpected_rows_query"] for path in sorted(SUITES.rglob("*.json"))
            for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]
            if "withdrawn_by" in e["kwargs"].get("unexpected_rows_query", "")]


def test_the_withdrawal_checks_read_document_kinds_from_the_registry_and_name_the_secretariat_as_the_vocabulary_does():
    queries = _queries()
    assert queries
    for query in queries:
        assert "ref_sources" in query and "CASE w.source" not in query, query
        assert set(re.findall(r"withdrawn_by (?:=|<>) '(\w+)'", query)) == {SECRETARIAT}, query

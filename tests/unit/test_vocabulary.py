"""The copies of the vocabulary that data files cannot import hold the same words as its home."""
from __future__ import annotations

import json
import re
from pathlib import Path

from pipelines.config import SOURCES
from pipelines.vocabulary import DOCUMENT_KIND_OF_SOURCE, SECRETARIAT

SUITES = Path(__file__).resolve().parents[2] / "expectations"
_CASE = re.compile(r"CASE w\.source (.*?) ELSE w\.source END")


def _queries() -> list[str]:
    return [e["kwargs"]["unexpected_rows_query"] for path in sorted(SUITES.rglob("*.json"))
            for e in json.loads(path.read_text(encoding="utf-8"))["expectations"]
            if "withdrawn_by" in e["kwargs"].get("unexpected_rows_query", "")]


def test_the_withdrawal_checks_name_document_kinds_and_the_secretariat_as_the_vocabulary_does():
    queries = _queries()
    assert queries
    for query in queries:
        for case in _CASE.findall(query):
            mapped = dict(re.findall(r"WHEN '(\w+)' THEN '(\w+)'", case))
            assert {s: mapped.get(s, s) for s in SOURCES} == DOCUMENT_KIND_OF_SOURCE, query
        assert set(re.findall(r"withdrawn_by (?:=|<>) '(\w+)'", query)) == {SECRETARIAT}, query

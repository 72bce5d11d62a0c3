"""The ground truth beside a generated drop zone, the one definition of its format.

``insight generate`` writes it and the evaluations read it; both import this module, so that
``pipelines/`` never imports the generator. ``<home>/truth/<kind>/<shard>.jsonl`` (outside
``raw/``, so nothing lands it) holds one JSON object a line.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# What each chunk of output planted: its records' persons, its mentions, its links, its bad inputs.
PLANTED: tuple[str, ...] = ("records", "mentions", "bad_inputs", "links")
PERSONS = "persons"  # the population itself, one row per person


def truth_file(home: Path, kind: str, shard: str) -> Path:
    """Where one shard of one kind of truth is written."""
    return Path(home) / "truth" / kind / f"{shard}.jsonl"


def iter_truth(home: Path, kind: str) -> Iterator[dict[str, Any]]:
    """Every row of one kind of truth (records, mentions, links, bad_inputs, persons), shard by shard."""
    for shard in sorted((Path(home) / "truth" / kind).glob("*.jsonl")):
        with open(shard, encoding="utf-8") as rows:
            for line in rows:
                yield json.loads(line)

"""Schema drift of one raw file against its source's contract: new, missing, renamed and retyped columns.

Drift never stops landing. Values still land where they can (unknown columns in ``extra_fields``,
a number where text is promised as its text, one value where a list is promised as a list of one)
and the file's registry row lists what changed, so that a check flags it and an engineer can
update the contract or ask the sender to fix the feed.
"""
from __future__ import annotations

import difflib
from collections import Counter
from typing import Any

from pipelines.land.fields import SourceSpec, json_type


class DriftLog:
    """What one file's columns and JSON types did differently from the contract."""

    def __init__(self, spec: SourceSpec) -> None:
        self.fields = {f.name: f for f in spec.fields}
        self.rows = 0
        self.header: list[str] | None = None
        self.present: Counter[str] = Counter()
        self.new: Counter[str] = Counter()
        self.retyped: Counter[tuple[str, str]] = Counter()

    def see_header(self, columns: list[str]) -> None:
        """A CSV header: its columns are the file's schema."""
        self.header = columns

    def see_row(self, values: dict[str, Any]) -> None:
        """A JSON object: each key is a column, each value's JSON type is checked."""
        self.rows += 1
        for key, value in values.items():
            field = self.fields.get(key)
            if field is None:
                if value not in (None, "", [], {}):
                    self.new[key] += 1
                continue
            if value is None:
                continue
            self.present[key] += 1
            observed = json_type(value)
            promised = field.json_type
            if observed != promised and not (value == [] and promised.startswith("list")):
                self.retyped[(key, observed)] += 1

    def notes(self) -> list[str]:
        """One sentence per drift, most telling first; empty when the file keeps the contract."""
        if self.header is not None:
            new = {c: 0 for c in self.header if c not in self.fields}
            missing = [name for name in self.fields if name not in self.header]
            counted = False
        else:
            new = dict(self.new)
            # JSON producers omit empty keys, so only a key no row has counts as missing, and
            # only when it is required or a new key looks like its new name.
            missing = [name for name, f in self.fields.items() if self.rows and not self.present[name]
                       and (f.required or difflib.get_close_matches(name, list(new), n=1, cutoff=0.6))]
            counted = True
        notes = []
        for name in missing:
            match = difflib.get_close_matches(name, list(new), n=1, cutoff=0.6)
            required = " (required: its rows are quarantined)" if self.fields[name].required else ""
            if match:
                notes.append(f"column {name!r} renamed to {match[0]!r}?{required}" + _rows(new.pop(match[0]), counted))
            else:
                notes.append(f"column {name!r} missing{required}")
        notes += [f"new column {name!r}" + _rows(count, counted) for name, count in new.items()]
        notes += [f"column {name!r} arrives as {observed} where the contract has {self.fields[name].json_type}"
                  + _rows(count, True) for (name, observed), count in self.retyped.items()]
        return notes


def _rows(count: int, counted: bool) -> str:
    return f" ({count} row{'s' if count != 1 else ''})" if counted else ""

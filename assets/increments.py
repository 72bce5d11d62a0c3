"""What an incremental table asset reads of its inputs this run: the change since its watermark,
or everything (``Increment.full``) when it has none, its settings changed, its inputs' logs no
longer reach back to it, or the run asks for a full refresh (``insight materialize --full``, the
nightly schedule: the run tag ``FULL_REFRESH``).

The asset computes the keys the change touches, merges them, then :meth:`Increment.record`\\ s
the versions it read (see ``pipelines/watermarks.py`` for why in that order).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from assets.resources import LakeResource
from pipelines import delta, watermarks
from pipelines.changes import TableChange, table_change
from pipelines.lakehouse import Lakehouse, WriteResult, unchanged

FULL_REFRESH = "insight/full_refresh"  # a run tag: "true" recomputes every table whole


def full_refresh_requested(context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext) -> bool:
    return context.run.tags.get(FULL_REFRESH) == "true"


@dataclass
class Increment:
    """The inputs of table ``table`` (at ``uri``; inputs name → URI), their versions now, and what it last read."""

    table: str
    uri: str
    inputs: dict[str, str]
    versions: dict[str, int]
    settings: str
    last: watermarks.Watermark | None
    reason: str  # why the table is recomputed whole ("" when it is not)
    lake: LakeResource
    run_id: str
    # Changes already computed, by (input URI, since, until): the tables of one multi-asset read
    # the same inputs since the same versions, and share them (:func:`increment`'s ``known``).
    known: dict[tuple[str, int, int], TableChange] = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return bool(self.reason)

    @property
    def mark(self) -> watermarks.Watermark:
        """What the table reflects once this step has written it: every commit of the step records it."""
        return watermarks.Watermark(dict(self.versions), self.settings)

    def changes(self, lakehouse: Lakehouse) -> dict[str, TableChange] | None:
        """The change of each input since the watermark; None when one cannot be read
        (the step then recomputes whole, and says why). An input the watermark does not know is new:
        all its rows are its change."""
        assert self.last is not None, "a full refresh reads no change"
        found = {}
        for name in self.inputs:
            if name not in self.versions:
                continue  # no table (yet): nothing in it changed
            since = self.last.inputs.get(name, -1)
            key = (self.inputs[name], since, self.versions[name])
            if key not in self.known:
                change = table_change(lakehouse, *key)
                if change is None:
                    self.reason = f"the log of {name} no longer holds version {since}"
                    return None
                self.known[key] = change.computed()
            found[name] = self.known[key]
        return found

    def record(self) -> None:
        """The table now reflects the inputs as they were when the step began, and what they
        reflected in turn (what the increments of other tables ask of it, as extraction asks the
        index which silver/documents it was built from); the watermark also keeps the table's own
        version, so that a later write by anyone else is noticed."""
        reflected: dict[str, int] = {}
        for name in self.inputs:
            upstream = watermarks.read(self.lake.paths.watermarks, name)
            reflected.update(upstream.inputs if upstream is not None else {})
        own = delta.version(self.uri)
        mark = {**reflected, **self.versions, **({self.table: own} if own is not None else {})}
        watermarks.record(self.lake.paths.watermarks, self.table, watermarks.Watermark(mark, self.settings),
                          self.run_id)

    def metadata(self, **counts: int) -> dict[str, Any]:
        """What the materialization says of how it was computed (and how many keys it recomputed)."""
        found: dict[str, Any] = {"refresh": "full" if self.full else "incremental"}
        if self.full:
            found["full_because"] = self.reason
        found.update({name: dg.MetadataValue.int(n) for name, n in counts.items()})
        return found


Whole = Callable[[], WriteResult]
ByChange = Callable[[dict[str, TableChange]], tuple[WriteResult, dict[str, int]]]


def refreshed(step: Increment, lakehouse: Lakehouse, whole: Whole, by_change: ByChange) -> tuple[WriteResult, dict]:
    """The step's table brought up to date — ``whole()`` when the step is full or its inputs' changes
    cannot be read, else ``by_change(changes)`` (the write and what it counted), and nothing at all
    when no input changed — then its watermark recorded; the write and the step's metadata."""
    changes = None if step.full else step.changes(lakehouse)
    counts: dict[str, int] = {}
    if changes is None:
        result = whole()
    elif all(change.empty for change in changes.values()):
        result = unchanged(step.uri)
    else:
        result, counts = by_change(changes)
    step.record()
    return result, step.metadata(**counts)


def increment(context: dg.AssetExecutionContext, lake: LakeResource, inputs: Mapping[str, str],
              settings: str = "", key: dg.AssetKey | None = None,
              known: dict[tuple[str, int, int], TableChange] | None = None) -> Increment:
    """The increment of the table asset being materialized (``key`` for one table of a multi-asset),
    reading ``inputs`` (table name → URI): whole when its table is not there yet, a full refresh was
    asked for, it has no watermark, its settings changed, or someone else wrote its table since its
    step last did. ``known``: the changes the other tables of a multi-asset computed, shared."""
    key = key or context.asset_key
    table = key.to_user_string()
    uri = lake.uri(key)
    last = watermarks.read(lake.paths.watermarks, table)
    later = delta.commits_after(uri, last.inputs.get(table, -1) if last is not None else -1)
    foreign = next((v for v, origin in later if table not in origin.get("assets", "").split(",")), None)
    if later and foreign is None and "reflects" in later[-1][1]:
        # The step committed after its last watermark and died before recording the next: its
        # commit says what the table reflects (a table kept by difference must not take a change twice).
        version, origin = later[-1]
        last = watermarks.Watermark({**origin["reflects"], table: version}, origin.get("settings", ""))
    if delta.version(uri) is None:
        reason = "its table does not exist yet"
    elif full_refresh_requested(context):
        reason = "a full refresh was asked for"
    elif last is None:
        reason = "it has no watermark yet"
    elif last.settings != settings:
        reason = f"its settings changed ({last.settings or 'none'} → {settings or 'none'})"
    elif foreign is not None:
        reason = f"its table was written outside its step (version {foreign})"
    else:
        reason = ""
    return Increment(table, uri, dict(inputs), watermarks.versions(inputs), settings, last, reason, lake,
                     context.run_id, {} if known is None else known)

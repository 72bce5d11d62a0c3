"""Pairwise and cluster precision, recall and F1 of a clustering against the true one."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any


class Rates:
    """Precision, recall and F1 of anything that counts ``tp``, ``fp`` and ``fn``."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Quality(Rates):
    tp: int
    fp: int
    fn: int


def _pairs_within(cluster_of: Mapping[Hashable, Hashable]) -> int:
    sizes = Counter(cluster_of.values())
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise(found: Mapping[Any, Hashable], truth: Mapping[Any, Hashable]) -> Quality:
    """Pairs of records put together: right (tp), wrong (fp), missed (fn). Counted, not listed.

    Both maps are record → cluster; a record missing from ``found`` is a cluster of its own.
    """
    together: Counter[tuple[Hashable, Hashable]] = Counter(
        (found.get(record, ("alone", record)), cluster) for record, cluster in truth.items())
    tp = sum(n * (n - 1) // 2 for n in together.values())
    found_pairs = _pairs_within({r: found.get(r, ("alone", r)) for r in truth})
    return Quality(tp, found_pairs - tp, _pairs_within(truth) - tp)


def clusters(found: Mapping[Any, Hashable], truth: Mapping[Any, Hashable]) -> Quality:
    """Clusters found exactly (the same set of records as a true cluster) against true clusters."""
    def groups(cluster_of: Mapping[Hashable, Hashable]) -> set[frozenset]:
        members: dict[Hashable, set] = defaultdict(set)
        for record in truth:
            members[cluster_of.get(record, ("alone", record))].add(record)
        return {frozenset(m) for m in members.values()}

    true_groups, found_groups = groups(truth), groups(found)
    exact = len(true_groups & found_groups)
    return Quality(exact, len(found_groups) - exact, len(true_groups) - exact)

"""Pairwise and cluster scores of a clustering against the truth."""
from pipelines.resolve.scores import clusters, pairwise

TRUTH = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "c1": "C"}


def test_a_perfect_clustering_scores_one():
    found = {"a1": 1, "a2": 1, "a3": 1, "b1": 2, "b2": 2, "c1": 3}
    assert (pairwise(found, TRUTH).f1, clusters(found, TRUTH).f1) == (1.0, 1.0)


def test_a_wrong_merge_costs_precision_and_a_split_costs_recall():
    merged = {"a1": 1, "a2": 1, "a3": 1, "b1": 1, "b2": 1, "c1": 3}  # A and B merged: 10 pairs, 4 true
    q = pairwise(merged, TRUTH)
    assert (q.tp, q.fp, q.fn) == (4, 6, 0)
    split = {"a1": 1, "a2": 1, "b1": 2, "b2": 2}  # a3 and c1 left alone (absent: clusters of their own)
    q = pairwise(split, TRUTH)
    assert (q.tp, q.fp, q.fn) == (2, 0, 2)
    exact = clusters(split, TRUTH)
    assert (exact.tp, exact.fp, exact.fn) == (2, 2, 1)  # B and C found; {a1,a2} and {a3} are not A

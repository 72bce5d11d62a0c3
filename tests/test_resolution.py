"""Person resolution on FEBRL4, the public benchmark, with Splink for real (CI runs it once)."""
import pytest

from bench.resolution_febrl4 import evaluate

pytestmark = pytest.mark.heavy


def test_febrl4_without_social_security_numbers_links_at_f1_0995():
    pairs, _, _, _ = evaluate(threshold=0.9)
    assert pairs.precision >= 0.995 and pairs.f1 >= 0.995, pairs

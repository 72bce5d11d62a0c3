"""The words of the domain every layer shares: the access vocabulary.

A plain module (no Spark, no Arrow) so that landing, the query side, the quality suites and the
SQL binders import the same lists: two copies of a vocabulary drift.
"""
from __future__ import annotations

import pycountry

# Lowest first: a user sees a row iff the rank of his clearance reaches the rank of its classification.
CLASSIFICATIONS: tuple[str, ...] = ("public", "official", "restricted", "confidential")
DEFAULT_CLASSIFICATION = "official"
SECRETARIAT = "IP"  # the General Secretariat: an owner and a user country, not a member country
# ISO 3166-1 alpha-2, plus XK (Kosovo, used by member countries' feeds).
COUNTRIES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


def classification_rank(classification: str) -> int:
    """The place of a classification (or clearance) in :data:`CLASSIFICATIONS`, from 0."""
    return CLASSIFICATIONS.index(classification)

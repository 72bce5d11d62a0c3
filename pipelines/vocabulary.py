"""The words of the domain every layer shares: access vocabulary and document kinds.

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


# Document kinds: the prefix of a ``doc_id`` and the ``source`` column of silver and gold.
NOTICE, DIFFUSION, MESSAGE, ATTACHMENT, REPORT = "notice", "diffusion", "message", "attachment", "report"
SLTD, SMV, NOMINAL = "sltd", "smv", "nominal"
DOCUMENT_KINDS: tuple[str, ...] = (NOTICE, DIFFUSION, MESSAGE, ATTACHMENT, REPORT, SLTD, SMV, NOMINAL)
# A drop-zone source and the kind of document its records become (attachments come out of messages).
DOCUMENT_KIND_OF_SOURCE: dict[str, str] = {
    "notices": NOTICE, "diffusions": DIFFUSION, "messages": MESSAGE, "reports": REPORT,
    "sltd": SLTD, "smv": SMV, "nominals": NOMINAL,
}
FREE_TEXT_KINDS: tuple[str, ...] = (REPORT, MESSAGE, ATTACHMENT)  # written by a person, not rendered from fields

"""Hidden links: two people joined through a third entity by links that come from different
countries' data — a path no single country's records show.

``A –(X's documents)– B –(Y's documents)– C`` with ``X ≠ Y`` is a hidden link from A to C: a
phone in a Colombian message and the same phone in a Brazilian report join the two people each
names. A direct link lies in one document, so in one country's data, and is never hidden: it is
in ``entity_links``. Places and dates join everything to everything and are not middles or ends;
nor is an entity linked to more than ``MAX_VIA_DEGREE`` others (a hub says little about any two
of its neighbours). Both ends are persons: a person and his own phone, joined through his
passport, are one subject, not a link. A possible identity (a name and one of its namesakes) is
a lead to check, not a link: paths through guesses would multiply.

The strength of a path is that of its weaker hop; a hop's is the evidence of its relation (see
``RELATION_WEIGHT``) times its documents. The view computes it from the evidence its user may
see (``sql/views/hidden_links.sql``), so a score reveals nothing hidden.
"""
from __future__ import annotations

import datetime as dt

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from pipelines.changes import TableChange
from pipelines.conform import access_group
from pipelines.patterns.findings import evidence_rows, finding_id, first_seen
from pipelines.resolve.relations import (
    ASSOCIATED_WITH,
    CO_MENTIONED,
    DRIVES_VEHICLE,
    HOLDS_DOCUMENT,
    PAYS_ACCOUNT,
    POSSIBLY_SAME_AS,
    SAME_AS,
    USES_PHONE,
)
from pipelines.spark import checkpoint

NOT_LINKING = ("location", "date", "alias")
MAX_VIA_DEGREE = 50
# How much one document linking two entities by this relation says about them.
RELATION_WEIGHT = {SAME_AS: 1.0, HOLDS_DOCUMENT: 1.0, USES_PHONE: 1.0, PAYS_ACCOUNT: 1.0,
                   DRIVES_VEHICLE: 0.9, ASSOCIATED_WITH: 0.8, CO_MENTIONED: 0.3}
HIDDEN_LINK_COLUMNS = ["path_id", "first_seen", "src_entity_id", "via_entity_id", "dst_entity_id", "src_country",
                       "dst_country"]


def _type(column: str) -> Column:
    return F.split(F.col(column), ":").getItem(0)


def _hops(links: DataFrame) -> DataFrame:
    """Every usable link from both ends: ``(a, b, relation, doc_ids, weight, country, access…)``."""
    usable = links.where(~_type("src_entity_id").isin(*NOT_LINKING) & ~_type("dst_entity_id").isin(*NOT_LINKING)
                         & (F.col("relation") != POSSIBLY_SAME_AS))
    weight = F.coalesce(*[F.when(F.col("relation") == r, F.lit(w)) for r, w in RELATION_WEIGHT.items()], F.lit(0.3))
    both = usable.select(F.col("src_entity_id").alias("a"), F.col("dst_entity_id").alias("b"), "relation",
                         "doc_ids", *access_group()).unionByName(
        usable.select(F.col("dst_entity_id").alias("a"), F.col("src_entity_id").alias("b"), "relation", "doc_ids",
                      *access_group()))
    return both.withColumn("weight", weight).withColumn("country", F.col("owner_country"))


def hidden_links(links: DataFrame, previous: DataFrame | None, now: dt.datetime) -> tuple[DataFrame, DataFrame]:
    """``gold.hidden_links`` (one row per path and pair of countries) and ``gold.hidden_link_evidence``
    (``hop1``: the documents of the first link, ``hop2``: of the second)."""
    hops = _hops(links)
    middles = (hops.groupBy(F.col("a").alias("via_entity_id")).agg(F.countDistinct("b").alias("_degree"))
               .where(F.col("_degree") <= MAX_VIA_DEGREE).select("via_entity_id"))
    first = hops.where(_type("a") == "person").select(
        F.col("a").alias("src_entity_id"), F.col("b").alias("via_entity_id"), F.col("country").alias("src_country"))
    second = hops.where(_type("b") == "person").select(
        F.col("a").alias("via_entity_id"), F.col("b").alias("dst_entity_id"), F.col("country").alias("dst_country"))
    paths = (first.join(middles, "via_entity_id").join(second, "via_entity_id")
             .where((F.col("src_entity_id") < F.col("dst_entity_id")) & (F.col("src_country") != F.col("dst_country")))
             .distinct()
             .withColumn("path_id", finding_id("hidden_link", "src_entity_id", "via_entity_id", "dst_entity_id",
                                               "src_country", "dst_country")))
    found = first_seen(paths, "path_id", "first_seen", previous, now).select(*HIDDEN_LINK_COLUMNS)

    def hop(role: str, end: str, country: str) -> DataFrame:
        rows = found.select(F.col("path_id").alias("finding_id"), F.col(end).alias("a"),
                            F.col("via_entity_id").alias("b"), F.col(country).alias("country"))
        evidenced = rows.join(hops, ["a", "b", "country"])
        return evidence_rows(evidenced, role, "doc_ids", relation=F.col("relation"), weight=F.col("weight"))
    evidence = hop("hop1", "src_entity_id", "src_country").unionByName(hop("hop2", "dst_entity_id", "dst_country"))
    return found, evidence


def vias_touched(links: TableChange) -> DataFrame:
    """``via_entity_id`` of every entity the hidden links through which a change of links may alter:
    both ends of each link that changed (a path's hop, or its middle's degree)."""
    return links.keys("src_entity_id").select(F.col("src_entity_id").alias("via_entity_id")).unionByName(
        links.keys("dst_entity_id").select(F.col("dst_entity_id").alias("via_entity_id"))).distinct()


def hidden_links_through(vias: DataFrame, links: DataFrame, previous: DataFrame | None,
                         now: dt.datetime) -> tuple[DataFrame, DataFrame]:
    """:func:`hidden_links` through these middles (``via_entity_id``) alone, from their links only:
    a path through one of them, and its middle's degree, rest on nothing else."""
    ends = [links.join(F.broadcast(vias.select(F.col("via_entity_id").alias(end))), end, "left_semi")
            for end in ("src_entity_id", "dst_entity_id")]
    # Their links are a sliver of the table, read many times by hidden_links(): computed once.
    found, evidence = hidden_links(checkpoint(ends[0].unionByName(ends[1]).distinct()),
                                   None if previous is None else previous.join(vias, "via_entity_id", "left_semi"),
                                   now)
    found = found.join(vias, "via_entity_id", "left_semi")
    return found, evidence.join(found.select(F.col("path_id").alias("finding_id")), "finding_id", "left_semi")

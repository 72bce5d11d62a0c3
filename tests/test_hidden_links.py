"""Hidden links walk links, not guesses: a possible identity is never the middle of a path."""
import datetime as dt

import pytest

from pipelines.patterns.hidden_links import hidden_links

LINKS = "src_entity_id string, dst_entity_id string, relation string, doc_ids array<string>, " \
        "owner_country string, restricted_to array<string>, classification string"


@pytest.mark.parametrize("relation, paths", [("associated_with", 1), ("possibly_same_as", 0)])
def test_a_possible_identity_joins_no_one(spark, relation, paths):
    # "Raúl Pérez" in a Colombian report and in a Brazilian one, each possibly RAUL PEREZ MENDOZA.
    links = spark.createDataFrame([
        ("person:co_report_raul", "person:raul_perez_mendoza", relation, ["report:CO-1"], "CO", [], "official"),
        ("person:br_report_raul", "person:raul_perez_mendoza", relation, ["report:BR-1"], "BR", [], "official"),
    ], LINKS)
    found, evidence = hidden_links(links, None, dt.datetime(2026, 11, 26))
    assert found.count() == paths
    assert evidence.count() == 2 * paths

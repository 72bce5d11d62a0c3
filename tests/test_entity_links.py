"""Links drawn from what documents name together: a message and its attachments are one communication."""
from pipelines.resolve.entities import entity_links

GOLD = ("mention_id string, doc_id string, entity_id string, entity_type string, field string, text string, "
        "value string, country string, start int, end int, extractor string, confidence double, "
        "owner_country string, restricted_to array<string>, classification string")
RECORDS = ("record_id string, doc_id string, record_type string, related_record_id string, given_names string, "
           "family_name string, full_name string, owner_country string, restricted_to array<string>, "
           "classification string")
MESSAGE, SCAN, ACTA, OTHER = "message:1", "attachment:1/scan.pdf", "attachment:1/acta.pdf", "message:2"


def mention(doc: str, entity: str, start: int) -> tuple:
    kind, value = entity.split(":", 1)
    return (f"{doc}|body|{start}", doc, entity, kind, "body", value, value, "CO", start, start + len(value), "ner",
            0.9, "CO", [], "official")


def test_what_an_attachment_names_is_named_with_what_its_message_names(spark):
    gold = spark.createDataFrame([
        mention(MESSAGE, "person:A", 0), mention(MESSAGE, "person:B", 40),
        mention(SCAN, "identity_document:X1", 0),  # a passport scan: a number, no name
        mention(ACTA, "person:C", 0),
        mention(OTHER, "person:D", 0),
    ], GOLD)
    documents = spark.createDataFrame([(MESSAGE, None), (SCAN, MESSAGE), (ACTA, MESSAGE), (OTHER, None)],
                                      "doc_id string, parent_doc_id string")
    names = spark.createDataFrame([], "name_id string, doc_id string, kind string, key string, probe string, "
                                      "words array<string>, sequence array<string>")
    links = entity_links(gold, spark.createDataFrame([], RECORDS), documents,
                         spark.createDataFrame([], "record_id string, entity_id string"), names).collect()
    found = {(frozenset((r.src_entity_id, r.dst_entity_id)), r.relation): set(r.doc_ids) for r in links}
    assert found[(frozenset(("person:A", "identity_document:X1")), "co_mentioned")] == {MESSAGE, SCAN}
    assert found[(frozenset(("person:B", "identity_document:X1")), "co_mentioned")] == {MESSAGE, SCAN}
    assert found[(frozenset(("person:A", "person:C")), "associated_with")] == {MESSAGE, ACTA}
    assert found[(frozenset(("person:A", "person:B")), "associated_with")] == {MESSAGE}
    assert not [pair for pair, _ in found if "person:D" in pair]  # another message is another communication

"""Persons named in free text meet the person entity whose names hold every word of theirs."""
import pytest
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from pipelines.resolve.entities import (
    MAX_NAMESAKES,
    in_name_order,
    mention_entities,
    possible_identities,
    text_person_entities,
)
from pipelines.resolve.person_names import person_names

RECORDS = "record_id string, record_type string, given_names string, family_name string, full_name string, " \
          "canonical string, related_record_id string, aliases array<string>"
MENTIONS = "mention_id string, doc_id string, type string, extractor string, field string, canonical string"
DOCUMENTS = "doc_id string, parent_doc_id string"


def names(mentions: DataFrame, records: DataFrame) -> DataFrame:
    """``silver.person_names`` of these mentions and records (each record its own document)."""
    return person_names(mentions, records.withColumn("doc_id", F.concat(F.lit("record:"), "record_id")))


PERSONS = {  # record → (entity, given names, family name)
    "r1": ("gomez", "JUAN", "PEREZ GOMEZ"),
    "r2": ("lopez", "JUAN", "PEREZ LOPEZ"),
    "r3": ("souza", "MARIA", "SOUZA"),
    "r4": ("costa", "ANA", "COSTA"),
    "r5": ("costa", "ANA", "SILVA"),  # her married name, another record of the same person
    "r6": ("perez_mendoza", "RAUL", "PEREZ MENDOZA"),
    "r7": ("mendoza_perez", "RAUL", "MENDOZA PEREZ"),  # the same words, another man
}


@pytest.fixture(scope="module")
def resolved(spark) -> dict[str, str | None]:
    records = [(r, "person", given, family, None, None, None, []) for r, (_, given, family) in PERSONS.items()]
    records.append(("p1", "phone", None, None, None, "+5491155551234", "r2", None))
    clusters = [(r, entity) for r, (entity, _, _) in PERSONS.items()]
    said = {  # mention → (document, name as written)
        "clue": ("d1", "Juan PEREZ"), "no_clue": ("d2", "JUAN PEREZ"), "alone": ("d3", "María Souza"),
        "three": ("d4", "PEREZ GOMEZ Juan"), "unknown": ("d5", "JUAN PEREZ RUIZ"),
        "both_records": ("d6", "ANA COSTA SILVA"), "one_word": ("d7", "PEREZ"),
        "given_first": ("d8", "Raúl Pérez Mendoza"), "family_first": ("d9", "MENDOZA PEREZ RAUL"),
        "two_of_three": ("d10", "RAUL MENDOZA"), "attached": ("m12", "JUAN PEREZ"),
    }
    mentions = [(m, doc, "person", "ner", "narrative", name) for m, (doc, name) in said.items()]
    mentions.append(("phone", "d1", "phone", "pattern", "narrative", "+5491155551234"))
    mentions.append(("scanned", "m12/scan.pdf", "phone", "pattern", "narrative", "+5491155551234"))
    documents = [("m12", None), ("m12/scan.pdf", "m12"), ("d2", None)]  # a message and its attachment
    said_frame, records_frame = spark.createDataFrame(mentions, MENTIONS), spark.createDataFrame(records, RECORDS)
    found = text_person_entities(said_frame, spark.createDataFrame(clusters, "record_id string, entity_id string"),
                                 records_frame, spark.createDataFrame(documents, DOCUMENTS),
                                 names(said_frame, records_frame)).collect()
    assert len({r.mention_id for r in found}) == len(found)
    return {m: next((r.entity_id for r in found if r.mention_id == m), None) for m in said}


def test_namesakes_are_told_apart_by_an_identifier_the_document_names(resolved):
    assert resolved["clue"] == "lopez"
    assert resolved["no_clue"] is None


def test_a_message_names_what_its_attachments_name(resolved):
    assert resolved["attached"] == "lopez"  # his phone is in the scan attached to the message


def test_a_name_held_by_one_entity_meets_it_in_any_order_and_spelling(resolved):
    assert resolved["alone"] == "souza"
    assert resolved["three"] == "gomez"


def test_every_word_must_be_known_and_may_come_from_several_records(resolved):
    assert resolved["unknown"] is None
    assert resolved["both_records"] == "costa"
    assert resolved["one_word"] is None


def test_the_same_words_in_another_order_name_another_man(resolved):
    assert resolved["given_first"] == "perez_mendoza"
    assert resolved["family_first"] == "mendoza_perez"
    assert resolved["two_of_three"] is None  # reads in both: two words can't tell


@pytest.mark.unit  # no Spark, outside tests/unit beside the tests of its subject
@pytest.mark.parametrize("words, expected", [
    ("RAUL PEREZ MENDOZA", True), ("PEREZ MENDOZA RAUL", True), ("RAUL MENDOZA", True), ("MENDOZA RAUL", True),
    ("RAUL MENDOZA PEREZ", False), ("PEREZ RAUL MENDOZA", False), ("RAUL RUIZ", False)])
def test_name_order_reads_round_from_any_word(words, expected):
    assert in_name_order(words.split(), "RAUL PEREZ MENDOZA".split()) is expected


NETWORK = {  # record → (entity, given names, family name): two pairs of namesakes and two others
    "s1": ("sophie_1", "SOPHIE", "BERNARD"), "s2": ("sophie_2", "SOPHIE", "BERNARD"),
    "p1": ("pedro_1", "PEDRO", "SANTOS SILVA"), "p2": ("pedro_2", "PEDRO", "SANTOS SILVA"),
    "m": ("marta", "MARTA", "GOMEZ"), "x": ("xavier", "XAVIER", "DUPONT"),
}


@pytest.fixture(scope="module")
def networked(spark) -> dict[str, str | None]:
    """Each document names one record's subject (a structured mention) and a name in its text."""
    records = [(r, "person", given, family, None, None, None, []) for r, (_, given, family) in NETWORK.items()]
    clusters = [(r, entity) for r, (entity, _, _) in NETWORK.items()]
    documents = {  # document → (subject's record, name written in the text)
        "dA": ("s1", "Pedro Santos Silva"), "dB": ("p1", "Sophie Bernard"), "dE": ("m", "PEDRO SANTOS SILVA"),
        "dG": ("s1", "Marta Gómez"), "dD": ("x", "Sophie Bernard"), "dH": ("s2", "SOPHIE BERNARD"),
    }
    mentions = [(record, doc, "person", "structured", "record:subject", " ".join(NETWORK[record][1:]))
                for doc, (record, _) in documents.items()]
    mentions += [(f"{doc}:text", doc, "person", "gazetteer", "body", name) for doc, (_, name) in documents.items()]
    mentions.append(("dC:text", "dC", "person", "gazetteer", "body", "Sophie Bernard"))
    said, people = spark.createDataFrame(mentions, MENTIONS), spark.createDataFrame(records, RECORDS)
    found = text_person_entities(said, spark.createDataFrame(clusters, "record_id string, entity_id string"),
                                 people, spark.createDataFrame([], DOCUMENTS), names(said, people)).collect()
    assert len({r.mention_id for r in found}) == len(found)
    return {r.mention_id.split(":")[0]: r.entity_id for r in found if r.mention_id.endswith(":text")}


def test_namesakes_are_told_apart_by_whom_they_are_named_with_elsewhere(networked):
    # SOPHIE (1) is the subject of dA, which names a "Pedro Santos Silva"; PEDRO (1) is the subject
    # of dB, which names a "Sophie Bernard": each undecided name is a possible link, so each
    # settles the other.
    assert networked["dA"] == "pedro_1"
    assert networked["dB"] == "sophie_1"


def test_an_associate_of_an_associate_tells_namesakes_apart(networked):
    # dE names PEDRO beside MARTA, who is named beside SOPHIE (1) in dG, named beside PEDRO (1) in dB.
    assert networked["dG"] == "marta"
    assert networked["dE"] == "pedro_1"


def test_a_name_the_document_already_resolved_is_the_same_person(networked):
    assert networked["dH"] == "sophie_2"


def test_no_network_no_decision(networked):
    assert "dC" not in networked  # named alone
    assert "dD" not in networked  # beside someone neither namesake is ever seen with


def test_a_name_left_undecided_is_possibly_each_of_its_few_namesakes(spark):
    people = {**{r: (entity, given, family) for r, (entity, given, family) in PERSONS.items()},
              **{f"t{i}": (f"torres_{i}", "ANA", "TORRES") for i in range(MAX_NAMESAKES + 1)}}
    records = [(r, "person", given, family, None, None, None, []) for r, (_, given, family) in people.items()]
    clusters = spark.createDataFrame([(r, entity) for r, (entity, _, _) in people.items()],
                                     "record_id string, entity_id string")
    said = {"two": ("d2", "JUAN PEREZ"), "unknown": ("d5", "JUAN PEREZ RUIZ"), "alone": ("d3", "María Souza"),
            "many": ("d11", "Ana Torres")}
    mentions = spark.createDataFrame(
        [(m, doc, "person", "ner", "narrative", name.upper(), name, "CO", 0, len(name), 0.9, "CO", [], "official")
         for m, (doc, name) in said.items()],
        f"{MENTIONS}, text string, country string, start int, end int, confidence double, owner_country string, "
        "restricted_to array<string>, classification string")
    records = spark.createDataFrame(records, RECORDS)
    keys = names(mentions, records)
    gold = mention_entities(mentions, records, clusters, spark.createDataFrame([], DOCUMENTS), keys)
    links = possible_identities(gold, keys, clusters).collect()
    doc_local = {r.mention_id: r.entity_id for r in gold.collect()}
    assert {(r.src, r.dst, r.relation, r.doc_id, r.owner_country) for r in links} == {
        (doc_local["two"], "gomez", "possibly_same_as", "d2", "CO"),
        (doc_local["two"], "lopez", "possibly_same_as", "d2", "CO")}

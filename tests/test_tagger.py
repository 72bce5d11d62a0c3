"""The tagger trained by ``models/ner`` reads persons no record names, inside Spark, and never fails on a document."""
from __future__ import annotations

import pytest

from pipelines.config import LakePaths

# Ordinary prose in the four languages; none of these persons is in a sample record.
PROSE = [
    ("pt", "O suspeito, Rui Carvalho Nunes, foi visto em Faro na companhia de outro homem.", ["Rui Carvalho Nunes"]),
    ("es", "El detenido Julián Ramírez Ocampo declaró que recibió el dinero de manos de Esteban Quiroga.",
     ["Julián Ramírez Ocampo", "Esteban Quiroga"]),
    ("en", "Detective Sarah Whitmore interviewed the driver, Marcus Bell, at the scene.",
     ["Sarah Whitmore", "Marcus Bell"]),
    ("fr", "M. Gérard Lefebvre a été entendu ; il affirme connaître Sophie Marchand depuis 2019.",
     ["Gérard Lefebvre", "Sophie Marchand"]),
]


@pytest.fixture(scope="module")
def tagger(sample_home):
    from pipelines.extract.tagger import Tagger

    return Tagger.load(LakePaths.from_env(sample_home).model("ner"))


def _documents(spark, bodies):
    return spark.createDataFrame(
        [(f"report:t{i}", None, "report", None, body, "AR", "AR", [], "official") for i, body in enumerate(bodies)],
        "doc_id string, parent_doc_id string, source string, title string, body string, country string, "
        "owner_country string, restricted_to array<string>, classification string")


def test_the_model_card_says_where_it_comes_from_and_how_it_scored(tagger):
    card = tagger.card
    assert card["held_out_family"] not in card["families"] and card["tokens"] > 100_000
    unrecorded = card["held_out_scores"]["tagger"]["person, no record / all"]
    assert unrecorded["precision"] >= 0.9 and unrecorded["recall"] >= 0.9


def test_persons_named_only_in_prose_are_found_in_spark(spark, tagger):
    from pipelines.extract.job import text_mentions
    from pipelines.extract.names import Gazetteer

    found = {(r.doc_id, r.text) for r in text_mentions(_documents(spark, [b for _, b, _ in PROSE]), Gazetteer(), tagger)
             .where("type = 'person'").collect()}
    missing = [(lang, name) for i, (lang, _, names) in enumerate(PROSE) for name in names
               if (f"report:t{i}", name) not in found]
    assert missing == []
    rules = {r.text for r in text_mentions(_documents(spark, [b for _, b, _ in PROSE]), Gazetteer())
             .where("type = 'person'").collect()}
    assert not {"Rui Carvalho Nunes", "Sarah Whitmore"} & rules  # what the rules alone missed


def test_labels_vehicles_and_places_on_a_seizure_form_are_no_one(tagger):
    from pipelines.extract.job import Extractor
    from pipelines.extract.names import Gazetteer

    form = ("Acta de incautación No. 0457/2024\nFecha: 18/02/2024 - Cartagena de Indias, Bolivar\n"
            "Vehículo: camioneta Toyota Hilux blanca, placa BRA2E19.\n"
            "Transferencia registrada a la cuenta IBAN ES91 2100 0418 4502 0005 1332.")
    found, _ = Extractor(Gazetteer.from_records([]), tagger).extract(form, ["CO"], authored_from=0)
    assert [m.text for m in found if m.type == "person"] == []
    assert "account" in {m.type for m in found}


def test_a_document_that_cannot_be_read_yields_what_it_holds_and_never_fails(spark, tagger):
    from pipelines.extract.job import text_mentions
    from pipelines.extract.names import Gazetteer

    garbage = bytes(range(256)).decode("latin-1") * 40
    huge = ("Lorem ipsum dolor sit amet. " * 400_000) + "Contacto: Julián Ramírez Ocampo."  # 11 MB
    rows = text_mentions(_documents(spark, ["", garbage, huge, "\x00\x00"]), Gazetteer(), tagger).collect()
    assert {r.doc_id for r in rows} <= {"report:t1", "report:t2"}


REPORT = {"report_id": "AR-BA-2024-9001", "country": "AR", "agency": "Policía Federal Argentina",
          "reported_at": "2024-03-02T10:00:00-03:00", "language": "es", "offence": "Tráfico ilícito de drogas",
          "title": "Seguimiento", "narrative": "El detenido Julián Ramírez Ocampo fue visto en Rosario junto a "
          "Esteban Quiroga Lema, quien usa el teléfono +54 9 11 5555-1234.",
          "owner_country": "AR", "restricted_to": [], "classification": "official"}


def test_a_person_found_only_in_prose_becomes_an_entity_linked_to_what_the_report_names(
        sample_home, tmp_path, capsys, monkeypatch):
    import json
    import shutil

    from deltalake import DeltaTable

    from insight.cli import main
    from tests.conftest import materialize_home

    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    (home / "raw" / "reports" / "ar-2024-03.jsonl").write_text(json.dumps(REPORT) + "\n", encoding="utf-8")
    materialize_home(home)
    paths = LakePaths.from_env(home)
    mentions = [m for m in DeltaTable(paths.table("gold", "mentions")).to_pyarrow_table().to_pylist()
                if m["doc_id"] == "report:AR-BA-2024-9001"]
    persons = {m["text"]: m["entity_id"] for m in mentions if m["entity_type"] == "person"}
    assert set(persons) == {"Julián Ramírez Ocampo", "Esteban Quiroga Lema"} and all(persons.values())
    links = {(link["src_entity_id"], link["dst_entity_id"])
             for link in DeltaTable(paths.table("gold", "entity_links")).to_pyarrow_table().to_pylist()}
    phone = "phone:+5491155551234"
    assert {(persons["Esteban Quiroga Lema"], phone), (phone, persons["Esteban Quiroga Lema"])} & links
    monkeypatch.setenv("INSIGHT_HOME", str(home))
    assert main(["search", "Esteban Quiroga Lema", "--user", "gs_analyst", "--json"]) == 0
    assert "report:AR-BA-2024-9001" in {h["id"] for h in json.loads(capsys.readouterr().out)["hits"]}

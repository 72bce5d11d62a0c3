"""`insight search` on ../shared/samples: names in any spelling, identifiers in any form, one ranked
list of entities and documents, each user's own corpus."""
import json

import pytest

from insight.cli import main

JUAN = "JUAN CARLOS PEREZ GOMEZ"
HIS_DOCUMENTS = {("notice", "2024/51234"), ("sltd", "AAB123456"), ("nominal", "CL-PDI-88812"),
                 ("report", "PE-LIM-2024-1187")}


def search(capsys, monkeypatch, home, query: str, user: str) -> dict:
    monkeypatch.setenv("INSIGHT_HOME", str(home))
    assert main(["search", query, "--user", user, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def documents(answer: dict) -> list[tuple[str, str]]:
    return [(h["source"], h["source_id"]) for h in answer["hits"] if h["kind"] == "document"]


@pytest.mark.parametrize("query", ["Juan Carlos Perez Gomez", "Juan Carlos Peres Gomes", "GOMEZ juan carlos perez",
                                   "JUAN C. PÉREZ GÓMEZ", "Pérez Gómez"])
def test_a_name_in_any_spelling_finds_the_person_then_his_documents(sample_home, capsys, monkeypatch, query):
    answer = search(capsys, monkeypatch, sample_home, query, "gs_analyst")
    first = answer["hits"][0]
    assert (first["kind"], first["title"]) == ("entity", JUAN)
    found = documents(answer)
    assert HIS_DOCUMENTS <= set(found[:6])
    assert ("nominal", "MX-FGR-5512") not in found[:len(HIS_DOCUMENTS)]  # the namesake never outranks him


def test_a_shared_first_name_and_surname_finds_both_namesakes_apart(sample_home, capsys, monkeypatch):
    answer = search(capsys, monkeypatch, sample_home, "Juan Pérez", "gs_analyst")
    people = [h for h in answer["hits"] if h["kind"] == "entity"]
    assert len({h["id"] for h in people}) == 2
    assert {h["title"] for h in people} == {JUAN, "JUAN CARLOS PEREZ"}


@pytest.mark.parametrize("written", ["+54 9 11 5555-1234", "011 15 5555-1234", "5491155551234", "+54-9-11-5555-1234"])
def test_a_phone_in_any_written_form_finds_the_same_documents(sample_home, capsys, monkeypatch, written):
    answer = search(capsys, monkeypatch, sample_home, written, "gs_analyst")
    first = answer["hits"][0]
    assert (first["kind"], first["id"]) == ("entity", "phone:+5491155551234")
    # only the documents holding it: none found by a group of its digits ("11") as a word
    assert set(documents(answer)) == {("notice", "2024/51234"), ("report", "PE-LIM-2024-1187"),
                                      ("message", "0457.2024@co.example.org"),
                                      ("attachment", "0457.2024@co.example.org/acta_0457.pdf")}
    assert JUAN in {e["value"] for e in first["linked"]}  # the phone's holder, one link away
    holder = answer["hits"][1]
    assert (holder["kind"], holder["title"]) == ("entity", JUAN)  # and a hit of his own, with his links


def test_a_passport_machine_readable_zone_pasted_whole_finds_the_passport(sample_home, capsys, monkeypatch):
    mrz = "P<ARGPEREZ<GOMEZ<<JUAN<CARLOS<<<<<<<<<<<<<<<\nAAB1234566ARG7905126M2901019<<<<<<<<<<<<<<04"
    answer = search(capsys, monkeypatch, sample_home, mrz, "gs_analyst")
    passport, holder = answer["hits"][:2]
    assert passport["id"] == "identity_document:AAB123456"
    assert (holder["kind"], holder["title"]) == ("entity", JUAN)


def test_an_entity_hit_carries_its_links_as_the_user_may_see_them(sample_home, capsys, monkeypatch):
    gs = search(capsys, monkeypatch, sample_home, "Juan Carlos Perez Gomez", "gs_analyst")["hits"][0]
    cl = search(capsys, monkeypatch, sample_home, "Juan Carlos Perez Gomez", "analyst_cl")["hits"][0]
    assert {"AAB123456", "BRA2E19", "MARIA FERNANDA OLIVEIRA COSTA"} <= {e["value"] for e in gs["linked"]}
    assert "MARIA FERNANDA OLIVEIRA COSTA" not in {e["value"] for e in cl["linked"]}
    assert "message" in gs["snippet"] and "message" not in cl["snippet"]


def test_free_text_ranks_by_bm25_over_every_source(sample_home, capsys, monkeypatch):
    answer = search(capsys, monkeypatch, sample_home, "interceptação telefônica", "gs_analyst")
    assert documents(answer)[0] == ("report", "BR-SP-2024-3321")
    scores = [h["score"] for h in answer["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_ranking_counts_only_the_documents_the_user_may_see(sample_home, capsys, monkeypatch):
    monkeypatch.setenv("INSIGHT_HOME", str(sample_home))
    for user in ("analyst_cl", "gs_analyst"):
        assert main(["sql", "SELECT (SELECT sum(docs) FROM search_stats) - (SELECT count(*) FROM documents) AS gap",
                     "--user", user, "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["rows"] == [{"gap": 0}]


def test_a_hidden_name_finds_nothing(sample_home, capsys, monkeypatch):
    assert search(capsys, monkeypatch, sample_home, "Maria Fernanda Oliveira Costa", "analyst_cl")["hits"] == []
    assert search(capsys, monkeypatch, sample_home, "Maria Fernanda Oliveira Costa", "gs_analyst")["hits"]

"""The sample case resolves as ../shared/samples/README.md says, and each user sees only their share of it."""
import json

from tests.test_samples import run

JUAN = "JUAN CARLOS PEREZ GOMEZ"
EVERY_SOURCE_BUT_THE_BRAZILIAN_REPORT = {"notice:2024/51234", "sltd:AAB123456", "nominal:CL-PDI-88812",
                                         "report:PE-LIM-2024-1187", "message:0457.2024@co.example.org",
                                         "diffusion:BR-2024-0042"}


def sql(capsys, monkeypatch, home, statement: str, user: str) -> list[dict]:
    code, out, err = run(capsys, monkeypatch, home, "sql", statement, "--user", user, "--json")
    assert code == 0, err
    return json.loads(out)["rows"]


def person_of(capsys, monkeypatch, home, user: str) -> str:
    rows = sql(capsys, monkeypatch, home, "SELECT DISTINCT entity_id FROM mentions WHERE doc_id = "
               "'notice:2024/51234' AND extractor = 'structured' AND entity_type = 'person'", user)
    assert len(rows) == 1
    return rows[0]["entity_id"]


def test_every_source_names_one_person_and_the_decoy_stays_apart(sample_home, capsys, monkeypatch):
    juan = person_of(capsys, monkeypatch, sample_home, "gs_analyst")
    docs = sql(capsys, monkeypatch, sample_home,
               f"SELECT DISTINCT doc_id FROM mentions WHERE entity_id = '{juan}'", "gs_analyst")
    assert {r["doc_id"] for r in docs} == EVERY_SOURCE_BUT_THE_BRAZILIAN_REPORT
    decoy = sql(capsys, monkeypatch, sample_home, "SELECT DISTINCT entity_id FROM mentions WHERE doc_id = "
                "'nominal:MX-FGR-5512' AND entity_type = 'person'", "gs_analyst")
    assert [r["entity_id"] for r in decoy] != [juan] and len(decoy) == 1


def test_he_is_linked_to_his_passport_phones_vehicle_account_and_maria(sample_home, capsys, monkeypatch):
    juan = person_of(capsys, monkeypatch, sample_home, "gs_analyst")
    links = sql(capsys, monkeypatch, sample_home, f"SELECT DISTINCT relation, dst_entity_id FROM entity_links "
                f"WHERE src_entity_id = '{juan}' AND relation <> 'co_mentioned'", "gs_analyst")
    found = {(r["relation"], r["dst_entity_id"]) for r in links}
    assert {("holds_document", "identity_document:AAB123456"), ("uses_phone", "phone:+5491155551234"),
            ("uses_phone", "phone:+56987654321"), ("drives_vehicle", "plate:BRA2E19"),
            ("drives_vehicle", "vehicle:9BWZZZ377VT004251"),
            ("pays_account", "account:ES9121000418450200051332")} <= found
    maria = sql(capsys, monkeypatch, sample_home, "SELECT DISTINCT entity_id FROM mentions WHERE doc_id = "
                "'diffusion:BR-2024-0042' AND extractor = 'structured' AND entity_type = 'person'", "gs_analyst")
    assert ("associated_with", maria[0]["entity_id"]) in found
    # the Brazilian report ties his Chilean phone to her
    phone_users = sql(capsys, monkeypatch, sample_home, "SELECT DISTINCT src_entity_id FROM entity_links "
                      "WHERE dst_entity_id = 'phone:+56987654321' AND relation = 'uses_phone'", "gs_analyst")
    assert {juan, maria[0]["entity_id"]} <= {r["src_entity_id"] for r in phone_users}


def test_what_a_user_may_not_see_is_not_in_entities_or_links(sample_home, capsys, monkeypatch):
    juan = person_of(capsys, monkeypatch, sample_home, "analyst_cl")
    names = sql(capsys, monkeypatch, sample_home,
                f"SELECT name, sources, mentions FROM entities WHERE entity_id = '{juan}'", "analyst_cl")
    assert {s for r in names for s in r["sources"]} == {"notice", "sltd", "nominal", "report"}
    assert "JUAN C PEREZ GOMEZ" not in {r["name"] for r in names}  # the Colombian message's spelling
    evidence = sql(capsys, monkeypatch, sample_home, "SELECT doc_ids FROM entity_links", "analyst_cl")
    visible = {r["doc_id"] for r in sql(capsys, monkeypatch, sample_home, "SELECT doc_id FROM documents", "analyst_cl")}
    seen = {d for r in evidence for d in r["doc_ids"]}
    assert seen and seen <= visible
    assert "message:0457.2024@co.example.org" not in seen
    account = sql(capsys, monkeypatch, sample_home,
                  "SELECT count(*) AS n FROM entities WHERE entity_id = 'account:ES9121000418450200051332'",
                  "analyst_cl")
    assert account == [{"n": 0}]  # only the restricted Colombian attachment names it


def test_the_graph_exports_as_followthemoney_for_what_the_user_sees(sample_home, capsys, monkeypatch, tmp_path):
    from followthemoney import model

    out = tmp_path / "graph.jsonl"
    code, _, err = run(capsys, monkeypatch, sample_home, "export", "--user", "gs_analyst", "--out", str(out))
    assert code == 0, err
    proxies = [model.get_proxy(json.loads(line)) for line in out.read_text().splitlines()]
    by_id = {p.id: p for p in proxies}
    juan = next(p for p in proxies if p.schema.name == "Person" and JUAN in p.get("name"))
    assert {"+5491155551234", "+56987654321"} <= set(juan.get("phone"))
    assert "1979-03-14" in juan.get("birthDate")
    held = [p for p in proxies if p.schema.name == "Identification" and juan.id in p.get("holder")]
    assert [p.get("number") for p in held] == [["AAB123456"]]
    owned = [by_id[p.first("asset")] for p in proxies if p.schema.name == "Ownership" and juan.id in p.get("owner")]
    assert [a.first("iban") for a in owned] == ["ES9121000418450200051332"]
    code, _, _ = run(capsys, monkeypatch, sample_home, "export", "--user", "analyst_cl", "--out", str(out))
    assert "ES9121000418450200051332" not in out.read_text()


def test_entity_shows_its_documents_and_two_hops_of_links_as_the_user_may_see_them(sample_home, capsys, monkeypatch):
    juan = person_of(capsys, monkeypatch, sample_home, "gs_analyst")
    answers = {}
    for user in ("gs_analyst", "analyst_cl"):
        code, out, err = run(capsys, monkeypatch, sample_home, "entity", juan, "--user", user, "--json")
        assert code == 0, err
        answers[user] = json.loads(out)
    seen = {d["doc_id"] for d in answers["gs_analyst"]["documents"]}
    assert seen == EVERY_SOURCE_BUT_THE_BRAZILIAN_REPORT
    links = {(link["value"], link["hops"]) for link in answers["gs_analyst"]["links"]}
    assert {("AAB123456", 1), ("ES9121000418450200051332", 1), ("MARIA FERNANDA OLIVEIRA COSTA", 1),
            ("12345678909", 2)} <= links  # her CPF, two hops away
    cl = answers["analyst_cl"]
    visible = {r["doc_id"] for r in sql(capsys, monkeypatch, sample_home, "SELECT doc_id FROM documents", "analyst_cl")}
    assert {d["doc_id"] for d in cl["documents"]} == seen & visible
    assert {d for link in cl["links"] for d in link["doc_ids"]} <= visible
    assert "ES9121000418450200051332" not in {link["value"] for link in cl["links"]}
    code, _, err = run(capsys, monkeypatch, sample_home, "entity", "person:nobody", "--user", "analyst_cl")
    assert code == 2 and err.count("\n") == 1 and "no entity 'person:nobody'" in err


def test_a_search_hit_carries_its_entities_and_what_they_link_to(sample_home, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, sample_home, "search", "011 15 5555-1234", "--user", "gs_analyst", "--json")
    assert code == 0
    message = next(h for h in json.loads(out)["hits"] if h["source"] == "message")
    assert ({"entity_id": "phone:+5491155551234", "entity_type": "phone", "value": "+5491155551234"}
            in message["entities"])
    linked = {(x["entity_type"], x["value"], x["hops"]) for x in message["linked"]}
    # the message names him: his Chilean phone and Maria are one link away, her CPF two
    assert {("phone", "+56987654321", 1), ("person", "MARIA FERNANDA OLIVEIRA COSTA", 1),
            ("identity_document", "12345678909", 2)} <= linked
    assert all(set(x) == {"entity_id", "entity_type", "value", "relation", "hops"} for x in message["linked"])

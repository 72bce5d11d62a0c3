"""Every search, entity look-up, SQL statement and export is in the append-only audit table, refused
attempts included, before any answer is shown."""
import json
import uuid

from deltalake import DeltaTable

from insight.cli import main
from pipelines.config import LakePaths


def run(capsys, monkeypatch, home, *argv):
    monkeypatch.setenv("INSIGHT_HOME", str(home))
    code = main(list(argv))
    return code, capsys.readouterr()


def events(capsys, monkeypatch, home, user, marker):
    code, out = run(capsys, monkeypatch, home, "audit", "--user", user, "--json")
    assert code == 0
    return [e for e in json.loads(out.out) if marker in e["statement"]]


def test_each_read_is_recorded_with_what_it_returned(sample_home, capsys, monkeypatch):
    marker = uuid.uuid4().hex[:8]
    run(capsys, monkeypatch, sample_home, "search", f"AAB123456 {marker}", "--user", "analyst_cl", "--json")
    run(capsys, monkeypatch, sample_home, "search", "AAB123456", "--user", "analyst_cl", "--json")
    code, out = run(capsys, monkeypatch, sample_home, "sql",
                    f"SELECT doc_id, '{marker}' AS m FROM documents WHERE source = 'notice'", "--user", "analyst_cl",
                    "--json")
    assert code == 0
    shown = {r["doc_id"] for r in json.loads(out.out)["rows"]}
    recorded = events(capsys, monkeypatch, sample_home, "analyst_cl", marker)
    assert [e["action"] for e in recorded] == ["search", "sql"]
    sql = recorded[1]
    assert sql["outcome"] == "ok" and sql["row_count"] == len(shown) and set(sql["doc_ids"]) == shown
    search = [e for e in events(capsys, monkeypatch, sample_home, "analyst_cl", "AAB123456")
              if e["statement"] == "AAB123456"][-1]
    assert "sltd:AAB123456" in search["doc_ids"]
    assert not any("0457.2024@co.example.org" in d for d in search["doc_ids"])  # what CL may not see was not shown


def test_a_refused_statement_is_recorded_with_its_reason(sample_home, capsys, monkeypatch):
    marker = uuid.uuid4().hex[:8]
    code, _ = run(capsys, monkeypatch, sample_home, "sql", f"SELECT * FROM read_parquet('/x/{marker}.parquet')",
                  "--user", "analyst_pe")
    assert code == 2
    recorded, = events(capsys, monkeypatch, sample_home, "analyst_pe", marker)
    assert recorded["outcome"].startswith("refused: ") and recorded["row_count"] is None


def test_an_entity_look_up_records_the_documents_listed(sample_home, capsys, monkeypatch):
    code, out = run(capsys, monkeypatch, sample_home, "search", "Juan Carlos Perez Gomez", "--user", "analyst_pe",
                    "--json")
    person = json.loads(out.out)["hits"][0]["id"]
    code, out = run(capsys, monkeypatch, sample_home, "entity", person, "--user", "analyst_pe", "--json")
    listed = {d["doc_id"] for d in json.loads(out.out)["documents"]}
    recorded = events(capsys, monkeypatch, sample_home, "analyst_pe", person)[-1]
    assert recorded["action"] == "entity" and set(recorded["doc_ids"]) == listed


def test_the_audit_table_is_only_ever_appended_to(sample_home, capsys, monkeypatch):
    run(capsys, monkeypatch, sample_home, "search", "robo", "--user", "gs_analyst", "--json")
    history = DeltaTable(LakePaths.from_env(sample_home).audit).history()
    assert {h["operation"] for h in history} <= {"WRITE", "CREATE TABLE"}
    assert {h.get("operationParameters", {}).get("mode") for h in history} <= {"Append", "ErrorIfExists", None}


def test_since_filters_and_a_bad_date_is_one_line(sample_home, capsys, monkeypatch):
    code, out = run(capsys, monkeypatch, sample_home, "audit", "--since", "2999-01-01", "--json")
    assert code == 0 and json.loads(out.out) == []
    code, out = run(capsys, monkeypatch, sample_home, "audit", "--since", "yesterday")
    assert code == 2 and out.err.count("\n") == 1 and "--since 'yesterday'" in out.err

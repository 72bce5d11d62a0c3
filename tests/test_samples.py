"""End to end on ../shared/samples: the Definitions materialized, then the `insight` command."""
import json
from pathlib import Path

import pytest
from deltalake import DeltaTable

from insight.cli import main
from pipelines.config import LakePaths

EVERY_SOURCE_WITH_THE_PASSPORT = {
    ("notice", "2024/51234"),
    ("sltd", "AAB123456"),
    ("nominal", "CL-PDI-88812"),
    ("message", "0457.2024@co.example.org"),
    ("attachment", "0457.2024@co.example.org/acta_0457.pdf"),
}


def run(capsys, monkeypatch, home: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setenv("INSIGHT_HOME", str(home))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def hits(capsys, monkeypatch, home, query, user) -> set[tuple[str, str]]:
    """The documents a search returns (entity hits aside)."""
    code, out, _ = run(capsys, monkeypatch, home, "search", query, "--user", user, "--json")
    assert code == 0
    return {(h["source"], h["source_id"]) for h in json.loads(out)["hits"] if h["kind"] == "document"}


def test_passport_search_finds_every_written_form_across_sources(sample_home, capsys, monkeypatch):
    assert hits(capsys, monkeypatch, sample_home, "AAB123456", "gs_analyst") == EVERY_SOURCE_WITH_THE_PASSPORT


def test_a_user_never_sees_what_the_owner_restricted(sample_home, capsys, monkeypatch):
    seen = hits(capsys, monkeypatch, sample_home, "AAB-123456", "analyst_cl")
    assert seen == EVERY_SOURCE_WITH_THE_PASSPORT - {
        ("message", "0457.2024@co.example.org"), ("attachment", "0457.2024@co.example.org/acta_0457.pdf")}
    assert hits(capsys, monkeypatch, sample_home, "AAB 123456", "analyst_ar") == EVERY_SOURCE_WITH_THE_PASSPORT


def test_search_json_has_the_contract_fields(sample_home, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, sample_home, "search", "Oliveira Costa", "--user", "gs_analyst", "--json")
    answer = json.loads(out)
    assert set(answer) == {"query", "user", "took_ms", "hits"}
    assert all(set(hit) == {"kind", "id", "source", "source_id", "title", "snippet", "score", "owner_country",
                            "entities", "linked"} for hit in answer["hits"])
    person, document = answer["hits"][0], next(h for h in answer["hits"] if h["kind"] == "document")
    assert (person["kind"], person["title"]) == ("entity", "MARIA FERNANDA OLIVEIRA COSTA")
    assert "OLIVEIRA COSTA" in document["snippet"].upper()


def test_quarantine_holds_the_bad_lines_with_reasons(sample_home):
    rows = DeltaTable(LakePaths.from_env(sample_home).table("bronze", "quarantine")).to_pyarrow_dataset().to_table()
    found = {(r["src_file"], r["src_line"]): r["reason"] for r in rows.to_pylist()}
    assert set(found) == {("notices/2024-03-01.jsonl", 3), ("sltd/2024-02.csv", 3), ("nominals/cl-2024.csv", 3)}
    assert "invalid JSON" in found[("notices/2024-03-01.jsonl", 3)]
    assert "unknown country code 'XX'" in found[("sltd/2024-02.csv", 3)]
    assert "impossible date '2024-13-40'" in found[("sltd/2024-02.csv", 3)]
    assert found[("nominals/cl-2024.csv", 3)] == "date_of_birth: impossible date '1980-02-31'"


def test_every_file_reconciles(sample_home):
    paths = LakePaths.from_env(sample_home)
    registry = DeltaTable(paths.table("bronze", "landed_files")).to_pyarrow_dataset().to_table().to_pylist()
    assert len(registry) == sum(1 for p in paths.raw.rglob("*") if p.is_file())
    for row in registry:
        assert row["rows_read"] == row["rows_landed"] + row["rows_quarantined"] > 0, row
    notices = next(r for r in registry if r["src_file"] == "notices/2024-03-01.jsonl")
    assert (notices["rows_read"], notices["rows_landed"], notices["rows_quarantined"]) == (3, 2, 1)


def test_sql_runs_over_the_views_as_the_user_sees_them(sample_home, capsys, monkeypatch):
    sql = "SELECT classification, count(*) AS n FROM documents GROUP BY classification ORDER BY 1"
    code, out, _ = run(capsys, monkeypatch, sample_home, "sql", sql, "--user", "analyst_cl", "--json")
    assert code == 0
    assert json.loads(out)["rows"] == [{"classification": "official", "n": 7}, {"classification": "public", "n": 1}]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "AAB123456", "--user", "nobody"], "unknown user 'nobody'"),
        (["sql", "SELECT * FROM gold.documents", "--user", "analyst_cl"], "unknown table gold.documents"),
        (["sql", "SELECT nope FROM documents", "--user", "analyst_cl"], "bad SQL"),
        (["search", "  ", "--user", "analyst_cl"], "empty query"),
    ],
)
def test_user_errors_are_one_line_and_exit_2(sample_home, capsys, monkeypatch, argv, message):
    code, out, err = run(capsys, monkeypatch, sample_home, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_search_before_any_materialize_says_what_to_do(tmp_path, capsys, monkeypatch):
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "users.yaml").write_text("users:\n  - {id: a, country: AR, clearance: official}\n")
    code, _, err = run(capsys, monkeypatch, tmp_path, "search", "x", "--user", "a")
    assert code == 2 and "run `insight materialize` first" in err


def test_a_broken_table_fails_the_step_with_its_cause_in_one_line(sample_home, tmp_path):
    import shutil

    import dagster as dg
    import pyarrow as pa
    from deltalake import write_deltalake

    from insight.materialize import MaterializeFailed, materialize_all

    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    paths = LakePaths.from_env(home)
    uri = paths.table("silver", "documents")
    table = DeltaTable(uri).to_pyarrow_table()
    column = table.schema.get_field_index("event_date")
    table = table.set_column(column, "event_date", pa.array([str(v) for v in table.column("event_date").to_pylist()]))
    write_deltalake(uri, table, mode="overwrite", schema_mode="overwrite")  # someone retyped a column
    with pytest.raises(MaterializeFailed) as failed:
        list(materialize_all(paths, [dg.AssetKey(["silver", "documents"])]))
    message = str(failed.value)
    assert "\n" not in message and "max_retries" not in message
    assert "column 'event_date' is" in message and "silver__documents" in message


def test_every_commit_of_the_flow_records_its_run_and_asset(sample_home):
    from pipelines.delta import commit_origin

    lake = Path(LakePaths.from_env(sample_home).lake)
    tables = sorted(p.parent for p in lake.glob("*/*/_delta_log"))
    assert len(tables) > 20
    names = {str(t.relative_to(lake)) for t in tables}
    for table in tables:
        name = str(table.relative_to(lake))
        origins = [commit_origin(c) for c in DeltaTable(str(table)).history()]
        assert origins and all(o.get("writer") == "insight" and o.get("run_id") for o in origins), name
        if name in ("bronze/quarantine", "bronze/landed_files"):  # written by every landing as it lands
            assert all(o["assets"].startswith("bronze/") for o in origins), name
        elif name == "state/watermarks":  # each step records its own table's (a check step, checks/<table>)
            assert all(o["assets"].removeprefix("checks/") in names for o in origins), name
        else:
            assert all(name in o["assets"].split(",") for o in origins), name

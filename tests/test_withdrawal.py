"""An owner withdraws a record: after one materialize it is gone from every gold table, the index
and every search, and what was derived from it is recomputed; a withdrawal by anyone else is
not applied and is flagged."""
import json
import shutil

import pytest
from deltalake import DeltaTable

from insight.cli import main
from insight.materialize import materialize_all
from pipelines.config import LakePaths

WITHDRAWALS = ("source,source_id,withdrawn_by,withdrawn_at,withdrawal_reason\n"
               "sltd,AAB123456,AR,2024-04-01,document recovered by its holder\n"
               "notices,2024/51234,CL,2024-04-01,not ours to withdraw\n")
GONE = "sltd:AAB123456"


@pytest.fixture(scope="module")
def withdrawn(sample_home, tmp_path_factory):
    home = tmp_path_factory.mktemp("withdrawn") / "home"
    shutil.copytree(sample_home, home)
    (home / "raw" / "withdrawals").mkdir()
    (home / "raw" / "withdrawals" / "ar-2024-04.csv").write_text(WITHDRAWALS, encoding="utf-8")
    return home, list(materialize_all(LakePaths.from_env(home)))


def _doc_ids(paths: LakePaths, table: str) -> set[str]:
    dataset = DeltaTable(paths.table("gold", table)).to_pyarrow_dataset()
    if table in ("entity_links", "search_edges", "search_names"):
        return {d for ids in dataset.to_table(columns=["doc_ids"]).column("doc_ids").to_pylist() for d in ids}
    return set(dataset.to_table(columns=["doc_id"]).column("doc_id").to_pylist())


@pytest.mark.parametrize("table", ["documents", "mentions", "entity_links", "search_terms", "search_names",
                                   "search_identifiers", "search_edges"])
def test_the_withdrawn_record_is_gone_from_every_gold_table(withdrawn, sample_home, table):
    home, _ = withdrawn
    assert GONE in _doc_ids(LakePaths.from_env(sample_home), table) or table in ("search_names",)
    assert GONE not in _doc_ids(LakePaths.from_env(home), table)


def test_search_and_entities_no_longer_show_it(withdrawn, capsys, monkeypatch):
    home, _ = withdrawn
    monkeypatch.setenv("INSIGHT_HOME", str(home))
    assert main(["search", "AAB123456", "--user", "gs_analyst", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert GONE not in {h["id"] for h in hits} and ("notice:2024/51234" in {h["id"] for h in hits})
    assert main(["sql", "SELECT entity_id, sources FROM entities WHERE name = 'JUAN CARLOS PEREZ GOMEZ'",
                 "--user", "gs_analyst", "--json"]) == 0
    sources = {s for row in json.loads(capsys.readouterr().out)["rows"] for s in row["sources"]}
    assert "sltd" not in sources and "notice" in sources  # recomputed from what remains


def test_a_withdrawal_by_another_country_is_not_applied_and_is_flagged(withdrawn):
    home, lines = withdrawn
    assert "notice:2024/51234" in _doc_ids(LakePaths.from_env(home), "documents")
    assert any("warn  silver/documents withdrawal_by_someone_else" in line for line in lines), lines

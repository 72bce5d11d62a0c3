"""A real Trino 476 (``insight trino up``) over a copy of the materialized sample lake: for each
sample user it answers every view, search, entity look-up and finding exactly as the embedded
engine does; what reaches past the views is refused by Trino itself, in one line; BI tools reflect
the surface through SQLAlchemy; a new table version is seen by the next query."""
from __future__ import annotations

import datetime as dt
import decimal
import json
import shutil
import socket
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa
from deltalake import DeltaTable, write_deltalake

from insight.cli import main
from insight.engine import EmbeddedEngine, secured_views
from insight.errors import InsightError
from insight.session import EngineChoice, QuerySession
from insight.sql_guard import RefusedSql
from insight.trino.engine import TrinoEngine, connect
from insight.trino.server import LocalTrino
from insight.users import load_users
from pipelines.config import LakePaths
from tests.unit.test_sql_adversarial import ESCAPES

pytestmark = pytest.mark.trino

USERS = ("analyst_ar", "analyst_br", "analyst_cl", "analyst_pe", "gs_analyst")
QUERIES = ("AAB123456", "+54 9 11 5555-1234", "Juan Carlos Perez Gomez", "Juan Pérez", "cocaína Santos",
           "9BWZZZ377VT004251")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(sample_home, tmp_path_factory):
    """A copy of the sample home (the tests may write to its lake) served by its own Trino."""
    home = tmp_path_factory.mktemp("trino") / "home"
    shutil.copytree(sample_home, home, ignore=shutil.ignore_patterns("trino", "spark"))
    paths = LakePaths.from_env(home)
    server = LocalTrino(paths)
    url = server.up(_free_port())
    yield paths, url
    server.down()


def _value(value):
    """One value as both engines can be compared on: Trino's timestamps keep milliseconds."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, decimal.Decimal):
        return round(float(value), 9)
    if isinstance(value, dt.datetime):
        utc = value.astimezone(dt.timezone.utc) if value.tzinfo else value
        return utc.replace(microsecond=0) + dt.timedelta(milliseconds=round(utc.microsecond / 1000))
    if isinstance(value, (list, tuple)):
        return tuple(_value(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _value(v)) for k, v in value.items()))
    return value


def _rows(table: pa.Table) -> list[tuple]:
    return sorted((tuple(_value(v) for v in row.values()) for row in table.to_pylist()), key=repr)


def _answer(value):
    """A search or entity answer without its timing, scores to four decimals as shown."""
    if isinstance(value, dict):
        return {k: _answer(v) for k, v in value.items() if k != "took_ms"}
    if isinstance(value, list):
        return [_answer(v) for v in value]
    return _value(value)


@pytest.fixture(scope="module")
def users(served):
    return load_users(served[0].users_file)


@pytest.mark.parametrize("user_id", USERS)
def test_every_view_shows_each_user_on_trino_what_the_embedded_engine_shows(served, users, user_id):
    paths, url = served
    trino, embedded = TrinoEngine(url, users[user_id]), EmbeddedEngine(paths, users[user_id])
    try:
        for view in secured_views():
            assert _rows(trino.sql(f"SELECT * FROM {view}")) == _rows(embedded.sql(f"SELECT * FROM {view}")), view
        assert trino.sql("SELECT count(*) AS n FROM documents").column("n")[0].as_py() > 0
    finally:
        trino.close()
        embedded.close()


@pytest.mark.parametrize("user_id", USERS)
def test_search_entity_and_findings_on_trino_are_the_embedded_answers(served, user_id):
    paths, url = served
    trino = QuerySession(paths, user_id, EngineChoice("trino", url))
    embedded = QuerySession(paths, user_id)
    try:
        persons = set()
        for query in QUERIES:
            on_trino = trino.search(query)
            assert _answer(on_trino) == _answer(embedded.search(query)), query
            persons |= {e["entity_id"] for h in on_trino["hits"] for e in h["entities"] if e["entity_type"] == "person"}
        for person in sorted(persons)[:4]:
            assert _answer(trino.entity(person)) == _answer(embedded.entity(person)), person
        assert _answer(trino.alerts()) == _answer(embedded.alerts())
        assert _answer(trino.hidden_links()) == _answer(embedded.hidden_links())
        assert _answer(trino.trends()) == _answer(embedded.trends())
        assert _answer(trino.hotspots()) == _answer(embedded.hotspots())
    finally:
        trino.close()
        embedded.close()


# What Trino's own access control must refuse, whoever asks and however it is written.
PAST_THE_VIEWS = [
    "SELECT * FROM insight.gold.documents",
    "SELECT * FROM gold.documents",
    'SELECT * FROM "insight"."gold"."documents"',
    "SELECT * FROM insight.gold.\"documents$history\"",
    "SELECT * FROM insight.access.users",
    "SELECT d.* FROM documents d JOIN insight.gold.entities e ON e.entity_id = d.doc_id",
    "SELECT * FROM documents WHERE doc_id IN (SELECT doc_id FROM insight.gold.documents)",
    "WITH documents AS (SELECT * FROM insight.gold.documents) SELECT * FROM documents",
    "SELECT * FROM system.runtime.queries",
    "SELECT * FROM system.runtime.nodes",
    "SELECT * FROM system.metadata.catalogs",
    "SHOW TABLES FROM insight.gold",
    "CREATE VIEW insight.search.documents2 AS SELECT * FROM insight.gold.documents",
    "DROP VIEW insight.search.documents",
    "INSERT INTO insight.gold.documents SELECT * FROM insight.gold.documents",
    "DELETE FROM insight.gold.documents",
    "CALL insight.system.register_table(schema_name => 'gold', table_name => 't', table_location => 'local:///etc')",
]


@pytest.mark.parametrize("sql", PAST_THE_VIEWS)
def test_what_reaches_past_the_views_is_refused_by_trino_in_one_line(served, users, sql):
    trino = TrinoEngine(served[1], users["analyst_cl"])
    try:
        with pytest.raises(RefusedSql, match="refused by Trino: PERMISSION_DENIED: Access Denied") as refused:
            trino.sql(sql)
        assert "\n" not in str(refused.value)
    finally:
        trino.close()


# Trino's information_schema is open: it names only what the user may read (BI tools list it).
METADATA = [sql for sql in ESCAPES if "information_schema" in sql]


@pytest.mark.parametrize("sql", [sql for sql in ESCAPES if sql not in METADATA])
def test_every_escape_the_embedded_guard_refuses_gets_no_rows_from_trino(served, users, sql):
    """The embedded engine's escapes, sent to Trino as typed: refused or not even SQL there."""
    trino = TrinoEngine(served[1], users["analyst_pe"])
    try:
        with pytest.raises(InsightError) as refused:
            trino.sql(sql)
        assert "\n" not in str(refused.value)
    finally:
        trino.close()


def test_the_metadata_trino_shows_an_analyst_names_only_the_surface(served, users):
    trino = TrinoEngine(served[1], users["analyst_pe"])
    try:
        for sql in METADATA:
            named = {(r["table_schema"], r["table_name"]) for r in trino.sql(sql).to_pylist()}
            assert {s for s, _ in named} == {"search", "information_schema"}, sql
            assert {t for s, t in named if s == "search"} == set(secured_views())
    finally:
        trino.close()


def test_the_command_line_runs_on_trino_and_says_its_refusal_in_one_line(served, capsys, monkeypatch):
    paths, url = served
    monkeypatch.setenv("INSIGHT_HOME", str(paths.home))
    monkeypatch.setenv("INSIGHT_TRINO_URL", url)
    assert main(["sql", "SELECT source, count(*) AS n FROM documents GROUP BY source ORDER BY source",
                 "--user", "analyst_cl", "--engine", "trino", "--json"]) == 0
    on_trino = json.loads(capsys.readouterr().out)
    assert main(["sql", "SELECT source, count(*) AS n FROM documents GROUP BY source ORDER BY source",
                 "--user", "analyst_cl", "--engine", "embedded", "--json"]) == 0
    assert on_trino == json.loads(capsys.readouterr().out)
    assert main(["sql", "SELECT * FROM insight.gold.documents", "--user", "analyst_cl", "--engine", "trino"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("insight: error: refused by Trino: PERMISSION_DENIED") and error.count("\n") == 1
    assert main(["search", "AAB123456", "--user", "analyst_cl", "--as-of", "2024-03-01"]) == 2  # Trino has no as-of
    assert "--as-of" in capsys.readouterr().err


def test_a_bi_tool_reflects_the_surface_through_sqlalchemy_and_reads_it_as_an_analyst(served):
    paths, url = served
    engine = sa.create_engine(f"trino://analyst_ar@{url.removeprefix('http://')}/insight/search")
    try:
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_view_names("search")) == secured_views()
        assert inspector.get_view_names("gold") == [] and inspector.get_table_names("gold") == []
        documents = sa.Table("documents", sa.MetaData(), autoload_with=engine, schema="search")
        assert {"doc_id", "owner_country", "restricted_to", "classification"} <= set(documents.columns.keys())
        with engine.connect() as connection:
            rows = connection.execute(sa.select(documents.c.doc_id, documents.c.owner_country)).fetchall()
    finally:
        engine.dispose()
    embedded = QuerySession(paths, "analyst_ar")
    try:
        expected = embedded.engine.sql("SELECT doc_id, owner_country FROM documents")
    finally:
        embedded.close()
    assert sorted(map(tuple, rows)) == sorted(tuple(r.values()) for r in expected.to_pylist())


def test_a_new_table_version_is_seen_by_the_next_query_and_up_again_prints_the_url(served, users):
    paths, url = served
    table = paths.table("gold", "documents")
    trino = TrinoEngine(url, users["gs_analyst"])
    try:
        before = trino.sql("SELECT count(*) AS n FROM documents").column("n")[0].as_py()
        newest = DeltaTable(table).to_pyarrow_table().slice(0, 1).to_pylist()[0]
        newest |= {"doc_id": "report:CL-TEST-0001", "source_id": "CL-TEST-0001", "title": "a new report"}
        schema = pa.schema(DeltaTable(table).schema().to_arrow())
        write_deltalake(table, pa.Table.from_pylist([newest], schema=schema), mode="append")
        assert trino.sql("SELECT count(*) AS n FROM documents").column("n")[0].as_py() == before + 1
    finally:
        trino.close()
    assert LocalTrino(paths).up() == url  # already up: brought up to date, the same URL
    assert LocalTrino(paths).status().startswith(f"Trino 476 runs at {url}")


def test_tables_written_by_either_delta_writer_are_read_by_trino(served, spark, tmp_path):
    """Delta tables from delta-rs (with a checkpoint, whose ``_last_checkpoint`` some Trino releases
    could not read) and from delta-spark, registered beside the gold tables."""
    from pipelines.lakehouse import Lakehouse

    paths, url = served
    frame = spark.range(50).selectExpr("id", "cast(id AS string) AS name", "array(cast(id AS string)) AS tags",
                                       "timestamp'2024-03-01 12:00:00' AS at")
    written = {}
    for backend in ("delta-rs", "delta-spark"):
        uri = str(tmp_path / backend)
        Lakehouse(spark, backend).overwrite(frame, uri)
        Lakehouse(spark, backend).merge(frame.where("id < 10").selectExpr("id", "'x' AS name", "tags", "at"),
                                        uri, ["id"])
        if backend == "delta-rs":
            DeltaTable(uri).create_checkpoint()
        written[backend.replace("-", "_")] = uri
    admin = connect(url, "admin")
    try:
        cursor = admin.cursor()
        cursor.execute("CREATE SCHEMA IF NOT EXISTS insight.scratch")
        cursor.fetchall()
        for name, uri in written.items():
            cursor.execute(f"CALL insight.system.register_table(schema_name => 'scratch', table_name => '{name}', "
                           f"table_location => 'local://{Path(uri).resolve()}')")
            cursor.fetchall()
            cursor.execute(f"SELECT count(*), count_if(name = 'x'), min(at) FROM insight.scratch.{name}")
            assert cursor.fetchall() == [[50, 10, dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc)]], name
    finally:
        admin.close()

"""SQL that tries to reach past the secured views is refused with a one-line reason, whatever its form."""
import pytest

from insight.sql_guard import RefusedSql, checked_query

VIEWS = ["documents", "mentions", "entities", "entity_links", "search_terms"]

ESCAPES = [
    # other tables, schemas and catalogs
    "SELECT * FROM gold.documents",
    "SELECT * FROM insight.gold.documents",
    "SELECT * FROM gold_documents_files",
    "SELECT * FROM information_schema.tables",
    "SELECT * FROM sqlite_master",
    "SELECT * FROM duckdb_tables",
    "SELECT * FROM system.runtime.queries",
    "SELECT d.* FROM documents d JOIN gold.entities e ON e.entity_id = d.doc_id",
    "SELECT * FROM documents WHERE doc_id IN (SELECT doc_id FROM gold.documents)",
    "SELECT (SELECT count(*) FROM gold.mentions) AS n",
    "WITH x AS (SELECT * FROM gold.documents) SELECT * FROM x",
    "WITH documents AS (SELECT * FROM gold.documents) SELECT * FROM documents",
    "SELECT * FROM documents UNION ALL SELECT * FROM gold.documents",
    "SELECT * FROM (SELECT * FROM (SELECT * FROM gold.documents))",
    "SELECT * FROM \"gold\".\"documents\"",
    # table functions and file readers
    "SELECT * FROM read_parquet('/etc/passwd')",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('data/raw/notices/x.jsonl')",
    "SELECT * FROM read_json('/etc/hosts')",
    "SELECT * FROM read_text('/etc/shadow')",
    "SELECT * FROM parquet_scan('lake/gold/documents/*.parquet')",
    "SELECT * FROM delta_scan('lake/gold/documents')",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM duckdb_settings()",
    "SELECT * FROM TABLE(system.query(query => 'SELECT 1'))",
    "SELECT * FROM documents, read_csv('/etc/passwd')",
    "SELECT * FROM documents WHERE EXISTS (SELECT 1 FROM read_parquet('x.parquet'))",
    "SELECT * FROM 'lake/gold/documents/part-0.parquet'",
    # functions that reach the host
    "SELECT getenv('HOME')",
    "SELECT current_setting('temp_directory')",
    "SELECT doc_id FROM documents WHERE title = getenv('USER')",
    # not queries
    "ATTACH 'lake.db' AS lake",
    "COPY documents TO '/tmp/out.csv'",
    "PRAGMA enable_profiling",
    "SET enable_external_access = true",
    "RESET enable_external_access",
    "INSTALL httpfs",
    "LOAD httpfs",
    "CREATE TABLE t AS SELECT * FROM documents",
    "CREATE VIEW documents2 AS SELECT * FROM gold.documents",
    "DROP VIEW documents",
    "INSERT INTO documents SELECT * FROM documents",
    "DELETE FROM documents",
    "UPDATE documents SET title = 'x'",
    "EXPLAIN ANALYZE SELECT * FROM gold.documents",
    "CALL insight.system.register_table(schema_name => 'gold', table_name => 't', table_location => '/')",
    "EXPORT DATABASE '/tmp/x'",
    # several statements
    "SELECT 1; SELECT * FROM gold.documents",
    "SELECT * FROM documents; ATTACH '/tmp/x.db'",
    "SELECT 1;SET lock_configuration=false",
]


@pytest.mark.parametrize("sql", ESCAPES)
def test_escaping_sql_is_refused_in_one_line(sql):
    with pytest.raises(RefusedSql) as refused:
        checked_query(sql, VIEWS)
    assert "\n" not in str(refused.value) and str(refused.value)


@pytest.mark.parametrize("sql", [
    "SELECT source, count(*) AS n FROM documents GROUP BY source",
    "WITH x AS (SELECT doc_id FROM documents) SELECT count(*) FROM x JOIN mentions m ON m.doc_id = x.doc_id",
    "SELECT d.title FROM documents d WHERE d.doc_id IN (SELECT doc_id FROM mentions WHERE entity_type = 'phone')",
    "SELECT levenshtein_distance(title, 'x'), date_trunc('month', event_date), "
    "cardinality(restricted_to) FROM documents",
])
def test_analysts_queries_pass(sql):
    assert checked_query(sql, VIEWS) is not None

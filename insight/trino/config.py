"""The files a Trino serving the surface is configured by, written in one place for both
deployments: the local server of ``insight trino up`` (local file system, file metastore in
``$INSIGHT_HOME/trino``) and the scale-out recipe of ``infra/`` (object storage), whose committed
files are this module's output (``insight trino config``; a test keeps them equal).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from insight.engine import LakeNotReady, gold_tables
from insight.trino.engine import connect
from insight.trino.statements import (
    ADMIN,
    CATALOG,
    GOLD_SCHEMA,
    access_rules,
    register_statements,
    schema_statements,
    surface_statements,
)
from insight.users import User
from pipelines.config import LakePaths
from pipelines.delta import is_table

RULES_FILE = "rules.json"
# Rules are read again this often, so a change of users.yaml reaches a running server.
RULES_REFRESH = "1s"


def lake_uri(paths: LakePaths) -> str:
    """The lake as Trino names it: object storage as is, a local folder through ``local://``."""
    lake = paths.lake
    return lake if "://" in lake else f"local://{Path(lake).resolve()}"


def catalog_properties(lake: str, metastore: str) -> dict[str, str]:
    """The Delta Lake catalog ``insight`` over ``lake`` (``s3://…`` or ``local:///…``), its
    table metadata in a file metastore at ``metastore``."""
    props = {
        "connector.name": "delta_lake",
        "hive.metastore": "file",
        "hive.metastore.catalog.dir": metastore,
        # The gold tables are registered where Spark wrote them; Trino never writes them.
        "delta.register-table-procedure.enabled": "true",
    }
    if lake.startswith("s3://"):
        props |= {
            "fs.native-s3.enabled": "true",
            "s3.endpoint": "${ENV:S3_ENDPOINT}",
            "s3.region": "${ENV:S3_REGION}",
            "s3.path-style-access": "true",
            "s3.aws-access-key": "${ENV:S3_ACCESS_KEY}",
            "s3.aws-secret-key": "${ENV:S3_SECRET_KEY}",
        }
    elif lake.startswith("local://"):
        # Locations are local:///<absolute path>: the root is the file system's (a plain path here).
        props |= {"fs.native-local.enabled": "true", "local.location": "/"}
    else:
        raise ValueError(f"Trino reaches the lake through s3:// or local://, not {lake!r}")
    return props


def access_control_properties(rules_file: str) -> dict[str, str]:
    return {"access-control.name": "file", "security.config-file": rules_file,
            "security.refresh-period": RULES_REFRESH}


def _properties(values: dict[str, str], comment: str) -> str:
    return f"# {comment}\n" + "".join(f"{k}={v}\n" for k, v in values.items())


def write_catalog(etc: Path, lake: str, metastore: str, rules_file: str) -> None:
    """``catalog/insight.properties`` and ``access-control.properties`` under ``etc``."""
    (etc / "catalog").mkdir(parents=True, exist_ok=True)
    (etc / "catalog" / f"{CATALOG}.properties").write_text(_properties(
        catalog_properties(lake, metastore),
        "The Delta Lake tables Insight's Spark jobs write (written by `insight trino config`)."))
    (etc / "access-control.properties").write_text(_properties(
        access_control_properties(rules_file),
        f"Who may read what: {RULES_FILE} comes from users.yaml and sql/access/visible.sql."))


def write_rules(etc: Path, users: Iterable[User]) -> None:
    """``rules.json``, replaced whole so the server never reads half a file."""
    scratch = etc / f".{RULES_FILE}"
    scratch.write_text(json.dumps(access_rules(users), indent=2) + "\n")
    scratch.replace(etc / RULES_FILE)


def write_local(etc: Path, state: Path, paths: LakePaths, users: Iterable[User], port: int) -> None:
    """The whole configuration of the local single-node server, bound to loopback."""
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "node.properties").write_text(_properties({
        "node.environment": "insight", "node.id": "insight-local", "node.data-dir": str(state),
        "node.bind-ip": "127.0.0.1"},
        "One node, coordinator and worker at once."))
    (etc / "config.properties").write_text(_properties({
        "coordinator": "true",
        "node-scheduler.include-coordinator": "true",
        "http-server.http.port": str(port),
        "discovery.uri": f"http://127.0.0.1:{port}",
        "node.internal-address": "127.0.0.1",
        "query.max-memory": "2GB",
        "query.max-memory-per-node": "1GB",
    }, "A single-node server for one machine."))
    (etc / "jvm.config").write_text("\n".join([
        "-server", "-Xmx3G", "-XX:InitialRAMPercentage=5", "-XX:+UseG1GC", "-XX:+ExplicitGCInvokesConcurrent",
        "-XX:+ExitOnOutOfMemoryError", "-XX:-OmitStackTraceInFastThrow", "-XX:ReservedCodeCacheSize=256M",
        "-XX:PerMethodRecompilationCutoff=10000", "-XX:PerBytecodeRecompilationCutoff=10000",
        "-Djdk.attach.allowAttachSelf=true", "-Djdk.nio.maxCachedBufferSize=2000000", "-Dfile.encoding=UTF-8",
        "-XX:+EnableDynamicAgentLoading",
        # Java 24+ warns at start without these (JNA, Trino's use of sun.misc.Unsafe).
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
    ]) + "\n")
    (etc / "log.properties").write_text("io.trino=WARN\n")
    write_catalog(etc, lake_uri(paths), f"local://{(state / 'metastore').resolve()}", str(etc / RULES_FILE))
    (state / "metastore").mkdir(parents=True, exist_ok=True)
    write_rules(etc, users)


def require_gold_tables(paths: LakePaths) -> None:
    """Every gold table the views read exists, or a one-line error before any server starts."""
    missing = [t for t in gold_tables() if not is_table(paths.table(GOLD_SCHEMA, t))]
    if missing:
        raise LakeNotReady(f"no gold.{missing[0]} table in {paths.lake} to serve: run `insight materialize` first")


def sync(url: str, paths: LakePaths, users: Iterable[User]) -> None:
    """Creates the schemas, registers the gold tables the catalog lacks, then (re)writes
    ``access.users`` and the views of ``sql/views``, as the admin who owns them."""
    lake = lake_uri(paths)
    connection = connect(url, ADMIN)
    try:
        cursor = connection.cursor()

        def run(statement: str) -> list:
            cursor.execute(statement)
            return cursor.fetchall()

        for statement in schema_statements(lake):
            run(statement)
        registered = {row[0] for row in run(f"SHOW TABLES FROM {CATALOG}.{GOLD_SCHEMA}")}
        for statement in register_statements(lake, [t for t in gold_tables() if t not in registered]):
            run(statement)
        for statement in surface_statements(users):
            run(statement)
    finally:
        connection.close()

"""The JVM packages Spark loads beside its own: resolved once into a cache, reused by every session.

``python -m pipelines.jars`` (run by ``make setup``) resolves :func:`packages` with Spark's own Ivy
(``spark.jars.packages``, from Maven Central unless configured otherwise) into
``$INSIGHT_CACHE/ivy`` and writes a manifest of the jar files it resolved. A session then puts
those files on ``spark.jars`` and never runs Ivy: no network, and some 3 s less per start than
``spark.jars.packages`` over a warm Ivy cache (which resolves again each time).
"""
from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urlparse

from pipelines.config import cache_dir

# Maven Central has no 4.4.1 JAR for Spark 4.1 (its delta-spark_4.1_2.13 stops at 4.4.0) though
# the Python package is 4.4.1: the JAR of the same minor line speaks the same protocol.
DELTA_JAR_VERSION = "4.4.0"


def spark_line() -> str:
    """pyspark's major.minor, which Delta's artifact names carry (``delta-spark_4.1_2.13``)."""
    return ".".join(version("pyspark").split(".")[:2])


def packages() -> list[str]:
    """Maven coordinates of every JVM package a session needs; one line each."""
    return [
        f"io.delta:delta-spark_{spark_line()}_2.13:{DELTA_JAR_VERSION}",  # Delta Lake's data source, SQL, catalog
    ]


def ivy_dir() -> Path:
    return cache_dir() / "ivy"


def manifest_path() -> Path:
    return ivy_dir() / "insight-jars.json"


class JarsUnavailable(RuntimeError):
    """The packages are not in the cache and could not be resolved (no repository reachable)."""


def cached_jars(wanted: list[str] | None = None) -> list[str] | None:
    """The jar files resolved for ``wanted`` (default :func:`packages`), or None when the cache
    does not hold them all (never resolved, another package list, or files removed)."""
    wanted = packages() if wanted is None else wanted
    try:
        manifest = json.loads(manifest_path().read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("packages") != wanted or not all(Path(j).is_file() for j in manifest.get("jars", [])):
        return None
    return list(manifest["jars"])


def fetch(wanted: list[str] | None = None) -> list[str]:
    """The jar files of ``wanted``: from the cache, else resolved now (once) into it.

    Resolution runs in a child process, so Ivy's report goes to ``ivy/resolve.log`` rather than
    this process's output, and a failure is one line.
    """
    wanted = packages() if wanted is None else wanted
    jars = cached_jars(wanted)
    if jars is not None:
        return jars
    ivy_dir().mkdir(parents=True, exist_ok=True)
    log = ivy_dir() / "resolve.log"
    with log.open("w") as out:
        done = subprocess.run([sys.executable, "-m", "pipelines.jars", "--resolve", *wanted],
                              stdout=out, stderr=subprocess.STDOUT)
    jars = cached_jars(wanted)
    if done.returncode != 0 or jars is None:
        reason = next((line.strip() for line in log.read_text().splitlines() if "unresolved dependency" in line),
                      f"exit code {done.returncode}")
        raise JarsUnavailable(f"Spark packages {', '.join(wanted)} could not be resolved ({reason}; see {log})")
    return jars


def _resolve_here(wanted: list[str]) -> None:
    """Starts a one-core Spark whose launcher resolves ``wanted`` into the Ivy cache, and writes
    the manifest from the jars Spark put on ``spark.jars`` (the packages and what they depend on)."""
    from pyspark.sql import SparkSession

    from pipelines.java import ensure_java_home

    ensure_java_home()
    spark = (SparkSession.builder.master("local[1]").appName("insight-jars")
             .config("spark.ui.enabled", "false")
             .config("spark.jars.packages", ",".join(wanted))
             .config("spark.jars.ivy", str(ivy_dir()))
             .getOrCreate())
    try:
        resolved = spark.sparkContext.getConf().get("spark.jars", "")
    finally:
        spark.stop()
    jars = [unquote(urlparse(uri).path) if uri.startswith("file:") else uri for uri in resolved.split(",") if uri]
    partial = manifest_path().with_suffix(".tmp")
    partial.write_text(json.dumps({"packages": wanted, "jars": jars}, indent=1))
    partial.replace(manifest_path())  # a reader never sees half a manifest


def main(argv: list[str]) -> int:
    if argv[:1] == ["--resolve"]:
        _resolve_here(argv[1:])
        return 0
    wanted = packages()
    if cached_jars(wanted) is not None:
        print(f"Spark packages: cached in {ivy_dir()}, nothing to fetch ({', '.join(wanted)})")
        return 0
    print(f"Spark packages: resolving {', '.join(wanted)} into {ivy_dir()} …", flush=True)
    try:
        jars = fetch(wanted)
    except JarsUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Spark packages: {len(jars)} jars cached ({sum(Path(j).stat().st_size for j in jars) // 2**20} MB)")
    return 0


if __name__ == "__main__":  # `make setup`: fetch what is not cached yet
    raise SystemExit(main(sys.argv[1:]))

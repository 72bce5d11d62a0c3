"""Layers run one way and the vocabulary is cheap to import: checked on the imports themselves."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ASSET_DEFINING = ("@dg.asset", "@dg.multi_asset", "asset_check", "dg.AssetSpec", "dg.sensor")


def imported(path: Path) -> set[str]:
    """The modules a file imports at its top level or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.py"))


def under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


@pytest.mark.parametrize("path", modules("pipelines"), ids=lambda p: str(p.relative_to(REPO)))
def test_pipelines_import_no_orchestrator_generator_or_front_end(path):
    assert not {n for n in imported(path) if under(n, "dagster", "generator", "assets", "insight")}


@pytest.mark.parametrize("path", modules("pipelines/extract") + modules("pipelines/resolve"),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_extraction_and_resolution_import_no_later_stage(path):
    assert not {n for n in imported(path) if under(n, "pipelines.publish", "pipelines.index", "pipelines.patterns")}


def test_assets_do_not_import_assets():
    defining = {p.stem for p in modules("assets") if any(m in p.read_text(encoding="utf-8") for m in ASSET_DEFINING)}
    for path in modules("assets"):
        if path.stem != "definitions":
            assert not {n for n in imported(path) if n.startswith("assets.") and n.split(".")[1] in defining}, path


@pytest.mark.parametrize("path", modules("insight"), ids=lambda p: str(p.relative_to(REPO)))
def test_the_query_side_does_not_reach_into_landing(path):
    assert not {n for n in imported(path) if under(n, "pipelines.land")}


def test_the_shared_vocabulary_loads_without_spark_or_arrow():
    code = ("import sys, pipelines.vocabulary, pipelines.resolve.relations, pipelines.truth, insight.access; "
            "print(sorted(m for m in ('pyspark', 'pyarrow', 'dagster', 'generator') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


DELTA_HOMES = {"pipelines/lakehouse.py", "pipelines/delta.py"}
# The operator's settings are read where the process starts (config, Spark's session, the Java
# finder, the Delta backend's default); a stage receives them as arguments.
ENVIRONMENT_READERS = {"pipelines/config.py", "pipelines/spark.py", "pipelines/java.py", "pipelines/lakehouse.py"}


@pytest.mark.parametrize("path", modules("pipelines") + modules("assets") + modules("insight"),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_delta_tables_are_opened_by_the_lakehouse_modules_only(path):
    if str(path.relative_to(REPO)) not in DELTA_HOMES:
        assert not {n for n in imported(path) if under(n, "deltalake")}


@pytest.mark.parametrize("path", modules("pipelines") + modules("assets"), ids=lambda p: str(p.relative_to(REPO)))
def test_no_stage_reads_the_environment(path):
    if str(path.relative_to(REPO)) not in ENVIRONMENT_READERS:
        assert "os.environ" not in path.read_text(encoding="utf-8")


def test_no_gold_table_reads_bronze():
    from assets.definitions import defs

    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        if key.path[0] == "gold":
            assert not [p for p in graph.get(key).parent_keys if p.path[0] == "bronze"], key


def test_a_search_opens_the_lake_without_spark():
    code = ("import sys, insight.session, insight.engine, insight.audit; "
            "print(sorted(m for m in ('pyspark', 'dagster') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_readme_layout_names_every_folder_and_module():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    layout = layout[:layout.index("\n## ", 1)]
    folders = [p.name for p in REPO.iterdir() if p.is_dir() and not p.name.startswith((".", "_")) and
               p.name not in ("data", "build", "spark-warehouse") and not p.name.endswith(".egg-info")]
    assert not [f for f in folders if f"`{f}/`" not in layout]
    pipelines = [p.name if p.is_file() else f"{p.name}/" for p in (REPO / "pipelines").iterdir()
                 if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and p.name != "__pycache__")]
    assert not [m for m in pipelines if f"`{m}`" not in layout]

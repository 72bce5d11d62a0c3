"""Metadata every table asset shows in the UI: rows, Delta version, path, a preview."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dagster as dg

from pipelines import delta
from pipelines.lakehouse import WriteResult

PREVIEW_ROWS = 5
_PREVIEW_CELL = 60


def _plain_text(value: Any) -> str:
    return "" if value is None else str(value)


def markdown_cell(value: Any, width: int, text: Callable[[Any], str] = _plain_text) -> str:
    """``value`` on one line of at most ``width`` characters, safe inside a markdown table."""
    cell = " ".join(text(value).split()).replace("|", "\\|")
    return cell if len(cell) <= width else cell[: width - 1] + "…"


def markdown_table(rows: list[dict[str, Any]], width: int = _PREVIEW_CELL,
                   text: Callable[[Any], str] = _plain_text) -> str:
    """Rows (dicts with the first row's keys) as a markdown table, each cell clipped to ``width``."""
    if not rows:
        return "(empty)"
    names = list(rows[0])
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    lines += ["| " + " | ".join(markdown_cell(r.get(n), width, text) for n in names) + " |" for r in rows]
    return "\n".join(lines)


def preview_markdown(uri: str, columns: list[str] | None = None) -> str:
    return markdown_table(delta.head_rows(uri, PREVIEW_ROWS, columns))


def column_schema(uri: str) -> dg.TableSchema:
    """The table's columns as the Delta log declares them, for the UI's schema tab."""
    return dg.TableSchema(columns=[
        dg.TableColumn(field.name, str(field.type), constraints=dg.TableColumnConstraints(nullable=field.nullable))
        for field in delta.schema(uri)
    ])


def count_markdown(uri: str, column: str) -> str:
    """Rows per value of ``column``, as a small markdown table."""
    table = delta.read_arrow(uri, [column])
    counts = table.column(column).value_counts() if table is not None else []
    rows = sorted(({column: c["values"].as_py(), "rows": c["counts"].as_py()} for c in counts),
                  key=lambda r: -r["rows"])
    return markdown_table(rows)


def table_metadata(uri: str, result: WriteResult | None = None, preview_columns: list[str] | None = None) -> dict:
    metadata: dict[str, Any] = {
        "dagster/column_schema": column_schema(uri),
        "dagster/row_count": dg.MetadataValue.int(delta.row_count(uri)),
        "delta_version": dg.MetadataValue.int(delta.version(uri) or 0),
        "path": dg.MetadataValue.path(uri),
        "preview": dg.MetadataValue.md(preview_markdown(uri, preview_columns)),
    }
    if result is not None:
        metadata["committed"] = dg.MetadataValue.bool(result.committed)
        metadata["rows_written"] = dg.MetadataValue.int(result.rows_written)
    return metadata

"""``insight alerts``, ``insight links`` and ``insight trends``: what the lake found, as a user may see it.

Every read goes through the secured views (``sql/views``), so an alert, a hidden link or a count
rests only on documents the user may see; the names shown come from the entities view.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from insight.engine import Engine
from insight.graph import names_of

BEGINNING = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
SHOWN = 200


def _named(engine: Engine, rows: list[dict[str, Any]], *columns: str) -> list[dict[str, Any]]:
    """``rows`` with ``<column>_name`` beside each entity id column, as the user may see the entity."""
    names = names_of(engine, [r[c] for r in rows for c in columns if r[c]])
    for row in rows:
        for column in columns:
            entity = names.get(row[column]) if row[column] else None
            row[column.replace("entity_id", "name")] = entity["name"] if entity else None
    return rows


def alerts(engine: Engine, since: dt.datetime | None = None, limit: int = SHOWN) -> list[dict[str, Any]]:
    """The user's watchlist alerts raised since ``since``, newest first."""
    rows = engine.run("patterns/alerts", {"since": since or BEGINNING, "limit": limit}).to_pylist()
    return _named(engine, rows, "via_entity_id")


def hidden_links(engine: Engine, since: dt.datetime | None = None, limit: int = SHOWN) -> list[dict[str, Any]]:
    """Pairs of entities the user may see joined across countries since ``since``, strongest first."""
    rows = engine.run("patterns/hidden_links", {"since": since or BEGINNING, "limit": limit}).to_pylist()
    return _named(engine, rows, "src_entity_id", "via_entity_id", "dst_entity_id")


def trends(engine: Engine, since: dt.date | None = None, country: str | None = None,
           category: str | None = None, limit: int = SHOWN) -> list[dict[str, Any]]:
    """Documents per country, month, offence category and source, with the change from the month before."""
    return engine.run("patterns/trends", {"since": since or BEGINNING.date(), "country": country,
                                          "category": category, "limit": limit}).to_pylist()


def hotspots(engine: Engine, since: dt.date | None = None, category: str | None = None,
             limit: int = SHOWN) -> list[dict[str, Any]]:
    """The H3 cells with the most reports since ``since``."""
    return engine.run("patterns/hotspots", {"since": since or BEGINNING.date(), "category": category,
                                            "limit": limit}).to_pylist()

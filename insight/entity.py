"""``insight entity``: one entity, every document that names it, its links up to two hops."""
from __future__ import annotations

import time
from typing import Any

from insight.engine import Engine
from insight.errors import InsightError
from insight.graph import reach

LINKS_SHOWN = 200


class UnknownEntity(InsightError):
    """No entity of that id is visible to the user (absent, or all its evidence hidden)."""


def entity(engine: Engine, entity_id: str) -> dict[str, Any]:
    """The entity as the engine's user may see it; :class:`UnknownEntity` when there is none to see."""
    started = time.perf_counter()
    found = engine.run("entity/entity", {"entity_id": entity_id}).to_pylist()
    if not found:
        raise UnknownEntity(f"no entity {entity_id!r} visible to {engine.user.id}")
    documents = engine.run("entity/documents", {"entity_id": entity_id}).to_pylist()
    links = reach(engine, [entity_id], LINKS_SHOWN)
    return {
        "entity": found[0],
        "user": engine.user.id,
        "took_ms": round((time.perf_counter() - started) * 1000, 1),
        "documents": documents,
        "links": [{k: v for k, v in link.items() if k != "seed"} for link in links],
    }

"""The access rule, bound to one user: the predicate every read path filters on."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlglot import exp

from insight.sqlfiles import bind, literal, read_sql
from insight.users import User
from pipelines.vocabulary import CLASSIFICATIONS

# The rank of a row's classification, generated from the vocabulary so that the rule's ranks and
# the users' clearance ranks are counted from one list.
CLASSIFICATION_RANK = exp.Case(
    this=exp.column("classification"),
    ifs=[exp.If(this=literal(c), true=literal(rank)) for rank, c in enumerate(CLASSIFICATIONS)],
)


def access_rule(user: Mapping[str, Any]) -> exp.Expression:
    """``sql/access/visible.sql`` with ``user_country``, ``user_clearance_rank`` and
    ``user_is_secretariat`` bound to values or to columns of a users table."""
    return bind(read_sql("access/visible"), {"classification_rank": CLASSIFICATION_RANK, **user})


def visible_predicate(user: User) -> exp.Expression:
    """The access rule with the user's country, clearance and role filled in."""
    return access_rule({
        "user_country": user.country,
        "user_clearance_rank": user.clearance_rank,
        "user_is_secretariat": user.is_secretariat,
    })

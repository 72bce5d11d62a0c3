"""The access rule, bound to one user: the predicate every read path filters on."""
from __future__ import annotations

from sqlglot import exp

from insight.sqlfiles import bind, read_sql
from insight.users import User


def visible_predicate(user: User) -> exp.Expression:
    """``sql/access/visible.sql`` with the user's country, clearance and role filled in."""
    return bind(
        read_sql("access/visible"),
        {
            "user_country": user.country,
            "user_clearance_rank": user.clearance_rank,
            "user_is_secretariat": user.is_secretariat,
        },
    )

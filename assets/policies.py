"""What every table asset shares: owner, freshness and (where a re-run is safe) retries."""
from __future__ import annotations

import datetime as dt

import dagster as dg

OWNERS = ["team:data-engineering"]
# The nightly refresh rebuilds everything once a day; a table older than that missed a night.
FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=26), warn_window=dt.timedelta(hours=25))
# Conform and publish merge on keys, so running them again is harmless: retry transient failures
# (a lost executor, a busy disk). Landing is not retried automatically: see assets/land.py.
RETRY = dg.RetryPolicy(max_retries=2, delay=20, backoff=dg.Backoff.EXPONENTIAL)

# The tables a new file passes through before `insight search` finds it, after its source's bronze
# table: what the search reads (the documents, their postings and the corpus statistics) and what
# they are built from.
SEARCH_PATH = frozenset({"silver/documents", "gold/documents", "gold/search_terms", "gold/search_stats"})
_BOOKKEEPING = frozenset({"bronze/quarantine", "bronze/landed_files"})
PRIORITY = "dagster/priority"


def on_search_path(table: str) -> bool:
    """Whether a new file passes through ``table`` before search finds it: its landing and the
    tables of :data:`SEARCH_PATH`."""
    return table in SEARCH_PATH or (table.startswith("bronze/") and table not in _BOOKKEEPING)


def step_tags(table: str) -> dict[str, str]:
    """The op tags of the steps that write or check ``table``. Of the steps ready to run, the
    in-process executor runs the one of highest ``dagster/priority`` first: the steps on the way to
    search go before extraction, resolution and patterns, so a new message is searchable before
    the rest of the run brings those up to date (about 25 s sooner at 100k documents)."""
    return {PRIORITY: "1"} if on_search_path(table) else {}

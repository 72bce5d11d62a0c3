"""What every table asset shares: owner, freshness, retries, and how a step stopped on purpose ends."""
from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import dagster as dg

from pipelines.spark import jobs_stopped

OWNERS = ["team:data-engineering"]
# The nightly refresh rebuilds everything once a day; a table older than that missed a night.
FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=dt.timedelta(hours=26), warn_window=dt.timedelta(hours=25))
# Conform and publish merge on keys, so running them again is harmless: retry transient failures
# (a lost executor, a busy disk). Landing is not retried automatically: see assets/land.py.
RETRY = dg.RetryPolicy(max_retries=2, delay=20, backoff=dg.Backoff.EXPONENTIAL)

Compute = TypeVar("Compute", bound=Callable[..., Any])
STOPPABLE = "insight_stoppable"  # the attribute that marks a step's function as :func:`stoppable`


def _stopped() -> dg.Failure:
    return dg.Failure("stopped on purpose: its Spark jobs were cancelled", allow_retries=False)


@contextmanager
def _failing_as_stopped() -> Iterator[None]:
    """An exception raised inside while the jobs are stopped becomes :func:`_stopped`, unless it
    already ends the step without retries (:func:`_stopped` itself)."""
    try:
        yield
    except Exception as exc:
        if jobs_stopped() and not (isinstance(exc, dg.Failure) and not exc.allow_retries):
            raise _stopped() from exc
        raise


def stoppable(compute: Compute) -> Compute:
    """``compute`` (a step's function) ends failed at once, without retries, when its Spark jobs were
    stopped on purpose (:func:`pipelines.spark.stop_jobs`: the watcher stops a step of the rest when
    new files arrive, to make them searchable first). The retry policy is for faults: retried, the
    stopped step would start again 20 s later. Results yielded after the stop are withheld (a
    suite's verdicts on cancelled queries); what the step committed before it is what a step killed
    there leaves, which its next run finishes."""
    if inspect.isgeneratorfunction(compute):
        @functools.wraps(compute)
        def each(*args: Any, **kwargs: Any) -> Any:
            with _failing_as_stopped():
                for item in compute(*args, **kwargs):
                    if jobs_stopped():
                        raise _stopped()
                    yield item
        wrapped: Any = each
    else:
        @functools.wraps(compute)
        def once(*args: Any, **kwargs: Any) -> Any:
            with _failing_as_stopped():
                result = compute(*args, **kwargs)
            if jobs_stopped():
                raise _stopped()
            return result
        wrapped = once
    setattr(wrapped, STOPPABLE, True)
    return wrapped


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

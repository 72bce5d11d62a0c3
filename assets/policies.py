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

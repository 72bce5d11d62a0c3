"""Great Expectations suites, one JSON file per table (``<layer>/<table>.json``), loaded by the checks.

Each expectation carries ``meta.name`` (the check's name in Dagster) and ``meta.severity``
(``error`` blocks what depends on the table, ``warn`` only flags). See ``pipelines/quality.py``.
"""

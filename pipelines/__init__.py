"""Spark jobs of the Insight lakehouse: pure transformations per stage and the lakehouse I/O.

Nothing in this package imports Dagster; the orchestration lives in ``assets``.
"""

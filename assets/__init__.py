"""Dagster orchestration of the Insight lakehouse: assets, checks, resources, sensors, schedules."""

"""Patterns: what the lake tells analysts without being asked — watchlist alerts, hidden
cross-border links, and trends of offences by country, month and place."""

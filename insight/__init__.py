"""Insight's query side: the access rule, the SQL surface, the engines, search and the command line."""

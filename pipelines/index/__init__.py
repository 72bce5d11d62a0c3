"""The search index: curated tables that let one query read little of the lake."""

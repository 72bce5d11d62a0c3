-- The search index's search_stats as the current user may see it (the access fields of the row it was derived from).
CREATE OR REPLACE VIEW search_stats AS
SELECT docs, total_len, owner_country, restricted_to, classification
FROM gold.search_stats
WHERE :visible

-- The search index's search_terms as the current user may see it (the access fields of the row it was derived from).
CREATE OR REPLACE VIEW search_terms AS
SELECT term, doc_id, tf, doc_len, owner_country, restricted_to, classification
FROM gold.search_terms
WHERE :visible

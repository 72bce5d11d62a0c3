-- The search index's search_identifiers as the current user may see it (the access fields of the row it was derived from).
CREATE OR REPLACE VIEW search_identifiers AS
SELECT key, entity_id, entity_type, value, doc_id, owner_country, restricted_to, classification
FROM gold.search_identifiers
WHERE :visible

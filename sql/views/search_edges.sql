-- The search index's search_edges as the current user may see it (the access fields of the row it was derived from).
CREATE OR REPLACE VIEW search_edges AS
SELECT entity_id, other_id, relation, doc_ids, owner_country, restricted_to, classification
FROM gold.search_edges
WHERE :visible

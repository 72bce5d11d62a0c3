-- The typed links of the entities :entity_ids (either end), as the user sees them.
SELECT entity_id, other_id, relation, doc_ids
FROM search_edges
WHERE entity_id IN (:entity_ids)

-- The persons the identifiers :entity_ids belong to (a passport's holder, a phone's user, an
-- account's payer), as the user sees the links: any typed link but a mere co-mention or a possible
-- identity. Most evidence first.
-- :not_holding  the relations that make no holder (pipelines.resolve.relations.NOT_HOLDING)
-- :limit  number of persons
SELECT other_id AS entity_id, max(cardinality(doc_ids)) AS documents
FROM search_edges
WHERE entity_id IN (:entity_ids)
  AND other_id LIKE 'person:%'
  AND relation NOT IN (:not_holding)
GROUP BY other_id
ORDER BY documents DESC, entity_id
LIMIT :limit

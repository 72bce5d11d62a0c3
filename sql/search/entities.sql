-- The entities each hit document (:doc_ids) names.
SELECT DISTINCT doc_id, entity_id, entity_type
FROM mentions
WHERE doc_id IN (:doc_ids) AND entity_id IS NOT NULL

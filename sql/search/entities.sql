-- The entities each hit document names (:doc_ids), with their canonical name as the user sees it.
SELECT DISTINCT m.doc_id, m.entity_id, m.entity_type, n.name AS value
FROM mentions AS m
JOIN (SELECT entity_id, max(name) AS name FROM entities GROUP BY entity_id) AS n ON n.entity_id = m.entity_id
WHERE contains(:doc_ids, m.doc_id)
ORDER BY m.doc_id, m.entity_type, value

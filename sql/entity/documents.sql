-- Every document that names the entity (:entity_id), with what it wrote, newest first.
SELECT d.doc_id, d.source, d.source_id, d.title, d.owner_country, d.event_date,
       array_sort(array_distinct(array_agg(m.text))) AS written
FROM mentions AS m
JOIN documents AS d ON d.doc_id = m.doc_id
WHERE m.entity_id = :entity_id
GROUP BY d.doc_id, d.source, d.source_id, d.title, d.owner_country, d.event_date
ORDER BY d.event_date DESC NULLS LAST, d.doc_id

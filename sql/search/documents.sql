-- The hit documents (:doc_ids) as the user sees them.
SELECT doc_id, source, source_id, title, body, owner_country, event_date
FROM documents
WHERE doc_id IN (:doc_ids)

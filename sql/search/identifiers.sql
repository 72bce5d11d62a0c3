-- Entities whose identifier has one of the query's keys (any written form reduced to letters and
-- digits), with the documents naming them.
-- :keys   pipelines/index/keys.py: identifier_keys
-- :limit  number of documents per entity
SELECT entity_id, entity_type, max(value) AS value, count(DISTINCT doc_id) AS documents,
       slice(array_sort(array_agg(DISTINCT doc_id)), 1, :limit) AS doc_ids
FROM search_identifiers
WHERE key IN (:keys)
GROUP BY entity_id, entity_type
ORDER BY documents DESC, entity_id

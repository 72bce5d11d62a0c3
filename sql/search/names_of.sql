-- Entities (:entity_ids) as the user sees them: canonical name, type, sources and counts summed
-- over the visible access groups of their evidence.
SELECT entity_id, max(entity_type) AS entity_type, max(name) AS name,
       array_sort(array_distinct(flatten(array_agg(sources)))) AS sources,
       sum(documents) AS documents, max_by(owner_country, documents) AS owner_country
FROM entities
WHERE entity_id IN (:entity_ids)
GROUP BY entity_id

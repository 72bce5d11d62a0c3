-- One entity (:entity_id) as the user sees it: names, properties and counts summed over the
-- access groups of its evidence that the user may see.
SELECT entity_id, max(entity_type) AS entity_type, max(name) AS name,
       array_sort(array_distinct(flatten(array_agg(names)))) AS names,
       array_sort(array_distinct(flatten(array_agg(sources)))) AS sources,
       min(first_seen) AS first_seen, max(last_seen) AS last_seen, sum(mentions) AS mentions
FROM entities
WHERE entity_id = :entity_id
GROUP BY entity_id

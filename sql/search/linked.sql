-- Entities linked to the seeds (:entity_ids) by one or two typed links (co-mentions aside), with
-- the relation of the last link and the documents that evidence it, as the user sees them.
WITH edges AS (
  SELECT src_entity_id AS a, dst_entity_id AS b, relation, doc_ids FROM entity_links WHERE relation <> 'co_mentioned'
  UNION ALL
  SELECT dst_entity_id AS a, src_entity_id AS b, relation, doc_ids FROM entity_links WHERE relation <> 'co_mentioned'
),
hop1 AS (
  SELECT a AS seed, b AS entity_id, relation, doc_ids, 1 AS hops FROM edges WHERE contains(:entity_ids, a)
),
hop2 AS (
  SELECT h.seed, e.b AS entity_id, e.relation, e.doc_ids, 2 AS hops
  FROM hop1 AS h JOIN edges AS e ON e.a = h.entity_id
  WHERE e.b <> h.seed AND NOT contains(:entity_ids, e.b)
),
reached AS (SELECT * FROM hop1 UNION ALL SELECT * FROM hop2)
SELECT r.seed, r.entity_id, n.entity_type, n.name AS value, r.relation, min(r.hops) AS hops,
       array_distinct(flatten(array_agg(r.doc_ids))) AS doc_ids
FROM reached AS r
JOIN (SELECT entity_id, max(entity_type) AS entity_type, max(name) AS name FROM entities GROUP BY entity_id) AS n
  ON n.entity_id = r.entity_id
GROUP BY r.seed, r.entity_id, n.entity_type, n.name, r.relation
ORDER BY hops, value
LIMIT :limit

-- The user's hidden links: pairs of entities first joined since :since (by any path he may see),
-- strongest first, each with its strongest path.
WITH pairs AS (
  SELECT
    src_entity_id, dst_entity_id, min(first_seen) AS first_seen, sum(strength) AS strength, count(*) AS paths,
    max_by(via_entity_id, strength) AS via_entity_id, max_by(src_country, strength) AS src_country,
    max_by(dst_country, strength) AS dst_country, max_by(src_relations, strength) AS src_relations,
    max_by(dst_relations, strength) AS dst_relations, sum(documents) AS documents
  FROM hidden_links
  GROUP BY src_entity_id, dst_entity_id
)
SELECT *
FROM pairs
WHERE first_seen >= :since
ORDER BY strength DESC, first_seen DESC, src_entity_id, dst_entity_id
LIMIT :limit

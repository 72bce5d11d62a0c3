-- Hidden links: paths src - via - dst whose two links come from different countries' data. A path
-- is there only when the user may see a document of each link; its relations, documents and
-- strength (the weaker link's weight times its documents) count only the documents he may see.
CREATE OR REPLACE VIEW hidden_links AS
WITH hops AS (
  SELECT
    finding_id, role, array_sort(array_agg(DISTINCT relation)) AS relations, count(DISTINCT doc_id) AS documents,
    max(weight) * count(DISTINCT doc_id) AS strength
  FROM gold.hidden_link_evidence
  WHERE role IN ('hop1', 'hop2') AND :visible
  GROUP BY finding_id, role
)
SELECT
  p.path_id, p.first_seen, p.src_entity_id, p.via_entity_id, p.dst_entity_id, p.src_country, p.dst_country,
  h1.relations AS src_relations, h2.relations AS dst_relations, h1.documents + h2.documents AS documents,
  least(h1.strength, h2.strength) AS strength
FROM gold.hidden_links AS p
JOIN hops AS h1 ON h1.finding_id = p.path_id AND h1.role = 'hop1'
JOIN hops AS h2 ON h2.finding_id = p.path_id AND h2.role = 'hop2'

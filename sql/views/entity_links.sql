-- Links between entities with the documents that evidence them, one row per access group of the
-- evidence: a link the user may not see the evidence of is not there.
CREATE OR REPLACE VIEW entity_links AS
SELECT
  src_entity_id, dst_entity_id, relation, doc_ids, weight, owner_country, restricted_to, classification
FROM gold.entity_links
WHERE :visible

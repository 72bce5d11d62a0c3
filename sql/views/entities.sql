-- Entities as the current user may see them: one row per access group of the evidence, so the
-- names, properties, sources and counts of a row come only from documents of that group.
CREATE OR REPLACE VIEW entities AS
SELECT
  entity_id, entity_type, name, names, properties, sources, first_seen, last_seen, mentions, documents,
  owner_country, restricted_to, classification
FROM gold.entities
WHERE :visible

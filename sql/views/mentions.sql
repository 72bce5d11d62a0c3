-- Where each value occurs: every mention with its entity, as the current user may see it.
CREATE OR REPLACE VIEW mentions AS
SELECT
  mention_id, doc_id, entity_id, entity_type, field, text, value, country, start, "end", extractor,
  confidence, owner_country, restricted_to, classification
FROM gold.mentions
WHERE :visible

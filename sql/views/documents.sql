-- Curated documents as the current user may see them (:visible is sql/access/visible.sql).
CREATE OR REPLACE VIEW documents AS
SELECT
  doc_id, source, source_id, parent_doc_id, subtype, title, body, language, country, event_date,
  case_ref, owner_country, restricted_to, classification
FROM gold.documents
WHERE :visible

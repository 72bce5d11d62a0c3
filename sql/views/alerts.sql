-- Watchlist alerts: documents touching the subject of a notice or diffusion. An alert is there
-- only when the user may see the hit document (the row's access fields), the notice or diffusion
-- it is about, and, for a hit one link away, a document evidencing that link.
CREATE OR REPLACE VIEW alerts AS
SELECT
  alert_id, raised_at, kind, watch_doc_id, watch_source, watch_title, subject_entity_id, subject_name,
  doc_id, source, title, event_date, via_entity_id, via_relation, owner_country, restricted_to, classification
FROM gold.alerts
WHERE :visible
  AND alert_id IN (SELECT finding_id FROM gold.alert_evidence WHERE role = 'watch' AND :visible)
  AND (via_entity_id IS NULL OR alert_id IN (SELECT finding_id FROM gold.alert_evidence WHERE role = 'link' AND :visible))

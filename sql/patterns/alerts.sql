-- The user's alerts raised since :since, newest first, with the names of what they went through.
SELECT
  a.raised_at, a.kind, a.watch_source, a.watch_title, a.subject_entity_id, a.subject_name, a.source, a.title,
  a.doc_id, a.watch_doc_id, a.event_date, a.via_entity_id, a.via_relation, a.owner_country, a.alert_id
FROM alerts AS a
WHERE a.raised_at >= :since
ORDER BY a.raised_at DESC, a.watch_doc_id, a.event_date DESC, a.doc_id, a.alert_id  -- a total order: both engines agree
LIMIT :limit

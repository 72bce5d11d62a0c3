-- Keyword search over the visible documents.
-- :terms   folded lower-case words of the query; every one must occur
-- :compact letters and digits of an identifier-like query ('' when the query is not one);
--          matches the identifier in any written form (AAB-123456, AAB 123456)
-- :limit   number of hits
SELECT doc_id, source, source_id, title, body, owner_country, event_date, exact_id, matched
FROM (
  SELECT
    d.*,
    cardinality(filter(:terms, t -> strpos(d.search_text, t) > 0)) AS matched,
    IF(:compact <> '' AND strpos(d.search_compact, :compact) > 0, 1, 0) AS exact_id
  FROM documents AS d
) AS scored
WHERE exact_id = 1 OR (cardinality(:terms) > 0 AND matched = cardinality(:terms))
ORDER BY exact_id DESC, matched DESC, event_date DESC NULLS LAST, doc_id
LIMIT :limit

-- The search index's search_names as the current user may see it (the access fields of the row it was derived from).
CREATE OR REPLACE VIEW search_names AS
SELECT skeleton, sound, word, entity_id, entity_type, name, name_words, doc_ids, owner_country, restricted_to, classification
FROM gold.search_names
WHERE :visible

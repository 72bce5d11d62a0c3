-- Persons and organizations with a name holding every word of the query, each word matched as
-- written (3), as it sounds (2) or by its consonant skeleton (1); with the documents naming them.
-- :skeletons, :sounds, :words  the query's name keys, one per word, in the same order
--                              (pipelines/index/keys.py: name_keys, one word per skeleton)
-- :limit                       number of entities
WITH words AS (
  SELECT
    entity_id, entity_type, name, name_words, doc_ids, skeleton,
    max(CASE
          WHEN word = element_at(:words, array_position(:skeletons, skeleton)) THEN 3
          WHEN sound = element_at(:sounds, array_position(:skeletons, skeleton)) THEN 2
          ELSE 1
        END) AS level
  FROM search_names
  WHERE skeleton IN (:skeletons)
  GROUP BY entity_id, entity_type, name, name_words, doc_ids, skeleton
),
names AS (
  SELECT entity_id, entity_type, name, doc_ids, CAST(sum(level) AS DOUBLE) AS level,
         CAST(count(*) AS DOUBLE) / name_words AS coverage
  FROM words
  GROUP BY entity_id, entity_type, name, name_words, doc_ids
  HAVING count(*) = cardinality(:skeletons)
)
SELECT entity_id, entity_type, max_by(name, level + coverage) AS name, max(level) AS level,
       max(coverage) AS coverage, array_distinct(flatten(array_agg(doc_ids))) AS doc_ids
FROM names
GROUP BY entity_id, entity_type
ORDER BY level DESC, coverage DESC, entity_id
LIMIT :limit

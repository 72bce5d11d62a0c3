-- BM25 (k1 = 1.2, b = 0.75) of the visible documents holding the query's terms, from the index.
-- Corpus size, mean length and each term's document frequency count only what the user may see.
-- :terms  the query's terms (pipelines/index/keys.py: terms)
-- :limit  number of candidates
WITH corpus AS (
  SELECT CAST(sum(docs) AS DOUBLE) AS n, CAST(sum(total_len) AS DOUBLE) / sum(docs) AS avgdl
  FROM search_stats
),
postings AS (
  SELECT term, doc_id, tf, doc_len FROM search_terms WHERE term IN (:terms)
),
frequency AS (
  SELECT term, count(*) AS df FROM postings GROUP BY term
)
SELECT
  p.doc_id,
  CAST(sum(ln(1 + (c.n - f.df + 0.5) / (f.df + 0.5))
           * p.tf * 2.2 / (p.tf + 1.2 * (0.25 + 0.75 * p.doc_len / c.avgdl))) AS DOUBLE) AS bm25,
  count(*) AS matched
FROM postings AS p
JOIN frequency AS f ON f.term = p.term
CROSS JOIN corpus AS c
GROUP BY p.doc_id
ORDER BY matched DESC, bm25 DESC, p.doc_id
LIMIT :limit

-- Documents by country, month, offence category and source, counted over what the user may see,
-- with the change from the month before (a month with none counts 0; months after the last
-- month with data are not shown).
CREATE OR REPLACE VIEW trends AS
WITH counts AS (
  SELECT country, month, category, source, sum(documents) AS documents
  FROM gold.trends
  WHERE :visible
  GROUP BY country, month, category, source
),
shifted AS (
  SELECT country, CAST(date_add('month', 1, month) AS DATE) AS month, category, source, documents
  FROM counts
)
SELECT
  coalesce(c.country, s.country) AS country, coalesce(c.month, s.month) AS month,
  coalesce(c.category, s.category) AS category, coalesce(c.source, s.source) AS source,
  coalesce(c.documents, 0) AS documents, coalesce(s.documents, 0) AS previous,
  coalesce(c.documents, 0) - coalesce(s.documents, 0) AS change
FROM counts AS c
FULL OUTER JOIN shifted AS s
  ON s.country = c.country AND s.month = c.month AND s.category = c.category AND s.source = c.source
WHERE coalesce(c.month, s.month) <= (SELECT max(month) FROM counts)

-- Offence trends the user may see: the latest months first, the largest changes first.
SELECT country, month, category, source, documents, previous, change
FROM trends
WHERE month >= :since
  AND (:country IS NULL OR country = :country)
  AND (:category IS NULL OR category = :category)
ORDER BY month DESC, abs(change) DESC, documents DESC, country, category, source
LIMIT :limit

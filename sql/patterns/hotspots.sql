-- The cells with the most reports the user may see since :since.
SELECT cell, lat, lon, category, sum(reports) AS reports, min(month) AS first_month, max(month) AS last_month
FROM hotspots
WHERE month >= :since
  AND (:category IS NULL OR category = :category)
GROUP BY cell, lat, lon, category
ORDER BY reports DESC, cell, category
LIMIT :limit

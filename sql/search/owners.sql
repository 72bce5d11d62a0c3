-- The countries whose documents the user may see: where a phone written in national form may be from.
SELECT DISTINCT owner_country FROM search_stats ORDER BY owner_country

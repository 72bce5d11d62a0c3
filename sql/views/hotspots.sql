-- Reports by H3 cell, month and offence category, counted over what the user may see.
CREATE OR REPLACE VIEW hotspots AS
SELECT cell, resolution, lat, lon, month, category, sum(reports) AS reports
FROM gold.hotspots
WHERE :visible
GROUP BY cell, resolution, lat, lon, month, category

"""Landing: raw drop-zone files into bronze Delta tables, bad units into quarantine."""

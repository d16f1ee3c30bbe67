"""Site-specific crawl data (site_hints.csv)."""

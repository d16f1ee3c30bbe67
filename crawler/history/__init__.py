"""History from before the first crawl: Wayback/CDX backfill and WARC exchange."""

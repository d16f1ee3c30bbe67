"""Scrapy settings shared by every spider.

Politeness first: these crawls visit public-sector sites that owe us
nothing. One or two requests at a time per host, many hosts in parallel,
robots.txt obeyed, an honest User-Agent with a contact URL.
"""

BOT_NAME = "medborgarloften"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Who we are. Operators should set MEDBORGARLOFTEN_CONTACT to their own page.
CONTACT_URL = "https://github.com/medborgarloften/medborgarloften"
USER_AGENT = f"medborgarloften/0.1 (+{CONTACT_URL}; archive of Swedish medborgarlöften)"

ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"

# Many sites at once, few requests per site.
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 15 * 1024 * 1024   # larger pages are recorded as too_large
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

# Retries with exponential backoff (and Retry-After) replace Scrapy's
# immediate retries, see crawler.middlewares.BackoffRetryMiddleware.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 2.0        # seconds; doubled per retry
RETRY_BACKOFF_MAX = 60.0        # cap, also for Retry-After

# 304 reaches the spider (conditional re-crawl); 404/410 too (pages gone).
HTTPERROR_ALLOWED_CODES = [304, 404, 410]

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.ConditionalRequestMiddleware": 560,
    "crawler.hostguard.HostGuardMiddleware": 50,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.Progress": 500,
}

# A conditional-request cache beside the archive (`<archive>.httpcache/`):
# navigation pages are revalidated too, so an unchanged re-crawl downloads
# almost nothing and still follows every link. Errors are never cached.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "crawler.middlewares.RevalidateEveryTimePolicy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_GZIP = True
HTTPCACHE_IGNORE_HTTP_CODES = [304, 400, 401, 403, 404, 408, 410, 429, 500, 502, 503, 504]

# Loopback/private hosts are refused (crawler/hostguard.py) unless this is
# set: `crawl --allow-private-hosts`, for the fixture web of demo and tests.
ALLOW_PRIVATE_HOSTS = False

# Where the archive lives; the CLI sets it from --db.
ARCHIVE_PATH = "archive.db"
# Per-site budget of the focused municipal crawl.
MAX_PAGES_PER_SITE = 300
MAX_DEPTH_PER_SITE = 5

DEPTH_PRIORITY = 0
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False
REMOTE_CONTROL_ENABLED = False   # Scrapy ≥2.19 would open a control port otherwise

# Health monitors of `medborgarloften recrawl` (crawler/ops/health.py); `recrawl -s KEY=V`
# overrides them like any other setting.
HEALTH_SITE_ERROR_RATE = 0.5     # share of a site's requests that failed
HEALTH_SITE_MIN_REQUESTS = 4     # below this, a site's error rate is not judged
HEALTH_RUN_ERROR_RATE = 0.25     # share of all requests that failed
HEALTH_DURATION_FACTOR = 4.0     # run is N times shorter/longer than the median
HEALTH_MIN_HISTORY = 3           # earlier runs needed before judging duration

# Backfill from a web archive's CDX server and `id_` replay (crawler/history/).
# The Wayback Machine asks for gentle use: one request at a time, a pause
# between requests, Retry-After honoured; `backfill --delay` overrides.
BACKFILL_CDX_ENDPOINT = "https://web.archive.org/cdx/search/cdx"
BACKFILL_DELAY = 1.5             # seconds between two requests to the same host
BACKFILL_MAX_WAIT = 300.0        # cap on one Retry-After / backoff pause
BACKFILL_RETRIES = 4             # per request, on 429/5xx/connection errors
BACKFILL_TIMEOUT = 60            # seconds per request
BACKFILL_PAGE_SIZE = 500         # CDX rows per page (resumeKey paging)
BACKFILL_MAX_PAGES = 200         # CDX pages per query, a bound on runaway paging
BACKFILL_MAX_LINKS_PER_PAGE = 20  # old PDFs followed from one captured page
BACKFILL_MAX_TARGETS = 5000      # CDX queries per run (targets + discovered PDFs)

# The archive site's map (/-/karta): the tile server URL template. Override per
# site in Datasette metadata: plugins: {medborgarloften-karta: {tile_url: "…"}}.
MAP_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_TILE_ATTRIBUTION = "&copy; OpenStreetMap"

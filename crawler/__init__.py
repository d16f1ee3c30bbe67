"""The Scrapy project: settings, items, middlewares, pipelines, and the shared crawl, store, derive, search, web and ops packages."""

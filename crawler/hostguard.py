"""Downloader middleware: only http(s) requests to public hosts leave the crawler.

The sites CSV is checked before a crawl (crawler.sites), but a page can
still link or redirect anywhere; every request, redirects and robots.txt
included, passes this check. ``ALLOW_PRIVATE_HOSTS`` (``crawl
--allow-private-hosts``) admits loopback and private addresses for the
fixture web of the demo and the tests.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from crawler.sites import url_problem

REFUSED = "refused:"   # prefix crawler.errors recognises


class HostGuardMiddleware:
    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("ALLOW_PRIVATE_HOSTS"))

    def process_request(self, request, spider=None):
        problem = url_problem(request.url, self.allow_private)
        if problem:
            raise IgnoreRequest(f"{REFUSED} {problem}")
        return None

"""An HTTP client for web archives that behaves: one request at a time per host.

Every request waits until ``delay`` seconds have passed since the last one to
the same host; 429 and 5xx answers are retried after their ``Retry-After``
(or an exponential backoff), capped at ``max_wait``. The figures a user sees
(requests, bytes, seconds waited) are counted here.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests

RETRIED_STATUSES = (429, 500, 502, 503, 504)


class TooLarge(requests.RequestException):
    """A body over the size cap (the crawl's DOWNLOAD_MAXSIZE)."""


@dataclass
class Reply:
    """What one request got: status, headers, the (decoded) body."""

    url: str
    status_code: int
    headers: requests.structures.CaseInsensitiveDict
    content: bytes


@dataclass
class Politeness:
    requests: int = 0
    bytes: int = 0
    waited: float = 0.0      # seconds slept: delays, Retry-After and backoff
    throttled: int = 0       # answers 429/5xx that made us wait and retry

    def line(self) -> str:
        return (f"artighet: {self.requests} förfrågningar, {self.bytes / 1e6:.2f} MB, "
                f"väntade {self.waited:.1f} s, {self.throttled} bromsande svar (429/5xx) "
                "följda av nytt försök efter Retry-After")


class PoliteClient:
    def __init__(self, user_agent: str, delay: float, max_wait: float, retries: int,
                 timeout: float, max_bytes: int = 15 * 1024 * 1024, sleep=time.sleep):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.delay, self.max_wait, self.retries, self.timeout = delay, max_wait, retries, timeout
        self.sleep, self.max_bytes = sleep, max_bytes
        self.stats = Politeness()
        self._last: dict[str, float] = {}

    def close(self) -> None:
        self.session.close()

    def get(self, url: str) -> Reply:
        """GET without following redirects; retried politely; raises on network errors."""
        host = urlsplit(url).netloc
        for attempt in range(self.retries + 1):
            self._wait_turn(host)
            try:
                reply = self._fetch(url)
            except TooLarge:
                raise
            except requests.RequestException:
                if attempt == self.retries:
                    raise
                self._pause(self._backoff(attempt))
                continue
            finally:
                self._last[host] = time.monotonic()
            if reply.status_code in RETRIED_STATUSES and attempt < self.retries:
                self.stats.throttled += 1
                wait = retry_after(reply)
                self._pause(self._backoff(attempt) if wait is None else wait)
                continue
            return reply
        raise AssertionError("unreachable")

    def _fetch(self, url: str) -> Reply:
        with self.session.get(url, timeout=self.timeout, allow_redirects=False,
                              stream=True) as response:
            self.stats.requests += 1
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                self.stats.bytes += len(chunk)
                if size > self.max_bytes:
                    raise TooLarge(f"innehållet är över {self.max_bytes} byte: {url}")
                chunks.append(chunk)
            return Reply(url, response.status_code, response.headers, b"".join(chunks))

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            self._pause(self.delay - (time.monotonic() - last))

    def _backoff(self, attempt: int) -> float:
        return max(self.delay, 1.0) * 2 ** attempt

    def _pause(self, seconds: float) -> None:
        seconds = min(max(seconds, 0.0), self.max_wait)
        if seconds > 0:
            self.stats.waited += seconds
            self.sleep(seconds)


def retry_after(response: Reply) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)

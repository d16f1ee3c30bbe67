"""Recognise 200 responses that carry no real page (empty, soft 404, WAF).

These are recorded as fetch errors instead of new versions, so that a
captcha wall or a "page not found" served with 200 never replaces a
promise page's archived text.
"""

from __future__ import annotations

import re

_SOFT_404 = re.compile(
    r"sidan\s+(du\s+söker\s+)?(kunde\s+inte\s+hittas|finns\s+inte|saknas)"
    r"|page\s+not\s+found|404\s*[-–]?\s*(sidan|not\s+found)", re.I)
_BLOCKED = re.compile(
    r"captcha|inte\s+är\s+en\s+robot|not\s+a\s+robot|access\s+denied|"
    r"request\s+(was\s+)?blocked|cloudflare\s+ray\s+id|web\s+application\s+firewall", re.I)


def body_problem(item) -> tuple[str, str] | None:
    """(kind, message) when a 200 body is not a real page, else None."""
    body = item.body
    if not body.strip():
        return "empty", "200 response with an empty body"
    if body.startswith(b"%PDF") or len(body) > 200_000:
        return None  # a long page is real content even if it mentions 404
    head = body[:20_000].decode("utf-8", errors="ignore")
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", head))
    if len(visible) < 6000 and _SOFT_404.search(visible):
        return "soft_404", "200 response whose text says the page was not found"
    if len(visible) < 6000 and _BLOCKED.search(visible):
        return "blocked", "WAF/captcha page instead of content"
    return None

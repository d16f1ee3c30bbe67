"""Guards every page of the site shares: bounded request parameters, Swedish
error pages, and the limiter that sheds load when heavy requests pile up.

New pages use these too: `bounded_int` for every number a visitor can type,
`error_page` for every 4xx/5xx answer, `HeavyLimiter` (via the site's ASGI
wrapper) for what costs CPU.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from datasette.utils.asgi import Response

# The largest page number any paged view accepts: 200 pages of 50 is 10,000
# hits, more than anyone reads; beyond it the offset alone costs real work.
MAX_PAGE = 200
# Snapshot and commitment ids are SQLite integer keys.
MAX_ID = 2**63 - 1


class BadParameter(ValueError):
    """A request parameter out of range or malformed; its message is Swedish."""


def bounded_int(value: str | None, name: str, *, default: int | None = None,
                low: int = 1, high: int = MAX_PAGE) -> int:
    """``value`` as an int in [low, high]; `BadParameter` otherwise.

    Only ASCII digits (an optional minus first) and at most 19 of them, so a
    100-digit number is refused before int() and SQLite ever see it.
    """
    if value is None or value == "":
        if default is None:
            raise BadParameter(f"Parametern {name} saknas.")
        return default
    digits = value[1:] if value.startswith("-") else value
    if not digits.isascii() or not digits.isdigit() or len(digits) > 19:
        raise BadParameter(f"Parametern {name} måste vara ett heltal.")
    number = int(value)
    if not low <= number <= high:
        raise BadParameter(f"Parametern {name} måste vara mellan {low} och {high}.")
    return number


@dataclass(frozen=True)
class ErrorText:
    title: str
    text: str


ERRORS = {
    400: ErrorText("Felaktig fråga", "Adressen innehåller ett värde som inte går att använda."),
    403: ErrorText("Inte tillgängligt", "Den här delen av arkivet visas inte."),
    404: ErrorText("Sidan finns inte", "Det finns ingen sida på den adressen."),
    405: ErrorText("Metoden stöds inte", "Arkivet går bara att läsa (GET)."),
    500: ErrorText("Något gick fel", "Ett fel uppstod. Försök igen om en stund."),
    503: ErrorText("Hög belastning", "Arkivet har många besökare just nu. Försök igen om "
                                     "några sekunder."),
}


async def error_page(datasette, request, status: int, message: str | None = None,
                     headers: dict | None = None) -> Response:
    """A Swedish error page (JSON for .json paths) with ``status``."""
    error = ERRORS.get(status, ERRORS[400 if status < 500 else 500])
    text = message or error.text
    path = request.path if request is not None else ""
    if path.endswith(".json"):  # an API client gets JSON
        return Response.json({"ok": False, "status": status, "error": text}, status=status,
                             headers=headers)
    # Outside Datasette's middleware (the site's ASGI guard) there is no CSRF
    # token in the scope; the page is then rendered without the request.
    inside = request is not None and "csrftoken" in request.scope
    html = await datasette.render_template(
        "fel.html", {"title": error.title, "message": text, "status": status},
        request=request if inside else None)
    return Response.html(html, status=status, headers=headers)


class Overloaded(Exception):
    """Raised by `HeavyLimiter.slot` when the queue is full or the wait too long."""


class HeavyLimiter:
    """At most ``running`` heavy requests at once, at most ``queued`` waiting
    (each at most ``wait`` seconds); the rest are refused at once, so light
    pages keep answering while the site is flooded."""

    def __init__(self, running: int = 4, queued: int = 16, wait: float = 5.0):
        self.running, self.queued, self.wait = running, queued, wait
        self._semaphore: asyncio.Semaphore | None = None
        self.waiting = 0

    def slot(self) -> "_Slot":
        if self._semaphore is None:  # created on the serving event loop
            self._semaphore = asyncio.Semaphore(self.running)
        return _Slot(self)


class _Slot:
    def __init__(self, limiter: HeavyLimiter):
        self.limiter = limiter

    async def __aenter__(self):
        limiter = self.limiter
        if limiter._semaphore.locked() and limiter.waiting >= limiter.queued:
            raise Overloaded()
        limiter.waiting += 1
        try:
            await asyncio.wait_for(limiter._semaphore.acquire(), limiter.wait)
        except asyncio.TimeoutError:
            raise Overloaded() from None
        finally:
            limiter.waiting -= 1
        return self

    async def __aexit__(self, *exc):
        self.limiter._semaphore.release()
        return False

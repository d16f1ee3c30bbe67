"""Promise periods in the many notations Swedish pages use.

``find_periods(text)`` returns every period mentioned, most specific first
within each match position; ``best_period`` picks the one a document is for.
Year-only periods span 1 January – 31 December; open-ended wordings ("gäller
tills nya…", "från och med 2024", "tills vidare") leave the end open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {"januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
          "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12}
_MONTH = "(" + "|".join(MONTHS) + ")"
_YEAR = r"(20[1-3]\d)"
_DASH = r"\s*(?:-|–|—|/|till(?: och med)?|t\.?\s?o\.?\s?m\.?)\s*"
_DATE_RANGE = re.compile(
    rf"(\d{{1,2}})\s+{_MONTH}\s*{_YEAR}?{_DASH}(\d{{1,2}})\s+{_MONTH}\s+{_YEAR}", re.I)
_ISO_RANGE = re.compile(rf"{_YEAR}-(\d\d)-(\d\d){_DASH}{_YEAR}-(\d\d)-(\d\d)")
_YEAR_RANGE = re.compile(rf"(?<![\d-]){_YEAR}\s*(?:-|–|—|/)\s*(20[1-3]\d|\d\d)(?![\d-])")
_FROM_YEAR = re.compile(rf"(?:från och med|fr\.?\s?o\.?\s?m\.?|från|fr o m)\s+(?:år\s+)?{_YEAR}"
                        rf"(?!\s*(?:-|–|till))", re.I)
_SINGLE_YEAR = re.compile(rf"(?<![\d-]){_YEAR}(?![\d-])")
OPEN_ENDED = re.compile(r"gäller\s+(tills|till dess|fram till dess)|tills vidare|tills nya|"
                        r"fram till dess att nya", re.I)


@dataclass(frozen=True)
class Period:
    label: str
    start: str | None
    end: str | None
    precision: int      # 3 exact dates, 2 year range, 1 open from a year, 0 single year

    def as_dict(self) -> dict:
        return {"label": self.label, "start": self.start, "end": self.end}

    @property
    def start_year(self) -> int | None:
        return int(self.start[:4]) if self.start else None

    @property
    def end_year(self) -> int | None:
        return int(self.end[:4]) if self.end else None


def find_periods(text: str) -> list[Period]:
    found: list[tuple[int, Period]] = []
    taken: list[tuple[int, int]] = []

    def free(span) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for m in _DATE_RANGE.finditer(text):
        y2 = int(m.group(6))
        y1 = int(m.group(3)) if m.group(3) else y2
        start = _date(y1, MONTHS[m.group(2).lower()], int(m.group(1)))
        end = _date(y2, MONTHS[m.group(5).lower()], int(m.group(4)))
        if start and end and start <= end:
            found.append((m.start(), Period(m.group(0).strip(), start, end, 3)))
            taken.append(m.span())
    for m in _ISO_RANGE.finditer(text):
        if free(m.span()):
            start = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            end = _date(int(m.group(4)), int(m.group(5)), int(m.group(6)))
            if start and end and start <= end:
                found.append((m.start(), Period(m.group(0).strip(), start, end, 3)))
                taken.append(m.span())
    for m in _YEAR_RANGE.finditer(text):
        if not free(m.span()):
            continue
        first = int(m.group(1))
        second = m.group(2)
        last = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if first <= last <= first + 4:
            found.append((m.start(), Period(m.group(0).strip(), f"{first}-01-01",
                                            f"{last}-12-31", 2)))
            taken.append(m.span())
    for m in _FROM_YEAR.finditer(text):
        if free(m.span()):
            found.append((m.start(), Period(m.group(0).strip(), f"{m.group(1)}-01-01", None, 1)))
            taken.append(m.span())
    for m in _SINGLE_YEAR.finditer(text):
        if free(m.span()):
            year = m.group(1)
            found.append((m.start(), Period(year, f"{year}-01-01", f"{year}-12-31", 0)))
    return [p for _, p in sorted(found, key=lambda pair: pair[0])]


def _date(year: int, month: int, day: int) -> str | None:
    import datetime

    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def best_period(heading: str, body: str) -> Period | None:
    """The period of a document: its heading's, widened by its body's ranges.

    A heading "Medborgarlöfte 2016" over a text "under 2016-2017" is the range
    2016-2017; exact dates beat year ranges beat single years. "gäller tills
    nya…" without an end year opens the end.
    """
    in_heading = find_periods(heading)
    in_body = find_periods(body)
    candidates = in_heading + in_body
    if not candidates:
        return None
    anchor = max(in_heading, key=lambda p: p.precision) if in_heading else None
    if anchor is not None:
        wider = [p for p in in_body if p.precision > anchor.precision and p.start_year is not None
                 and p.start_year <= (anchor.start_year or 0) <= (p.end_year or 9999)]
        chosen = max(wider, key=lambda p: p.precision) if wider else anchor
    else:
        best = max(p.precision for p in in_body)
        chosen = next(p for p in in_body if p.precision == best)
    if chosen.precision == 0 and OPEN_ENDED.search(body) and not in_heading:
        return Period(chosen.label, chosen.start, None, chosen.precision)
    return chosen

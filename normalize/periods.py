"""Promise periods in the many notations Swedish pages use.

``find_periods(text)`` returns every period mentioned, in text order;
``best_period`` picks the one a document is for.

| notation | start | end |
|---|---|---|
| "1 april 2018 till 31 mars 2019", "1/4 2018–31/3 2019" | 2018-04-01 | 2019-03-31 |
| "2024-03-01 – 2025-02-28" | 2024-03-01 | 2025-02-28 |
| "april 2023 – mars 2024" | 2023-04-01 | 2024-03-31 |
| "2016-2017", "2022/2023", "2022–23", "2022 och 2023" | 2022-01-01 | 2023-12-31 |
| "för 2021", "Medborgarlöfte 2021" | 2021-01-01 | 2021-12-31 |
| "från och med 2024", "fr.o.m. 1 juli 2024" | 2024-01-01 / 2024-07-01 | null |
| a single year + "gäller tills nya …", "tills vidare" | year-01-01 | null |

A stated range keeps its end even when the page adds "gäller tills nya
löften undertecknats" (Kristinehamn 2016-2017 ends 2017-12-31).
Dates in "Sidan uppdaterad 2017-11-13" / "Publicerad" lines are not periods.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from normalize.caseless import FOLDS_APART, Caseless

MONTHS = {"januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
          "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12}
_MONTH = "(" + "|".join(MONTHS) + ")"
_YEAR = r"(20[1-3]\d)"
_DASH = r"\s*(?:-|–|—|/|till(?: och med)?|t\.?\s?o\.?\s?m\.?|tom)\s*"
_DATE_RANGE = re.compile(
    rf"(\d{{1,2}})\s+{_MONTH}\s*{_YEAR}?{_DASH}(\d{{1,2}})\s+{_MONTH}\s+{_YEAR}", re.I)
_SLASH_RANGE = re.compile(rf"(\d{{1,2}})/(\d{{1,2}})\s+{_YEAR}{_DASH}(\d{{1,2}})/(\d{{1,2}})\s+{_YEAR}")
_ISO_RANGE = re.compile(rf"{_YEAR}-(\d\d)-(\d\d){_DASH}{_YEAR}-(\d\d)-(\d\d)")
_MONTH_RANGE = re.compile(rf"(?<!\d\s){_MONTH}\s*{_YEAR}?{_DASH}{_MONTH}\s+{_YEAR}", re.I)
_YEAR_RANGE = re.compile(rf"(?<![\d-]){_YEAR}\s*(?:-|–|—|/|till|och)\s*(20[1-3]\d|\d\d)(?![\d-])")
_FROM_DATE = re.compile(rf"(?:från och med|fr\.?\s?o\.?\s?m\.?|från)\s+(?:den\s+)?(\d{{1,2}})\s+"
                        rf"{_MONTH}\s+{_YEAR}(?!\s*(?:-|–|till\b))", re.I)
_FROM_ISO = re.compile(rf"(?:från och med|fr\.?\s?o\.?\s?m\.?|från)\s+(?:den\s+)?{_YEAR}-(\d\d)-(\d\d)"
                       rf"(?!\s*(?:-|–|till\b))", re.I)
_FROM_YEAR = re.compile(rf"(?:från och med|fr\.?\s?o\.?\s?m\.?|från|fr o m)\s+(?:år\s+)?{_YEAR}"
                        rf"(?!\s*(?:-|–|till\b|/))", re.I)
_SINGLE_YEAR = re.compile(rf"(?<![\d-]){_YEAR}(?![\d-])")
# "gäller tills nya …", "tills vidare", "gäller löpande": searched over a whole document's
# text, lower-cased and without re.I, one pattern per opening word (normalize.caseless).
OPEN_ENDED = Caseless(r"gäller\s+(?:tills|till dess|fram till dess|löpande)",
                      r"tills (?:vidare|nya|vi tecknar)", r"fram till dess att nya")
# Lines whose dates are about the web page, not the promise.
_PAGE_DATE_LINE = re.compile(r"(?:uppdaterad|publicerad|granskad|ändrad|senast)\b[^\n]*", re.I)
_PAGE_DATE_WORDS = ("uppdaterad", "publicerad", "granskad", "ändrad", "senast")


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
    if not _ANY_YEAR.search(text):
        return []        # every notation has a year 2010–2039 (and blanking lines adds none)
    lowered = text.lower()
    # Literal tests on the lower-cased text before the re.I patterns, which re tries at
    # every position: a pattern whose words are missing cannot match (exact unless the
    # text holds a character re folds unlike str.lower: then everything runs).
    folds = any(char in text for char in FOLDS_APART)
    if folds or any(word in lowered for word in _PAGE_DATE_WORDS):
        text = _PAGE_DATE_LINE.sub(lambda m: " " * len(m.group(0)), text)
    months = folds or any(month in lowered for month in MONTHS)
    froms = folds or "fr" in lowered
    found: list[tuple[int, Period]] = []
    taken: list[tuple[int, int]] = []

    def add(match, period: Period | None) -> None:
        span = match.span()
        if period and all(span[1] <= a or span[0] >= b for a, b in taken):
            found.append((span[0], period))
            taken.append(span)

    for m in _DATE_RANGE.finditer(text) if months else ():
        y2 = int(m.group(6))
        add(m, _exact(m.group(0), int(m.group(3) or y2), MONTHS[m.group(2).lower()],
                      int(m.group(1)), y2, MONTHS[m.group(5).lower()], int(m.group(4))))
    for m in _SLASH_RANGE.finditer(text):
        add(m, _exact(m.group(0), int(m.group(3)), int(m.group(2)), int(m.group(1)),
                      int(m.group(6)), int(m.group(5)), int(m.group(4))))
    for m in _ISO_RANGE.finditer(text):
        add(m, _exact(m.group(0), int(m.group(1)), int(m.group(2)), int(m.group(3)),
                      int(m.group(4)), int(m.group(5)), int(m.group(6))))
    for m in _MONTH_RANGE.finditer(text) if months else ():
        y2, m1, m2 = int(m.group(4)), MONTHS[m.group(1).lower()], MONTHS[m.group(3).lower()]
        y1 = int(m.group(2)) if m.group(2) else (y2 if m1 <= m2 else y2 - 1)
        add(m, _exact(m.group(0), y1, m1, 1, y2, m2, calendar.monthrange(y2, m2)[1]))
    for m in _YEAR_RANGE.finditer(text):
        first, second = int(m.group(1)), m.group(2)
        last = int(second) if len(second) == 4 else (first // 100) * 100 + int(second)
        if first < last <= first + 4:
            add(m, Period(m.group(0).strip(), f"{first}-01-01", f"{last}-12-31", 2))
    for m in _FROM_DATE.finditer(text) if months and froms else ():
        start = _date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        add(m, Period(m.group(0).strip(), start, None, 1) if start else None)
    for m in _FROM_ISO.finditer(text) if froms else ():
        start = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        add(m, Period(m.group(0).strip(), start, None, 1) if start else None)
    for m in _FROM_YEAR.finditer(text) if froms else ():
        add(m, Period(m.group(0).strip(), f"{m.group(1)}-01-01", None, 1))
    for m in _SINGLE_YEAR.finditer(text):
        year = m.group(1)
        add(m, Period(year, f"{year}-01-01", f"{year}-12-31", 0))
    return [p for _, p in sorted(found, key=lambda pair: pair[0])]


def _exact(label: str, y1: int, m1: int, d1: int, y2: int, m2: int, d2: int) -> Period | None:
    start, end = _date(y1, m1, d1), _date(y2, m2, d2)
    if start and end and start < end:
        return Period(label.strip(), start, end, 3)
    return None


def _date(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


# Sentences that state what a period is for ("Medborgarlöftet gäller…", "tecknat
# medborgarlöften för 2016-2017"), as opposed to history ("pilotprojektet 2014/2015").
_ANY_YEAR = re.compile(r"20[1-3]\d")
# "Medborgarlöftet gäller 2023–2024", "tecknat medborgarlöften för 2016-2017"
_VALIDITY = Caseless(r"gäller|giltig|löptid|period|avser|tecknat|tecknade|undertecknat|"
                     r"verksamhetsår|\bför\s+(?:år\s+|perioden\s+|verksamhetsåret\s+)?20[1-3]\d")
# "sedan 2015", "pilotprojektet 2014/2015", "tidigare": history, not the promise's period;
# "Under 2020 genomfördes …": a report; "följs upp i december 2025": a review date.
_HISTORY = Caseless(r"\bsedan\b|\bpilot|\btidigare\b|\bförra\b|\bföregående\b|"
                    r"\b(?:genomfördes|hölls|gjordes|var|hade|deltog|besvarades)\b|"
                    r"\bfölj(?:s|er|des)\s+upp\b|\buppföljning|\bredovis|\butvärder|\bslutrapport|"
                    r"\bnästa\s+(?:medborgar)?löfte")
_PERIOD_CUE = Caseless(r"medborgarlöft|löfte|gäller|period|avser|under\s+(?:år\s+)?20")
# (These three are Caseless: matched on the lower-cased sentence, without re.I.)


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


def _lines_with_year(body: str):
    """The lines of ``body`` that name a year 2010–2039, in order: found from the
    years (re's literal scan for "20") instead of splitting a long document into
    lines that mostly name none."""
    end = -1
    for year in _ANY_YEAR.finditer(body):
        if year.start() < end:
            continue        # on the line already given
        start = body.rfind("\n", 0, year.start()) + 1
        end = body.find("\n", year.end())
        if end < 0:
            end = len(body)
        yield body[start:end]


def best_period(heading: str, body: str) -> Period | None:
    """The period of a document: its heading's, widened by its body's ranges.

    A heading "Medborgarlöfte 2016" over a text "under 2016-2017" is the range
    2016-2017; exact dates beat year ranges beat single years; in the body,
    sentences about the promise beat other sentences. A single year with
    "gäller tills nya…" leaves the end open.
    """
    in_heading = find_periods(heading)
    tiers: tuple[list[Period], ...] = ([], [], [])   # validity, about the promise, other
    for line in _lines_with_year(body):
        for sentence in _SENTENCE_BREAK.split(line):
            if _ANY_YEAR.search(sentence) and not _HISTORY.search(sentence):
                tier = 0 if _VALIDITY.search(sentence) else 1 if _PERIOD_CUE.search(sentence) else 2
                tiers[tier].extend(find_periods(sentence))
    cued = tiers[0] + tiers[1]
    in_body = tiers[0] or tiers[1] or tiers[2]
    if not in_heading and not in_body:
        return None
    if in_heading:
        anchor = max(in_heading, key=lambda p: p.precision)
        wider = [p for p in cued if p.precision > anchor.precision and p.start_year is not None
                 and p.start_year <= (anchor.start_year or 0) <= (p.end_year or 9999)]
        chosen = max(wider, key=lambda p: p.precision) if wider else anchor
    else:
        best = max(p.precision for p in in_body)
        chosen = next(p for p in in_body if p.precision == best)
    if chosen.precision == 0 and OPEN_ENDED.search(body):
        return Period(chosen.label, chosen.start, None, chosen.precision)
    return chosen

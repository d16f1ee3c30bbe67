"""Is this page a medborgarlöfte, and is this link worth following? Scores with reasons.

A page is judged from all the evidence a person uses: its title and
headings, its URL path and file name (å/ä/ö folded as slugs fold them), the
text of the link that led there and the words around it, a PDF's metadata
and text, the body, and the promise-shaped structure itself (a period,
the two parties, lists of what each "lovar"/"ska" do — the normalizer's
``extract`` finds commitments). Municipal sites name the same thing in many
ways ("samverkansöverenskommelse", "trygghetslöfte", "gemensamma åtaganden",
"Trygg i X"), so synonyms count too. The page is archived when any strong
signal fires and no decoy cue (a survey, a page explaining the method)
outweighs it, and unless the page only points elsewhere (it names the
promise but has no period, no commitment verbs and no commitments); the
score and the reasons are stored on the page row so a missed or wrong page
can be explained.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from normalize import InputError, extract
from normalize.municipalities import fold  # lower-case ASCII folding, as slugs do

# -- link scoring (which links to follow first) ---------------------------------
# (pattern, weight). Patterns match ASCII-folded, lower-cased text, so
# "medborgarlöften", "Medborgarloften" and "medborgarlofte" all match.
KEYWORDS: tuple[tuple[str, float], ...] = (
    (r"medborgarl[o]ft", 10.0),
    (r"trygghetslofte|samverkansoverenskommelse|overenskommelse om samverkan"
     r"|gemensamma ataganden", 8.0),
    (r"lokal[a]?\s*samverkan|samverkansavtal", 4.0),
    (r"brottsforebygg", 4.0),
    (r"trygghet|trygg\b|tryggare|otrygg", 3.0),
    (r"\bpolis", 3.0),
    (r"\bbra\b|brottsforebyggande rad", 2.0),
    (r"samverkan", 1.5),
    (r"sakerhet|krisberedskap", 1.0),
    (r"kommun[- ]och[- ]politik|kommun-politik|styrning|politik", 0.5),
)
_COMPILED = tuple((re.compile(p), w) for p, w in KEYWORDS)
# Links that never lead to promises: files, login, calendars, feeds.
_NEGATIVE = re.compile(
    r"\.(jpe?g|png|gif|svg|webp|zip|docx?|xlsx?|pptx?|mp[34]|ics)$|/(login|logga-in)|"
    r"mailto:|tel:|javascript:|/rss|/kalender|/evenemang|/lediga-jobb|/jobb", re.I)


def score_text(text: str) -> float:
    folded = fold(text)
    return sum(w for pattern, w in _COMPILED if pattern.search(folded))


def url_words(url: str) -> str:
    """A URL's path and file name as words: "/a/lofte_2025.pdf" → "a lofte 2025 pdf"."""
    path = unquote(urlsplit(url).path)
    return re.sub(r"[-_/.]+", " ", path).strip()


def link_score(url: str, link_text: str = "", context: str = "") -> float:
    """Relevance of a link from its URL, its text and the text around it."""
    if _NEGATIVE.search(url):
        return -1.0
    return (1.5 * score_text(link_text) + 1.0 * score_text(url_words(url))
            + 0.5 * score_text(context))


def is_pdf_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(".pdf")


_PROMISE_TEXT = re.compile(r"medborgarl[o]ft")


def mentions_promise(text: str) -> bool:
    """True when a text speaks of medborgarlöften (any inflection)."""
    return bool(_PROMISE_TEXT.search(fold(text)))


# -- page judgement (archive or not) ------------------------------------------
# What a page is called: the word itself, and the synonyms municipalities use.
TERM = re.compile(r"medborgarl[o]ft")
SYNONYMS = re.compile(
    r"samverkansoverenskommelse|trygghetslofte|gemensamma ataganden"
    r"|lokal samverkan med polisen|overenskommelse om samverkan|samverkansavtal")
# "Trygg i Kungälv" is a promise programme's name, but only as a title or heading.
TRYGG_I = re.compile(r"^\s*trygg i [a-z]")
# Pages that speak *about* promises without being one.
DECOY = re.compile(
    r"\benkat|tyck till|undersokning|trygghetsmatning|medborgardialog|\bsvara pa"
    r"|arbetsmetod|sa arbetar|vad ar (ett )?medborgarl|om metoden")
PERIOD = re.compile(r"\b20\d\d\s*[-–/]\s*(20)?\d\d\b")
COMMITMENT_CUE = re.compile(r"\b(lovar|ska|skall|atar sig|kommer att)\b[^.\n]{0,40}(att\b|:)?")
# Field weights: a word in the title says more than the same word in the body.
WEIGHTS = {"title": 10.0, "heading": 10.0, "url": 8.0, "pdf": 8.0, "anchor": 6.0,
           "context": 2.0, "body": 3.0}
STRONG_FIELDS = ("title", "heading", "url", "pdf")
THRESHOLD = 8.0
LABELS = {"title": "titel", "heading": "rubrik", "url": "adress", "pdf": "pdf-metadata",
          "anchor": "länktext", "context": "text vid länken", "body": "brödtext"}


@dataclass
class Evidence:
    """What is known about one fetched page when it is judged."""

    url: str
    title: str = ""
    headings: str = ""
    body: str = ""          # main text (HTML) or text (PDF)
    anchor: str = ""        # text of the link that led here
    context: str = ""       # words around that link
    pdf_meta: str = ""      # PDF title, subject, keywords
    raw: bytes = b""        # the body, for the normalizer's structure check
    content_type: str = ""
    unreadable: str = ""    # why a PDF could not be read ("" when it could)


@dataclass
class Judgement:
    relevant: bool
    score: float
    reasons: list[str] = field(default_factory=list)


def judge(evidence: Evidence) -> Judgement:
    """Archive or not, with a score and the reasons (Swedish, for the page row).

    An unreadable PDF reached by a relevant link is archived as it is, so the
    archive keeps the raw body and records why it has no text.
    """
    if evidence.unreadable:
        return Judgement(True, 0.0, [f"pdf oläslig: {evidence.unreadable}"])
    fields = {"title": evidence.title, "heading": evidence.headings,
              "url": url_words(evidence.url), "pdf": evidence.pdf_meta,
              "anchor": evidence.anchor, "context": evidence.context,
              "body": evidence.body[:20000]}
    folded = {name: fold(text) for name, text in fields.items()}
    score, reasons, strong = 0.0, [], False
    for name, text in folded.items():
        hit = _named(text, name)
        if hit:
            score += WEIGHTS[name]
            reasons.append(f"{LABELS[name]}: {hit}")
            strong |= name in STRONG_FIELDS
    shape, shape_reasons = _shape(folded["body"])
    score += shape
    reasons += shape_reasons
    commitments = _commitments(evidence) if score > 0 else 0
    if commitments:
        score += 10.0
        reasons.append(f"struktur: {commitments} åtaganden (normaliseraren)")
    named_in_link = any(_named(folded[n], n) for n in ("anchor", "context"))
    strong = (strong or commitments > 0 or (named_in_link and shape >= 4)
              or (bool(_named(folded["body"], "body")) and shape >= 6))
    decoy = _decoy(folded)
    if decoy and not commitments:
        score -= 12.0
        reasons.append(f"lockbete: {decoy}")
        strong = False
    if strong and not commitments and _no_content(folded["body"]):
        reasons.append("hänvisning: nämner löftet men har inga åtaganden")
        strong = False
    return Judgement(strong and score >= THRESHOLD, round(score, 1), reasons)


def _named(folded: str, field_name: str) -> str:
    """The promise word or synonym found in one field ("" if none)."""
    match = TERM.search(folded) or SYNONYMS.search(folded)
    if match:
        return match.group(0)
    if field_name in ("title", "heading", "url") and any(
            TRYGG_I.search(line) for line in folded.splitlines() or [""]):
        return "trygg i …"
    return ""


def _shape(folded_body: str) -> tuple[float, list[str]]:
    """Promise-shaped text: a period, both parties, commitment verbs."""
    score, reasons = 0.0, []
    if PERIOD.search(folded_body):
        score += 2.0
        reasons.append("period")
    if re.search(r"\bpolis", folded_body) and re.search(r"\bkommun", folded_body):
        score += 2.0
        reasons.append("polisen och kommunen")
    cues = len(COMMITMENT_CUE.findall(folded_body))
    if cues >= 2:
        score += 3.0
        reasons.append(f"{cues} löftesverb")
    return score, reasons


def _no_content(folded_body: str) -> bool:
    """A page that only points to the promise ("read it on polisen.se"): no period, no verbs."""
    return not PERIOD.search(folded_body) and not COMMITMENT_CUE.search(folded_body)


def _commitments(evidence: Evidence) -> int:
    """Commitments the normalizer finds in the page (0 when it finds none or cannot read it)."""
    if not evidence.raw:
        return 0
    try:
        result = extract(evidence.raw, url=evidence.url, content_type=evidence.content_type)
    except (InputError, ValueError):
        return 0
    return sum(len(d.get("commitments", [])) for d in result["documents"])


def _decoy(folded: dict[str, str]) -> str:
    """A survey, a method description or a course: about promises, not one."""
    for name in ("title", "heading", "url"):
        match = DECOY.search(folded[name])
        if match:
            return match.group(0).strip()
    return ""


def pdf_metadata(body: bytes) -> str:
    """Title, subject and keywords of a PDF ("" when it has none or cannot be read)."""
    import pdfplumber  # heavy optional import: only PDFs need it

    try:
        with pdfplumber.open(io.BytesIO(body)) as pdf:
            return " ".join(str(pdf.metadata.get(k, "")) for k in
                            ("Title", "Subject", "Keywords")).strip()
    except Exception:  # pdfminer raises many types; the archive records unreadable PDFs
        return ""

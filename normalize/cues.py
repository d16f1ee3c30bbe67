"""Swedish cues that tell what a heading, lead-in or list item is.

Every rule that reads page wording lives here, so that documents.py only
deals with structure. The cues are deliberately generic (verbs and section
names that recur on promise pages), never one municipality's phrasing.
"""

from __future__ import annotations

import re

from normalize.caseless import Caseless, Gated, LiteralGate, alternatives
from normalize.periods import find_periods
from normalize.responsibility import ACTOR_SUBJECT
from normalize.reasons import Form

# Sections whose lists are never promises: purposes, goals, focus areas,
# problem pictures, follow-up and results, the cooperation agreement, contacts,
# documents and links, explanations of what a medborgarlöfte is.
# (TRAP and LEAD match the lower-cased text one alternative at a time, each only when
# the literal it opens with occurs: normalize.caseless. Same answers, a fraction of the time.)
TRAP = Caseless(*alternatives(
    r"\bsyfte|\bsyftar|\bmål(?:et|en|sättning\w*|bild)?\b|fokusområd|\bfokus(?:erar)?\b|lägesbild|"
    r"problembild|problem\w* (?:är|som)|bakgrund|uppföljning|utvärdering|\bresultat|"
    r"\bkontakt|\bdokument\b|\bbilag|läs mer|\bhär hittar|\bladda ner|organisation|arbetsgrupp|"
    r"kartläggning|överenskommelse|samverkansavtal|\bavtal\b|\btidsram|\btidplan|relaterad|"
    r"länkar|så gick det|genomför(?:t|da)\b|redovisning|prioriterade områden|statistik|"
    r"\bom medborgarlöft|vad är (?:ett )?medborgarlöfte|frågor och svar|\bnyheter|"
    r"\bså (?:tas|går det)|\bhur (?:tas|går|fungerar)|\btas fram|\bprocess|"
    r"\bexempel\b|\bexempel på|\bparterna\b|\bdialog(?:er|erna)?\b.{0,20}(?:visade|visar)|identifiera|"
    r"\bvisade\b|\bvisar att|\bunderlag|\borsak|\butmaning|\bönskemål|\bsynpunkter|\benkät|"
    # addressed to the reader ("Du kan hjälpa till genom att:"), or reporting what was done
    r"\bdu\b|\bdig\b|\bdin\b|\bgjorts\b|\butförts\b|\bgenomfördes\b|\bhar gjort|"
    r"\bfölj(?:er|s|a) (?:vi )?upp\b"))
# "Lovar" in a lead-in outranks a trap word in it ("Polisen lovar att i syfte att…:").
STRONG_LEAD = re.compile(r"\blov(?:ar|at)\b|\båtar sig\b|\btar på sig\b", re.I)
# Headings/lead-ins under which the promises (or their activities) are listed.
LEAD = Caseless(*alternatives(
    r"\blov(?:ar|at)\b|\båtar sig|\båtagande|genom att|\binnehåll|aktivitet|\bvi ska\b|"
    r"\bska vi\b|\bgör vi\b|\bvi gör\b|\bvi kommer\b|\bkommer vi\b|\båtgärd|\binsatser|"
    r"\bkonkret|för att uppnå|\buppnås\b|\bska (?:göras|genomföras)\b|\bvad görs\b|"
    r"(?:polisen|kommunen|kommunerna|\w+s kommun|\w+ stad) (?:ska|kommer att|ansvarar)\b|"
    r"^(?:(?:våra|vårt|de|nya|gemensamma|lokala|årets)\s+(?:medborgar)?löft(?:e|et|en|ena)|"
    r"(?:medborgar)?löft(?:et|ena)|löft(?:e|en))\b(?:\s+(?:är|lyder|innebär|för \S+|"
    r"(?:till|för)\s+(?:dig|er|invånarna|\S+bor(?:na)?)))?\s*:?$|"
    r"löftet (?:är|lyder|innebär|innehåller)|löftena (?:är|lyder)|följande (?:löften|åtaganden)"))
ACTIVITY_LEAD = re.compile(r"aktivitet|\båtgärd|\binsatser|för att uppnå|uppnås genom|"
                           r"\bgör vi\b|\bgenom att\b|\bvi gör\b|så här", re.I)
# A heading that only names a party: "Polisen", "Kommunen ska", "Polisens åtaganden".
PARTY_LABEL = re.compile(
    r"^(?:(?:lokal)?polis(?:en|ens|myndigheten|myndighetens)?|kommun(?:en|ens|erna|ernas)?|"
    r"[A-ZÅÄÖ][\wåäö-]+s (?:kommun|stad)|[A-ZÅÄÖ][\wåäö-]+ (?:kommun|stad)|region gotland|"
    r"gemensam(?:t|ma)?|tillsammans|båda parter(?:na)?|vi gemensamt)"
    r"(?:\s+(?:och|&)\s+(?:polisen|kommunen|[A-ZÅÄÖ][\wåäö-]+s? (?:kommun|stad)))?"
    r"(?:\s+(?:lovar|åtar sig|ska|skall|kommer|gör|åtaganden|åtagande|löften|löfte|del|ansvar|"
    r"aktiviteter|insatser|bidrar med))?(?:\s+att)?\s*:?$", re.I)
# "Löfte 1: Ökad trygghet", "Medborgarlöfte 2 – Trafik", "Löfte: …", "Aktivitet 3: …".
NUMBERED_PROMISE = re.compile(r"^(?:(?:medborgar)?löfte\s*(?:nr\.?|nummer)?\s*(?P<n>\d{1,2})\s*[:.–—-]|"
                              r"löfte\s*:)\s*(?P<text>\S.+)", re.I)
BARE_PROMISE_NUMBER = re.compile(r"^(?:medborgar)?löfte\s*(?:nr\.?|nummer)?\s*\d{1,2}\s*:?$", re.I)
LABELLED_ACTIVITY = re.compile(r"^(?:aktivitet|åtgärd|insats)\s*\d{0,2}\s*[:.–—-]\s*(?P<text>\S.+)",
                               re.I)
# Section names of the site, not a promise's title ("Medborgarlöften och lokal samverkan").
NAVIGATION = re.compile(r"^(?:om )?medborgarlöft\w*(?: och (?:lokal )?samverkan)?$", re.I)
PROMISE_WORD = Caseless(r"medborgarlöft", r"\blöfte", r"\blöften")
FOLLOW_UP = re.compile(r"uppföljning|utvärdering|resultat|redovisning|så gick det|"
                       r"återrapport|genomfört", re.I)
# A quote: "…, säger Anna Exempel", "…, säger kommunpolisen i X", "…, berättar hon".
# (SPEECH, DOC_LINK and CONTACT run on every item and many sentences: written so that
# re can skip most texts at once, with the same answers; see normalize.caseless.)
SPEECH = Gated(re.compile(
    r",?\s+säger\s+[A-ZÅÄÖ]|,\s+säger\s+\S+\s+[A-ZÅÄÖ]|\bsäger\s+(?:han|hon)\b|"
    r",\s+(?:säger|sa|berättar|menar|förklarar|konstaterar|betonar|understryker|"
    r"tillägger|framhåller|poängterar|avslutar)\s+(?!att\b|det\b|sig\b)[\wåäöÅÄÖ]|"
    r"^[”\"“].*[”\"“]\W{0,2}$"), needs=("säger", ","), opens="”\"“")
DOC_LINK = Caseless(r"\bpdf\b", r"\b\d+(?:[.,]\d+)?\s*[km]b\b", r"öppnas i nytt fönster", r"ladda ner",
                    r"\.docx?\b", r"^läs mer", r"länk till annan webbplats")
CONTACT = Caseless(r"@", r"\b0\d{1,3}[-‑ ]\d{2,3}\s?\d{2}", r"\btfn\b", r"\btelefon(?:nummer)?\s*:?\s*\d",
                   r"\btelefon\s*$", r"\be-post\b")
QUESTION = re.compile(r"\?\s*$")
# Prose promise: a sentence whose subject is a party (or "vi") and whose verb is "lovar".
PROSE_PROMISE = re.compile(
    r"^(?:(?:I|Genom|Under)\s+(?:\S+\s+){0,3}?)?(?:(?:lokal)?polis\w*|kommun\w*|"
    r"[A-ZÅÄÖ][\wåäö-]+s?\s+(?:kommun|stad)|region\s+gotland|vi|tillsammans)"
    r"(?:\s+(?:och|samt|tillsammans med)\s+(?:[\wåäö-]+\s+){0,2}?(?:polis\w*|kommun\w*|stad\w*))?"
    r"(?:\s+\w+){0,2}?\s+(?:lovar|åtar\s+sig):?\s+(?:\w+\s+){0,2}?att\s+\S", re.I)
# Explanations of the concept ("Medborgarlöften innebär att polisen och kommunen lovar…").
DEFINITION = re.compile(r"\bett medborgarlöfte\b|\bmedborgarlöften (?:är|innebär)|"
                        r"\bär (?:ett|en del)\b|\binnebär att\b|\bbrukar\b|\bkan\b", re.I)
# A commitment-like item: a party (or "vi") near a modal/promise verb, or an
# item that opens with an action verb (infinitive or present tense).
MODAL = re.compile(r"\b(?:ska|skall|lovar|kommer att|åtar sig|ansvarar för)\b", re.I)
PARTY_OR_WE = re.compile(r"\b(?:polis\w*|kommun\w*|stad(?:en)?|vi|region\w*|skol\w*|"
                         r"socialtjänst\w*|fältgrupp\w*|fältassistent\w*|förvaltning\w*)\b", re.I)
ACTION_VERB = re.compile(
    r"^(?:att\s+)?(?:genomför|öka|arbeta|erbjud|verka|skapa|minska|fortsätt|utveckla|informera|"
    r"delta|besök|stärk|förbättra|starta|ta fram|träffa|anordna|bjud|sprid|tillsätt|bedriv|"
    r"säkerställ|prioritera|motverka|förebygg|främja|håll|se över|kartlägg|samverka|initiera|"
    r"uppmärksamma|medverka|synas|finnas|åtgärda|installera|rusta|utbilda|planera|patrullera|"
    r"etablera|införa|inför|följa upp|verkställ|kontrollera|genomgå|ge |ha |vara |sätta|upprätta|"
    r"stödja|stöd|hjälpa|möjliggöra|ordna|erbjuder|fortsätter|arbetar|ökar|skapar|utvecklar|"
    r"bidra|bidrar|närvara|jobba|jobbar|agera|agerar|rikta|riktar|satsa|satsar|intensifiera|"
    r"regelbundet|aktivt|tillsammans|gemensamt|fotpatrull|trygghetsvandring|insats|besök|"
    r"kontroll|information|samverkan|dialog|möten?\b|utbildning|riktade)", re.I)


# An item that opens with an infinitive (after an optional adverb or agent): the
# form of items under "Polisen ska:" and of subject-less promise lists.
_INFINITIVES = (
    "genomföra|öka|arbeta|erbjuda|verka|skapa|minska|fortsätta|utveckla|informera|delta|besöka|"
    "stärka|förbättra|starta|ta|träffa|träffas|anordna|bjuda|sprida|tillsätta|bedriva|"
    "säkerställa|prioritera|motverka|förebygga|främja|hålla|se|kartlägga|samverka|initiera|"
    "uppmärksamma|medverka|synas|finnas|åtgärda|installera|rusta|utbilda|planera|patrullera|"
    "fotpatrullera|etablera|införa|följa|verkställa|kontrollera|ge|ha|vara|sätta|upprätta|"
    "stödja|stötta|hjälpa|möjliggöra|ordna|bidra|närvara|jobba|agera|rikta|satsa|intensifiera|"
    "redovisa|öppna|inrätta|byta|göra|arrangera|uppdatera|identifiera|underlätta|tydliggöra|"
    "utreda|utse|anställa|lyfta|skicka|publicera|samla|begränsa|förstärka|bevaka|bekämpa|"
    "uppmuntra|engagera|ansvara|tillhandahålla|utöka|förhindra|förenkla|upprätthålla|"
    "tillskapa|använda|driva|leda|bygga|sköta|låta|vidta|vidareutveckla|återkoppla|besvara|"
    "svara|kommunicera|samordna|utvärdera|röja|rensa|belysa|städa|sanera|ta bort|lära")
INFINITIVE_ITEM = re.compile(
    r"^(?:att\s+)?(?:(?:regelbundet|aktivt|tillsammans|gemensamt|fortsatt|fortsätta att|även|också|"
    r"löpande|systematiskt|tydligt|kontinuerligt|via\s+\S+|genom\s+\S+|i\s+samverkan\s+med\s+\S+)"
    r"\s+)?(?:" + _INFINITIVES + r")\b", re.I)


# "Fokusområde 1: Trygghet i centrum", "Mål: Färre inbrott": a label naming the
# section's topic, under which the promises or activities follow.
TOPIC_LABEL = re.compile(r"^(?:fokusområde|prioriterat område|område|mål|problemområde|tema)"
                         r"\s*\d{0,2}\s*[:.–—-]\s*\S", re.I)


# Literal stems that every TRAP / LEAD match contains: a text with none of them cannot
# match, and testing substrings costs a fraction of the long regexes (a long page has
# hundreds of heading-like lines: table rows, menu labels).
_TRAP_STEMS = ("syft", "mål", "fokus", "lägesbild", "problem", "bakgrund", "uppföljning",
               "utvärdering", "resultat", "kontakt", "dokument", "bilag", "läs mer", "här hittar",
               "ladda ner", "organisation", "arbetsgrupp", "kartläggning", "överenskommelse",
               "avtal", "tidsram", "tidplan", "relaterad", "länkar", "så gick", "genomför",
               "redovisning", "prioriterade områden", "statistik", "medborgarlöft", "vad är",
               "frågor och svar", "nyheter", "så tas", "så går", "hur ", "tas fram", "process",
               "exempel", "parterna", "dialog", "identifiera", "visade", "visar att", "underlag",
               "orsak", "utmaning", "önskemål", "synpunkter", "enkät", "du", "dig", "din",
               "gjorts", "utförts", "har gjort", "följ")
_LEAD_STEMS = ("lov", "åta", "på sig", "genom att", "innehåll", "aktivitet", "vi ska", "ska vi", "gör vi",
               "vi gör", "vi kommer", "kommer vi", "åtgärd", "insatser", "konkret", "uppnå",
               "ska", "kommer att", "ansvarar", "löft", "följande", "vad görs")


def _has_stem(text: str, stems: tuple[str, ...]) -> bool:
    lowered = text.lower()
    for stem in stems:
        if stem in lowered:
            return True
    return False


def is_trap(text: str) -> bool:
    return _has_stem(text, _TRAP_STEMS) and bool(TRAP.search(text)) and not TOPIC_LABEL.match(text)


def is_document_heading(text: str) -> bool:
    """'Medborgarlöfte 2022-2023', 'Medborgarlöften 2015/2016 i X kommun'."""
    return bool(PROMISE_WORD.search(text)) and bool(find_periods(text)) \
        and not is_trap(text) and len(text) <= 140 and not DOC_LINK.search(text)


# The cooperation agreement's wording: its undertakings are not promises to citizens.
AGREEMENT = re.compile(r"överenskommelse|samverkansavtal|\bavtal\b|\bparterna\b", re.I)


# "Katrineholm i januari 2019", "Ljusdal den 29 januari 2024", "Tierp 2024-01-24": a
# signing place and date, not a title.
DATE_LINE = re.compile(r"\b(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|"
                       r"november|december)\s+20[1-3]\d\b|\b20[1-3]\d-\d\d-\d\d\b|^\S+\s+den\s+\d", re.I)


# A heading that names the promise(s) itself: "Våra löften", "Vårt löfte till dig", "Löftet".
PROMISE_HEADING = re.compile(
    r"^(?:(?:våra|vårt|de|nya|gemensamma|lokala|årets)\s+(?:medborgar)?löft(?:e|et|en|ena)|"
    r"(?:medborgar)?löft(?:et|ena)|löft(?:e|en))\b(?:\s+(?:är|lyder|innebär|för \S+|"
    r"(?:till|för)\s+(?:dig|er|invånarna|\S+bor(?:na)?)))?\s*:?$", re.I)


def is_lead(text: str) -> bool:
    """A heading or a lead-in paragraph that introduces promises or activities."""
    if PROMISE_HEADING.match(text.strip()):
        return True
    if not _has_stem(text, _LEAD_STEMS):
        return False
    if STRONG_LEAD.search(text):
        return not _explains(text) and not AGREEMENT.search(text)
    return bool(LEAD.search(text)) and not is_trap(text)


def _explains(text: str) -> bool:
    return bool(re.search(r"vad (?:är|innebär)|\bså tas\b|\bhur\b|\bexempel\b|samverkansöverens",
                          text, re.I))


def is_activity_lead(text: str) -> bool:
    return bool(ACTIVITY_LEAD.search(text))


def is_commitment_like(text: str) -> bool:
    """An item that reads like an undertaking rather than a fact or a goal."""
    if ACTION_VERB.match(text):
        return True
    modal = MODAL.search(text)
    return bool(modal) and bool(PARTY_OR_WE.search(text[:modal.start() + 60]))


def is_noise_item(text: str) -> bool:
    """Items that are never commitments whatever the section: quotes, links,
    contact lines, questions, fragments."""
    return bool(SPEECH.search(text) or DOC_LINK.search(text) or QUESTION.search(text)
                or CONTACT.search(text) and len(text) < 150) or len(text.split()) < 2


OPENS_WITH_PARTY = re.compile(r"^\s*(?:polis|kommun|vi\b)", re.I)
# What medborgarlöften are in general: "Ett medborgarlöfte är …", "Medborgarlöften innebär …".
CONCEPT = Caseless(r"\bett\s+medborgarlöfte\s+(?:är|innebär|kan)\b",
                   r"\bmedborgarlöften\s+(?:är|innebär|kan)\b")


def prose_promises(text: str) -> list[str]:
    """Sentences of a paragraph that promise: 'Polisen lovar att öka…'."""
    lowered = text.lower()
    if "lovar" not in lowered and "åtar" not in lowered:
        return []
    if DEFINITION.search(text) and not re.match(r"^\s*(?:polis|kommun|vi\b)", text, re.I):
        return []
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", text)
    return [s.strip() for s in sentences if PROSE_PROMISE.match(s.strip())
            and not SPEECH.search(s) and not s.rstrip().endswith(":")
            and not DEFINITION.search(s)]


# -- sentences in running text --------------------------------------------------
# A promise sentence is read from its grammatical form, never from its topic:
#   promise verb   "X lovar att …", "X förbinder sig att …", "X åtar sig att …"
#   modal          "X ska …", "X kommer att …", "… ska startas", "Under 2025 ska … hållas"
#   scheduled      a present passive with a time ("… genomförs under hösten",
#                  "… hålls varje höst", "… påbörjas under våren")
#   present        a party acting with a time or frequency ("Fritidsgårdarna håller
#                  öppet … på fredagar"): only under a promise heading.
# Past tense and perfect ("genomfördes", "har tagit fram") report; "kan", "brukar",
# "bör" describe; the promise itself, its follow-up and its results are no commitment.
PROMISE_VERB_SENTENCE = re.compile(
    r"\b(?:lovar|förbinder\s+sig|åtar\s+sig)\b(?:\s+\S+){0,6}?\s+att\s+\S|\blovar\s+(?:vi|dessutom|också)\b",
    re.I)
# Undertaking verbs that promise only with a party as the subject, in the present:
# "Kommunen tar på sig att …", "Polisen ansvarar för att …", "Fältgruppen har i uppdrag
# att …", "X kommun garanterar att …", "Polisen ser till att …". "brukar se till",
# "kan ta på sig", "tog på sig", "har tagit på sig" describe or report.
UNDERTAKING_VERB = re.compile(
    r"^(?:\S+\s+){0,4}?(?:tar\s+på\s+sig|ansvarar\s+för|har\s+(?:\S+\s+)?i\s+uppdrag|"
    r"garanterar|ser\s+till)\s+att\s+\S", re.I)
MODAL_SENTENCE = re.compile(r"\b(?:ska|skall|kommer\s+(?:\S+\s+){0,5}?att)\s+(?:\S+\s+){0,5}?"
                            r"(?:(?:" + _INFINITIVES + r")\b|\w{3,}(?:as)\b)", re.I)
_PASSIVE_PRESENT = re.compile(
    r"\b(?:genomförs|hålls|erbjuds|införs|byggs|ökas|görs|sätts|ges|ordnas|anordnas|skickas|"
    r"startas|påbörjas|inleds|arrangeras|installeras|utökas|förstärks|kontrolleras|bjuds|"
    r"besöks|genomföres|prioriteras|sprids|åtgärdas|tas\s+bort|byts|\w{4,}eras)\b", re.I)
TIME = re.compile(
    r"\b(?:under|i|varje|varannan|före|efter|inför|från|till|senast|på)\s+(?:\S+\s+){0,2}?"
    r"(?:våren|hösten|sommaren|vintern|vår|höst|året|perioden|sommarlovet|skolåret|terminen|"
    r"20[1-3]\d|januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|"
    r"december|helg\w*|kväll\w*|fredag\w*|lördag\w*|vecka|veckan|månad\w*|år)\b|"
    r"\bregelbundet\b|\bvarje\b|\bper\s+(?:år|månad|vecka|termin)\b|\bgånger?\b|\bårligen\b|"
    r"\bminst\s+\S+\b|\blöpande\b|\bkontinuerligt\b", re.I)
_PRESENT_ACTIVE = re.compile(r"^(?:\S+\s+){0,6}?\w{2,}(?:ar|er|år|ör)\b", re.I)
STRONG_REPORT = re.compile(
    r"\b(?:genomfördes|hölls|gjordes|gjorde|fanns|var|hade|blev|visade|skrevs|tecknades|"
    r"undertecknades|deltog|lockade|beslutades)\b|\bhar\s+(?:\S+\s+){0,2}?\w+(?:it|at|t|ts)\b", re.I)
REPORT = re.compile(
    r"\b(?:genomfördes|hölls|gjordes|gjorde|fanns|var|hade|blev|visade|ökade|minskade|"
    r"skrevs|tecknades|undertecknades|deltog|lockade|beslutades|\w{3,}(?:ades|ade))\b|"
    r"\bhar\s+(?:\S+\s+){0,2}?\w+(?:it|at|t|ts)\b|\bhar\b", re.I)
# One pattern per word: each runs only when its word occurs (normalize.caseless).
DESCRIBES = Caseless(*(rf"\b{word}\b" for word in (
    "kan", "kunde", "brukar", "bör", "borde", "skulle", "behöver", "vill", "upplever", "upplevs",
    "uppger", "känner", "består", "handlar", "innebär", "betyder", "gäller", "ingår", "omfattar",
    r"ansvarar\s+för\s+både", "uppfattas", "tycker", "menar", "anser", "uppgav", "uppgir",
    r"ser\s+att", r"vet\s+att", r"märker\s+att", r"konstaterar\s+att")))
# The promise, its follow-up or its results as the subject: not a commitment.
NOT_A_COMMITMENT_SUBJECT = re.compile(
    r"^(?:(?:medborgar)?löfte(?:t|na|n)?|syftet|målet|resultat\w*|uppföljning\w*|en\s+(?:första\s+)?"
    r"(?:uppföljning|slutrapport|redovisning|utvärdering|sammanställning)|arbetet\s+följs|det|detta|"
    r"dessa|de|den|här|nästa|ett\s+nytt\s+(?:medborgar)?löfte|underlaget|synpunkterna|"
    r"idén|erfarenhet\w*|aktiviteterna|man)\b", re.I)
FOLLOW_UP_VERB = Caseless(r"\bfölj(?:s|er|a)\s+upp\b", r"\bredovisas\b", r"\bpubliceras\b",
                          r"\butvärderas\b", r"\brapporteras\b", r"\bpresenteras\b",
                          r"\bta\s+fram\b", r"\btas\s+fram\b")


def sentence_evidence(sentence: str, promise_section: bool = False,
                      plan: bool = False) -> Form | None:
    """Why a sentence of running text is a commitment (a ``Form``: promise verb,
    modal, scheduled, present) or None. ``promise_section``: it sits under a
    heading or lead-in that introduces promises ("Våra löften", "Kommunens
    åtaganden"), where weaker forms count. ``plan``: under a heading that says
    what is done in a period ("Så arbetar vi under 2024"), whose time covers
    the sentence: an actor in the present tense commits without a time of its own."""
    text = sentence.strip()
    if len(text) < 15 or len(text) > 400 or text.endswith((":", "?")):
        return None
    lowered = text.lower()
    # Cheap gate first: most sentences of a page name no promise verb, no modal and no
    # time, and the regexes below cost far more than these substring tests.
    if not plan and not _gate(lowered):
        return None
    if SPEECH.search(text) or NOT_A_COMMITMENT_SUBJECT.match(text) \
            or FOLLOW_UP_VERB.search(text) or CONTACT.search(text):
        return None
    if PROMISE_VERB_SENTENCE.search(text):
        head = text[:PROMISE_VERB_SENTENCE.search(text).start()]
        if not DESCRIBES.search(head) and not re.search(r"\bkan\b|\bett\s+löfte\b", text, re.I):
            return Form.PROMISE_VERB
        return None
    undertaking = UNDERTAKING_VERB.match(text)
    if undertaking and (_PARTY_SUBJECT.match(text) or _MUNICIPAL_SUBJECT.match(text)) \
            and not DESCRIBES.search(text[:undertaking.end()]):
        return Form.PROMISE_VERB
    modal = MODAL_SENTENCE.search(text)
    if modal:
        head = text[:modal.start()]
        if DESCRIBES.search(head) or REPORT.search(head):
            return None
        if not re.search(r"\bska\s+(?:\S+\s+)?(?:vara|kunna|bidra|ha\s+som)\b", text, re.I):
            return Form.MODAL
    passive = _PASSIVE_PRESENT.search(text)
    if STRONG_REPORT.search(text) or DESCRIBES.search(text[:passive.start() if passive else None]):
        return None
    if passive and TIME.search(text):
        return Form.SCHEDULED
    if _STARTS.search(text) and FUTURE_TIME.search(text):
        return Form.SCHEDULED       # "Arbetet med ny belysning startar under hösten."
    if FUTURE_TIME.search(text) and _PRESENT_ACTIVE.match(text) and not _OBSERVES.search(text) \
            and (_PARTY_SUBJECT.match(text) or _MUNICIPAL_SUBJECT.match(text)):
        return Form.PRESENT         # "Kommunen öppnar en mötesplats för unga under hösten."
    if REPORT.search(text):
        return None
    if plan and _PRESENT_ACTIVE.match(text) and not _OBSERVES.search(text) \
            and (PARTY_OR_WE.search(text[:80]) or _MUNICIPAL_SUBJECT.match(text)
                 or ACTOR_SUBJECT.match(text)):
        return Form.PRESENT         # "Region Y erbjuder samtalsstöd …" under "Så arbetar vi 2024"
    if promise_section and TIME.search(text) and _PRESENT_ACTIVE.match(text) \
            and not _OBSERVES.search(text) \
            and (PARTY_OR_WE.search(text[:80]) or _MUNICIPAL_SUBJECT.match(text)):
        return Form.PRESENT
    return None


# Every form above needs one of these substrings: a promise verb, a modal, or a time
# (or a year 2010–2039).
_GATE_WORDS = ("lovar", "förbind", "åtar", "ska", "kommer", "under", "varje", "varannan", "per ",
               "gång", "årligen", "minst", "löpande", "kontinuerligt", "regelbundet", "vår",
               "höst", "sommar", "vinter", "året", "perioden", "termin", "helg", "kväll", "fredag",
               "lördag", "vecka", "månad", "januari", "februari", "mars", "april", "maj", "juni",
               "juli", "augusti", "september", "oktober", "november", "december", " år",
               "på sig", "ansvarar", "uppdrag", "garanter", "ser till")
_YEAR = re.compile(r"20[1-3]\d")


# All the words in one pass over the text: an Aho-Corasick automaton (pyahocorasick, the
# maintained C implementation) costs a third of 50 `in` tests, and far less than one
# alternation regex, which re tries word by word at every position.
_GATE = LiteralGate((word, None, word) for word in _GATE_WORDS)


def _gate(lowered: str) -> bool:
    for _hit in _GATE.matches(lowered):
        return True
    return "20" in lowered and bool(_YEAR.search(lowered))


def may_commit(text: str) -> bool:
    """False when no sentence of the text can pass ``sentence_evidence``."""
    return _gate(text.lower())
# A time ahead, or a recurring one: what turns a present tense into a plan.
FUTURE_TIME = re.compile(
    r"\b(?:under|i|från|till|inför|senast|före)\s+(?:\S+\s+){0,1}?(?:våren|hösten|sommaren|vintern|"
    r"året|perioden|sommarlovet|skolåret|terminen|nästa\s+\w+|20[1-3]\d|januari|februari|mars|"
    r"april|maj|juni|juli|augusti|september|oktober|november|december)\b|"
    r"\bvarje\s+(?:vecka|månad|år|termin|höst|vår|helg|kväll|fredag|lördag)\b|"
    r"\b(?:\S+\s+)?gånger?\s+(?:per|i|om)\s+(?:år|månad|vecka|termin)(?:en)?\b|\bfrån och med\b|"
    r"\bper\s+(?:år|månad|vecka|termin)\b", re.I)
# Verbs of observation: "Polisen ser en ökning …" describes, "Kommunen ser över …" does not.
_OBSERVES = re.compile(r"\b(?:ser(?!\s+(?:över|till)\b)|märker|noterar|konstaterar|bedömer|upplever)\b",
                       re.I)
_STARTS = re.compile(r"\b(?:startar|börjar|inleds|påbörjas|drar\s+igång|kommer\s+igång|öppnar)\b", re.I)
_PARTY_SUBJECT = re.compile(r"^(?:(?:lokal|områdes|kommun)?polis\w*|kommun\w*|[A-ZÅÄÖ][\wåäö-]+s?\s+"
                            r"(?:kommun|stad)\w*|staden|vi|region\s+gotland)\b", re.I)
_MUNICIPAL_SUBJECT = re.compile(r"^(?:\S+\s+){0,2}?(?:fritidsgård\w*|fältgrupp\w*|fältare\w*|"
                                r"socialtjänst\w*|skol\w*|räddningstjänst\w*|ordningsvakt\w*)\b", re.I)


# A heading that says what is done in a period: "Så arbetar vi under 2024", "Det här gör
# vi 2025", "Vårt arbete under 2024", "Insatser under perioden".
_PLAN_HEADING = re.compile(
    r"^(?:så\s+(?:här\s+)?|det\s+här\s+|detta\s+|här\s+)?(?:arbetar|gör|jobbar|satsar)\s+vi\b|"
    r"^(?:vårt\s+(?:gemensamma\s+)?)?arbete(?:t)?\s+(?:under|i|för)\b|"
    r"^(?:planerade\s+)?(?:insatser|åtgärder)\s+(?:under|för|i)\b", re.I)
_PLAN_TIME = re.compile(r"\b(?:20[1-3]\d|året|perioden|våren|hösten|sommaren|vintern)\b", re.I)


def is_plan_heading(text: str) -> bool:
    return bool(_PLAN_HEADING.match(text.strip())) and bool(_PLAN_TIME.search(text)) \
        and not is_trap(text) and not text.rstrip().endswith("?")

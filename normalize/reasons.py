"""Why a candidate was kept or dropped: codes for the normalizer's logic, Swedish text for people.

The segmenter and the document checks decide on codes (``Form`` from
``cues.sentence_evidence``, ``Reason`` for everything else) and never on the
text a person reads. ``say`` turns a code into that text, the only place
where it is written: ``extract --explain`` prints it to researchers checking
why a line was or was not taken, so it is plain Swedish without jargon.
A field of a template that is itself a code (``{why}``, ``{form}``,
``{kind}``) is said too, so composite reasons are built from the same table.
"""

from __future__ import annotations

from enum import StrEnum


class Form(StrEnum):
    """The grammatical form that makes a sentence of running text a commitment."""
    PROMISE_VERB = "promise_verb"    # "Polisen lovar att …", "Kommunen tar på sig att …"
    MODAL = "modal"                  # "Polisen ska …", "… kommer att …"
    SCHEDULED = "scheduled"          # "… genomförs under hösten"
    PRESENT = "present"              # "Kommunen öppnar en mötesplats under hösten"


class Reason(StrEnum):
    # kept, with the kind and party of the commitment
    KEPT = "kept"
    KEPT_WEAK = "kept_weak"
    PROMISE = "promise"
    ACTIVITY = "activity"
    NO_PARTY = "no_party"
    SENTENCE = "sentence"
    SENTENCE_IN_SECTION = "sentence_in_section"
    TITLE_UNDER_NUMBER = "title_under_number"
    TITLE_UNDER_HEADING = "title_under_heading"
    NUMBERED = "numbered"
    AFTER_NUMBER = "after_number"
    LABELLED_ACTIVITY = "labelled_activity"
    LINE_UNDER_PROMISE = "line_under_promise"
    SENTENCE_UNDER_PROMISE = "sentence_under_promise"
    INFINITIVE_LINE = "infinitive_line"
    PARAGRAPH_UNDER_LEAD = "paragraph_under_lead"
    LINE_UNDER_HEADING = "line_under_heading"
    PROMISE_UNDER_TITLE = "promise_under_title"
    TITLE_BEFORE_SENTENCE = "title_before_sentence"
    ITEM_UNDER_NUMBERED = "item_under_numbered"
    ITEM_UNDER_LEAD = "item_under_lead"
    ITEM_UNDER_HEADING = "item_under_heading"
    LIST_OF_UNDERTAKINGS = "list_of_undertakings"
    ONLY_PROSE = "only_prose"
    JOINT_VOICE = "joint_voice"
    # dropped
    TRAP_SECTION = "trap_section"
    NO_CUE = "no_cue"
    CONCEPT = "concept"
    EXPLAINS_PROMISE = "explains_promise"
    EXPLAINS_TITLE = "explains_title"
    ANSWERS_QUESTION = "answers_question"
    NO_UNDERTAKING = "no_undertaking"
    NO_FORM = "no_form"
    GOAL = "goal"
    TITLE_REPLACED = "title_replaced"
    NOISE = "noise"
    NEUTRAL_LIST = "neutral_list"
    REPEATED = "repeated"
    WEAK_DOCUMENT = "weak_document"
    # the page and its documents
    THE_PAGE = "the_page"
    NO_CONTEXT = "no_context"
    FOLLOW_UP_PAGE = "follow_up_page"
    NOT_A_PROMISE = "not_a_promise"
    NO_PLACE = "no_place"
    NO_PERIOD = "no_period"
    NO_PROMISE_WORD = "no_promise_word"


REASONS: dict[str, str] = {
    Form.PROMISE_VERB: "meningen lovar något ('lovar att', 'förbinder sig att', 'tar på sig att')",
    Form.MODAL: "meningen säger vad någon ska göra ('ska', 'kommer att')",
    Form.SCHEDULED: "meningen säger när något görs ('genomförs under hösten')",
    Form.PRESENT: "någon gör något under en angiven tid ('Kommunen öppnar … under hösten')",

    Reason.KEPT: "{kind}, {party}: {why}",
    Reason.KEPT_WEAK: "{kind}, {party}: {why} (räknas bara om dokumentet lovar något "
                      "på annat ställe)",
    Reason.PROMISE: "löfte",
    Reason.ACTIVITY: "aktivitet",
    Reason.NO_PARTY: "ingen part utpekad",
    Reason.SENTENCE: "{form}",
    Reason.SENTENCE_IN_SECTION: "{form}, under en löftesrubrik",
    Reason.TITLE_UNDER_NUMBER: "rubrik direkt efter en löftesnumrering ('Löfte 1')",
    Reason.TITLE_UNDER_HEADING: "kort rubrik under en löftesrubrik, följd av en förklaring",
    Reason.NUMBERED: "numrerat löfte ('Löfte 1: …')",
    Reason.AFTER_NUMBER: "texten direkt efter en löftesnumrering ('Löfte 1')",
    Reason.LABELLED_ACTIVITY: "märkt som aktivitet ('Aktivitet: …', 'Åtgärd: …', 'Insats: …')",
    Reason.LINE_UNDER_PROMISE: "rad direkt under ett löfte i en lista",
    Reason.SENTENCE_UNDER_PROMISE: "mening under ett löfte",
    Reason.INFINITIVE_LINE: "rad i att-form under en inledning som 'Vi lovar att:'",
    Reason.PARAGRAPH_UNDER_LEAD: "stycke direkt under en inledning som 'Vi lovar att:'",
    Reason.LINE_UNDER_HEADING: "rad direkt under en löftesrubrik",
    Reason.PROMISE_UNDER_TITLE: "meningen lovar något och ersätter löftesrubriken ovanför",
    Reason.TITLE_BEFORE_SENTENCE: "numrerad rubrik före en mening som lovar något",
    Reason.ITEM_UNDER_NUMBERED: "listpunkt under ett numrerat löfte",
    Reason.ITEM_UNDER_LEAD: "listpunkt under '{lead}'",
    Reason.ITEM_UNDER_HEADING: "listpunkt under en löftesrubrik",
    Reason.LIST_OF_UNDERTAKINGS: "lista där punkterna säger vad någon gör, på en sida om "
                                 "medborgarlöften",
    Reason.ONLY_PROSE: "den enda mening som lovar något i ett dokument utan lista",
    Reason.JOINT_VOICE: "part: sidan talar för både polisen och kommunen → gemensamt",

    Reason.TRAP_SECTION: "står i ett avsnitt utan löften ('{heading}')",
    Reason.NO_CUE: "inget löftesverb, inget 'ska' och ingen tidpunkt",
    Reason.CONCEPT: "förklarar vad medborgarlöften är",
    Reason.EXPLAINS_PROMISE: "förklarar löftet före",
    Reason.EXPLAINS_TITLE: "förklarar löftet i rubriken ovanför",
    Reason.ANSWERS_QUESTION: "svarar på en fråga ('Varför?'): en förklaring",
    Reason.NO_UNDERTAKING: "står under ett löfte men säger inte vad någon gör",
    Reason.NO_FORM: "meningen lovar inget (inget 'lovar', 'ska' eller 'genomförs under …'), "
                    "eller så beskriver eller återger den något",
    Reason.GOAL: "målet för listan som följer",
    Reason.TITLE_REPLACED: "en rubrik: meningen under den lovar något och ersätter den",
    Reason.NOISE: "en länk, ett citat, kontaktuppgifter, en fråga eller en ofullständig rad",
    Reason.NEUTRAL_LIST: "lista under en rubrik som inte inleder löften, och punkterna säger "
                         "inte vad någon gör",
    Reason.REPEATED: "upprepar ett åtagande som redan finns",
    Reason.WEAK_DOCUMENT: "dokumentet har ingen löftesrubrik, ingen inledning som "
                          "'Vi lovar att:' och ingen mening med 'lovar'",

    Reason.THE_PAGE: "(sidan)",
    Reason.NO_CONTEXT: "sidan nämner varken medborgarlöften eller polisen",
    Reason.FOLLOW_UP_PAGE: "sidans rubrik gäller uppföljning eller resultat",
    Reason.NOT_A_PROMISE: "dokumentet är inget löfte: {why}",
    Reason.NO_PLACE: "ingen kommun nämns på sidan",
    Reason.NO_PERIOD: "ingen tidsperiod och ingen rubrik som 'Medborgarlöfte 2024'",
    Reason.NO_PROMISE_WORD: "sidan skriver aldrig medborgarlöfte eller löfte",
}


def say(code: str, /, **fields) -> str:
    """The Swedish text of a code; a field that is a code itself is said with the same
    fields (``why=Reason.SENTENCE, form=Form.MODAL``)."""
    return REASONS[code].format_map(_Said(fields))


class _Said(dict):
    """Template fields, a code among them said only when its template uses it."""

    def __getitem__(self, name: str):
        value = dict.__getitem__(self, name)
        return say(value, **self) if isinstance(value, (Form, Reason)) else value

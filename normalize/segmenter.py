"""Blocks → drafts: which blocks are commitments, of which kind, in which document.

The page is read top to bottom keeping one piece of state, the *lead*: what
the latest heading or lead-in says about the list that follows.

- A heading that names a promise and a period ("Medborgarlöfte 2022-2023")
  starts a document (a ``Draft``); text before any such heading is an
  implicit document.
- Lists under a promise lead ("Polisen och kommunen lovar att:", "Våra
  löften", "Det gör vi genom att:", a party heading "Polisen") are
  commitments. Lists under a trap (Syfte, Mål, Lägesbild, Uppföljning,
  samverkansöverenskommelse, Kontakt, …) never are. A list under a neutral
  heading counts only in a promise context and when most items read like
  undertakings (a party with "ska"/"lovar", or an opening action verb).
- "Löfte 1: …" headings/lines are promises; sentences and items under them
  are its activities. Nested items under a promise are activities. An
  activity lead ("Det gör vi genom att:") after a promise of the same
  section gives activities; otherwise it introduces the promises themselves
  (a "… lovar att arbeta för …" paragraph before it is the goal, not a promise).
- Sentences of paragraphs are candidates of their own, judged by their form
  (``cues.sentence_evidence``: promise verb, modal, scheduled passive, a
  party's planned present); modal and weaker forms are marked weak and kept
  only in a document that otherwise promises (``documents.segment``). A
  "lovar" sentence right before the only list of its document is that
  list's goal, unless the page pairs several sentences with their own lists.
- Title-like promises (a title under "Löfte 1", short sub-headings with an
  explanation under a promise heading) are kept; a "lovar" sentence right
  after a title replaces it.
- Every decision can be traced (``trace``: kept/dropped, text, why), which
  ``normalize.explain`` and ``extract --explain`` print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from normalize import cues
from normalize.blocks import _RESPONSIBLE_LINE, Block, looks_like_heading
from normalize.periods import find_periods
from normalize.reasons import Form, Reason, say
from normalize.responsibility import responsible, split_tags
from normalize.themes import themes_of

MIN_WORDS = 3
_UNSET = object()
_LABEL_INITIALS = frozenset("LlMmAaÅåIi")
_KINDS = {"promise": Reason.PROMISE, "activity": Reason.ACTIVITY}   # for explain


@dataclass
class Lead:
    role: str                     # promise | activity | numbered | trap | neutral
    text: str | None = None       # what responsibility may be read from
    level: int = 0                # heading level that set it (0: a lead-in paragraph)
    base_depth: int | None = None  # list depth of the first item under it
    plan: bool = False            # a heading saying what is done in a period


@dataclass
class Draft:
    heading: str | None
    explicit: bool = False        # started by a document heading
    text: list[str] = field(default_factory=list)
    commitments: list[dict] = field(default_factory=list)
    last_promise: int | None = None
    lead_seen: bool = False
    prose: list[str] = field(default_factory=list)        # goal sentences ("X lovar att …")
    period: object = None         # set by documents._period (``_UNSET`` until then)
    promised: bool = False        # a promise lead-in or "lovar" sentence of its own: a
    #                               promise even when the page states no period

    def __post_init__(self):
        self.period = _UNSET


class Segmenter:
    def __init__(self, blocks: list[Block]):
        self.blocks = blocks
        self.drafts = [Draft(heading=None)]
        self.lead = Lead("neutral")
        self.pending_promise = False         # a bare "Löfte 1" heading: next block is the promise
        self.section_start = 0               # commitments before the current topic section
        self.number = 0                      # the block being read
        self.added_at = -2                   # the block that added the latest commitment
        self.added_kind = ""                 # and its kind
        self.runs = _list_runs(blocks)
        self.title_open = False              # paragraphs now explain a title-like promise
        self.title_index = -1                # a "Löfte 1: …" title a promise sentence may replace
        self.line_kept_at = -2               # the block last kept as a bullet-less list line
        self.trace: list[tuple[str, str, str]] | None = None   # (kept|dropped, text, why in Swedish)
        self.pair_count = sum(
            1 for a, b in zip(blocks, blocks[1:])
            if a.kind == "para" and ("lov" in a.text or "förbind" in a.text or "åtar" in a.text)
            and cues.PROMISE_VERB_SENTENCE.search(a.text)
            and cues.is_activity_lead(b.text) and (b.kind == "heading" or b.text.endswith(":")))

    def explain(self, verdict: str, text: str, reason: Reason, /, **fields) -> None:
        """Trace a decision; its Swedish text is only made when someone asks (``explain``)."""
        if self.trace is not None:
            self.trace.append((verdict, text, say(reason, **fields)))

    @property
    def draft(self) -> Draft:
        return self.drafts[-1]

    def run(self) -> list[Draft]:
        readers = {"heading": self._heading, "para": self._para, "item": self._item}
        for number, block in enumerate(self.blocks):
            self.number = number
            readers[block.kind](number, block)
        return self.drafts

    # -- headings -------------------------------------------------------------
    def _heading(self, number: int, block: Block) -> None:
        text = block.text
        if cues.is_document_heading(text):
            if not self._same_period(text):
                self.drafts.append(Draft(heading=text, explicit=True))
                self.section_start = 0
            self.draft.text.append(text)
            # A list right under "Medborgarlöfte 2024" counts only if it reads
            # like undertakings (it may as well be the problem picture).
            self.lead = Lead("neutral", None, block.level)
            return
        self.draft.text.append(text)
        self.title_open = False
        if self._labelled(text):
            return
        if self.pending_promise and not cues.is_trap(text) and len(text.split()) >= 2 \
                and not cues.is_lead(text):
            # "LÖFTE 1" then "Tryggare centrum i Tierp": the title is the promise.
            self.pending_promise = False
            self._add(text, "promise", None, why=Reason.TITLE_UNDER_NUMBER)
            self.lead = Lead("numbered", None, 0)
            self.title_open = True
            return
        if self.lead.role == "promise" and 0 < self.lead.level < block.level \
                and self._title_like(number, text):
            # "Våra löften" › "Synlig polis i centrum" + an explanation: the title is the promise.
            self._add(text, "promise", self.lead.text, why=Reason.TITLE_UNDER_HEADING)
            self.title_open = True
            return
        self.pending_promise = bool(cues.BARE_PROMISE_NUMBER.match(text))
        if self.pending_promise:
            self.lead = Lead("promise", None, block.level)
        elif cues.is_plan_heading(text) and not cues.is_lead(text):
            # "Så arbetar vi under 2024": what follows is the plan for that period.
            self.lead = Lead("promise", text, block.level, plan=True)
            self.draft.lead_seen = True
        elif cues.is_trap(text) and not cues.is_lead(text):
            self.lead = Lead("trap", text, block.level)
        elif cues.is_lead(text):
            self.lead = Lead(self._role(text), text, block.level)
            self.draft.lead_seen = True
            self.draft.promised |= _promising(text)
        elif cues.PARTY_LABEL.match(text) and (self.draft.lead_seen or self.draft.explicit):
            role = self.lead.role if self.lead.role in ("promise", "activity") else "promise"
            self.lead = Lead(role, text, block.level)
        elif self.lead.role in ("promise", "activity", "numbered") and \
                0 < self.lead.level < block.level:
            self.lead = Lead(self.lead.role, self.lead.text, self.lead.level)  # a sub-heading
        else:
            if cues.PROMISE_WORD.search(text) and not cues.NAVIGATION.match(text):
                self.draft.lead_seen = True   # "Medborgarlöfte för X kommun": a promise page
            # A topic heading ("Trygghet i centrum", "Mål: Färre inbrott") starts a
            # section: an activity lead-in in it does not reach back to earlier promises.
            self.lead = Lead("neutral", None, block.level)
            self.section_start = len(self.draft.commitments)

    def _title_like(self, number: int, text: str) -> bool:
        """A short title (no trap, lead-in or party label) followed by explanation
        paragraphs rather than a list: a title-like promise."""
        following = self.blocks[number + 1] if number + 1 < len(self.blocks) else None
        words = len(split_tags(text)[0].split())
        return 2 <= words <= 10 and not cues.is_trap(text) and not text.endswith(":") \
            and not cues.DATE_LINE.search(text) \
            and not cues.STRONG_LEAD.search(text) and not (cues.is_lead(text) and words <= 3) \
            and not cues.PARTY_LABEL.match(text) \
            and not cues.is_document_heading(text) and following is not None \
            and following.kind == "para" and not following.text.rstrip().endswith(":") \
            and not looks_like_heading(following.text)

    def _same_period(self, heading: str) -> bool:
        """'Medborgarlöfte 2024 – aktiviteter' under 'Medborgarlöfte 2024' continues it."""
        if not self.draft.explicit:
            return False
        mine, theirs = find_periods(self.draft.heading or ""), find_periods(heading)
        return bool(mine and theirs) and (mine[0].start, mine[0].end) == \
            (theirs[0].start, theirs[0].end)

    def _role(self, text: str) -> str:
        """An activity lead after a promise gives activities; before any, promises."""
        # A "… lovar att arbeta för …" paragraph before "Det gör vi genom att:" is
        # the goal the list serves, not a promise: the listed items are (seed 004).
        last = self.draft.last_promise
        if cues.is_activity_lead(text) and not cues.STRONG_LEAD.search(text) \
                and last is not None and last >= self.section_start:
            return "activity"
        return "promise"

    def _labelled(self, text: str) -> bool:
        """'Löfte 1: …' is a promise, 'Aktivitet: …' an activity (headings or lines)."""
        if text[:1] not in _LABEL_INITIALS:
            return False     # neither "(Medborgar)löfte …" nor "Aktivitet/Åtgärd/Insats …"
        numbered = cues.NUMBERED_PROMISE.match(text)
        if numbered and not cues.is_trap(numbered.group("text")) \
                and len(numbered.group("text").split()) >= 2:
            self._add(numbered.group("text"), "promise", None, why=Reason.NUMBERED)
            if not numbered.group("text").rstrip().endswith("."):
                self.title_index = len(self.draft.commitments) - 1   # a title, if a sentence follows
            self.lead = Lead("numbered", None, 0)
            self.draft.lead_seen = True
            return True
        activity = cues.LABELLED_ACTIVITY.match(text)
        if activity and (self.draft.explicit or self.draft.lead_seen) \
                and len(activity.group("text").split()) >= MIN_WORDS:
            kind = "activity" if self.draft.last_promise is not None else "promise"
            self._add(activity.group("text"), kind, self.lead.text, why=Reason.LABELLED_ACTIVITY)
            return True
        return False

    # -- paragraphs -----------------------------------------------------------
    def _para(self, number: int, block: Block) -> None:
        text = block.text
        if block.level == 0 and looks_like_heading(text) and not block.link:
            # <p>Medborgarlöfte 2024</p>, <p>Lägesbild</p>: a heading in all but markup.
            self._heading(number, Block("heading", text, level=6))
            return
        self.draft.text.append(text)
        if block.link or self._labelled(text):
            return
        if self.pending_promise and len(text.split()) >= MIN_WORDS:
            self.pending_promise = False
            self._add(text, "promise", None, why=Reason.AFTER_NUMBER)
            self.lead = Lead("numbered", None, 0)
            return
        if text.rstrip().endswith(":"):
            self._lead_in(text)
            return
        if self.lead.role == "trap":
            self.explain("dropped", text, Reason.TRAP_SECTION, heading=self.lead.text)
            return
        if _RESPONSIBLE_LINE.match(text):
            # "Ansvarig: Polisen" under a title and its explanation names the title's party.
            stated = split_tags(text)[1]
            if stated and self.added_at >= number - 3 and self.draft.commitments:
                self.draft.commitments[-1]["responsible"] = stated
            return
        previous = self.blocks[number - 1] if number else None
        if self.added_at == number - 1 and not block.gap and self.draft.last_promise is not None \
                and previous is not None and (
                    previous.kind == "item" and self.added_kind == "promise"
                    or previous.kind == "para" and self.added_kind == "activity") \
                and not cues.prose_promises(text) \
                and all(_undertaking(s) for s in _sentences(text)):
            # "1. Vi lovar att minska inbrotten." then "Polisen startar grannsamverkan …"
            # written as plain lines under it: the promise's activities.
            for sentence in _sentences(text):
                self._add(sentence, "activity", self.lead.text, why=Reason.LINE_UNDER_PROMISE)
            return
        if not self.title_open and self.lead.role not in ("numbered", "activity") \
                and not (self.lead.role == "promise" and self.lead.text) \
                and self.added_at != number - 1 and not cues.may_commit(text):
            # No promise verb, modal or time anywhere in the paragraph: no sentence of it
            # can be a commitment (the cheap test for the many paragraphs of a long page).
            self.explain("dropped", text, Reason.NO_CUE)
            return
        if cues.CONCEPT.search(text) and not cues.OPENS_WITH_PARTY.match(text):
            # "Medborgarlöften är en del av … Polisen och kommunen lovar att …": the
            # paragraph explains what a medborgarlöfte is.
            self.explain("dropped", text, Reason.CONCEPT)
            return
        sentences = _sentences(text)
        if sentences and self.added_at == number - 1 and self.draft.commitments \
                and self.draft.commitments[-1]["kind"] == "promise" \
                and (_title_only(self.draft.commitments[-1]["text"])
                     or self.title_index == len(self.draft.commitments) - 1) \
                and cues.sentence_evidence(sentences[0]) is Form.PROMISE_VERB:
            # "1. Ökad trygghet i centrum" then "Polisen och kommunen lovar att …".
            self._replace_title(sentences[0])
            self.title_open = False
            for sentence in sentences[1:]:
                self.explain("dropped", sentence, Reason.EXPLAINS_PROMISE)
            return
        if self.title_open:
            # Under a title-like promise: a promise sentence right after it is the real
            # promise ("Löfte 1: Tryggare centrum" + "Polisen och kommunen lovar att …");
            # anything else explains the title.
            first = cues.sentence_evidence(sentences[0]) if sentences else None
            if first is Form.PROMISE_VERB and self.added_at == number - 1 \
                    and _title_only(self.draft.commitments[-1]["text"]):
                self._replace_title(sentences[0])
                self.title_open = False
                return
            self.explain("dropped", text, Reason.EXPLAINS_TITLE)
            return
        if self.lead.role in ("numbered", "activity") and self.lead.level is not None \
                and (self.lead.role == "numbered" or self.lead.level > 0):
            # Sentences under "Löfte 1: …" or an "Aktiviteter" heading: activities.
            if sentences and sentences[0].endswith("?"):
                self.explain("dropped", text, Reason.ANSWERS_QUESTION)
                return
            for sentence in sentences:
                if _undertaking(sentence) and not cues.DESCRIBES.search(sentence) \
                        and not cues.STRONG_REPORT.search(sentence):
                    self._add(sentence, "activity", self.lead.text,
                              why=Reason.SENTENCE_UNDER_PROMISE)
                else:
                    self.explain("dropped", sentence, Reason.NO_UNDERTAKING)
            return
        if self.lead.role == "promise" and self.lead.text and len(sentences) == 1 \
                and cues.INFINITIVE_ITEM.match(text):
            # "Polisen och kommunen lovar att:" then items written as paragraphs.
            self._add(text, "promise", self.lead.text, why=Reason.INFINITIVE_LINE)
            self.line_kept_at = number
            return
        if self.lead.role in ("promise", "activity") and (self.lead.text or "").endswith(":") \
                and len(sentences) == 1 and self._line_run(number) and _short_item(text, 30) \
                and _undertaking(text):
            # "Polisen och kommunen lovar att:" then one <p> per item ("Polisen patrullerar …").
            kind = "activity" if self.lead.role == "activity" else "promise"
            self._add(text, kind, self.lead.text, why=Reason.PARAGRAPH_UNDER_LEAD)
            self.line_kept_at = number
            return
        if self.lead.role == "promise" and self.lead.text and len(sentences) == 1 \
                and not block.gap and self._line_run(number) and _short_item(text):
            # "Gemensamt" / "Fler vuxna ute på helgkvällar.": a bullet-less list line of a
            # text copy, right under the heading (or the lines before it), no blank between.
            self._add(text, "promise", self.lead.text, why=Reason.LINE_UNDER_HEADING)
            self.line_kept_at = number
            return
        section = self.lead.role == "promise" and bool(self.lead.level)
        goal = None      # decided once, for the first sentence that has a promise form
        for sentence in sentences:
            form = cues.sentence_evidence(sentence, section, self.lead.plan)
            if form is not None and goal is None:
                goal = not section and self._before_list(number) \
                    and not self._pairs_are_promises(number)
            if form is None:
                self.explain("dropped", sentence, Reason.NO_FORM)
                continue
            if goal:
                # "X lovar att arbeta för …" right before "Det gör vi genom att:": the goal
                # (the document's promise only if it lists nothing else).
                if form is Form.PROMISE_VERB:
                    self.draft.prose.append(sentence)
                self.explain("dropped", sentence, Reason.GOAL)
                continue
            promising = form is Form.PROMISE_VERB
            self._add(sentence, "promise", self.lead.text if section else None,
                      why=Reason.SENTENCE_IN_SECTION if section else Reason.SENTENCE, form=form,
                      weak=not section and not promising, promising=promising)

    def _line_run(self, number: int) -> bool:
        """The block follows the heading/lead-in itself, or a line kept the same way
        (not a list item: a note after a list is not one of its lines)."""
        previous = self.blocks[number - 1] if number else None
        return previous is not None and (
            previous.text == self.lead.text or self.line_kept_at == number - 1
            # the first line after a lead-in may have been taken as a bullet-less item
            or self.added_at == number - 1 and number >= 2
            and self.blocks[number - 2].text == self.lead.text)

    def _before_list(self, number: int) -> bool:
        following = self.blocks[number + 1] if number + 1 < len(self.blocks) else None
        if following is not None and following.kind == "item":
            # quotes in a news item are no list
            return not self.runs[number + 1].speech and not cues.SPEECH.search(following.text)
        return following is not None and (cues.is_lead(following.text)
                                           and (following.text.rstrip().endswith(":")
                                                or following.kind == "heading"))

    def _pairs_are_promises(self, number: int) -> bool:
        """Promise sentences each followed by their own activity list (two or more
        in the document, or under a promise number/title) are promises; one such
        sentence before the only list is the goal that list serves."""
        if self.lead.role == "numbered" or self.pending_promise:
            return True
        return self.pair_count >= 2

    def _replace_title(self, sentence: str) -> None:
        title = self.draft.commitments.pop()
        self.explain("dropped", title["text"], Reason.TITLE_REPLACED)
        self.draft.last_promise = next((i for i in range(len(self.draft.commitments) - 1, -1, -1)
                                        if self.draft.commitments[i]["kind"] == "promise"), None)
        self._add(sentence, "promise", None, why=Reason.PROMISE_UNDER_TITLE, promising=True)

    def _lead_in(self, text: str) -> None:
        # Under a trap *heading* (Syfte, Mål, Uppföljning…) only a "lovar" lead-in
        # opens a promise list; a trap lead-in paragraph covers just its own list.
        section_trap = self.lead.role == "trap" and self.lead.level > 0
        agreement = section_trap and cues.AGREEMENT.search(self.lead.text or "")
        # A party lead-in ("Polisen ska:", "Tillsammans ska vi:") after a background
        # section opens the promises as "lovar" does; not under follow-up or an agreement.
        party_lead = cues.PARTY_LABEL.match(text) and cues.MODAL.search(text) \
            and not cues.FOLLOW_UP.search(self.lead.text or "")
        if cues.is_lead(text) and not agreement and \
                (not section_trap or cues.STRONG_LEAD.search(text) or party_lead):
            self._drop_label_promise(text)
            role = self._role(text)
            if cues.PARTY_LABEL.match(text) and self.lead.role == "activity":
                role = "activity"   # "Vad gör vi?" … "Polisen kommer att:" lists activities
            self.lead = Lead(role, text, self.lead.level)
            self.draft.lead_seen = True
            self.draft.promised |= _promising(text) or bool(party_lead)
        elif cues.is_trap(text) or section_trap:
            self.lead = Lead("trap", text, self.lead.level if section_trap else 0)
        else:
            self.lead = Lead("neutral", None, 0)

    def _drop_label_promise(self, lead_in: str) -> None:
        """"Löfte 1 – Trygghet i centrum" followed by "Vi lovar att:" is a title:
        the list under the lead-in holds the promises."""
        draft = self.draft
        if self.lead.role == "numbered" and cues.STRONG_LEAD.search(lead_in) \
                and draft.last_promise == len(draft.commitments) - 1 \
                and not cues.is_commitment_like(draft.commitments[-1]["text"]) \
                and len(draft.commitments[-1]["text"].split()) <= 6:
            draft.commitments.pop()
            draft.last_promise = next((i for i in range(len(draft.commitments) - 1, -1, -1)
                                       if draft.commitments[i]["kind"] == "promise"), None)

    # -- list items -----------------------------------------------------------
    def _item(self, number: int, block: Block) -> None:
        run = self.runs[number]
        text, stated = split_tags(block.text)
        text = re.sub(r"\s+", " ", text).strip()
        if block.link or run.speech or cues.is_noise_item(text):
            self.explain("dropped", text, Reason.NOISE)
            return
        if self._labelled(text):
            return
        lead = self.lead
        # "Synas mer" under "Vi lovar att:" is a promise; a two-word item elsewhere is a menu.
        if len(text.split()) < (2 if lead.role in ("promise", "activity", "numbered") else MIN_WORDS):
            return
        if self.pending_promise:
            self.pending_promise = False
            self._add(text, "promise", None, stated, why=Reason.AFTER_NUMBER)
            self.lead = Lead("numbered", None, 0)
            return
        if lead.role == "trap":
            self.explain("dropped", text, Reason.TRAP_SECTION, heading=lead.text)
            return
        following = self.blocks[number + 1] if number + 1 < len(self.blocks) else None
        if block.gap and _title_only(text) and following is not None and following.kind == "para" \
                and cues.sentence_evidence(_sentences(following.text)[0]) is Form.PROMISE_VERB:
            # "2. Minskad narkotikaanvändning" then "Kommunen och polisen lovar att …": a new
            # numbered section whose title the sentence replaces, not an item of the list above.
            self.lead = Lead("neutral", None, 0)
            self.section_start = len(self.draft.commitments)
            self._add(text, "promise", None, stated, why=Reason.TITLE_BEFORE_SENTENCE)
            return
        if lead.base_depth is None:
            lead.base_depth = block.depth
        nested = block.depth > lead.base_depth and self.draft.last_promise is not None
        if lead.role == "numbered":
            self._add(text, "activity", None, stated, why=Reason.ITEM_UNDER_NUMBERED)
        elif lead.role in ("promise", "activity"):
            promises = cues.PROSE_PROMISE.match(text)
            kind = "activity" if nested or lead.role == "activity" and not promises else "promise"
            self._add(text, kind, lead.text, stated,
                      why=Reason.ITEM_UNDER_LEAD if lead.text else Reason.ITEM_UNDER_HEADING,
                      lead=lead.text)
        elif (self.draft.explicit or self.draft.lead_seen) and run.commitment_like \
                or cues.PROSE_PROMISE.match(text):
            self._add(text, "activity" if nested else "promise", None, stated,
                      why=Reason.LIST_OF_UNDERTAKINGS)
        else:
            self.explain("dropped", text, Reason.NEUTRAL_LIST)

    # -- output ---------------------------------------------------------------
    def _add(self, text: str, kind: str, lead_text: str | None, stated: str | None = None, *,
             why: Reason, weak: bool = False, promising: bool = False, **fields) -> None:
        """Keep a commitment. ``weak``: only in a document that promises elsewhere;
        ``promising``: its own promise verb shows the document promises. ``why`` and
        ``fields`` explain it (``Reason``)."""
        if stated is None:
            text, stated = split_tags(text)
        text = _strip_marker(text)
        draft = self.draft
        if kind == "activity" and draft.last_promise is None:
            kind = "promise"
        if any(c["text"] == text for c in draft.commitments):
            self.explain("dropped", text, Reason.REPEATED)
            return  # a page that repeats its promises (summary + detail) counts them once
        parent = draft.last_promise if kind == "activity" else None
        who = responsible(text, stated, lead_text, kind)
        if who is None and kind == "activity" and parent is not None and stated is None:
            who = draft.commitments[parent]["responsible"]   # an activity without a cue: its promise's
        commitment = {"text": text, "responsible": who, "kind": kind, "parent": parent,
                      "themes": themes_of(text)}
        if stated is not None:
            commitment["_stated"] = True     # a tag decided, even if it named nobody
        if weak:
            commitment["_weak"] = True   # kept only in a document that shows it promises
        elif promising:
            draft.promised = True
        draft.commitments.append(commitment)
        self.explain("kept", text, Reason.KEPT_WEAK if weak else Reason.KEPT, kind=_KINDS[kind],
                     party=commitment["responsible"] or Reason.NO_PARTY, why=why, **fields)
        self.added_at, self.added_kind = self.number, kind
        if kind == "promise":
            draft.last_promise = len(draft.commitments) - 1


@dataclass
class Run:
    speech: bool
    commitment_like: bool


def _list_runs(blocks: list[Block]) -> dict[int, Run]:
    """Consecutive items form a list; some decisions are made per list."""
    runs: dict[int, Run] = {}
    start = None
    for number, block in enumerate(blocks + [Block("para", "")]):
        if block.kind == "item":
            start = number if start is None else start
            continue
        if start is not None:
            items = [split_tags(b.text)[0] for b in blocks[start:number]]
            like = sum(cues.is_commitment_like(t) for t in items)
            # Quotes in news items are dash lines: a list with a quote and few
            # undertakings is all quotes ("- När det handlar om … så har X …").
            speech = any(cues.SPEECH.search(t) for t in items) and like * 2 <= len(items)
            run = Run(speech=speech, commitment_like=like * 2 > len(items))
            for k in range(start, number):
                runs[k] = run
            start = None
    return runs


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", text) if s.strip()]


def _undertaking(sentence: str) -> bool:
    """A sentence that says who does what: 'Polisen genomför…', 'Kommunen ska…'."""
    if len(sentence) > 350 or cues.SPEECH.search(sentence):
        return False
    if re.match(r"^(?:\S+\s+){0,3}?\S+\s+(?:har|hade|var|blev|är)\b", sentence, re.I):
        return False    # reports and descriptions, not undertakings
    return cues.is_commitment_like(sentence) or _opens_with_party(sentence)


def _opens_with_party(sentence: str) -> bool:
    return bool(re.match(r"^(?:\S+\s+){0,3}?(?:polis\w*|kommun\w*|\w+s kommun|vi|stad\w*|"
                         r"socialtjänst\w*|fält\w+|skol\w*)\b", sentence, re.I))


def _short_item(text: str, words: int = 15) -> bool:
    """A short line that could be a list item: no report, description, question or lead-in."""
    return 2 <= len(text.split()) <= words and not text.rstrip().endswith((":", "?")) \
        and not cues.NOT_A_COMMITMENT_SUBJECT.match(text) and not cues.STRONG_REPORT.search(text) \
        and not cues.DESCRIBES.search(text) and not cues.SPEECH.search(text) \
        and not cues.CONTACT.search(text)


def _promising(lead: str) -> bool:
    """A lead-in or heading that itself promises: "… lovar att:", "Vårt löfte till dig"."""
    return bool(cues.STRONG_LEAD.search(lead) or cues.PROMISE_HEADING.match(lead.strip()))


def _title_only(text: str) -> bool:
    """'Ett tryggare Växjö centrum', 'Minskad narkotikaanvändning': a title, no undertaking."""
    return len(text.split()) <= 10 and not text.endswith(".") \
        and not cues.MODAL.search(text) and not cues.INFINITIVE_ITEM.match(text)


def _strip_marker(text: str) -> str:
    text = re.sub(r"^\s*(?:\d{1,2}[.)]|[•\-–—*·▪●◦○■□➢►✓✔])\s+", "", text)
    return re.sub(r"\s+", " ", text).strip(" \t\n;,")

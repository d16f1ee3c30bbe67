"""Swedish full-text search: SQLite FTS5 word indexes, a trigram vocabulary, a stemmer.

The approach (measured in docs/archive-ui.md and ``bench/serve.py``):

* Commitments, documents and page texts are indexed by words (FTS5
  ``unicode61`` with ``remove_diacritics 0``, so å/ä/ö stay the distinct
  letters they are in Swedish). Ranking is FTS5's bm25, the commitment text
  weighted above its municipality, county and theme columns.
* Only the commitment text is searched (every query group is limited to
  the ``text`` column); county, theme, party and the rest are filters.
* Swedish compounds and inflections defeat a word index on its own, so every
  distinct word of the indexed texts also goes into ``search_vocabulary``,
  an FTS5 table with the ``trigram`` tokenizer. A query word is looked up
  there and widened to the words a Swedish reader would accept as the same
  word or a compound of it (:func:`accepts`): its inflections always, and for
  words of five letters or more also compounds that begin with it
  ("narkotika" → narkotikabrott) or end with it, inflected
  ("vandring" → trygghetsvandringar). A short word ("ska", "land") is never
  widened to words that merely contain it (minska, gällande).
* Before that, :func:`stem` strips one Swedish inflection suffix (-arna,
  -erna, -ar, -en, -s …; at least four letters kept), so an inflected query
  ("trygghetsvandringarna") also finds the base form. The stems are internal:
  pages show the words the visitor typed.
* All words must occur (AND); a "quoted phrase" must occur as written, as
  whole words. A word found nowhere gets a "menade du …" suggestion from the
  archive's own vocabulary (:func:`suggestion`).

Why not the trigram tokenizer for the texts themselves (the first version):
it finds the same substrings, but ranking 10,000 hits costs twice as much
(each query word is a phrase of trigrams), and the index is four times the
size. ``search_commitments`` keeps a trigram index of the commitments for
Datasette's own ``?_search=`` box on the ``commitments_overview`` table and
for the "similar commitments" query.

The index tables are rebuilt from the derived tables by ``normalize`` (inside
its transaction), so serving stays read-only.
"""

from __future__ import annotations

import difflib
import re
import sqlite3

import sqlite_utils

from crawler.store.schema import (COMMITMENT_COLUMNS, COMMITMENT_GROUPS_SQL, WORD_TABLES,
                                  create_overview_indexes, create_search_tables)

# Swedish inflection (and compound-linking -s) suffixes, longest first.
SUFFIXES = ("arnas", "ernas", "ornas", "arna", "erna", "orna", "ande", "ende", "ens", "ets",
            "ar", "er", "or", "en", "et", "na", "an", "as", "es", "s", "a", "e")
MIN_STEM = 4     # never strip a word below four letters
MIN_TERM = 3     # the trigram vocabulary cannot match shorter terms
MIN_WIDEN = 4    # shorter words match only themselves and their inflections
MIN_PART = 4     # the shortest compound part a word may have beside the query word
# Function words match only themselves (and their inflections), however long.
FUNCTION_WORDS = frozenset((
    "och", "att", "ska", "skall", "för", "med", "som", "den", "det", "till", "från", "samt",
    "inom", "under", "efter", "genom", "mellan", "också", "eller", "även", "kommer", "vara",
    "bli", "har", "kan", "vid", "mot", "över", "utan", "alla", "våra", "vårt", "vi"))
# A query word stands for at most this many indexed words (the most common
# ones); only very short, very common fragments ("för", "ing") reach it.
MAX_EXPANSION = 400
_TOKEN = re.compile(r'"([^"]*)"|([^\s"]+)')
_WORD = re.compile(r"\w+")


def build_search_index(db: sqlite_utils.Database) -> None:
    """(Re)build the search tables from the derived tables.

    * ``search_words``: word index of the newest archived copy of each
      commitment text (search shows each text once; see ``search_facets``).
    * ``search_commitments``: trigram index of every commitment (Datasette's
      ``?_search=`` on ``commitments_overview``; "similar commitments").
    * ``search_facets``: one narrow row per commitment with the columns the
      search page counts (county, police region, year, responsible, kind,
      themes, newest/current version, and the codes of every municipality of
      its document: a joint promise belongs to each), so facets need no join
      to the wide commitments table.
    * ``search_documents``, ``search_pages``: word indexes of the documents
      and of the latest version of every page.
    * ``search_vocabulary``: every word of the word indexes and the number of
      rows it occurs in, trigram-indexed for substring lookups.
    * ``commitment_groups``: each commitment row's distinct commitment and
      whether it is current (``crawler.store.schema.COMMITMENT_GROUPS_SQL``).
    * ``commitments_overview``: every distinct commitment with its
      municipality, county and police region, the table researchers browse and facet in
      Datasette (a table, not a view: facet counts with a filter took 90 ms
      over the view, 7 ms here, at 100,000 commitments).

    Idempotent: the tables are dropped and filled again. Call it inside the
    caller's transaction (``normalize`` does).
    """
    create_search_tables(db)
    db.execute(COMMITMENT_GROUPS_SQL)
    # newest: this row represents its distinct commitment (crawler.store.schema:
    # same text key, period and municipality), so search shows and counts each
    # commitment once; current: that commitment is on its page today.
    db.execute("""
        insert into search_facets
        select c.id, m.county, m.police_region, c.start_year, c.responsible, c.kind,
               coalesce(c.themes, '[]'), g.distinct_id = c.id, g.current,
               coalesce(nullif((select json_group_array(dm.municipality_code)
                                from document_municipalities dm
                                where dm.document_id = c.document_id), '[]'),
                        iif(c.municipality_code is null, '[]', json_array(c.municipality_code)))
        from commitments c join commitment_groups g on g.id = c.id
        left join municipalities m on m.code = c.municipality_code""")
    commitment_rows = """
        select c.id, c.text, coalesce(m.name, ''), coalesce(m.county, ''),
               coalesce(m.police_region, ''), coalesce(c.period_label, ''),
               coalesce(c.responsible, ''),
               coalesce((select group_concat(t.label, ', ') from commitment_themes ct
                         join themes t on t.theme = ct.theme where ct.commitment_id = c.id), '')
        from commitments c left join municipalities m on m.code = c.municipality_code"""
    columns = ", ".join(COMMITMENT_COLUMNS)
    db.execute(f"insert into search_commitments (rowid, {columns}) {commitment_rows}")
    db.execute(f"""insert into search_words (rowid, {columns}) {commitment_rows}
                   where c.id in (select id from search_facets where newest = 1)""")
    db.execute("""
        insert into search_documents (rowid, title, municipalities, period, text)
        select d.id, coalesce(d.title, ''),
               coalesce((select group_concat(m.name, ', ') from document_municipalities dm
                         join municipalities m on m.code = dm.municipality_code
                         where dm.document_id = d.id), ''),
               coalesce(d.period_label, ''),
               coalesce((select group_concat(c.text, char(10)) from commitments c
                         where c.document_id = d.id), '')
        from documents d""")
    db.execute("""
        insert into search_pages (rowid, url, text)
        select s.id, s.url, coalesce(s.text, '') from snapshots s
        join pages p on p.current_snapshot_id = s.id""")
    _build_vocabulary(db)
    db.execute("""
        insert into commitments_overview
        select c.id, c.text, c.municipality_code, m.name, m.county, m.police_region,
               c.period_label, c.start_year, c.end_year, c.responsible, c.kind, c.themes,
               c.url, c.snapshot_id, c.document_id, c.current, c.copies
        from distinct_commitments c
        left join municipalities m on m.code = c.municipality_code""")
    create_overview_indexes(db)


def _build_vocabulary(db: sqlite_utils.Database) -> None:
    """``search_vocabulary``: the words of the word indexes, trigram-indexed."""
    counts = []
    for table in WORD_TABLES:  # the words of the texts (the column searched)
        db.execute(f"drop table if exists temp.{table}_terms")
        db.execute(f"create virtual table temp.{table}_terms using fts5vocab(main, {table}, col)")
        counts.append(f"select term, doc from temp.{table}_terms where col = 'text'")
    db.execute(f"""insert into search_vocabulary (term, rows)
                   select term, sum(doc) from ({" union all ".join(counts)}) group by term""")
    for table in WORD_TABLES:
        db.execute(f"drop table temp.{table}_terms")


def stem(word: str) -> str:
    """Strip one Swedish inflection suffix, keeping at least MIN_STEM letters.

    >>> stem("trygghetsvandringarna"), stem("kommunen"), stem("skolorna"), stem("unga")
    ('trygghetsvandring', 'kommun', 'skol', 'unga')
    """
    lower = word.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= MIN_STEM:
            return lower[: -len(suffix)]
    return lower


def query_terms(q: str | None) -> list[str]:
    """What a query searches for: stemmed words, and "quoted phrases" as written.

    Words are split where the index splits them (``e-post`` → ``post``);
    words shorter than three letters are left out.
    """
    terms = []
    for phrase, chunk in _TOKEN.findall(q or ""):
        if phrase:
            candidates = [" ".join(_WORD.findall(phrase.lower()))]
        else:
            candidates = [stem(word) for word in _WORD.findall(chunk)]
        for term in candidates:
            if len(term) >= MIN_TERM and term not in terms:
                terms.append(term)
    return terms


def query_words(q: str | None) -> list[str]:
    """What the visitor typed, as shown on the page: the words and "quoted
    phrases" that are searched for, unstemmed (stems are internal)."""
    shown = []
    for phrase, chunk in _TOKEN.findall(q or ""):
        words = _WORD.findall(phrase or chunk)
        text = " ".join(words).lower() if phrase else None
        for item in ([text] if phrase else [w.lower() for w in words]):
            if item and len(item) >= MIN_TERM and item not in shown:
                shown.append(item)
    return shown


def _quoted(text: str) -> str:
    return '"' + text.replace('"', "") + '"'


def accepts(word: str, term: str) -> bool:
    """Whether a search for ``term`` (a stemmed query word) should find ``word``.

    >>> [accepts(w, "vandring") for w in ("vandringar", "trygghetsvandringarna", "avvandring")]
    [True, True, False]
    >>> [accepts(w, "ska") for w in ("ska", "minska", "statistiska", "skall")]
    [True, False, False, False]
    >>> [accepts(w, "land") for w in ("landet", "gällande", "bland", "landsbygden")]
    [True, False, False, True]
    >>> [accepts(w, "park") for w in ("parken", "stadsparken", "parkering")]
    [True, True, True]
    """
    if word == term:
        return True
    if len(term) < MIN_WIDEN or term in FUNCTION_WORDS:
        return word.startswith(term) and word[len(term):] in SUFFIXES
    start = word.find(term)
    while start != -1:
        before, after = word[:start], word[start + len(term):]
        if (start == 0 or len(before) >= MIN_PART) and \
                (after in SUFFIXES or after == "" or len(after) >= MIN_PART):
            return True
        start = word.find(term, start + 1)
    return False


def expansions(conn: sqlite3.Connection, term: str, limit: int = MAX_EXPANSION) -> list[str]:
    """The indexed words a search for ``term`` finds (`accepts`), most common first."""
    rows = conn.execute("select term from search_vocabulary where search_vocabulary match ? "
                        "order by rows desc", [_quoted(term)])
    words = []
    for (word,) in rows:
        if accepts(word, term):
            words.append(word)
            if len(words) >= limit:
                break
    return words


SUGGEST_CANDIDATES = 300


def suggestion(conn: sqlite3.Connection, q: str | None) -> str | None:
    """The query with each word found nowhere replaced by the closest word of
    the archive's vocabulary ("menade du …"); None when there is nothing to
    suggest."""
    changed, words = False, []
    for phrase, chunk in _TOKEN.findall(q or ""):
        if phrase or len(chunk) < MIN_TERM or expansions(conn, stem(chunk), 1):
            words.append(f'"{phrase}"' if phrase else chunk)
            continue
        close = _closest(conn, chunk.lower())
        changed |= close is not None
        words.append(close or chunk)
    return " ".join(words) if changed else None


def _closest(conn: sqlite3.Connection, word: str) -> str | None:
    grams = {word[i:i + 3] for i in range(len(word) - 2)}
    if not grams:
        return None
    candidates = [r[0] for r in conn.execute(
        "select term from search_vocabulary where search_vocabulary match ? "
        "order by rows desc limit ?",
        [" OR ".join(_quoted(g) for g in sorted(grams)), SUGGEST_CANDIDATES])]
    candidates = [c for c in candidates if c[0] == word[0]]  # misspellings keep the first letter
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def query_groups(conn: sqlite3.Connection, q: str | None) -> list[tuple[str, list[str]]] | None:
    """The query as groups that must all match: ("words", the indexed words
    containing a query word) or ("phrase", its words in order).

    None when some query word is in no indexed word (nothing can match);
    [] when the query has no term of three letters or more.
    """
    groups = []
    for term in query_terms(q):
        if " " in term:
            groups.append(("phrase", term.split()))
            continue
        words = expansions(conn, term)
        if not words:
            return None
        groups.append(("words", words))
    return groups


def mark_matches(text: str, groups: list[tuple[str, list[str]]], start: str = "\x01",
                 end: str = "\x02") -> str:
    """``text`` with every word that a query group matched between ``start``
    and ``end`` (FTS5's highlight(), without a second FTS5 query).

    >>> mark_matches("Fler trygghetsvandringar.", [("words", ["trygghetsvandringar"])], "[", "]")
    'Fler [trygghetsvandringar].'
    """
    words = {w for _, group in groups for w in group}
    return _WORD.sub(lambda m: start + m.group(0) + end if m.group(0).lower() in words
                     else m.group(0), text)


def match_expression(groups: list[tuple[str, list[str]]] | None) -> str:
    """The FTS5 MATCH expression for `query_groups`: each group as the OR of
    its words (or as a phrase), all groups required. '""' (matches nothing)
    when there are no groups, or when some query word is in no indexed word.
    """
    if not groups:
        return '""'
    return " AND ".join("text : " + (_quoted(" ".join(words)) if kind == "phrase"
                                     else "(" + " OR ".join(_quoted(w) for w in words) + ")")
                        for kind, words in groups)


_INDEXED_TOKEN = re.compile(r"[^\W_]+")   # FTS5 unicode61: letters and digits


def text_matches(text: str | None, groups: list[tuple[str, list[str]]]) -> bool:
    """Does ``text`` have, for every group, one of its words ("words") or its
    words in order ("phrase")? What ``match_expression`` asks FTS5, for a few
    texts at hand: the indexed words are whole tokens, lower case."""
    tokens = _INDEXED_TOKEN.findall((text or "").lower())
    present = set(tokens)
    for kind, words in groups:
        if kind == "phrase":
            n = len(words)
            if not any(tokens[i:i + n] == words for i in range(len(tokens) - n + 1)):
                return False
        elif present.isdisjoint(words):
            return False
    return True


def word_query(conn: sqlite3.Connection, q: str | None) -> str:
    """The FTS5 MATCH expression for a user's query on the word indexes.
    Registered as the SQL function ``sokfraga``."""
    return match_expression(query_groups(conn, q))


# Words too common in promises to say what a commitment is about.
COMMON_WORDS = frozenset((
    "polisen", "kommunen", "kommun", "tillsammans", "genomföra", "genom", "arbeta", "arbetet",
    "kommunens", "polisens", "medborgarlöfte", "medborgarlöften", "under", "eller", "andra",
    "skall", "kommer", "mellan", "utifrån", "detta", "samt", "också"))
SIMILAR_TERMS = 6


def similarity_terms(text: str | None) -> list[str]:
    """A commitment's less common words of five letters or more, stemmed,
    longest first. Long Swedish words are the specific ones (compounds such
    as "trygghetsvandringar")."""
    terms: list[str] = []
    for word in re.findall(r"[\wåäöÅÄÖ-]+", (text or "").lower()):
        if len(word) < 5 or word in COMMON_WORDS or word.isdigit():
            continue
        term = stem(word)
        if len(term) >= MIN_TERM and term not in terms:
            terms.append(term)
    return sorted(terms, key=len, reverse=True)


def similarity_query(text: str | None) -> str:
    """An FTS5 OR-query of at most SIMILAR_TERMS of the text's
    `similarity_terms`, as substrings of the text column of the trigram index.
    Registered as ``likhetsfraga``: the candidates for "similar commitments"
    while the ranking index is not ready.
    """
    terms = similarity_terms(text)[:SIMILAR_TERMS]
    if not terms:
        return '""'
    return "text : (" + " OR ".join(_quoted(t) for t in terms) + ")"

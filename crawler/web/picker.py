"""Finding municipalities by what a visitor types: code, name, slug, or a
list of them ("Sunne; Kristinehamns", "2181 1781") for /jamfor and /kommun."""

from __future__ import annotations

import re
import unicodedata

COLUMNS = ("code", "name", "short_name", "county", "county_code", "police_region")


def fold(name: str) -> str:
    """Lower case, NFC, single spaces, hyphens as spaces."""
    text = unicodedata.normalize("NFC", name).lower().replace("-", " ")
    return " ".join(text.split())


_SUFFIXES = (" kommun", " kommuns", " stad", " stads")


def name_keys(name: str) -> set[str]:
    """Ways a visitor may write a municipality: 'Kristinehamns kommun' ->
    {'kristinehamns kommun', 'kristinehamn', 'kristinehamns'}."""
    folded = fold(name)
    keys = {folded}
    for suffix in _SUFFIXES:
        if folded.endswith(suffix):
            keys.add(folded[: -len(suffix)])
    if folded.startswith("region "):
        keys.add(folded[len("region "):])
    return keys | {k + "s" for k in keys if not k.endswith("s")}


def municipality_index(conn) -> dict[str, dict]:
    """Every way of writing every municipality (code, name, short name) -> row.

    Built once per archive file and schema version (normalize, which rewrites
    the municipalities, also rebuilds the search tables and so changes the
    schema version): every page view looks a municipality up, and building
    the index took 3 ms."""
    key = (conn.execute("pragma database_list").fetchone()[2],
           conn.execute("pragma schema_version").fetchone()[0])
    index = _INDEXES.get(key)   # read once: another SQL thread may replace the entry
    if index is None:
        index = _build_index(conn)
        _INDEXES.clear()
        _INDEXES[key] = index
    return index


_INDEXES: dict[tuple, dict] = {}


def _build_index(conn) -> dict[str, dict]:
    index = {}
    for row in conn.execute(f"select {', '.join(COLUMNS)} from municipalities"):
        m = dict(zip(COLUMNS, row))
        index[m["code"]] = m
        for name in (m["name"], m["short_name"]):
            for key in name_keys(name or ""):
                index.setdefault(key, m)
    # URL slugs ('malung-salen') last: a name or code wins over them.
    for m in [m for key, m in index.items() if key == m["code"]]:
        index.setdefault("/" + slug(m["short_name"] or m["name"]), m)
    return index


def slug(name: str) -> str:
    """'Malung-Sälens kommun' -> 'malung-salen' (URL part for /kommun/…)."""
    folded = fold(name)
    for suffix in _SUFFIXES:
        if folded.endswith(suffix):
            folded = folded[: -len(suffix)]
    if folded.startswith("region "):
        folded = folded[len("region "):]
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def find_municipality(conn, key: str) -> dict | None:
    """A municipality by code, name or slug ('2181', 'Sandviken', 'sandviken')."""
    key = key.strip()
    index = municipality_index(conn)
    folded = fold(key)
    bare = next((folded[: -len(s)] for s in _SUFFIXES if folded.endswith(s)), folded)
    found = (index.get(key) or index.get(folded) or index.get(bare)   # 'Gotland kommun'
             or index.get("/" + slug(key)))
    return dict(found) if found else None   # a copy: the index is shared


def parse_picker(conn, text: str | None) -> tuple[list[dict], list[str]]:
    """Municipalities named in free text, and the parts that named none.

    Tolerant: codes or names, any case, genitive -s, "kommun"/"stad",
    separated by commas, semicolons or spaces ("Sunne; Kristinehamns",
    "2181 1781", "sunne ,kristinehamn"). Names of several words ("Upplands
    Väsby", "Malung-Sälen") are matched longest first.
    """
    index = municipality_index(conn)
    found, unknown = [], []
    for chunk in re.split(r"[,;\n]+", text or ""):
        words = fold(chunk).split()
        i = 0
        while i < len(words):
            for j in range(len(words), i, -1):
                match = index.get(" ".join(words[i:j]))
                if match:
                    if match not in found:
                        found.append(dict(match))   # a copy: the index is shared
                    i = j
                    break
            else:
                if words[i] not in ("och", "kommun", "stad", "samt", "&"):
                    unknown.append(words[i])
                i += 1
    return found, unknown

"""No request can take the site down or expose its internals: bounded
parameters, Swedish 4xx pages, 405 for writes, hidden tables, a CSP with no
inline script, bounded diffs, load shedding, and search that matches what it
says it matches. Through Datasette's own test client on the fixture archive.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
from urllib.parse import quote

import pytest

from crawler.web.guards import BadParameter, HeavyLimiter, Overloaded, bounded_int
from crawler.web.protect import is_heavy
from crawler.web.serving import datasette_instance
from crawler.web.textdiff import side_by_side
from serve_fixtures import build_serve_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_serve_archive(tmp_path_factory.mktemp("hardening") / "archive.db")


@pytest.fixture(scope="module")
def ds(archive):
    instance = datasette_instance(archive)
    # as `serve` does: a test that runs first (a POST's 405 page) renders a template
    asyncio.run(instance.invoke_startup())
    return instance


def get(ds, path, method="get"):
    return asyncio.run(getattr(ds.client, method)(path))


# -- item 4: search matches the commitment text, as a Swedish reader would ----
def search(ds, q: str) -> dict:
    return get(ds, "/-/sok.json?q=" + quote(q)).json()


def test_polisen_ska_finds_only_texts_with_both_words(ds):
    texts = [h["text"] for h in search(ds, "Polisen ska")["hits"]]
    assert texts and all("polisen" in t.lower() and " ska " in t.lower() for t in texts)


def test_short_words_are_not_widened_to_words_containing_them(ds):
    texts = [h["text"].lower() for h in search(ds, "ska")["hits"]]
    assert texts and all(re.search(r"\bska\b", t) for t in texts)
    assert search(ds, "land")["total"] == 0      # not "bland", not "Gävleborgs län"


def test_metadata_is_a_filter_not_a_search_word(ds):
    assert search(ds, "Gävleborgs")["total"] == 0  # the county of Sandviken's rows
    assert search(ds, "trygghet")["total"] > 0


def test_compound_parts_are_found(ds):
    texts = [h["text"] for h in search(ds, "vandring")["hits"]]
    assert any("trygghetsvandringar" in t for t in texts)


def test_internal_stems_are_never_shown(ds):
    result = search(ds, "trygghetsvandringarna")
    assert result["terms"] == ["trygghetsvandringarna"] and "fts" not in result
    page = get(ds, "/-/sok?q=trygghet").text
    assert "<code>trygghet</code>" in page and "<code>tryggh</code>" not in page


def test_a_misspelling_gets_a_suggestion_from_the_archive(ds):
    result = search(ds, "narkotikabrot")
    assert result["total"] == 0 and result["suggestion"] == "narkotikabrott"
    assert "Menade du" in get(ds, "/-/sok?q=narkotikabrot").text


# -- items 5, 6, 15: bounded parameters --------------------------------------
def test_paging_past_the_end_is_a_404_not_an_empty_page(ds):
    response = get(ds, "/-/sok?q=testl%C3%B6fte&sida=3")
    assert response.status_code == 404 and "finns inte" in response.text


@pytest.mark.parametrize("sida", ["99999999", "99999999999999999999", "-1", "0", "1e9", "x"])
def test_out_of_range_page_numbers_are_a_swedish_400(ds, sida):
    response = get(ds, "/-/sok?q=vandring&sida=" + sida)
    assert response.status_code == 400 and "sida" in response.text


@pytest.mark.parametrize("path", [
    "/-/snapshot/99999999999999999999999", "/-/snapshot/99999999999999999999999/raw",
    "/-/diff?a=1&b=99999999999999999999999", "/-/diff?a=-5&b=1", "/-/diff?a=&b=1",
])
def test_huge_ids_are_4xx(ds, path):
    assert 400 <= get(ds, path).status_code < 500


def test_bounded_int():
    assert bounded_int("5", "sida") == 5 and bounded_int(None, "sida", default=1) == 1
    for bad in ("0", "201", "9" * 40, "١٢", "1.5", " 3"):
        with pytest.raises(BadParameter):
            bounded_int(bad, "sida")


def test_a_corrupted_stored_body_is_a_404_not_a_500(tmp_path):
    path = build_serve_archive(tmp_path / "archive.db")
    conn = sqlite3.connect(path)
    conn.execute("update bodies set body = x'00ff00ff'")
    conn.commit()
    conn.close()
    site = datasette_instance(path)
    assert get(site, "/-/snapshot/1/raw").status_code == 404
    assert get(site, "/-/snapshot/1/html").status_code == 404
    assert get(site, "/-/snapshot/1").status_code == 200


# -- item 11: user errors are 4xx, internals hidden --------------------------
@pytest.mark.parametrize("path", ["/archive/commitments?_sort=nonexistent",
                                  "/archive/commitments?_sort_desc=zzz"])
def test_an_unknown_sort_column_is_a_400(ds, path):
    assert get(ds, path).status_code == 400


@pytest.mark.parametrize("path", ["/archive/commitments", "/archive/sok?q=x", "/-/sok",
                                  "/archive"])
def test_writes_are_405(ds, path):
    response = get(ds, path, "post")
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize("path", ["/-/databases.json", "/-/databases", "/-/threads.json",
                                  "/-/settings.json", "/-/plugins.json", "/-/metadata.json"])
def test_server_internals_are_not_shown(ds, archive, path):
    response = get(ds, path)
    assert response.status_code == 404 and str(archive) not in response.text


@pytest.mark.parametrize("table", ["bodies", "search_words", "search_words_data",
                                   "search_facets", "commitment_groups", "search_vocabulary"])
def test_hidden_tables_cannot_be_opened_by_url(ds, table):
    assert get(ds, f"/archive/{table}").status_code == 403
    assert get(ds, f"/archive/{table}.json").status_code == 403


# -- item 12: a CSP that protects, and no inline script anywhere -------------
PAGES = ["/", "/archive", "/archive/commitments", "/archive/commitments_overview",
         "/archive/kommunens_historik?kod=2181", "/archive/karta?gallande=", "/-/sok?q=vandring",
         "/-/karta", "/-/diagram/teman", "/-/snapshot/1", "/-/diff?a=1&b=4", "/-/om",
         "/archive/commitments/1"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_strict_csp_and_have_no_inline_script(ds, path):
    response = get(ds, path)
    assert response.status_code == 200, response.text[:300]
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert not INLINE_SCRIPT.search(response.text), INLINE_SCRIPT.search(response.text)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", response.text, re.I)  # no onclick=…


def test_the_static_scripts_are_served(ds):
    for name in ("karta.js", "sidkonfig.js", "stang-menyer.js", "sql-visning.js", "arkiv.css"):
        assert get(ds, f"/-/static-plugins/medborgarloften/{name}").status_code == 200, name


# -- item 13: a diff's work is bounded --------------------------------------
def test_a_diff_of_two_long_versions_with_every_line_changed_is_fast():
    a = "\n".join(f"Rad {i} i den gamla versionen med lite text {i * 7}" for i in range(3000))
    b = "\n".join(f"Rad {i} i den nya lydelsen, annorlunda ord {i * 13}" for i in range(3000))
    started = time.monotonic()
    diff = side_by_side(a, b)
    assert time.monotonic() - started < 5
    assert diff.rows and not diff.same


def test_a_diff_of_huge_texts_is_cut_and_says_so():
    a = "\n".join(f"a{i}" for i in range(20000))
    diff = side_by_side(a, a + "\nslut")
    assert diff.truncated and len(diff.rows) <= 2 * 4000


# -- item 14: load shedding -------------------------------------------------
def test_heavy_and_light_requests():
    assert is_heavy("/-/sok") and is_heavy("/archive/commitments_overview")
    assert not is_heavy("/-/static/app.css") and not is_heavy("/-/snapshot/3")
    assert not is_heavy("/") and not is_heavy("/-/versions.json")


def test_the_limiter_refuses_when_its_queue_is_full():
    async def scenario():
        limiter = HeavyLimiter(running=1, queued=1, wait=0.5)
        outcomes = []

        async def one():
            try:
                async with limiter.slot():
                    await asyncio.sleep(0.3)
                outcomes.append("ok")
            except Overloaded:
                outcomes.append("503")
        await asyncio.gather(*(one() for _ in range(4)))
        return outcomes
    outcomes = asyncio.run(scenario())
    assert outcomes.count("ok") == 2 and outcomes.count("503") == 2


@pytest.mark.parametrize("path,status", [
    ("/archive/nonexistent", 404), ("/nonexistent", 404), ("/archive/bodies", 403),
    ("/archive/commitments?text__arraycontains=x", 400), ("/-/snapshot/999", 404),
    ("/-/sok?q=x&sida=abc", 400), ("/archive/commitments", 405),
])
def test_user_errors_are_swedish_pages_that_expose_nothing_internal(ds, archive, path, status):
    response = get(ds, path, "post" if status == 405 else "get")
    assert response.status_code == status
    assert 'lang="sv"' in response.text or "Medborgarlöften" in response.text
    assert not re.search(r"\b(Error|Traceback|not found|Forbidden|sqlite)\b", response.text)
    assert str(archive) not in response.text and "select " not in response.text

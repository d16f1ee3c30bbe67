"""The journalist pages (crawler.web.pages) through Datasette's test client.

On the small fixture archive of ``serve_fixtures`` (invented "Testlöfte …"
rows): Sandviken 2181 has two periods with one commitment continued, one
reworded (busstationen -> resecentrum), one dropped and one new; Kristinehamn
1781 has one period and a page that is gone; Stockholm 0180 carries XSS
payloads.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
import sqlite_utils
from datasette.app import Datasette

from crawler.derive.run import fill_police_areas
from crawler.derive.run import build_serving_tables
from crawler.store.schema import ensure_derived_schema
from crawler.search.words import match_expression, query_groups, text_matches
from crawler.web import comparison, pages, picker, queries, search_page
from crawler.web.serving import SETTINGS, TEMPLATES_DIR, datasette_instance, metadata_for
from crawler.web.wording import inline_html, line_blocks, pair_lines, side_html
from serve_fixtures import (AELDRE, BELYSNING, BUSS, CURRENT, IMG, RESE,
                            SANDVIKEN_URL, SCRIPT, TRYGGHET, build_serve_archive)

ATOM = "{http://www.w3.org/2005/Atom}"
# Words of Datasette's English chrome that must not show on our pages.
ENGLISH = re.compile(r"\b(home|Powered by|Data license|Data source|About:|This data as|"
                     r"Advanced export|Menu|Log out|Error \d+|rows? in)\b")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_serve_archive(tmp_path_factory.mktemp("pages") / "archive.db")


@pytest.fixture(scope="module")
def get(archive):
    ds = datasette_instance(archive)

    def fetch(path):
        return asyncio.run(ds.client.get(path))
    return fetch


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_municipality_page_by_code_and_by_name_shows_the_current_promise(get):
    for path in ("/kommun/2181", "/kommun/sandviken", "/kommun/Sandvikens%20kommun"):
        response = get(path)
        assert response.status_code == 200, path
        text = visible_text(response.text)
        assert "Sandvikens kommun" in text
        assert f"Perioden {CURRENT}–{CURRENT + 1} gäller i år" in " ".join(text.split())
        assert RESE in response.text and AELDRE in response.text


def test_municipality_page_lists_earlier_periods_and_what_changed_between_them(get):
    data = get("/kommun/2181.json").json()
    labels = [p["label"] for p in data["periods"]]
    assert labels == [f"{CURRENT - 2}–{CURRENT - 1}", f"{CURRENT}–{CURRENT + 1}"]
    events = {(e["kind"], e["old_text"], e["new_text"]) for e in data["between"][0]["events"]}
    # Rewordings are the ones normalize recorded (the changes table).
    assert events == {("commitment_reworded", BUSS, RESE),
                      ("commitment_removed", BELYSNING, None),
                      ("commitment_added", None, AELDRE)}
    assert not any(TRYGGHET in (e[1] or "") + (e[2] or "") for e in events)
    html = get("/kommun/2181").text
    assert "<del>busstationen</del>" in html and "<ins>resecentrum</ins>" in html
    assert "@@" not in html


def test_municipality_page_shows_sources_with_status_neighbours_and_links(get):
    data = get("/kommun/1781.json").json()
    [source] = data["sources"]
    assert source["status_label"].startswith("borttagen sedan") and "HTTP 404" in source[
        "status_label"]
    neighbours = [n["code"] for n in data["neighbours"]]
    assert neighbours and all(code.startswith("17") for code in neighbours)
    html = get("/kommun/1781").text
    assert 'href="/kommun/1781.atom"' in html and "Prenumerera" in html
    assert 'action="/jamfor"' in html and "Jämför med" in html


def test_municipality_page_theme_filter_and_unknown_municipality(get):
    data = get("/kommun/2181.json?tema=trygghetsvandringar").json()
    texts = {c["text"] for p in data["periods"] for c in p["commitments"]}
    assert texts == {TRYGGHET}
    response = get("/kommun/nowhere")
    assert response.status_code == 404
    assert "Ingen kommun heter" in response.text and not ENGLISH.search(
        visible_text(response.text))


def test_municipality_csv_has_a_bom_and_an_excel_dialect(get):
    plain = get("/kommun/2181.csv")
    assert plain.headers["content-type"].startswith("text/csv")
    assert plain.content.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(plain.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["kommunkod", "kommun", "period", "åtagande"]
    assert {r[3] for r in rows[1:]} == {TRYGGHET, BELYSNING, BUSS, RESE, AELDRE}
    excel = get("/kommun/2181.csv?_dialect=excel-sv").content.decode("utf-8-sig")
    assert excel.splitlines()[0].startswith("kommunkod;kommun;period;")


def test_commitment_page_shows_sources_history_and_a_stable_url(get):
    html = get("/atagande/9").text  # RESE, reworded from BUSS
    text = " ".join(visible_text(html).split())
    assert RESE in text and "Ansvarig Polisen" in text and "Sandvikens kommun" in text
    assert 'href="/-/snapshot/4"' in html and f'href="{SANDVIKEN_URL}"' in html
    assert 'href="/-/snapshot/4/original"' in html
    assert "<del>busstationen</del>" in html and "<ins>resecentrum</ins>" in html
    inline = get("/atagande/9?visning=rad").text
    assert 'class="ordandring"' in inline
    data = get("/atagande/9.json").json()
    stable = data["commitment"]["stable_path"]
    assert get(stable + ".json").json()["commitment"]["id"] == 9
    assert get(stable).status_code == 200


def test_commitment_page_links_the_same_text_in_every_version(get):
    data = get("/atagande/8.json").json()  # TRYGGHET, in both Sandviken versions
    assert [c["snapshot_id"] for c in data["copies"]] == [1, 4]
    assert data["commitment"]["themes"][0]["label"]
    assert get("/atagande/999.json").status_code == 404


def test_commitment_page_finds_similar_commitments_elsewhere(get):
    data = get("/atagande/8.json").json()
    assert all(s["municipality_code"] != "2181" for s in data["similar"])


def test_compare_picker_is_tolerant_and_names_what_it_did_not_find(get):
    for picked in ("sunne ,kristinehamn", "Kristinehamns; Sunne", "1781 1766",
                   "KRISTINEHAMN;sunne kommun"):
        data = get("/jamfor.json?kommuner=" + quote(picked)).json()
        assert {m["code"] for m in data["members"]} == {"1781", "1766"}, picked
        assert data["unknown"] == [], picked
    data = get("/jamfor.json?kommuner=" + quote("Sandviken, Atlantis")).json()
    assert [m["code"] for m in data["members"]] == ["2181"]
    assert data["unknown"] == ["atlantis"]
    html = get("/jamfor?kommuner=" + quote("Sandviken, Atlantis")).text
    assert "Hittade ingen kommun" in html and "atlantis" in html


def test_compare_picker_takes_names_of_several_words(archive):
    conn = sqlite3.connect(archive)
    found, unknown = picker.parse_picker(conn, "upplands väsby malung-sälen, Region Gotland")
    assert [m["short_name"] for m in found] == ["Upplands Väsby", "Malung-Sälen", "Gotland"]
    assert unknown == []


def test_compare_table_counts_distinct_commitments_per_theme(get):
    data = get("/jamfor.json?kommuner=2181,1781").json()
    assert [c["code"] for c in data["columns"]] == ["2181", "1781"]
    by_theme = {t["theme"]: t["counts"] for t in data["themes"]}
    # TRYGGHET is in both Sandviken periods: two distinct commitments (one per period).
    assert by_theme["trygghetsvandringar"] == [2, 1]
    sandviken, kristinehamn = data["columns"]
    assert sandviken["commitments"] == 6 and kristinehamn["commitments"] == 3
    assert sandviken["promises"] >= 1 and len(sandviken["periods"]) == 2
    assert sum(sandviken["parties"].values()) == 6
    html = get("/jamfor?kommuner=2181,1781").text
    assert 'href="/kommun/2181?tema=trygghetsvandringar"' in html


def test_compare_county_and_police_region_views(get):
    county = get("/jamfor.json?lan=17").json()
    assert len(county["members"]) == 16 and "1781" in [m["code"] for m in county["members"]]
    region = get("/jamfor.json?polisregion=Bergslagen").json()
    assert {"1781", "1766"} <= {m["code"] for m in region["members"]}
    assert "2181" not in {m["code"] for m in region["members"]}  # Gävleborg: region Mitt
    table = get("/jamfor.csv?kommuner=2181,1781&_dialect=excel-sv").content.decode("utf-8-sig")
    assert table.splitlines()[0] == "tema;Sandvikens kommun;Kristinehamns kommun"


def feed(get, path):
    response = get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == ATOM + "feed" and root.find(ATOM + "id") is not None
    return root.findall(ATOM + "entry")


def test_municipality_feed_has_readable_swedish_entries(get):
    entries = feed(get, "/kommun/2181.atom")
    titles = [e.find(ATOM + "title").text for e in entries]
    assert "Sandvikens kommun: Åtagande omformulerat" in titles
    reworded = entries[titles.index("Sandvikens kommun: Åtagande omformulerat")]
    content = reworded.find(ATOM + "content").text
    assert f"Tidigare: {BUSS}" in content and f"Nu: {RESE}" in content
    assert "@@" not in content and "\n-" not in content


def test_feeds_without_changes_are_valid_and_empty(get):
    assert feed(get, "/kommun/0114.atom") == []   # Upplands Väsby: nothing archived
    assert feed(get, "/-/flode/lan/25.atom") == []


def test_county_theme_and_search_feeds(get):
    assert any("Sandvikens kommun" in e.find(ATOM + "title").text
               for e in feed(get, "/-/flode/lan/21.atom"))
    bedrageri = feed(get, "/-/flode/tema/brott_mot_aldre.atom")
    assert [e.find(ATOM + "title").text for e in bedrageri] == [
        "Sandvikens kommun: Nytt åtagande"]
    searched = feed(get, "/-/flode/sok.atom?q=resecentrum")
    assert [e.find(ATOM + "title").text for e in searched] == [
        "Sandvikens kommun: Åtagande omformulerat"]
    assert get("/-/flode/tema/finns_inte.atom").status_code == 404


def test_unknown_feeds_answer_the_sites_swedish_error_page(get):
    for path, text in (("/-/flode/tema/finns_inte.atom", "inget tema som heter ”finns_inte”"),
                       ("/-/flode/lan/99.atom", "inget län med koden ”99”"),
                       ("/kommun/9999.atom", "Ingen kommun heter eller har koden ”9999”")):
        response = get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert text in response.text and '<html lang="sv">' in response.text, path


def test_xss_payloads_stay_escaped_on_every_page(get):
    for path in ("/kommun/0180", "/atagande/7", "/jamfor?kommuner=0180",
                 "/kommun/0180.atom"):
        body = get(path).text
        assert SCRIPT not in body and IMG not in body, path


def test_search_page_lists_matching_municipalities_and_exports(get):
    html = get("/-/sok?q=trygghetsvandringar").text
    assert "kommuner som matchar" in html
    assert 'href="/kommun/2181?q=trygghetsvandringar"' in html
    assert 'href="/atagande/' in html and "Visar 1–" in html
    export = get("/-/sok.csv?q=trygghetsvandringar&_dialect=excel-sv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "åtagande_nr"
    assert {r[5] for r in rows[1:]} >= {TRYGGHET} and len(rows) - 1 == html.count(
        'class="sok-hit"')
    filtered = get("/kommun/2181.json?q=trygghetsvandringar").json()
    assert {c["text"] for p in filtered["periods"] for c in p["commitments"]} == {TRYGGHET}


def test_search_export_links_say_what_they_hold(get, monkeypatch):
    assert "Ladda ner alla träffar:" in get("/-/sok?q=trygghetsvandringar").text
    assert "denna sida som JSON" in get("/-/sok?q=trygghetsvandringar").text
    monkeypatch.setattr(pages, "EXPORT_LIMIT", 1)   # a result larger than the CSV holds
    html = get("/-/sok?q=trygghetsvandringar").text
    assert "Ladda ner de 1 första träffarna:" in html
    export = get("/-/sok.csv?q=trygghetsvandringar")
    assert len(list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))) == 2


def test_original_bytes_download_as_an_attachment(get):
    response = get("/-/snapshot/4/original")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in response.headers["content-security-policy"]
    assert b"<li>" + RESE.encode() in response.content
    assert get("/-/snapshot/999/original").status_code == 404


def test_pages_have_no_english_chrome(get):
    for path in ("/", "/kommun", "/kommun/2181", "/atagande/9", "/jamfor?kommuner=2181,1781",
                 "/-/sok?q=trygghet", "/finns-inte"):
        text = visible_text(get(path).text)
        assert not ENGLISH.search(text), (path, ENGLISH.search(text))


def test_municipality_list_counts_distinct_commitments(get):
    data = {m["code"]: m["commitments"] for m in get("/kommun.json").json()["kommuner"]}
    assert data["2181"] == 6 and data["1781"] == 3 and data["0114"] == 0
    assert len(data) == 290


def test_advanced_link_leads_to_datasette_tables(get):
    response = get("/-/avancerat")
    assert response.status_code == 302 and response.headers["location"] == "/archive"


def test_word_level_change_marks_only_changed_words():
    assert str(inline_html("öka närvaron vid busstationen", "öka närvaron vid resecentrum")) \
        == "öka närvaron vid <del>busstationen</del><ins>resecentrum</ins>"
    old, new = side_html("a <b> c", "a <i> c")
    assert str(old) == "a &lt;<del>b</del>&gt; c" and str(new) == "a &lt;<ins>i</ins>&gt; c"


def test_municipality_page_marks_commitments_only_in_older_versions(get):
    data = get("/kommun/1781.json").json()   # Kristinehamn's page is gone
    assert all(not c["on_page"] for p in data["periods"] for c in p["commitments"])
    sandviken = get("/kommun/2181.json").json()
    on_page = {c["text"]: c["on_page"] for p in sandviken["periods"] for c in p["commitments"]}
    assert on_page[RESE] and not on_page[BUSS]
    assert "finns bara i äldre versioner" in get("/kommun/1781").text


def test_municipalities_filtered_by_theme_and_year(get):
    data = get(f"/kommun.json?tema=trygghetsvandringar&ar={CURRENT}").json()
    assert [(m["code"], m["commitments"]) for m in data["kommuner"]] == [("2181", 1)]
    assert "inom Trygghetsvandringar" in get("/kommun?tema=trygghetsvandringar").text


def test_theme_chart_bars_carry_their_numbers_and_links(get):
    html = get("/-/diagram/teman").text
    assert f'<a href="/kommun?tema=trygghetsvandringar&amp;ar={CURRENT}">' in html
    assert re.search(r'<text x="\d+" y="\d+" font-size="11">1</text>', html)


def test_map_tile_url_is_a_setting(archive):
    metadata = metadata_for(archive)
    metadata["plugins"] = {"medborgarloften-karta": {"tile_url": "http://127.0.0.1:9/{z}.png"}}
    ds = Datasette([str(archive)], metadata=metadata, template_dir=str(TEMPLATES_DIR),
                   settings=SETTINGS)
    html = asyncio.run(ds.client.get("/-/karta")).text
    assert '"tiles": "http://127.0.0.1:9/{z}.png"' in html
    assert "Kartbilderna kunde inte" in html
    default = asyncio.run(datasette_instance(archive).client.get("/-/karta")).text
    assert "tile.openstreetmap.org" in default


def test_canned_queries_hide_sql_and_label_parameters_in_swedish(get):
    html = get("/archive/kommunens_historik").text
    assert "<pre id=\"sql-query\">" not in html and "Kommunkod (fyra siffror)" in html
    assert "Fyll i fälten" in html and "0 results" not in html
    assert re.search(r"<title>En kommuns historik – Medborgarlöften</title>", html)
    assert "<pre id=\"sql-query\">" in get("/archive/kommunens_historik?kod=2181&_show_sql=1").text
    table = get("/archive/commitments").text
    assert "Ladda ner som" in table and "This data as" not in table and "Apply" not in table


def test_versions_compared_word_by_word_side_by_side_and_inline(get):
    html = get("/-/versioner?a=1&b=4").text   # Sandviken, version 1 -> 2
    assert "<del>busstationen</del>" in html and "<ins>resecentrum</ins>" in html
    assert 'class="sida-vid-sida"' in html and "@@" not in html
    inline = get("/-/versioner?a=1&b=4&visning=rad").text
    assert 'class="ordandring"' in inline and 'class="sida-vid-sida"' not in inline
    assert get("/-/versioner?a=1").status_code == 400
    assert get("/-/versioner?a=1&b=999").status_code == 404
    assert 'href="/-/versioner?a=1&amp;b=4"' in get("/kommun/2181").text


def test_line_blocks_collapse_unchanged_runs():
    old = "\n".join(f"Polisen ska vara synlig i område {i} varje vecka." for i in range(20))
    new = old.replace("område 10 varje vecka", "område 10 varje dag")
    blocks = line_blocks(old, new)
    kinds = [b["kind"] for b in blocks]
    assert kinds.count("changed") == 1 and "skipped" in kinds
    assert len(blocks) < 8
    assert line_blocks("a\nb", "a\nb") == [{"kind": "same", "text": "a"},
                                           {"kind": "same", "text": "b"}]


def test_changed_lines_are_paired_with_their_closest_rewording():
    assert pair_lines([BELYSNING, BUSS], [RESE, AELDRE]) == [
        (BELYSNING, None), (BUSS, RESE), (None, AELDRE)]


def test_long_municipality_pages_put_earlier_periods_one_click_away(get, monkeypatch):
    from crawler.web import pages
    monkeypatch.setattr(pages, "INLINE_LIMIT", 0)
    html = get("/kommun/2181").text
    assert 'href="?alla=1"' in html and BELYSNING not in html.split("Vad ändrades")[0]
    full = get("/kommun/2181?alla=1").text
    assert BELYSNING in full and "<details class=\"period\" open>" in full


def test_comparisons_are_cached_until_the_archive_changes(get):
    from crawler.web import pages
    first = get("/jamfor.json?lan=21").json()
    assert any(key[0] == tuple(m["code"] for m in first["members"])
               for key in pages.COMPARISONS.items)
    assert get("/jamfor.json?lan=21").json() == first


def test_compare_with_from_a_municipality_page_keeps_both(get):
    html = get("/kommun/2181").text
    assert '<input type="hidden" name="kommuner" value="2181">' in html
    data = get("/jamfor.json?kommuner=2181&kommuner=" + quote("Kristinehamns")).json()
    assert [m["code"] for m in data["members"]] == ["2181", "1781"]


def test_datasette_csv_exports_get_a_byte_order_mark_too(get):
    table = get("/archive/municipalities.csv?_size=3")
    assert table.content.startswith("\ufeff".encode("utf-8"))
    assert table.content.decode("utf-8-sig").startswith("code,name")
    query = get("/archive/kommunens_historik.csv?kod=2181")
    assert query.content.startswith("\ufeff".encode("utf-8"))
    assert not get("/kommun/2181.csv").content.startswith(("\ufeff" * 2).encode("utf-8"))


def test_canned_query_descriptions_name_the_parameters_in_words(get):
    assert "kommunkod 2181 över perioderna" in get("/archive/kommunens_historik?kod=2181").text
    empty = get("/archive/kommunens_historik").text
    assert ":kod" not in empty and "«Kommunkod (fyra siffror)»" in empty



@pytest.mark.slow   # crawls the fixture web (the demo archive)
def test_the_latest_promise_shown_is_never_one_without_a_period(demo_archive):
    """In the demo, Sandviken's PDF states no period; with no promise in force the
    page names the newest period that has years as the latest, not "okänd period"."""
    ds = datasette_instance(demo_archive)
    data = asyncio.run(ds.client.get("/kommun/2181.json")).json()
    periods = [p for p in data["periods"] if p["start_year"] is not None]
    assert any(p["start_year"] is None for p in data["periods"])  # the case exists
    assert data["current"]["start_year"] == max(p["start_year"] for p in periods)


# -- local police areas (LPO), named by the promises themselves ---------------

LPO_SENTENCE = "\nTestkommunen och lokalpolisområde Exempelstad har tecknat medborgarlöftet."


@pytest.fixture(scope="module")
def lpo_get(tmp_path_factory):
    """The fixture archive where Kristinehamn's and Stockholm's pages name one
    (invented) local police area, and Sandviken's promise is co-signed by Hofors."""
    path = build_serve_archive(tmp_path_factory.mktemp("lpo") / "archive.db")
    db = sqlite_utils.Database(path)
    with db.atomic():
        db.execute("update snapshots set text = text || ? where id in (2, 3)", [LPO_SENTENCE])
        db.execute("insert into document_municipalities values (4, '2104')")
        fill_police_areas(db)
        build_serving_tables(db)
    db.close()
    ds = datasette_instance(path)
    return lambda p: asyncio.run(ds.client.get(p))


def test_municipality_page_shows_the_lpo_its_promise_names_and_others_in_it(lpo_get):
    data = lpo_get("/kommun/1781.json").json()
    assert data["police_area"]["names"] == ["Exempelstad"]
    assert data["police_area"]["period"] == f"{CURRENT - 3}"
    assert [(m["code"], m["via"]) for m in data["same_area"]] == [("0180", "lpo")]
    text = " ".join(visible_text(lpo_get("/kommun/1781").text).split())
    assert f"Lokalpolisområde: Exempelstad (enligt medborgarlöftet {CURRENT - 3} )" in text
    assert "Samma lokalpolisområde Stockholms stad" in text
    assert 'href="/kommun/0180"' in lpo_get("/kommun/1781").text


def test_municipality_page_without_a_named_lpo_says_so_and_labels_the_nearest_list(lpo_get):
    data = lpo_get("/kommun/2181.json").json()
    assert data["police_area"] is None
    text = " ".join(visible_text(lpo_get("/kommun/2181").text).split())
    assert "Lokalpolisområde: okänt" in text
    assert "Närmaste kommuner i Gävleborgs län Efter avstånd på kartan, inte efter " \
           "lokalpolisområde" in text


def test_municipalities_that_signed_one_promise_link_each_other(lpo_get):
    data = lpo_get("/kommun/2104.json").json()
    assert [(m["code"], m["via"]) for m in data["same_area"]] == [("2181", "löfte")]
    text = " ".join(visible_text(lpo_get("/kommun/2104").text).split())
    assert "Samma medborgarlöfte Sandvikens kommun (undertecknade samma löfte)" in text


@pytest.mark.slow   # crawls the fixture web (the demo archive)
def test_normalize_fills_the_lpo_of_the_demo_promises(demo_archive):
    """The real seed for Sunne: "Sunne kommun och lokalpolisområde Torsby har tecknat …"."""
    ds = datasette_instance(demo_archive)
    data = asyncio.run(ds.client.get("/kommun/1766.json")).json()
    assert data["police_area"]["names"] == ["Torsby"]
    db = sqlite_utils.Database(demo_archive)
    assert db.execute("select count(*) from documents where police_areas is null"
                      ).fetchone()[0] == 0


def test_older_archives_get_the_police_areas_column(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    db["documents"].create({"id": int, "title": str}, pk="id")
    ensure_derived_schema(db)
    assert "police_areas" in db["documents"].columns_dict


def test_comparison_over_all_years_reads_summaries_that_match_counting_live(archive,
                                                                            monkeypatch):
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    codes = ["2181", "1781", "0180", "2104"]
    from_summaries = comparison.comparison(conn, codes)
    assert from_summaries["columns"][0]["commitments"] > 0

    def no_summaries(*args):
        raise sqlite3.OperationalError("no such table: summary_municipality_themes")
    monkeypatch.setattr(comparison, "_summary_counts", no_summaries)
    assert comparison.comparison(conn, codes) == from_summaries


@pytest.mark.parametrize("typed, code", [
    ("Gotland kommun", "0980"), ("stockholm kommun", "0180"), ("sandviken kommun", "2181"),
    ("SANDVIKENS", "2181"), ("malung-salen", "2023"), ("Malung-Sälens kommun", "2023")])
def test_a_municipality_url_takes_names_as_people_type_them(get, typed, code):
    response = get("/kommun/" + quote(typed) + ".json")
    assert response.status_code == 200, typed
    assert response.json()["municipality"]["code"] == code


def test_municipalities_by_theme_from_the_summary_match_counting_live(archive):
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    found = 0
    for theme in [r[0] for r in conn.execute("select theme from themes")]:
        from_summary = queries.municipalities_with(conn, theme, None)
        assert from_summary == queries._municipalities_counted(conn, theme, None), theme
        found += len(from_summary)
    assert found > 0


def test_commitment_numbers_and_archived_versions_link_to_the_commitment_page(get):
    canned = get("/archive/sok?q=trygghetsvandringar").text
    assert re.search(r'<a href="/atagande/\d+">\d+</a>', canned)
    assert "/archive/commitments/" not in canned
    version = get("/-/snapshot/4").text
    assert re.search(r'<a href="/atagande/\d+">Testlöfte', version)


@pytest.mark.parametrize("q", ["vandring", "trygghet", "närvaron kvällar", '"öka närvaron"',
                               "kommunen ska", "narkotika unga"])
def test_municipality_search_filter_shows_what_the_search_index_matches(archive, q):
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    groups = query_groups(conn, q)
    assert groups
    for code in ("2181", "1781", "0180"):
        by_index = [r[0] for r in conn.execute(
            "select c.id from commitments c join document_municipalities dm "
            "on dm.document_id = c.document_id where dm.municipality_code = ? and c.id in "
            "(select rowid from search_words where search_words match ?)",
            [code, match_expression(groups)])]
        assert queries.municipality_page(conn, code, None, queries.matching_ids(
            conn, groups, code)) == queries.municipality_page(conn, code, None, by_index)


def test_text_matches_words_and_phrases_as_whole_tokens():
    groups = [("words", ["trygghetsvandringar", "trygghetsvandring"]), ("phrase", ["i", "centrum"])]
    assert text_matches("Fler Trygghetsvandringar i centrum.", groups)
    assert not text_matches("Fler trygghetsvandringar i centrumet.", groups)
    assert not text_matches("Trygghetsvandringarna i centrum.", groups)
    assert text_matches("x_trygghetsvandring i centrum", groups)  # _ splits, as in FTS5


def test_municipality_list_counts_from_the_summary_match_counting_live(archive):
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    counted = queries.municipality_counts(conn)
    assert len(counted) == 290 and sum(m["commitments"] for m in counted) > 0
    assert counted == queries._municipality_counts_live(conn)


@pytest.mark.parametrize("q", ["vandring", "trygghet", "testlöfte", '"öka närvaron"'])
def test_matching_municipalities_count_each_distinct_commitment_once(archive, get, q):
    """The search page's Kommun facet ("kommuner som matchar") against counting
    DISTINCT_COMMITMENTS per municipality directly."""
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    fts = match_expression(query_groups(conn, q))
    expected = {r[0]: r[1] for r in conn.execute(f"""
        select d.municipality_code, count(*)
        from ({queries.distinct_commitments_sql(
            "c.id in (select rowid from search_words where search_words match ?)")}) d
        group by d.municipality_code""", [fts])}
    facet = get("/-/sok.json?q=" + quote(q)).json()["facets"]["kommun"]
    shown = {v["value"]: v["count"] for v in facet["values"]}
    assert expected and shown == expected


def test_datasette_table_pages_render_rows_and_say_inga_rader_when_empty(get):
    table = get("/archive/commitments?_size=5")
    assert table.status_code == 200
    assert table.text.count('<td class="col-text type-str">') == 5
    assert '<a href="/archive/commitments?_size=5&amp;_sort=text" rel="nofollow">' in table.text
    assert "facet-info" not in table.text   # no default facets: counts are on commitments_overview
    empty = get("/archive/commitments?id=-1")
    assert "Inga rader" in empty.text and "0 records" not in empty.text


def test_search_export_lists_the_hits_in_the_pages_order(archive, monkeypatch):
    monkeypatch.setattr(search_page, "PAGE_SIZE", 2)   # several pages from a small archive
    ds = datasette_instance(archive)   # its own result cache, made with these pages

    def get(path):
        return asyncio.run(ds.client.get(path))
    for q in ("polisen", "kommunen ska", "trygghet"):
        first = get(f"/-/sok.json?q={q}").json()
        while first["ranking"] != "tantivy":     # the ranking index is built at startup
            time.sleep(0.1)
            first = get(f"/-/sok.json?q={q}").json()
        pages = [first] + [get(f"/-/sok.json?q={q}&sida={n}").json()
                           for n in range(2, -(-first["total"] // 2) + 1)]
        shown = [hit["id"] for page in pages for hit in page["hits"]]
        export = get(f"/-/sok.csv?q={q}")
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        assert len(shown) == first["total"] > 2, q
        assert [int(r[0]) for r in rows[1:]] == shown, q


def test_between_pairs_each_removed_text_with_its_first_recorded_rewording():
    def period(label, texts):
        return {"label": label, "commitments": [{"text": t, "text_key": t.lower()} for t in texts]}

    steps = queries._between([period("2023", ["A", "B", "Kvar"]),
                              period("2024", ["C", "D", "Kvar"])],
                             {("A", "D"), ("A", "C"), ("B", "C")})
    assert [(e["kind"], e["old_text"], e["new_text"]) for e in steps[0]["events"]] == [
        ("commitment_reworded", "A", "C"),      # C comes first among the added texts
        ("commitment_removed", "B", None),      # its rewording C is taken
        ("commitment_added", None, "D")]

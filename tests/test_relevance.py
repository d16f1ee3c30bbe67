"""Link scoring that keeps the municipal crawl focused, and judging pages from all evidence."""

import pytest

from crawler.relevance import Evidence, fold, judge, link_score, mentions_promise, url_words
from crawler.sites import Site, load_sites


@pytest.mark.parametrize("url,text", [
    ("https://www.x.se/medborgarloften/", "Medborgarlöften"),
    ("https://www.x.se/trygghet-och-sakerhet/", "Trygghet och säkerhet"),
    ("https://www.x.se/kommun/brottsforebyggande-arbete/", "Brottsförebyggande arbete"),
    ("https://www.x.se/a/b/", "Samverkan med polisen"),
])
def test_relevant_links_score_positive(url, text):
    assert link_score(url, text) > 0


@pytest.mark.parametrize("url,text", [
    ("https://www.x.se/bygga-bo/bygglov/", "Bygglov"),
    ("https://www.x.se/skola/forskola/", "Förskola"),
    ("https://www.x.se/kultur/bibliotek/", "Biblioteket"),
])
def test_unrelated_links_score_zero(url, text):
    assert link_score(url, text) == 0


def test_promise_link_outranks_general_safety_link():
    assert link_score("https://x.se/medborgarloften/", "Medborgarlöften") > \
        link_score("https://x.se/trygghet/", "Trygghet")


def test_files_and_mailto_are_never_followed():
    assert link_score("https://x.se/medborgarloften.jpg", "Medborgarlöften") < 0
    assert link_score("mailto:polis@x.se", "Polisen") < 0


def test_folding_matches_slug_forms():
    assert fold("Medborgarlöften i Malung-Sälen") == "medborgarloften i malung-salen"
    assert mentions_promise("Medborgarlöftet gäller 2024") and not mentions_promise("Bygglov")


def test_site_allows_own_host_www_twin_and_hinted_domain():
    site = Site("2181", "Sandvikens kommun", "https://www.sandviken.se/",
                extra_domains=["sandviken.kommunwebb.se"])
    assert site.allows("https://sandviken.se/a") and site.allows("https://www.sandviken.se/b")
    assert site.allows("https://sandviken.kommunwebb.se/c")
    assert not site.allows("https://polisen.se/om-polisen/")


def test_sites_csv_and_hints(tmp_path):
    sites_csv = tmp_path / "sites.csv"
    sites_csv.write_text("code,name,url\n2181,Sandvikens kommun,http://127.0.0.2:8000/\n"
                         "1766,Sunne kommun,http://127.0.0.3:8000/\n")
    hints = tmp_path / "hints.csv"
    hints.write_text("code,start_path,extra_domain\n2181,/trygghet/,sandviken.example\n")
    sites = load_sites(sites_csv, codes=["2181"], hints_path=hints, allow_private=True)
    assert [s.code for s in sites] == ["2181"]
    assert sites[0].start_urls() == ["http://127.0.0.2:8000/", "http://127.0.0.2:8000/trygghet/"]
    assert sites[0].extra_domains == ["sandviken.example"]


# -- page judgement --------------------------------------------------------------
PROMISE_BODY = ("Polisen och kommunen har kommit överens för 2025–2026.\nPolisen ska: synas i "
                "centrum.\nKommunen ska: förbättra belysningen.")


@pytest.mark.parametrize("title", [
    "Samverkansöverenskommelse och medborgarlöfte", "Trygghetslöfte 2025",
    "Gemensamma åtaganden för ett tryggare Ale", "Lokal samverkan med polisen",
    "Överenskommelse om samverkan 2024–2027", "Trygg i Kungälv",
    "Medborgarlöftena för 2024", "Medborgarlöftets mål"])
def test_synonyms_and_inflections_in_a_title_are_strong(title):
    assert judge(Evidence(url="https://x.se/sida/", title=title, body=PROMISE_BODY)).relevant


def test_url_file_name_is_folded_like_a_slug():
    assert url_words("https://x.se/download/18.5/Medborgarl%C3%B6fte_2025.pdf") == \
        "download 18 5 Medborgarlöfte 2025 pdf"
    found = judge(Evidence(url="https://x.se/download/medborgarlofte_2025.pdf", body=PROMISE_BODY))
    assert found.relevant and "adress: medborgarloft" in found.reasons


def test_body_mention_alone_is_not_enough_but_with_promise_shape_it_is():
    plain = "Läs mer om medborgarlöften på polisens webbplats."
    assert not judge(Evidence(url="https://x.se/a/", body=plain)).relevant
    shaped = "Medborgarlöfte\n" + PROMISE_BODY
    assert judge(Evidence(url="https://x.se/a/", body=shaped)).relevant


def test_link_text_counts_only_with_a_promise_shaped_page():
    assert judge(Evidence(url="https://x.se/s/1/", anchor="Medborgarlöfte 2025",
                          body=PROMISE_BODY)).relevant
    assert not judge(Evidence(url="https://x.se/s/1/", anchor="Medborgarlöfte 2025",
                              body="Kontakta växeln.")).relevant


@pytest.mark.parametrize("title", [
    "Tyck till om tryggheten – enkät inför nya medborgarlöften",
    "Medborgarlöften – polisens arbetsmetod", "Medborgardialog om medborgarlöften",
    "Så arbetar polisen med medborgarlöften"])
def test_decoys_are_vetoed_with_a_reason(title):
    judgement = judge(Evidence(url="https://x.se/nyheter/a/", title=title,
                               body="Polisen och kommunen vill höra vad du tycker."))
    assert not judgement.relevant and any(r.startswith("lockbete") for r in judgement.reasons)


def test_commitments_found_by_the_normalizer_outweigh_a_decoy_word():
    html = ("<html><head><title>Medborgarlöfte – så arbetar vi</title></head><body><main>"
            "<h1>Medborgarlöfte 2025</h1><p>Polisen lovar att:</p><ul><li>Synas i centrum."
            "</li><li>Besöka skolorna.</li></ul></main></body></html>").encode()
    judgement = judge(Evidence(url="https://x.se/a/", title="Medborgarlöfte – så arbetar vi",
                               headings="Medborgarlöfte 2025", raw=html,
                               content_type="text/html", body="Medborgarlöfte 2025"))
    assert judgement.relevant and any(r.startswith("struktur") for r in judgement.reasons)


def test_unrelated_page_scores_nothing():
    judgement = judge(Evidence(url="https://x.se/bygga-bo/bygglov/", title="Bygglov",
                               body="Så söker du bygglov."))
    assert (judgement.relevant, judgement.score, judgement.reasons) == (False, 0.0, [])


def test_page_that_only_points_to_the_promise_elsewhere_is_not_one():
    pointer = judge(Evidence(url="https://x.se/trygghet/medborgarloften/", title="Medborgarlöften",
                             headings="Medborgarlöften", body="Medborgarlöften\nPolisen och "
                             "kommunen har tecknat medborgarlöften. Läs dem på polisens webbplats."))
    assert not pointer.relevant and pointer.reasons[-1].startswith("hänvisning")

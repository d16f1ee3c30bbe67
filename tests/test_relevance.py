"""Link scoring that keeps the municipal crawl focused."""

import pytest

from crawler.relevance import fold, link_score, mentions_promise
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

"""The registry of 290 municipalities is complete and consistent."""

import csv
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from normalize.registry import POLICE_REGIONS, by_code, load_municipalities

HEADER = "code,name,short_name,county,county_code,police_region,website,lat,lon"

COUNTY_COUNTS = {"01": 26, "03": 8, "04": 9, "05": 13, "06": 13, "07": 8, "08": 12, "09": 1,
                 "10": 5, "12": 33, "13": 6, "14": 49, "17": 16, "18": 12, "19": 10, "20": 15,
                 "21": 10, "22": 7, "23": 8, "24": 15, "25": 14}


def test_290_unique_four_digit_codes():
    codes = [m.code for m in load_municipalities()]
    assert len(codes) == len(set(codes)) == 290
    assert all(len(c) == 4 and c.isdigit() for c in codes)


def test_21_counties_with_official_counts():
    counts = Counter(m.county_code for m in load_municipalities())
    assert counts == COUNTY_COUNTS


# County code -> (county name as SCB writes it, Polismyndigheten's region).
COUNTIES = {
    "01": ("Stockholms län", "Stockholm"), "03": ("Uppsala län", "Mitt"),
    "04": ("Södermanlands län", "Öst"), "05": ("Östergötlands län", "Öst"),
    "06": ("Jönköpings län", "Öst"), "07": ("Kronobergs län", "Syd"),
    "08": ("Kalmar län", "Syd"), "09": ("Gotlands län", "Stockholm"),
    "10": ("Blekinge län", "Syd"), "12": ("Skåne län", "Syd"),
    "13": ("Hallands län", "Väst"), "14": ("Västra Götalands län", "Väst"),
    "17": ("Värmlands län", "Bergslagen"), "18": ("Örebro län", "Bergslagen"),
    "19": ("Västmanlands län", "Bergslagen"), "20": ("Dalarnas län", "Bergslagen"),
    "21": ("Gävleborgs län", "Mitt"), "22": ("Västernorrlands län", "Mitt"),
    "23": ("Jämtlands län", "Nord"), "24": ("Västerbottens län", "Nord"),
    "25": ("Norrbottens län", "Nord"),
}

# The municipalities that officially call themselves "stad".
STAD = {"0180", "0183", "0184", "0186", "0187", "1280", "1282", "1283", "1480", "1481",
        "1488", "1490", "1980", "2583"}


def test_csv_header_exact():
    text = resources.files("normalize.data").joinpath("municipalities.csv").read_text("utf-8")
    assert text.splitlines()[0] == HEADER


def test_county_names_and_police_regions_by_county_code():
    assert sum(COUNTY_COUNTS.values()) == 290
    for m in load_municipalities():
        assert (m.county, m.police_region) == COUNTIES[m.county_code], m


def test_official_names():
    """"<genitive> kommun" or "<genitive> stad"; the genitive is the SCB name, with or without s."""
    for m in load_municipalities():
        if m.code == "0980":
            assert m.name == "Region Gotland"
            continue
        stem, suffix = m.name.rsplit(" ", 1)
        assert suffix.lower() == ("stad" if m.code in STAD else "kommun"), m
        assert stem in (m.short_name, m.short_name + "s") or (m.code, stem) == ("2080", "Falu"), m
        if m.short_name.endswith("s"):  # Alingsås kommun, Borås Stad, Hofors kommun
            assert stem == m.short_name, m


def test_code_starts_with_county_code():
    assert all(m.code[:2] == m.county_code for m in load_municipalities())


def test_every_county_has_one_police_region_and_all_regions_are_used():
    regions = defaultdict(set)
    for m in load_municipalities():
        regions[m.county].add(m.police_region)
    assert len(regions) == 21 and all(len(r) == 1 for r in regions.values())
    assert {r for rs in regions.values() for r in rs} == set(POLICE_REGIONS)


def test_websites_are_https_urls():
    for m in load_municipalities():
        parts = urlsplit(m.website)
        assert parts.scheme == "https" and parts.hostname and "." in parts.hostname, m
        assert parts.path == "/" and not parts.query, m


def test_websites_are_distinct():
    hosts = [urlsplit(m.website).hostname.removeprefix("www.") for m in load_municipalities()]
    assert len(set(hosts)) == 290


def test_coordinates_inside_sweden():
    assert all(55.0 <= m.lat <= 69.2 and 10.9 <= m.lon <= 24.2 for m in load_municipalities())
    seats = [(m.lat, m.lon) for m in load_municipalities()]
    assert len(set(seats)) == 290


def test_spot_checks():
    registry = by_code()
    assert (registry["2181"].short_name, registry["2181"].county,
            registry["2181"].police_region) == ("Sandviken", "Gävleborgs län", "Mitt")
    assert (registry["1766"].name, registry["1766"].county,
            registry["1766"].police_region) == ("Sunne kommun", "Värmlands län", "Bergslagen")
    assert (registry["0980"].name, registry["0980"].short_name) == ("Region Gotland", "Gotland")
    assert registry["2061"].name == "Smedjebackens kommun"
    assert (registry["1781"].name, registry["1781"].county) == ("Kristinehamns kommun", "Värmlands län")
    assert registry["2023"].name == "Malung-Sälens kommun"
    assert registry["0114"].website == "https://www.upplandsvasby.se/"
    assert registry["0180"].name == "Stockholms stad"
    assert registry["2080"].name == "Falu kommun"
    assert registry["0880"].name == "Kalmar kommun"
    assert registry["0643"].website != registry["0305"].website  # Habo vs Håbo


def test_sorted_by_code_and_cached():
    codes = [m.code for m in load_municipalities()]
    assert codes == sorted(codes)
    assert load_municipalities() == load_municipalities()


# -- verified against public sources ----------------------------------------------
# The reference list (SKR's municipality list, December 2026, with Wikidata's
# domains and other lists' disagreements in `notes`); a copy is kept beside the
# tests so this runs anywhere, and is checked against the shared original when present.
REFERENCE_COPY = Path(__file__).parent / "files" / "kommuner_websites.csv"
REFERENCE_SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / \
    "kommuner_websites.csv"


def reference() -> dict[str, dict]:
    with open(REFERENCE_COPY, newline="", encoding="utf-8") as handle:
        return {r["code"]: r for r in csv.DictReader(handle)}


def test_reference_copy_is_the_shared_reference():
    if not REFERENCE_SHARED.exists():
        pytest.skip(f"{REFERENCE_SHARED} not on this machine; the copy is checked below")
    assert REFERENCE_COPY.read_bytes() == REFERENCE_SHARED.read_bytes()


def test_registry_websites_match_the_reference_hosts():
    ref = reference()
    registry = by_code()
    assert set(ref) == set(registry)
    mismatches = {code: (urlsplit(m.website).hostname, urlsplit(ref[code]["website"]).hostname)
                  for code, m in registry.items()
                  if urlsplit(m.website).hostname != urlsplit(ref[code]["website"]).hostname}
    assert mismatches == {}


def test_moved_and_disputed_sites_follow_skr():
    registry = by_code()
    assert registry["2062"].website == "https://morakommun.se/"         # af2018: mora.se
    assert registry["2523"].website == "https://gallivare.se/"          # Wikidata: gellivare.se
    assert registry["1382"].website == "https://kommun.falkenberg.se/"  # Wikidata: falkenberg.se

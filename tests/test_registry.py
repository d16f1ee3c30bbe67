"""The registry of 290 municipalities is complete and consistent."""

from collections import Counter, defaultdict
from urllib.parse import urlsplit

from crawler.registry import POLICE_REGIONS, by_code, load_municipalities

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


def test_spot_checks():
    registry = by_code()
    assert (registry["2181"].short_name, registry["2181"].county,
            registry["2181"].police_region) == ("Sandviken", "Gävleborgs län", "Mitt")
    assert (registry["1766"].name, registry["1766"].police_region) == ("Sunne kommun", "Bergslagen")
    assert registry["0980"].name == "Region Gotland"
    assert registry["2061"].name == "Smedjebackens kommun"
    assert registry["1781"].name == "Kristinehamns kommun"
    assert registry["0180"].name == "Stockholms stad"
    assert registry["2080"].name == "Falu kommun"
    assert registry["0880"].name == "Kalmar kommun"
    assert registry["0643"].website != registry["0305"].website  # Habo vs Håbo


def test_sorted_by_code_and_cached():
    codes = [m.code for m in load_municipalities()]
    assert codes == sorted(codes)
    assert load_municipalities() == load_municipalities()

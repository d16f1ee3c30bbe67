"""The registry of Sweden's 290 municipalities (``data/municipalities.csv``).

Columns and their sources are described in ``data/README_registry.md``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

POLICE_REGIONS = ("Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen")


@dataclass(frozen=True)
class Municipality:
    code: str            # kommunkod, four digits
    name: str            # official name: "Sandvikens kommun", "Malmö stad", "Region Gotland"
    short_name: str      # SCB's name: "Sandviken"
    county: str
    county_code: str
    police_region: str
    website: str
    lat: float
    lon: float


@lru_cache(maxsize=1)
def _load() -> tuple[Municipality, ...]:
    text = resources.files("normalize.data").joinpath("municipalities.csv").read_text("utf-8")
    return tuple(Municipality(**{**row, "lat": float(row["lat"]), "lon": float(row["lon"])})
                 for row in csv.DictReader(text.splitlines()))


def registry_tuple() -> tuple[Municipality, ...]:
    """The registry as one shared tuple (the same object on every call)."""
    return _load()


def load_municipalities() -> list[Municipality]:
    return list(_load())


def by_code() -> dict[str, Municipality]:
    return {m.code: m for m in _load()}

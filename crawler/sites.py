"""Which municipal sites to crawl: the registry, a CSV, plus per-site hints.

Site-specific knowledge stays in data: ``crawler/data/site_hints.csv``
(``code,start_path,extra_domain``) adds a start path or an extra allowed
domain for a municipality whose promises live elsewhere, instead of a new
spider per municipality.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from normalize.registry import load_municipalities

HINTS_FILE = "site_hints.csv"


@dataclass
class Site:
    code: str
    name: str
    url: str
    start_paths: list[str] = field(default_factory=list)
    extra_domains: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def allows(self, url: str) -> bool:
        """Same site: the site's host, its www/non-www twin, or a hinted domain."""
        host = (urlsplit(url).hostname or "").lower()
        own = self.host.lower().removeprefix("www.")
        allowed = [own, *(d.lower() for d in self.extra_domains)]
        return any(host == d or host.endswith("." + d) for d in allowed)

    def start_urls(self) -> list[str]:
        return [self.url] + [urljoin(self.url, p) for p in self.start_paths]


def load_sites(csv_path: str | Path | None = None, codes: list[str] | None = None,
               hints_path: str | Path | None = None) -> list[Site]:
    """Sites from ``csv_path`` (header code,name,url) or from the registry."""
    if csv_path:
        with open(csv_path, newline="", encoding="utf-8") as handle:
            sites = [Site(r["code"].strip(), r["name"].strip(), r["url"].strip())
                     for r in csv.DictReader(handle)]
    else:
        sites = [Site(m.code, m.name, m.website) for m in load_municipalities()]
    if codes:
        wanted = set(codes)
        sites = [s for s in sites if s.code in wanted]
    _apply_hints(sites, hints_path)
    return sites


def _apply_hints(sites: list[Site], hints_path) -> None:
    by_code = {s.code: s for s in sites}
    if hints_path is None:
        text = resources.files("crawler.data").joinpath(HINTS_FILE).read_text("utf-8")
    else:
        text = Path(hints_path).read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        site = by_code.get((row.get("code") or "").strip())
        if site is None:
            continue
        if (row.get("start_path") or "").strip():
            site.start_paths.append(row["start_path"].strip())
        if (row.get("extra_domain") or "").strip():
            site.extra_domains.append(row["extra_domain"].strip())

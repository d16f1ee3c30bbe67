"""Which municipal sites to crawl: the registry, a CSV, plus per-site hints.

A sites CSV is validated as a whole before anything is crawled: each bad
row is reported by line number and skipped, the good rows still run. Only
http(s) URLs to public hosts are accepted; loopback and private addresses
(the fixture web of the demo and the tests) need ``allow_private``.

Site-specific knowledge stays in data: ``crawler/data/site_hints.csv``
(``code,start_path,extra_domain``) adds a start path or an extra allowed
domain for a municipality whose promises live elsewhere, instead of a new
spider per municipality.
"""

from __future__ import annotations

import csv
import io
import ipaddress
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from normalize.registry import load_municipalities

HINTS_FILE = "site_hints.csv"
REQUIRED_COLUMNS = ("code", "name", "url")
MAX_CSV_BYTES = 5 * 1024 * 1024   # 290 municipalities fit in ~30 kB
_PRIVATE_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


class SitesFileError(ValueError):
    """The sites CSV as a whole cannot be read (encoding, header, size)."""


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
               hints_path: str | Path | None = None, allow_private: bool = False) -> list[Site]:
    """Sites from ``csv_path`` (header code,name,url) or from the registry.

    Bad CSV rows are left out here; ``read_sites_csv`` reports them.
    """
    if csv_path:
        sites, _ = read_sites_csv(csv_path, allow_private)
    else:
        sites = [Site(m.code, m.name, m.website) for m in load_municipalities()]
    if codes:
        wanted = set(codes)
        sites = [s for s in sites if s.code in wanted]
    _apply_hints(sites, hints_path)
    return sites


def read_sites_csv(path: str | Path, allow_private: bool = False) -> tuple[list[Site], list[str]]:
    """(good sites, one problem line per rejected row) from a sites CSV.

    Accepts a UTF-8 BOM and ``,``/``;``/tab separators. Raises SitesFileError
    when the whole file is unusable (not UTF-8, no header, too large).
    """
    rows = _csv_rows(path)
    header = [h.strip().lower() for h in next(rows, (1, []))[1]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise SitesFileError(f"{path}: rad 1 måste vara en rubrikrad med kolumnerna "
                             f"code,name,url (saknas: {', '.join(missing)})")
    index = {name: header.index(name) for name in REQUIRED_COLUMNS}
    sites: list[Site] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        site, problem = _site_from_row(row, index, allow_private)
        if site is not None and site.code in seen:
            problem = f"koden {site.code} finns redan på rad {seen[site.code]}"
        if problem:
            problems.append(f"{path}: rad {line}: {problem}; raden hoppas över")
            continue
        seen[site.code] = line
        sites.append(site)
    return sites, problems


def _csv_rows(path: str | Path):
    """(line number, cells) of every record, separator sniffed among , ; tab."""
    raw = Path(path).read_bytes()
    if len(raw) > MAX_CSV_BYTES:
        raise SitesFileError(f"{path}: {len(raw)} byte är för stort för en sites-CSV "
                             f"(gräns {MAX_CSV_BYTES})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SitesFileError(f"{path}: inte UTF-8-text (byte {exc.start}); "
                             "spara filen som UTF-8") from exc
    if not text.strip():
        raise SitesFileError(f"{path}: filen är tom (väntade en rubrikrad code,name,url)")
    first = text.splitlines()[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise SitesFileError(f"{path}: rad {reader.line_num}: {exc}") from exc


def _site_from_row(row: list[str], index: dict[str, int], allow_private: bool):
    """(Site, None) for a good row, (None, problem) otherwise."""
    if len(row) <= max(index.values()):
        return None, f"{len(row)} kolumner, väntade code,name,url"
    code, name, url = (row[index[c]].strip() for c in REQUIRED_COLUMNS)
    if not code:
        return None, "tom kod"
    if not name:
        return None, "tomt namn"
    problem = url_problem(url, allow_private)
    if problem:
        return None, problem
    return Site(code, name, url), None


def url_problem(url: str, allow_private: bool = False) -> str | None:
    """Why ``url`` may not be crawled, or None: http(s), a host, a valid
    port, and (unless allowed) a public host."""
    if not url:
        return "tom adress (URL)"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"ogiltig adress {url!r} ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"adressen {url!r} är inte http(s)"
    host = (parts.hostname or "").lower()
    if not host or " " in host:
        return f"adressen {url!r} saknar värd"
    if port == 0:
        return f"adressen {url!r} har port 0"
    if not allow_private and is_private_host(host):
        return (f"adressen {url!r} pekar på en privat värd eller loopback "
                "(tillåts bara med --allow-private-hosts)")
    return None


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local or reserved addresses and local names.
    (Names are not resolved: that needs the network; the crawl's host guard
    checks addresses again before each request.)"""
    host = host.strip("[]").lower().rstrip(".")
    if host in _PRIVATE_NAMES or host.endswith(_PRIVATE_SUFFIXES) or "." not in host \
            and ":" not in host and not host.isdigit():
        return True
    try:
        address = ipaddress.ip_address(int(host) if host.isdigit() else host)
    except ValueError:
        return False
    return not address.is_global


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

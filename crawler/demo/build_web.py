"""Generate the fixture web under ``web/`` (deterministic; output is committed).

    python -m crawler.demo.build_web

Every page is a test page: an HTML comment and a visible footer line say so.
Pages built from the real seed texts (``seeds/``) say that too; promise
texts invented here are visibly marked "(Fixturtext, påhittad för test)".
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

from crawler.demo.build_pdf import (  # noqa: F401  (promise_pdf is re-exported)
    BROKEN_PDF, ENCRYPTED_PDF, OCTET_PDF_FILE, SANDVIKEN_PDF, broken_pdf, encrypted_pdf,
    octet_pdf, promise_pdf, sandviken_pdf)

HERE = Path(__file__).resolve().parent
WEB = HERE / "web"
SEEDS = HERE / "seeds"
FIXTURE = "<!-- FIXTURE: test page for medborgarloften; not a real page -->"
FOOTER_LINE = "Testsida (fixture) för medborgarloften – inte en riktig webbplats"
INVENTED = "(Fixturtext, påhittad för test)"
MENU = ["Barn och utbildning", "Omsorg och stöd", "Bygga och bo", "Kultur och fritid",
        "Kommun och politik", "Trafik och infrastruktur", "Näringsliv och arbete"]
FILLER = {
    "Barn och utbildning": ["Förskola", "Grundskola", "Gymnasium", "Skolskjuts"],
    "Omsorg och stöd": ["Hemtjänst", "Äldreboende", "Ekonomiskt bistånd"],
    "Bygga och bo": ["Bygglov", "Avfall och återvinning", "Vatten och avlopp", "Detaljplaner"],
    "Kultur och fritid": ["Biblioteket", "Simhallen", "Föreningsbidrag", "Evenemang"],
    "Kommun och politik": ["Kommunfullmäktige", "Budget", "Trygghet och säkerhet"],
    "Trafik och infrastruktur": ["Parkering", "Vinterväghållning", "Gatubelysning"],
    "Näringsliv och arbete": ["Starta företag", "Lediga jobb", "Upphandling"],
}


def slug(text: str) -> str:
    text = text.lower().replace("å", "a").replace("ä", "a").replace("ö", "o").replace("é", "e")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def seed(name: str) -> str:
    return next(SEEDS.glob(f"{name}*.txt")).read_text("utf-8")


def text_to_html(text: str) -> str:
    """Seed text (one block per line) → headings, paragraphs and lists."""
    out, open_list = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        numbered = re.match(r"^(\d+)\.\s+(.*)", line)
        bullet = re.match(r"^[•]\s*(.*)", line)
        if line.startswith("Ansvarig:") and open_list:
            out[-1] = out[-1].replace("</li>", f"<br>{html.escape(line)}</li>")
            continue
        kind = "ol" if numbered else "ul" if bullet else None
        if kind != open_list and open_list:
            out.append(f"</{open_list}>")
            open_list = None
        if kind:
            if open_list is None:
                out.append(f"<{kind}>")
                open_list = kind
            item = numbered.group(2) if numbered else bullet.group(1)
            out.append(f"<li>{html.escape(item)}</li>")
        elif len(line) < 70 and not line.endswith((".", ":", "!", "?")) and not line.startswith("-"):
            out.append(f"<h2>{html.escape(line)}</h2>")
        else:
            out.append(f"<p>{html.escape(line)}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    return "\n".join(out)


def page(site_name: str, title: str, main: str, crumbs: list[tuple[str, str]] = (),
         footer_date: str = "2025-10-01", cookie: str = "Vi använder kakor för att "
         "förbättra webbplatsen.", note: str = "", polisen: bool = False) -> str:
    menu_items = (["Kontakta polisen", "Om polisen", "Aktuellt", "Utsatt för brott"]
                  if polisen else MENU)
    menu = "".join(f'<li><a href="/{slug(m)}/">{m}</a></li>' for m in menu_items)
    crumb = " / ".join(f'<a href="{u}">{html.escape(t)}</a>' for t, u in crumbs)
    search = ('<form action="/sok" method="get"><label>' + ("Sök på polisen.se" if polisen
              else "Sök") + ' <input type="search" name="q"></label></form>')
    return f"""<!DOCTYPE html>
{FIXTURE}{note}
<html lang="sv"><head><meta charset="utf-8"><title>{html.escape(title)} – {html.escape(site_name)}</title></head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>{cookie}</p><button>Godkänn</button></div>
<header><a href="/" class="logo">{html.escape(site_name)}</a>{search}
<nav class="main-menu"><ul>{menu}</ul></nav></header>
<div class="breadcrumb"><a href="/">Start</a> / {crumb}</div>
<main>
{main}
</main>
<aside class="sidebar"><h2>Genvägar</h2><ul><li><a href="/kontakt/">Kontakta oss</a></li></ul></aside>
<footer><p>{html.escape(site_name)}, Box 1, 000 00 Fixturstad. Telefon 000-00 00 00.</p>
<p>Sidan uppdaterad: {footer_date}</p>
<p>{FOOTER_LINE}</p></footer>
</body></html>
"""


SEED_NOTE = "\n<!-- FIXTURE: content copied from a real page (seed {n}), chrome invented -->"


class SiteBuilder:
    def __init__(self, key: str, meta: dict):
        self.key, self.meta, self.name = key, meta, meta["name"]
        self.root = WEB / key
        self.files: dict[str, dict[str, str | bytes]] = {"v1": {}, "v2": {}}
        self.sitemap: list[str] = []
        self.promises: list[str] = []   # what the site's own search finds

    def add(self, path: str, content: str | bytes, version: str = "v1",
            in_sitemap: bool = True) -> None:
        name = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
        self.files[version][name] = content
        if version == "v1" and in_sitemap and path.endswith("/"):
            self.sitemap.append(path)

    def filler(self, promise_links: dict[str, str]) -> None:
        """Home, menu sections and unrelated pages; the safety page links promises."""
        sections = []
        for section in MENU:
            children = []
            for title in FILLER[section]:
                path = f"/{slug(section)}/{slug(title)}/"
                children.append(f'<li><a href="{path}">{title}</a></li>')
                if title == "Trygghet och säkerhet":
                    continue
                body = (f"<h1>{title}</h1><p>Information om {title.lower()} i kommunen. "
                        f"Läs mer under <a href='/{slug(section)}/'>{section}</a>.</p>"
                        f"<p>Se även <a href='/nyheter/'>Nyheter</a> och "
                        f"<a href='/kontakt/'>Kontakt</a>.</p>")
                self.add(path, page(self.name, title, body, [(section, f"/{slug(section)}/")]))
            self.add(f"/{slug(section)}/", page(
                self.name, section, f"<h1>{section}</h1><ul>{''.join(children)}</ul>"))
            sections.append(f'<li><a href="/{slug(section)}/">{section}</a></li>')
        # The site's own search finds the promise page (else the first safety link).
        self.promises += ([u for t, u in promise_links.items() if "edborgarlöfte" in t] or
                          list(promise_links.values()))[:1]
        links = "".join(f'<li><a href="{u}">{t}</a></li>' for t, u in promise_links.items())
        safety = ("<h1>Trygghet och säkerhet</h1><p>Kommunen arbetar brottsförebyggande "
                  f"tillsammans med polisen och andra aktörer.</p><ul>{links}</ul>")
        self.add("/kommun-och-politik/trygghet-och-sakerhet/", page(
            self.name, "Trygghet och säkerhet", safety,
            [("Kommun och politik", "/kommun-och-politik/")]))
        news = "".join(f'<li><a href="/nyheter/nyhet-{n}/">Nyhet {n}: Nytt från kommunen</a></li>'
                       for n in range(1, 5))
        self.add("/nyheter/", page(self.name, "Nyheter", f"<h1>Nyheter</h1><ul>{news}</ul>"))
        for n in range(1, 5):
            self.add(f"/nyheter/nyhet-{n}/", page(self.name, f"Nyhet {n}",
                     f"<h1>Nyhet {n}</h1><p>Vägarbete och nya öppettider (fixture).</p>"))
        self.add("/kontakt/", page(self.name, "Kontakt", "<h1>Kontakt</h1><p>Ring växeln.</p>"))
        self.add("/", page(self.name, "Startsida",
                           f"<h1>Välkommen till {self.name}</h1><ul>{''.join(sections)}</ul>"))

    def write(self, robots_extra: str = "") -> None:
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        (self.root / "site.json").write_text(json.dumps(self.meta, ensure_ascii=False,
                                                        indent=2) + "\n", "utf-8")
        if "robots.txt" not in self.files["v1"]:
            self.files["v1"]["robots.txt"] = (f"User-agent: *\n{robots_extra}"
                                              "Sitemap: {ROOT}sitemap.xml\n")
        if self.meta["kind"] == "kommun" and "_faults.json" not in self.files["v1"]:
            self.files["v1"]["_faults.json"] = json.dumps({"/sok": {
                "kind": "search", "param": "q", "results": {"medborgarl": self.promises}}},
                indent=2)
        if "sitemap.xml" not in self.files["v1"]:
            urls = "".join(f"<url><loc>{{ROOT}}{p.lstrip('/')}</loc></url>"
                           for p in self.sitemap)
            self.files["v1"]["sitemap.xml"] = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n')
        for version, files in self.files.items():
            for name, content in files.items():
                target = self.root / version / name
                target.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    target.write_text(content, "utf-8")


# -- the sites ------------------------------------------------------------------
PROMISE = "/kommun-och-politik/trygghet-och-sakerhet/medborgarloften/"


def sandviken() -> None:
    site = SiteBuilder("sandviken", {"kind": "kommun", "code": "2181",
                                     "name": "Sandvikens kommun"})
    site.filler({"Medborgarlöften": PROMISE,
                 "Samverkan med polisen": "/kommun-och-politik/trygghet-och-sakerhet/"
                                          "samverkan-med-polisen/"})
    text = seed("000")
    main = (text_to_html(text) + f'\n<p><a href="{SANDVIKEN_PDF}">'
            "10 medborgarlöften – Sandviken (pdf)</a></p>")
    crumbs = [("Kommun och politik", "/kommun-och-politik/"),
              ("Trygghet och säkerhet", "/kommun-och-politik/trygghet-och-sakerhet/")]
    note = SEED_NOTE.format(n="000")
    site.add(PROMISE, page(site.name, "Medborgarlöften", main, crumbs, note=note))
    # Version 2: only the footer date and the cookie text change.
    site.add(PROMISE, page(site.name, "Medborgarlöften", main, crumbs, note=note,
                           footer_date="2025-11-15",
                           cookie="Vi använder kakor. Läs mer om kakor."), version="v2")
    site.add("/kommun-och-politik/trygghet-och-sakerhet/samverkan-med-polisen/", page(
        site.name, "Samverkan", text_to_html(seed("004")), crumbs,
        note=SEED_NOTE.format(n="004")))
    site.add(SANDVIKEN_PDF, sandviken_pdf(), in_sitemap=False)
    site.write()


def sunne(polisen_sunne: str) -> None:
    site = SiteBuilder("sunne", {"kind": "kommun", "code": "1766", "name": "Sunne kommun"})
    site.filler({"Brottsförebyggande rådet": "/kommun-och-politik/trygghet-och-sakerhet/bra/",
                 "Medborgarlöften (hos polisen)": "/kommun-och-politik/trygghet-och-sakerhet/"
                                                  "medborgarloften/"})
    site.add("/kommun-och-politik/trygghet-och-sakerhet/bra/", page(
        site.name, "Brottsförebyggande rådet",
        "<h1>Brottsförebyggande rådet</h1><p>Rådet samlar kommunen, polisen och "
        "föreningslivet för att förebygga brott. Rådet sammanträder fyra gånger per år.</p>"))
    site.add("/kommun-och-politik/trygghet-och-sakerhet/medborgarloften/", page(
        site.name, "Medborgarlöften",
        "<h1>Medborgarlöften</h1><p>Polisen och kommunen har tecknat medborgarlöften. "
        f'Läs dem på <a href="{polisen_sunne}">polisens webbplats</a>.</p>'))
    site.write()


def smedjebacken() -> None:
    site = SiteBuilder("smedjebacken", {"kind": "kommun", "code": "2061",
                                        "name": "Smedjebackens kommun"})
    site.filler({})
    news = "/nyheter/2018/kommunen-och-polisen-signerade-ett-medborgarlofte/"
    site.add(news, page(site.name, "Kommunen och polisen signerade ett medborgarlöfte",
                        text_to_html(seed("002")), [("Nyheter", "/nyheter/")],
                        note=SEED_NOTE.format(n="002")))
    (WEB / "smedjebacken").mkdir(parents=True, exist_ok=True)
    site.files["v2"]["_removed.txt"] = news + "\n"
    site.write()


def kristinehamn() -> None:
    site = SiteBuilder("kristinehamn", {"kind": "kommun", "code": "1781",
                                        "name": "Kristinehamns kommun"})
    site.filler({"Medborgarlöften": "/kommun-och-politik/trygghet/medborgarloften/"})
    # Two clicks deep: the home page links the safety page directly.
    home = site.files["v1"]["index.html"]
    site.files["v1"]["index.html"] = home.replace(
        "</ul>\n</main>", '<li><a href="/kommun-och-politik/trygghet/">Trygghet</a></li>'
        "</ul>\n</main>")
    site.add("/kommun-och-politik/trygghet/", page(
        site.name, "Trygghet",
        '<h1>Trygghet</h1><ul><li><a href="/kommun-och-politik/trygghet/medborgarloften/">'
        "Medborgarlöften</a></li><li><a href=\"/intern/medborgarloften-utkast/\">Utkast till "
        "medborgarlöften (internt)</a></li></ul>"))
    text = seed("003")
    note = SEED_NOTE.format(n="003")
    path = "/kommun-och-politik/trygghet/medborgarloften/"
    site.add(path, page(site.name, "Medborgarlöften", text_to_html(text), note=note))
    original = "Polisen lovar att arbeta med ordnings- och trygghetsfrågor i centrala Kristinehamn."
    reworded = ("Polisen lovar att arbeta med ordnings- och trygghetsfrågor i centrala "
                f"Kristinehamn och vid resecentrum. {INVENTED}")
    assert original in text
    site.add(path, page(site.name, "Medborgarlöften", text_to_html(text.replace(original, reworded)),
                        note=note + "\n<!-- FIXTURE: version 2 rewords one promise (invented) -->"),
             version="v2")
    site.add("/intern/medborgarloften-utkast/", page(
        site.name, "Utkast", f"<h1>Utkast till medborgarlöften {INVENTED}</h1><p>Internt.</p>"),
        in_sitemap=False)
    site.files["v1"]["_faults.json"] = json.dumps({"/sok": {
        "kind": "search", "param": "q", "results": {"medborgarl": [path]}}}, indent=2)
    site.write(robots_extra="Disallow: /intern/\n")


POLISEN_ROOT = "/om-polisen/medborgarloften-och-lokal-samverkan/medborgarloften/"


def polisen() -> None:
    site = SiteBuilder("polisen", {"kind": "polisen", "code": None, "name": "Polisen (fixture)"})
    counties = {"varmland": ("Värmlands län", {"sunne": ("Sunne", seed("001"), "001"),
                                               "kristinehamn": ("Kristinehamn", seed("003"), "003")}),
                "gavleborg": ("Gävleborgs län", {"sandviken": ("Sandviken", _medborgarlofte_part(
                    seed("004")), "004")})}
    county_links = []
    for county, (county_name, places) in counties.items():
        links = []
        for key, (name, text, n) in places.items():
            path = f"{POLISEN_ROOT}{county}/{key}/"
            links.append(f'<li><a href="{path}">Medborgarlöften i {name}</a></li>')
            main = text_to_html(text)
            if key == "sunne":
                main += (f'<p><a href="{path}uppfoljning-2016/">Uppföljning av '
                         "medborgarlöften 2016</a></p>")
            site.add(path, page(site.name, f"Medborgarlöften i {name}", main, polisen=True,
                                note=SEED_NOTE.format(n=n)))
        site.add(f"{POLISEN_ROOT}{county}/", page(
            site.name, county_name, f"<h1>Medborgarlöften i {county_name}</h1><ul>"
            f"{''.join(links)}</ul>", polisen=True))
        county_links.append(f'<li><a href="{POLISEN_ROOT}{county}/">{county_name}</a></li>')
    site.add(f"{POLISEN_ROOT}varmland/sunne/uppfoljning-2016/", page(
        site.name, "Uppföljning", f"<h1>Uppföljning av medborgarlöften 2016 {INVENTED}</h1>"
        "<p>Fotpatrullering i centrum har genomförts varje vecka.</p>", polisen=True))
    site.add(POLISEN_ROOT, page(
        site.name, "Medborgarlöften", "<h1>Medborgarlöften</h1><p>Medborgarlöften är lokala "
        "löften från polisen och kommunen.</p><ul>" + "".join(county_links) + "</ul>",
        polisen=True))
    site.add("/om-polisen/", page(site.name, "Om polisen", "<h1>Om polisen</h1><p><a href='"
                                  f"{POLISEN_ROOT}'>Medborgarlöften</a></p>", polisen=True))
    for n in range(1, 4):
        site.add(f"/aktuellt/nyheter/nyhet-{n}/", page(
            site.name, f"Nyhet {n}", f"<h1>Polisnyhet {n}</h1><p>Trafikkontroller (fixture).</p>",
            polisen=True))
    site.add("/kontakt/", page(site.name, "Kontakt", "<h1>Kontakta polisen</h1><p>114 14</p>",
                               polisen=True))
    site.add("/kontakta-polisen/", page(
        site.name, "Kontakta polisen", "<h1>Kontakta polisen</h1><p>Ring 114 14 eller 112 vid "
        "nödsituation. <a href='/kontakt/'>Fler kontaktvägar</a>.</p>", polisen=True))
    site.add("/aktuellt/", page(site.name, "Aktuellt", "<h1>Aktuellt</h1><ul>" + "".join(
        f"<li><a href='/aktuellt/nyheter/nyhet-{n}/'>Polisnyhet {n}</a></li>" for n in range(1, 4))
        + "</ul>", polisen=True))
    site.add("/utsatt-for-brott/", page(
        site.name, "Utsatt för brott", "<h1>Utsatt för brott</h1><p>Så gör du en anmälan "
        "(fixture).</p>", polisen=True))
    site.files["v1"]["_faults.json"] = json.dumps({"/sok": {
        "kind": "search", "param": "q", "results": {"medborgarl": [POLISEN_ROOT]}}}, indent=2)
    site.add("/", page(site.name, "Polisen", "<h1>Polisen</h1><ul><li><a href='/om-polisen/'>"
                       "Om polisen</a></li><li><a href='/aktuellt/nyheter/nyhet-1/'>Nyheter</a>"
                       "</li></ul>", polisen=True))
    site.write()


def _medborgarlofte_part(text: str) -> str:
    start = text.index("Medborgarlöfte 2022-2023")
    return text[start:text.index("Om du har tankar", start)]


def faults() -> None:
    site = SiteBuilder("faults", {"kind": "other", "code": None,
                                  "name": "Felsajt (fixture)"})
    promise = lambda title, extra="": page(site.name, title, (  # noqa: E731
        f"<h1>Medborgarlöfte {title} {INVENTED}</h1><p>Polisen lovar att synas i centrum."
        f"</p>{extra}"))
    kinds = {"/fel-500": {"kind": "status", "status": 500},
             "/fel-503": {"kind": "status", "status": 503, "retry_after": 1},
             "/langsam": {"kind": "slow", "seconds": 30},
             "/aterstalld": {"kind": "reset"},
             "/loop-a": {"kind": "redirect", "location": "/loop-b"},
             "/loop-b": {"kind": "redirect", "location": "/loop-a"},
             "/till-annan-sajt": {"kind": "redirect", "location": "@sandviken/"},
             "/jattestor": {"kind": "huge", "megabytes": 20},
             "/tom": {"kind": "empty"},
             "/andras/": {"kind": "changing"},
             "/dokument/medborgarlofte-2024": {"kind": "bytes", "file": OCTET_PDF_FILE,
                                               "content_type": "application/octet-stream"}}
    site.files["v1"]["_faults.json"] = json.dumps(kinds, indent=2)
    site.add("/andras/", page(site.name, "Ändras", (
        f"<h1>Medborgarlöfte som ändras {INVENTED}</h1><p>Polisen lovar att synas.</p>"
        "<p>Genererad {{NOW}}</p><form><input type='hidden' name='token' value='{{TOKEN}}'>"
        "</form><p>Session {{TOKEN}}</p>")))
    site.add("/mjuk-404/", page(site.name, "Sidan kunde inte hittas",
                                "<h1>Sidan kunde inte hittas</h1><p>Kontrollera adressen.</p>"))
    site.add("/waf/", (f"<!DOCTYPE html>{FIXTURE}<html><body><h1>Kontrollerar att du inte är en "
                       "robot</h1><p>Lös captcha för att fortsätta.</p>"
                       f"<p>{FOOTER_LINE}</p></body></html>"))
    site.add("/trasig-html/", (f"{FIXTURE}<html><body><p>{FOOTER_LINE}<main><h1>Medborgarlöfte {INVENTED}"
                               "<p>Polisen lovar <b>att <i>synas<div>i centrum<ul><li>ett"))
    site.add("/forsvinner/", promise("som försvinner"))
    site.files["v2"]["_gone410.txt"] = "/forsvinner/\n"
    cp1252 = page(site.name, "Fel teckenkodning", (
        f"<h1>Medborgarlöfte för Åre och Älvdalen {INVENTED}</h1><p>Polisen lovar att "
        "öka närvaron.</p>")).replace('<meta charset="utf-8">', "")
    site.files["v1"]["cp1252-fel-charset/index.html"] = cp1252.encode("cp1252")
    latin1 = page(site.name, "Utan teckenkodning", (
        f"<h1>Medborgarlöfte i Hörby {INVENTED}</h1><p>Kommunen lovar bättre belysning.</p>")
    ).replace('<meta charset="utf-8">', "")
    site.files["v1"]["latin1-utan-charset/index.html"] = latin1.replace("–", "-").encode(
        "iso-8859-1")
    # UTF-8 bytes whose <meta> still says windows-1252 (a CMS migration left it).
    stale_meta = page(site.name, "Medborgarlöfte för Mölndal", (
        f"<h1>Medborgarlöfte för Mölndal 2025 {INVENTED}</h1><h2>Polisen lovar att</h2>"
        "<ul><li>öka närvaron vid Åbro torg under helgkvällar.</li>"
        "<li>genomföra trygghetsvandringar längs Mölndalsån.</li></ul>")
    ).replace('<meta charset="utf-8">', '<meta charset="windows-1252">')
    site.files["v1"]["utf8-med-gammal-meta/index.html"] = stale_meta.encode("utf-8")
    site.files["v1"]["_headers.json"] = json.dumps({
        "/cp1252-fel-charset/": {"Content-Type": "text/html; charset=utf-8"},
        "/latin1-utan-charset/": {"Content-Type": "text/html"},
        "/utf8-med-gammal-meta/": {"Content-Type": "text/html"}}, indent=2)
    site.add(BROKEN_PDF, broken_pdf(), in_sitemap=False)
    site.add(ENCRYPTED_PDF, encrypted_pdf(), in_sitemap=False)
    site.files["v1"][OCTET_PDF_FILE] = octet_pdf()
    links = ["/fel-500", "/fel-503", "/langsam", "/aterstalld", "/loop-a", "/till-annan-sajt",
             "/jattestor", "/tom", "/andras/", "/mjuk-404/", "/waf/", "/trasig-html/",
             "/forsvinner/", "/cp1252-fel-charset/", "/latin1-utan-charset/",
             "/utf8-med-gammal-meta/", BROKEN_PDF,
             ENCRYPTED_PDF, "/dokument/medborgarlofte-2024"]
    items = "".join(f'<li><a href="{p}">Medborgarlöfte {p.strip("/")}</a></li>' for p in links)
    site.add("/", page(site.name, "Fel", f"<h1>Medborgarlöften med fel</h1><ul>{items}</ul>"))
    site.write()


def robots_sites() -> None:
    for key, name, robots in (("robotsfel", "Robotsfel (fixture)", None),
                              ("stangd", "Stängd (fixture)", "User-agent: *\nDisallow: /\n")):
        site = SiteBuilder(key, {"kind": "other", "code": None, "name": name})
        site.add("/", page(name, "Start", f"<h1>Medborgarlöften {INVENTED}</h1>"
                           "<p>Polisen lovar att synas.</p>"))
        if robots:
            site.files["v1"]["robots.txt"] = robots
        else:
            site.files["v1"]["_faults.json"] = json.dumps(
                {"/robots.txt": {"kind": "status", "status": 500}})
        site.write()


def main() -> None:
    sandviken()
    sunne("{POLISEN}" + POLISEN_ROOT.lstrip("/") + "varmland/sunne/")
    smedjebacken()
    kristinehamn()
    polisen()
    faults()
    robots_sites()


if __name__ == "__main__":
    main()

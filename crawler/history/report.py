"""What a backfill tells its user: counts, politeness, how far back history reaches."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from crawler.history.polite import Politeness


@dataclass
class BackfillReport:
    listed: int = 0          # distinct captures the CDX server listed
    stored: int = 0          # new snapshots
    new_pages: int = 0       # pages the archive did not know (old URLs, old PDFs)
    text_changes: int = 0
    present: int = 0         # body already archived for that time
    already: int = 0         # handled by an earlier backfill: not fetched again
    not_relevant: int = 0    # captured page does not speak of medborgarlöften
    failed: int = 0          # replay 404, redirect out of the archive, network error
    cdx_failed: int = 0      # CDX queries that failed: the listing is incomplete
    politeness: Politeness = field(default_factory=Politeness)
    reach: list[tuple[str, str, str, str | None]] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"backfill: {self.listed} ögonblicksbilder listade, {self.stored} nya "
                 f"versioner ({self.new_pages} nya sidor, {self.text_changes} textändringar), "
                 f"{self.present} fanns redan i arkivet, {self.already} hanterade tidigare, "
                 f"{self.not_relevant} handlar inte om medborgarlöften, "
                 f"{self.failed} misslyckades",
                 self.politeness.line()]
        for code, name, earliest, before in self.reach:
            was = f" (förut: {before[:10]})" if before and before != earliest else ""
            lines.append(f"  {code} {name}: historik från {earliest[:10]}{was}")
        return lines


def history_reach(db) -> dict[str, str]:
    """Per municipality code: the earliest version archived (any source)."""
    reach: dict[str, str] = {}
    for row in db.query("select p.site, p.municipalities, min(s.fetched_at) as earliest "
                        "from snapshots s join pages p on p.url = s.url group by p.url"):
        codes = json.loads(row["municipalities"] or "[]") or (
            [row["site"]] if (row["site"] or "").isdigit() else [])
        for code in codes:
            if code not in reach or row["earliest"] < reach[code]:
                reach[code] = row["earliest"]
    return reach

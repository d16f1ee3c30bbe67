"""Click's own words (Usage:, Options:, its usage errors) in Swedish, for the command line.

Click passes its texts through ``gettext``, the way it documents for
translating them, so the command line binds a small catalog,
``crawler/locale/sv/LC_MESSAGES/medborgarloften.po`` (compiled with
``msgfmt -o medborgarloften.mo medborgarloften.po`` beside it), and runs with
LANGUAGE=sv (``swedish()``). The project's own messages are written in
Swedish directly; the catalog only covers click's texts ("Missing argument",
"is not in the range", "default: …"). ``SwedishCommand`` adds what gettext
cannot reach: the "[OPTIONS]" metavar and the file-type names click fixes
when a command is defined.
"""

from __future__ import annotations

import gettext
import os
from contextlib import contextmanager
from pathlib import Path

import click

DOMAIN = "medborgarloften"
LOCALE_DIR = Path(__file__).parent / "locale"
CATALOG = gettext.translation(DOMAIN, str(LOCALE_DIR), languages=["sv"])
OPTIONS_METAVAR = "[FLAGGOR]"
SUBCOMMAND_METAVAR = "KOMMANDO [ARGUMENT]..."
HELP_TEXT = "Visa den här hjälpen och avsluta."
VERSION_HELP = "Visa versionen och avsluta."


@contextmanager
def swedish():
    """Click's gettext calls answer in Swedish while the command runs.

    ``gettext.gettext`` takes the language from LANGUAGE (then LC_ALL,
    LC_MESSAGES, LANG); the command line is Swedish whatever the terminal's
    locale, so LANGUAGE is set for the run (its child processes too) and
    restored afterwards, for callers that run the CLI in-process (tests).
    """
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    previous_domain = gettext.textdomain()
    previous = os.environ.get("LANGUAGE")
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = "sv"
    try:
        yield
    finally:
        gettext.textdomain(previous_domain)
        if previous is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = previous


class SwedishCommand(click.Command):
    """A command whose help and errors have no English words of click's left."""

    def __init__(self, *args, options_metavar: str | None = OPTIONS_METAVAR, **kwargs):
        super().__init__(*args, options_metavar=options_metavar, **kwargs)
        for param in self.params:   # click.Path names its kind ("file") when defined
            if isinstance(param.type, click.Path):
                param.type.name = CATALOG.gettext(param.type.name)

    def main(self, *args, **kwargs):
        """Run on its own (not under the ``medborgarloften`` group): Swedish too."""
        with swedish():
            return super().main(*args, **kwargs)

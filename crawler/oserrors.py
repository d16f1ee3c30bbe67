"""The operating system's error messages in Swedish, for the errors a person meets.

Python's ``strerror`` is the C library's English text ("No such file or
directory"); these are the errors the commands report most (a missing file, a
read-only directory, a full disk). Others keep the system's own words.
"""

from __future__ import annotations

import errno

REASONS = {errno.ENOENT: "finns inte", errno.EACCES: "åtkomst nekad",
           errno.EPERM: "åtgärden är inte tillåten", errno.EISDIR: "är en katalog",
           errno.ENOTDIR: "är inte en katalog", errno.EROFS: "skrivskyddat filsystem",
           errno.ENOSPC: "disken är full", errno.EDQUOT: "diskkvoten är slut"}


def reason(exc: OSError) -> str:
    """'åtkomst nekad': why, in Swedish when known."""
    return REASONS.get(exc.errno, exc.strerror or str(exc))


def describe(exc: OSError) -> str:
    """'sunne.txt: finns inte': the file and why."""
    return f"{exc.filename}: {reason(exc)}" if exc.filename else reason(exc)

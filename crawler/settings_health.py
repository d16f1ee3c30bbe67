"""Health thresholds from crawler.settings (HEALTH_*), over the defaults."""

from __future__ import annotations

from crawler import settings
from crawler.health import DEFAULT_THRESHOLDS


def thresholds() -> dict:
    return {key: getattr(settings, key, default) for key, default in DEFAULT_THRESHOLDS.items()}

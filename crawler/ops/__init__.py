"""Unattended operation: the scheduled re-crawl job and its health checks."""

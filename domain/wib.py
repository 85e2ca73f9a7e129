"""Instants as the public reads them: Western Indonesian Time (WIB, Asia/Jakarta) with UTC beside it.

WIB is a fixed UTC+7 (Asia/Jakarta has kept it since 1964 and has no summer time); fixed, so that a page or PDF
made today reads the same wherever and whenever it is verified.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")


def wib_and_utc(instant: datetime, time_format: str = "%Y-%m-%d %H:%M:%S") -> str:
    """E.g. ``2025-06-01 10:04:05 WIB (2025-06-01 03:04:05 UTC)``."""
    return f"{instant.astimezone(WIB).strftime(time_format)} WIB ({instant.astimezone(UTC).strftime(time_format)} UTC)"

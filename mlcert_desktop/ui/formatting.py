"""Text formatting the screens share. No Qt here: the home screen uses it at start-up."""

from __future__ import annotations


def format_seconds(seconds: float) -> str:
    """0:07:05 — rounded up, so the clock shows 0:00:01 until time is really up."""
    s = max(0, int(seconds + 0.999))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"

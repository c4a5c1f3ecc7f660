"""Checks the Files and Batch APIs' documented limits before a request is sent, so that a mistake
costs a clear `ValueError` rather than a round trip (and, for an upload, the upload)."""

from __future__ import annotations

from typing import Any, Mapping

from .._types import NotGiven, Omit

__all__ = ["EXPIRES_AFTER_SECONDS", "LIST_LIMIT", "check_expires_after", "check_limit"]

LIST_LIMIT = (1, 100)
"""The documented bounds of `limit` on `GET /v1/files` and `GET /v1/batches`."""

EXPIRES_AFTER_SECONDS = (3600, 2_592_000)
"""The documented bounds of `expires_after.seconds` on uploads: 1 hour to 30 days."""


def _given(value: object) -> bool:
    return not isinstance(value, (Omit, NotGiven))


def check_limit(limit: object) -> None:
    """Refuse a page size outside 1..100 (or not a whole number)."""
    if not _given(limit):
        return
    low, high = LIST_LIMIT
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit must be an int, got {type(limit).__name__}: {limit!r}")
    if not low <= limit <= high:
        raise ValueError(f"limit must be between {low} and {high}, got {limit}")


def check_expires_after(expires_after: object) -> None:
    """Refuse an `expires_after` other than `{"anchor": "created_at", "seconds": 3600..2592000}`."""
    if not _given(expires_after):
        return
    low, high = EXPIRES_AFTER_SECONDS
    shape = f'{{"anchor": "created_at", "seconds": {low}..{high}}}'
    if not isinstance(expires_after, Mapping):
        raise TypeError(f"expires_after must be a mapping {shape}, got {type(expires_after).__name__}")
    value: Mapping[str, Any] = expires_after  # pyright: ignore[reportUnknownVariableType]
    unknown = sorted(set(value) - {"anchor", "seconds"})
    if unknown:
        raise ValueError(f"expires_after has unknown keys {unknown}; expected {shape}")
    anchor = value.get("anchor")
    if anchor != "created_at":
        raise ValueError(f"expires_after['anchor'] must be 'created_at', got {anchor!r}")
    seconds = value.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValueError(f"expires_after['seconds'] must be an int number of seconds, got {seconds!r}")
    if not low <= seconds <= high:
        raise ValueError(
            f"expires_after['seconds'] must be between {low} (1 hour) and {high} (30 days), got {seconds}"
        )

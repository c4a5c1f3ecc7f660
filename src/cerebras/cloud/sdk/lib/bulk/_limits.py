"""Rate limits a bulk run is told about explicitly, and what the API reports in its headers."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Dict, List, Mapping, NamedTuple, Optional, Tuple, cast

from ..._request_meta import parse_header_count, parse_header_seconds

__all__ = ["WINDOWS", "Limits", "Reported", "header_figures", "reported_limits"]

WINDOWS: Tuple[Tuple[str, float], ...] = (("minute", 60.0), ("hour", 3600.0), ("day", 86400.0))
"""The windows the API limits over, and their length in seconds."""

_UNITS = ("requests", "tokens")
_KINDS = ("limit", "remaining", "reset")
_WINDOW_NAMES = tuple(name for name, _ in WINDOWS)


@dataclass(frozen=True)
class Limits:
    """Rate limits to stay under, on top of what the API's `x-ratelimit-*` headers report.

    `rpm`, `rph` and `rpd` are requests per minute, hour and day; `tpm`, `tph` and `tpd` tokens
    (estimated input plus `max_completion_tokens`) per minute, hour and day. `None` leaves a
    limit to the headers. Set them when the headers are missing (a proxy strips them) or when
    the account is shared and this run should use only part of it. Each one is a token bucket
    that starts full and refills evenly over its window (`rpm=60`: one request a second).
    """

    rpm: Optional[int] = None
    tpm: Optional[int] = None
    rph: Optional[int] = None
    tph: Optional[int] = None
    rpd: Optional[int] = None
    tpd: Optional[int] = None

    def __post_init__(self) -> None:
        for item in fields(self):
            value: object = getattr(self, item.name)
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{item.name} must be a positive integer or None, got {value!r}")

    def by_window(self) -> Dict[Tuple[str, str], int]:
        """The limits set, keyed by `(unit, window)`: `{("requests", "minute"): 30, ...}`."""
        out: Dict[Tuple[str, str], int] = {}
        for unit in _UNITS:
            for window, _ in WINDOWS:
                value: Optional[int] = getattr(self, f"{unit[0]}p{window[0]}")
                if value is not None:
                    out[(unit, window)] = value
        return out


class Reported(NamedTuple):
    """One window's figures from a response: its limit, what remains, seconds until it is full
    again (each `None` when the header is missing or unreadable). A named tuple, not a frozen
    dataclass: one is built per window of every response, and a tuple is several times cheaper."""

    limit: Optional[int]
    remaining: Optional[int]
    reset: Optional[float]


_FIGURES: Dict[str, Tuple[str, Tuple[str, str]]] = {
    f"x-ratelimit-{kind}-{unit}-{window}": (kind, (unit, window))
    for kind in _KINDS
    for unit in _UNITS
    for window in _WINDOW_NAMES
}
"""Each rate-limit header name (lower case) to the figure it carries: `(kind, (unit, window))`."""

_RAW_FIGURES = {name.encode("latin-1"): figure for name, figure in _FIGURES.items()}


def header_figures(headers: Mapping[str, str]) -> Dict[Tuple[str, str], Dict[str, str]]:
    """The rate-limit figures of a response as text, `{(unit, window): {kind: value}}`: one
    dict lookup per header, on httpx's raw bytes when there are any, so that only the values of
    rate-limit headers are decoded (every response of a run goes through here)."""
    found: Dict[Tuple[str, str], Dict[str, str]] = {}
    raw: object = getattr(headers, "raw", None)
    if isinstance(raw, list):
        for name, value in cast(List[Tuple[bytes, bytes]], raw):
            figure = _RAW_FIGURES.get(name.lower())
            if figure is not None:
                found.setdefault(figure[1], {})[figure[0]] = value.decode("latin-1")
    else:
        for key, text in headers.items():
            figure = _FIGURES.get(str(key).lower())
            if figure is not None:
                found.setdefault(figure[1], {})[figure[0]] = str(text)
    return found


def reported_limits(headers: Mapping[str, str]) -> Dict[Tuple[str, str], Reported]:
    """The `x-ratelimit-{limit,remaining,reset}-{requests,tokens}-{minute,hour,day}` figures of a
    response, keyed by `(unit, window)`, for the windows it reports at least one figure of."""
    return {
        key: Reported(
            limit=parse_header_count(figures.get("limit")),
            remaining=parse_header_count(figures.get("remaining")),
            reset=parse_header_seconds(figures.get("reset")),
        )
        for key, figures in header_figures(headers).items()
    }

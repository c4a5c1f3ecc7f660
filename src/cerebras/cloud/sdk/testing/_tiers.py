"""Service tiers: the ``queue_threshold`` header, the mock's queue times, and the tier a request gets.

A chat request names a ``service_tier`` (``priority``, ``default``, ``auto`` or ``flex``; ``default``
when omitted) and, for ``flex`` and ``auto``, may carry a ``queue_threshold`` header: the longest
queue time (in milliseconds, 50..20000) it accepts. The mock keeps a scriptable queue time per tier
(0 by default). A ``flex`` request whose threshold is below the flex queue time is rejected up front;
an ``auto`` request is served on ``default`` unless the default queue is over its threshold, then on
``flex``, and rejected when that is over the threshold too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Mapping, Optional

__all__ = [
    "QUEUE_TIERS",
    "THRESHOLD_HEADER",
    "ThresholdError",
    "TierDecision",
    "check_tier",
    "decide_tier",
    "initial_queue_times",
    "parse_threshold",
]

THRESHOLD_HEADER = "queue_threshold"
THRESHOLD_MIN, THRESHOLD_MAX = 50, 20000
QUEUE_TIERS = ("priority", "default", "flex")
"""The tiers that have a queue of their own (``auto`` picks one of them)."""


class ThresholdError(ValueError):
    """The ``queue_threshold`` header is not an integer in range."""


@dataclass(frozen=True)
class TierDecision:
    """The tier a request is served on, or (``rejected``) the queue time that turned it away."""

    tier: str
    threshold: Optional[int] = None
    queue_time: float = 0.0
    rejected: bool = False

    def message(self) -> str:
        return (
            f"Request rejected: the expected queue time of the {self.tier} tier ({self.queue_time:g} ms) "
            f"exceeds the queue_threshold of {self.threshold} ms."
        )


def parse_threshold(value: Optional[str]) -> Optional[int]:
    """The header's value in milliseconds (``None`` when absent); :class:`ThresholdError` unless it
    is an integer between 50 and 20000."""
    if value is None:
        return None
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise ThresholdError(
            f"Header '{THRESHOLD_HEADER}' must be an integer number of milliseconds "
            f"between {THRESHOLD_MIN} and {THRESHOLD_MAX}; got {value!r}."
        )
    number = int(text)
    if not THRESHOLD_MIN <= number <= THRESHOLD_MAX:
        raise ThresholdError(
            f"Header '{THRESHOLD_HEADER}' must be between {THRESHOLD_MIN} and {THRESHOLD_MAX} "
            f"milliseconds; got {number}."
        )
    return number


def decide_tier(
    requested: object, threshold: Optional[int], queue_times: Mapping[str, float]
) -> TierDecision:
    """Where a request asking for ``requested`` (``None`` or one of the four tier names) goes."""
    tier = (
        requested
        if isinstance(requested, str) and requested in ("priority", "default", "auto", "flex")
        else "default"
    )
    if tier in ("priority", "default") or threshold is None:
        return TierDecision("default" if tier == "auto" else tier, threshold)
    if tier == "auto":
        default_time = queue_times.get("default", 0.0)
        if default_time <= threshold:
            return TierDecision("default", threshold, default_time)
    flex_time = queue_times.get("flex", 0.0)
    return TierDecision("flex", threshold, flex_time, rejected=flex_time > threshold)


def check_tier(tier: str) -> str:
    """``tier`` if it has a queue (``priority``, ``default``, ``flex``); :class:`ValueError` otherwise."""
    if tier not in QUEUE_TIERS:
        raise ValueError(f"tier must be one of {', '.join(map(repr, QUEUE_TIERS))}; got {tier!r}")
    return tier


def initial_queue_times() -> Dict[str, float]:
    return {tier: 0.0 for tier in QUEUE_TIERS}

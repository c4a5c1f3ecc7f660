"""Request metadata the API sends in headers: the request id and rate-limit figures.

Not part of the official package's surface; read through `APIResponse.request_id` /
`.rate_limits`, `APIStatusError.request_id`, `RateLimitError.rate_limits`, and `_request_id` on
parsed response objects.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping, Optional

__all__ = ["RateLimitInfo", "parse_header_count", "parse_header_seconds", "request_id_from_headers"]


def request_id_from_headers(headers: Mapping[str, str]) -> Optional[str]:
    """The id to quote to support: `x-request-id`, else `cf-ray`, else None (httpx headers, any case)."""
    return headers.get("x-request-id") or headers.get("cf-ray") or None


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_header_count(value: Optional[str]) -> Optional[int]:
    """A whole, non-negative count from a header value (`"42"`, `"42.0"`), else None."""
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(number) or number < 0 or number != int(number):
        return None
    return int(number)


def parse_header_seconds(value: Optional[str]) -> Optional[float]:
    """Seconds from `12.5`, or from a duration such as `1m30s`, `2h`, `450ms`; else None."""
    if value is None:
        return None
    text = value.strip().lower()
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        return number if math.isfinite(number) and number >= 0 else None
    if not text or _DURATION_PART.sub("", text):
        return None
    unit_seconds = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return sum(float(amount) * unit_seconds[unit] for amount, unit in _DURATION_PART.findall(text))


@dataclass(frozen=True)
class RateLimitInfo:
    """Rate-limit figures from the `x-ratelimit-*` headers; a figure the API did not send
    (or sent in a form we cannot read) is None."""

    limit_requests_day: Optional[int] = None
    """Requests allowed per day."""
    remaining_requests_day: Optional[int] = None
    """Requests left today."""
    reset_requests_day: Optional[float] = None
    """Seconds until the daily request allowance resets."""
    limit_tokens_minute: Optional[int] = None
    """Tokens allowed per minute."""
    remaining_tokens_minute: Optional[int] = None
    """Tokens left in the current minute."""
    reset_tokens_minute: Optional[float] = None
    """Seconds until the per-minute token allowance resets."""

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimitInfo:
        """Read the figures from response headers (any case); never raises on bad values."""
        headers = {str(k).lower(): str(v) for k, v in headers.items()}
        return cls(
            limit_requests_day=parse_header_count(headers.get("x-ratelimit-limit-requests-day")),
            remaining_requests_day=parse_header_count(headers.get("x-ratelimit-remaining-requests-day")),
            reset_requests_day=parse_header_seconds(headers.get("x-ratelimit-reset-requests-day")),
            limit_tokens_minute=parse_header_count(headers.get("x-ratelimit-limit-tokens-minute")),
            remaining_tokens_minute=parse_header_count(headers.get("x-ratelimit-remaining-tokens-minute")),
            reset_tokens_minute=parse_header_seconds(headers.get("x-ratelimit-reset-tokens-minute")),
        )

    @property
    def is_empty(self) -> bool:
        """True when the response carried none of the figures."""
        return all(getattr(self, name) is None for name in self.__dataclass_fields__)

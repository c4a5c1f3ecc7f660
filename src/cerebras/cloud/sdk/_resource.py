"""What every resource shares: a handle on its client and helpers to describe a request."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Union
from urllib.parse import quote

import httpx

from ._base_client import make_request_options
from ._config import check_timeout
from ._types import Headers, NotGiven, Omit, RequestOptions

if TYPE_CHECKING:
    from ._client import AsyncCerebras, Cerebras

_DOT_SEGMENTS = frozenset({".", ".."})


class SyncAPIResource:
    """Base of the blocking resources: `self._client` is the `Cerebras` client."""

    _client: Cerebras

    def __init__(self, client: Cerebras) -> None:
        self._client = client


class AsyncAPIResource:
    """Base of the async resources: `self._client` is the `AsyncCerebras` client."""

    _client: AsyncCerebras

    def __init__(self, client: AsyncCerebras) -> None:
        self._client = client


def compact(params: Mapping[str, object]) -> Dict[str, object]:
    """The params the caller actually gave, in declaration order (`omit`/`not_given` dropped)."""
    return {k: v for k, v in params.items() if not isinstance(v, (Omit, NotGiven))}


def call_options(
    *,
    header_params: Mapping[str, object],
    extra_headers: Optional[Headers],
    extra_query: Optional[Mapping[str, object]],
    extra_body: object,
    timeout: Union[float, httpx.Timeout, NotGiven, None],
    query: Optional[Mapping[str, object]] = None,
) -> RequestOptions:
    """Per-call options: header parameters go first, so `extra_headers` can override them."""
    given = compact(header_params)
    if "queue_threshold" in given:
        check_queue_threshold(given["queue_threshold"])
    headers: Dict[str, Any] = {name: str(value) for name, value in given.items()}
    if extra_headers:
        headers.update(extra_headers)
    if not isinstance(timeout, NotGiven):
        check_timeout(timeout)
    return make_request_options(
        extra_headers=headers or None,
        extra_query=extra_query,
        extra_body=_as_mapping(extra_body),
        timeout=timeout,
        query=query,
    )


QUEUE_THRESHOLD_RANGE = (50, 20_000)
"""The documented bounds of the `queue_threshold` header, in milliseconds."""


def check_queue_threshold(value: object) -> None:
    """Refuse a `queue_threshold` the API would: it is a whole number of ms within the documented range."""
    low, high = QUEUE_THRESHOLD_RANGE
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            f"queue_threshold must be an int number of milliseconds, got {type(value).__name__}: {value!r}"
        )
    if not low <= value <= high:
        raise ValueError(f"queue_threshold must be between {low} and {high} milliseconds, got {value}")


def _as_mapping(extra_body: object) -> Optional[Mapping[str, object]]:
    if extra_body is None:
        return None
    if not isinstance(extra_body, Mapping):
        raise TypeError(f"extra_body must be a mapping, got {type(extra_body).__name__}")
    return extra_body  # pyright: ignore[reportUnknownVariableType]


def path_segment(name: str, value: object) -> str:
    """Encode `value` as one URL path segment, refusing empty values and dot-segments."""
    if value == "":
        raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    if value is None:
        text = "null"
    elif value is True:
        text = "true"
    elif value is False:
        text = "false"
    else:
        text = str(value)
    segment = quote(text, safe="!$&'()*+,;=:@")
    return segment


def checked_path(path: str) -> str:
    """Refuse a constructed path with `.` or `..` segments (also percent-encoded)."""
    for segment in path.split("/"):
        if segment.lower().replace("%2e", ".") in _DOT_SEGMENTS:
            raise ValueError(
                f"Constructed path {path!r} contains dot-segment {segment!r} which is not allowed"
            )
    return path

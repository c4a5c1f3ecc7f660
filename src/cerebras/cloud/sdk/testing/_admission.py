"""Rate limits as the Cerebras API applies them, emulated by the mock server.

The API limits requests and tokens per minute, hour and day (RPM, RPH, RPD, TPM, TPH, TPD),
whichever is hit first, with token buckets that refill continuously. A completion request is
admitted on an estimate: its input tokens plus ``max_completion_tokens`` (or ``max_tokens``) for
every choice, or, when neither is set, an upper bound of the output
(:attr:`RateLimits.default_completion_tokens`, 1024 unless set). Over quota, the request is
rejected before it is processed, with a 429, and consumes nothing.

The buckets run on the server's :class:`~._clock.MockClock` and are kept per API key (the bearer
token of the request). Every figure a response reports in seconds (``x-ratelimit-reset-*``,
``retry-after``) is converted to real seconds (mock seconds / ``time_scale``; mock seconds when
the clock is frozen), so that a client waiting on them behaves as it would against the API.

Without configured limits the mock keeps sending the informational figures it always sent (14,400
requests a day, 60,000 tokens a minute, counted per calendar window, never enforced).
"""

from __future__ import annotations

import json
import math
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple, cast

from ._clock import MockClock
from ._payloads import count_tokens, message_texts, prompt_texts
from ._recording import RecordedRequest
from ._routes import MAX_CHOICES, WARMING_PATH, Headers, Response, State, completion_kind, error_response

__all__ = [
    "Admission",
    "InformationalQuota",
    "RateLimitControls",
    "RateLimits",
    "Ticket",
    "bearer_key",
    "estimate_tokens",
    "new_request_id",
]

_EPSILON = 1e-9


@dataclass(frozen=True)
class _Spec:
    """One kind of bucket: ``field`` of :class:`RateLimits`, what it counts and over which window."""

    field: str
    unit: str  # "requests" or "tokens"
    window: str  # "minute", "hour" or "day"
    seconds: float

    @property
    def name(self) -> str:
        """``requests_per_minute`` ... ``tokens_per_day``: the 429's ``code`` and the state's keys."""
        return f"{self.unit}_per_{self.window}"

    @property
    def suffix(self) -> str:
        """``requests-minute`` ... ``tokens-day``: the end of the header names."""
        return f"{self.unit}-{self.window}"


SPECS: Tuple[_Spec, ...] = tuple(
    _Spec(f"{unit[0]}p{window[0]}", unit, window, seconds)
    for unit in ("requests", "tokens")
    for window, seconds in (("minute", 60.0), ("hour", 3600.0), ("day", 86400.0))
)
DOCUMENTED = ("requests_per_day", "tokens_per_minute")
"""The buckets whose headers the API documents; the others' headers are a mock extension."""


def _is_count(value: object, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


@dataclass(frozen=True)
class RateLimits:
    """Limits the mock server enforces on completion requests, per API key (``None``: unlimited).

    ``rpm``, ``rph`` and ``rpd`` count requests per minute, hour and day; ``tpm``, ``tph`` and
    ``tpd`` count tokens. Each is a token bucket of that capacity, full at first, refilling
    continuously over its window (``rpm=60`` gives one request back every mock second).
    ``retry_after`` adds a ``retry-after`` header (real seconds, float) to the 429s, which the API
    does not document. ``default_completion_tokens`` is what a request that sets neither
    ``max_completion_tokens`` nor ``max_tokens`` reserves for each choice's output, standing in for
    the API's analysed upper bound.
    """

    rpm: Optional[int] = None
    rph: Optional[int] = None
    rpd: Optional[int] = None
    tpm: Optional[int] = None
    tph: Optional[int] = None
    tpd: Optional[int] = None
    retry_after: bool = True
    default_completion_tokens: int = 1024

    def __post_init__(self) -> None:
        for spec in SPECS:
            value: object = getattr(self, spec.field)
            if value is not None and not _is_count(value, 1):
                raise ValueError(f"RateLimits.{spec.field} must be a positive integer or None; got {value!r}")
        if not _is_count(self.default_completion_tokens, 0):
            raise ValueError(
                "RateLimits.default_completion_tokens must be an integer >= 0; "
                f"got {self.default_completion_tokens!r}"
            )

    @property
    def configured(self) -> Dict[str, int]:
        """The limited buckets: ``{"requests_per_minute": 60, ...}``, in the order rpm..tpd."""
        limits = ((spec.name, getattr(self, spec.field)) for spec in SPECS)
        return {name: value for name, value in limits if value is not None}


class _Bucket:
    """A token bucket of ``capacity`` refilled evenly over ``spec.seconds`` of mock time."""

    __slots__ = ("capacity", "level", "spec", "updated")

    def __init__(self, spec: _Spec, capacity: int, now: float) -> None:
        self.spec = spec
        self.capacity = capacity
        self.level = float(capacity)
        self.updated = now

    def refill(self, now: float) -> None:
        if now > self.updated:
            # capacity * elapsed / window (in that order, so that whole steps stay exact floats)
            self.level = min(
                float(self.capacity), self.level + self.capacity * (now - self.updated) / self.spec.seconds
            )
            self.updated = now

    def has_room(self, cost: float) -> bool:
        return self.level >= cost - _EPSILON

    def wait(self, cost: float) -> float:
        """Mock seconds until ``cost`` fits (``inf`` when it never can: over the capacity)."""
        if cost > self.capacity:
            return math.inf
        return max(0.0, (cost - self.level) * self.spec.seconds / self.capacity)

    def until_full(self) -> float:
        return max(0.0, (self.capacity - self.level) * self.spec.seconds / self.capacity)

    def remaining(self) -> int:
        return max(0, math.floor(self.level + _EPSILON))


@dataclass
class Ticket:
    """One completion request's passage through admission: the buckets it was charged on and the
    tokens reserved, or the 429 that turned it away; ``headers`` are the figures to send."""

    key: Optional[str]
    estimate: int
    buckets: List[_Bucket] = field(default_factory=lambda: [])
    headers: Headers = field(default_factory=lambda: [])
    rejection: Optional[Response] = None


def bearer_key(request: RecordedRequest) -> Optional[str]:
    """The API key a request carries (``Authorization: Bearer KEY``), else ``None``."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _int_value(body: Mapping[str, Any], name: str) -> Optional[int]:
    value = body.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def estimate_tokens(kind: str, body: Any, default_completion_tokens: int) -> int:
    """The tokens a ``"chat"`` or ``"text"`` completion request is admitted on: its input tokens
    (counted as the mock's usage counts them) plus, for every choice it asks for (``n``, times the
    prompts of a text completion), ``max_completion_tokens`` or else ``max_tokens`` or else
    ``default_completion_tokens``."""
    empty: Dict[str, Any] = {}
    payload = cast(Mapping[str, Any], body) if isinstance(body, Mapping) else empty
    if kind == "chat":
        texts = [text for _, text in message_texts(payload.get("messages"))]
        outputs = 1
    else:
        texts = prompt_texts(payload.get("prompt"))
        outputs = len(texts)
    prompt = max(1, sum(count_tokens(text) for text in texts))
    n = _int_value(payload, "n")
    n = n if n is not None and 1 <= n <= MAX_CHOICES else 1
    limit = _int_value(payload, "max_completion_tokens")
    if payload.get("max_completion_tokens") is None:
        limit = _int_value(payload, "max_tokens")
    output = limit if limit is not None and limit >= 0 else default_completion_tokens
    return prompt + outputs * n * output


def reported_tokens(response: Optional[Response]) -> int:
    """The tokens a response reports using: the usage of a completion the mock built, else the
    ``usage`` of a JSON body, else 0 (errors, dropped connections, hand-made streams)."""
    if response is None:
        return 0
    if response.usage_tokens is not None:
        return max(0, response.usage_tokens)
    if not response.body or response.status >= 400:
        return 0
    try:
        payload: Any = json.loads(response.body)
    except ValueError:
        return 0
    usage: Any = cast(Mapping[str, Any], payload).get("usage") if isinstance(payload, Mapping) else None
    total: Any = cast(Mapping[str, Any], usage).get("total_tokens") if isinstance(usage, Mapping) else None
    return total if isinstance(total, int) and not isinstance(total, bool) and total > 0 else 0


def new_request_id() -> str:
    """An id shaped like the API's ``x-request-id`` values (32 hex digits)."""
    return uuid.uuid4().hex


def _fill(headers: Headers, extra: Headers) -> Headers:
    """``headers`` plus those of ``extra`` whose names are not there yet (case-insensitive)."""
    present = {name.lower() for name, _ in headers}
    return list(headers) + [(name, value) for name, value in extra if name.lower() not in present]


class InformationalQuota:
    """The ``x-ratelimit-*`` figures sent when no limit is configured, counted like the API counts
    them: requests per UTC day and (approximate) tokens per minute, reset on the boundary, never
    enforced. Also fills in ``x-request-id``."""

    def __init__(self, requests_per_day: int = 14_400, tokens_per_minute: int = 60_000) -> None:
        self.requests_per_day = requests_per_day
        self.tokens_per_minute = tokens_per_minute
        self._lock = threading.Lock()
        self._day = self._minute = -1
        self._requests = self._tokens = 0

    def reset(self) -> None:
        with self._lock:
            self._day = self._minute = -1
            self._requests = self._tokens = 0

    def add_headers(self, headers: Headers, request: RecordedRequest) -> Headers:
        """``headers`` plus ``x-request-id`` and the rate-limit figures, unless already set there."""
        now = time.time()
        with self._lock:
            day, minute = int(now // 86400), int(now // 60)
            if day != self._day:
                self._day, self._requests = day, 0
            if minute != self._minute:
                self._minute, self._tokens = minute, 0
            if request.path != WARMING_PATH:
                self._requests += 1
                self._tokens += max(1, len(request.body) // 4)
            requests, tokens = self._requests, self._tokens
        return _fill(
            headers,
            [
                ("x-request-id", request.request_id or new_request_id()),
                ("x-ratelimit-limit-requests-day", str(self.requests_per_day)),
                ("x-ratelimit-limit-tokens-minute", str(self.tokens_per_minute)),
                ("x-ratelimit-remaining-requests-day", str(max(0, self.requests_per_day - requests))),
                ("x-ratelimit-remaining-tokens-minute", str(max(0, self.tokens_per_minute - tokens))),
                ("x-ratelimit-reset-requests-day", f"{86400 - now % 86400:.2f}"),
                ("x-ratelimit-reset-tokens-minute", repr(round(60 - now % 60, 6))),
            ],
        )


class Admission:
    """The rate limits of one server: default and per-key :class:`RateLimits`, the buckets of every
    key, and the informational figures used where no limit is configured."""

    def __init__(self, clock: MockClock, limits: Optional[RateLimits] = None) -> None:
        self.clock = clock
        self.quota = InformationalQuota()
        self._lock = threading.Lock()
        self._default = _checked(limits)
        self._per_key: Dict[str, RateLimits] = {}
        self._buckets: Dict[Optional[str], Dict[str, _Bucket]] = {}

    # settings

    @property
    def default(self) -> Optional[RateLimits]:
        return self._default

    @default.setter
    def default(self, limits: Optional[RateLimits]) -> None:
        self._default = _checked(limits)

    def set_limits(self, limits: Optional[RateLimits], api_key: Optional[str]) -> None:
        _checked(limits)
        if api_key is None:
            self._default = limits
            return
        with self._lock:
            if limits is None:
                self._per_key.pop(api_key, None)
            else:
                self._per_key[api_key] = limits

    def limits_for(self, key: Optional[str]) -> Optional[RateLimits]:
        """The limits that apply to ``key``: its own, else the default (``None``: unlimited)."""
        with self._lock:
            return self._limits(key)

    def _limits(self, key: Optional[str]) -> Optional[RateLimits]:
        if key is not None and key in self._per_key:
            return self._per_key[key]
        return self._default

    def reset(self) -> None:
        """Refill every bucket (the limits stay) and restart the informational counts."""
        with self._lock:
            self._buckets.clear()
        self.quota.reset()

    # the buckets (call with the lock held)

    def _sync(self, key: Optional[str], limits: Optional[RateLimits], now: float) -> List[_Bucket]:
        """``key``'s buckets for ``limits``, refilled to ``now``; a bucket whose capacity changed (or
        is new) starts full, one no longer configured is dropped."""
        configured = limits.configured if limits is not None else {}
        if not configured:
            self._buckets.pop(key, None)
            return []
        held = self._buckets.setdefault(key, {})
        for name in [name for name in held if name not in configured]:
            del held[name]
        out: List[_Bucket] = []
        for spec in SPECS:
            capacity = configured.get(spec.name)
            if capacity is None:
                continue
            bucket = held.get(spec.name)
            if bucket is None or bucket.capacity != capacity:
                bucket = held[spec.name] = _Bucket(spec, capacity, now)
            bucket.refill(now)
            out.append(bucket)
        return out

    def _real(self, mock_seconds: float) -> float:
        scale = self.clock.time_scale
        return mock_seconds / scale if scale > 0 else mock_seconds

    def _figures(self, buckets: List[_Bucket]) -> Headers:
        out: Headers = []
        for bucket in buckets:
            suffix = bucket.spec.suffix
            out.append((f"x-ratelimit-limit-{suffix}", str(bucket.capacity)))
            out.append((f"x-ratelimit-remaining-{suffix}", str(bucket.remaining())))
            out.append((f"x-ratelimit-reset-{suffix}", repr(round(self._real(bucket.until_full()), 6))))
        return out

    # requests

    def admit(self, request: RecordedRequest) -> Optional[Ticket]:
        """Charge a completion request on its key's buckets (``None``: not a completion, or no
        limit applies), or turn it away: a ticket whose ``rejection`` is the 429 to send."""
        kind = completion_kind(request.path)
        if kind is None or request.method != "POST":
            return None
        key = bearer_key(request)
        limits = self.limits_for(key)
        if limits is None or not limits.configured:
            return None
        estimate = estimate_tokens(kind, request.json, limits.default_completion_tokens)
        with self._lock:
            buckets = self._sync(key, limits, self.clock.now())
            costs = [1 if bucket.spec.unit == "requests" else estimate for bucket in buckets]
            blocked = [(b, b.wait(c)) for b, c in zip(buckets, costs) if not b.has_room(c)]
            if blocked:
                bucket, wait = max(blocked, key=lambda item: item[1])  # the first of the longest waits
                headers = self._figures(buckets)
                rejection = self._rejection(bucket, wait, estimate, limits.retry_after)
                return Ticket(key, 0, headers=headers, rejection=rejection)
            for bucket, cost in zip(buckets, costs):
                bucket.level -= cost
            return Ticket(key, estimate, buckets=buckets, headers=self._figures(buckets))

    def settle(self, ticket: Ticket, response: Optional[Response]) -> None:
        """Correct the tokens reserved by an admitted request to what its response reports (a
        refund, or a debt when it used more), and take the figures to send with it."""
        if ticket.rejection is not None:
            return
        used = reported_tokens(response)
        with self._lock:
            now = self.clock.now()
            for bucket in ticket.buckets:
                if bucket.spec.unit == "tokens":
                    bucket.refill(now)
                    bucket.level = min(float(bucket.capacity), bucket.level + ticket.estimate - used)
            ticket.headers = self._figures(self._sync(ticket.key, self._limits(ticket.key), now))

    def state(self, key: Optional[str]) -> Dict[str, float]:
        """What is left in each limited bucket of ``key`` now (negative after a debt)."""
        with self._lock:
            buckets = self._sync(key, self._limits(key), self.clock.now())
            return {bucket.spec.name: bucket.level for bucket in buckets}

    def add_headers(self, headers: Headers, request: RecordedRequest, ticket: Optional[Ticket]) -> Headers:
        """``headers`` plus the figures of the request's key (those of its ticket for a completion;
        a look at the buckets, charging nothing, for other routes), then the informational ones for
        anything still missing. Headers already set (by a scripted response) win."""
        if ticket is not None:
            extra = ticket.headers
        else:
            key = bearer_key(request)
            with self._lock:
                extra = self._figures(self._sync(key, self._limits(key), self.clock.now()))
        return self.quota.add_headers(_fill(headers, extra), request)

    def _rejection(self, bucket: _Bucket, wait: float, estimate: int, retry_after: bool) -> Response:
        spec = bucket.spec
        unit = spec.unit[:-1] if bucket.capacity == 1 else spec.unit
        window = f"{bucket.capacity} {unit} per {spec.window}"
        if spec.unit == "requests":
            message = f"Rate limit exceeded: {window}."
        elif math.isinf(wait):
            message = f"Request too large: its estimated {estimate} tokens exceed the limit of {window}."
        else:
            message = (
                f"Rate limit exceeded: {window}; the request needs an estimated {estimate} tokens "
                f"and {bucket.remaining()} are left."
            )
        headers: Dict[str, str] = {}
        if retry_after and not math.isinf(wait):
            seconds = math.ceil(round(self._real(wait) * 1000, 6)) / 1000
            headers["retry-after"] = f"{seconds:.3f}"
        kind = "too_many_requests_error" if spec.unit == "requests" else "too_many_tokens_error"
        return error_response(429, message, type=kind, code=spec.name, headers=headers)


def _checked(limits: object) -> Optional[RateLimits]:
    if limits is not None and not isinstance(limits, RateLimits):
        raise TypeError(f"expected RateLimits or None, got {type(limits).__name__}")
    return limits


class RateLimitControls:
    """The :class:`MockCerebrasServer` methods for rate limits."""

    _admission: Admission
    _state: State

    @property
    def rate_limits(self) -> Optional[RateLimits]:
        """The :class:`RateLimits` applied to every API key without limits of its own (``None``:
        none enforced). Settable at any time; a bucket whose figure changes starts full."""
        return self._admission.default

    @rate_limits.setter
    def rate_limits(self, limits: Optional[RateLimits]) -> None:
        self._admission.default = limits

    def set_rate_limits(self, limits: Optional[RateLimits], *, api_key: Optional[str] = None) -> None:
        """Set the limits of requests carrying ``Authorization: Bearer <api_key>``; with
        ``api_key=None``, the default for every key (same as setting :attr:`rate_limits`).
        ``RateLimits()`` makes a key unlimited; ``None`` for a key drops its own limits, so that
        the default applies again."""
        self._admission.set_limits(limits, api_key)

    def rate_limit_state(self, api_key: Optional[str] = None) -> Dict[str, float]:
        """What is left now in each limited bucket of ``api_key``: ``{"requests_per_minute": 2.0,
        "tokens_per_minute": 812.0, ...}`` (empty when no limit applies; fractional while a bucket
        refills, negative when a response used more tokens than were reserved). ``api_key=None``
        means the server's :attr:`api_key` when it has one, else requests sent without a key."""
        return self._admission.state(api_key if api_key is not None else self._state.api_key)

    def _reset_rate_limits(self) -> None:
        self._admission.reset()

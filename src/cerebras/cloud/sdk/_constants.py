"""Defaults shared by the clients and the request pipeline."""

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(timeout=60, connect=5.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_CONNECTION_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)

INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# A server hint above this many seconds is ignored in favour of our own backoff.
MAX_RETRY_AFTER = 60.0

WARMUP_PATH = "/v1/tcp_warming"
WARMUP_TIMEOUT = 1  # an int, so the warm-up advertises `x-stainless-read-timeout: 1`

RAW_RESPONSE_HEADER = "X-Stainless-Raw-Response"
OVERRIDE_CAST_TO_HEADER = "____stainless_override_cast_to"

"""Helpers shared by the reliability scenarios: clients, time guards, pool and process probes."""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Tuple

import httpcore
import httpx
import pytest

from cerebras.cloud.sdk import AsyncCerebras, Cerebras
from cerebras.cloud.sdk.testing import MockCerebrasServer

# A key shaped like a real one. The secrets scenarios check that it never shows up in logs,
# reprs or messages; every other scenario uses it too, so any leak anywhere has a chance to show.
API_KEY = "csk-reliab1lity-7f3b9c2e5d1a4b6c8e0f2a4c6e8b0d1f"
MODEL = "llama3.1-8b"


def _version(text: str) -> Tuple[int, ...]:
    parts: List[int] = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


# httpcore before 0.17 (all that httpx 0.23.x, the SDK's declared floor, can use) leaves a request
# checked out of its async pool when the task is cancelled mid-request, and stalls every POST on a
# kept-alive connection for ~40 ms (headers and body go out as two writes: Nagle + delayed ACK).
OLD_HTTPCORE = _version(httpcore.__version__) < (0, 17)
needs_cancel_safe_httpcore = pytest.mark.xfail(
    OLD_HTTPCORE,
    strict=True,
    reason=(
        f"httpcore {httpcore.__version__} (< 0.17, as httpx 0.23 requires) leaves a cancelled request "
        "checked out of the async connection pool; fixed in httpcore 0.17"
    ),
)


def user(text: str) -> List[Dict[str, str]]:
    return [{"role": "user", "content": text}]


def sync_client(server: MockCerebrasServer, **kwargs: Any) -> Cerebras:
    """A client for the mock; no warm-up (keeps request counts and pool states exact), no retries
    unless asked for."""
    kwargs.setdefault("warm_tcp_connection", False)
    kwargs.setdefault("max_retries", 0)
    return Cerebras(api_key=API_KEY, base_url=server.base_url, **kwargs)


def async_client(server: MockCerebrasServer, **kwargs: Any) -> AsyncCerebras:
    kwargs.setdefault("warm_tcp_connection", False)
    kwargs.setdefault("max_retries", 0)
    return AsyncCerebras(api_key=API_KEY, base_url=server.base_url, **kwargs)


# --------------------------------------------------------------------------- time guards


class Hang(BaseException):
    """Raised by `deadline` when the guarded code overruns.

    A `BaseException`, like `KeyboardInterrupt`, so that no `except Exception` in the code under
    test (the SDK turns exceptions raised while sending into connection errors and retries them)
    can swallow it: an overrun always ends the test, as a failure.
    """


@contextmanager
def deadline(seconds: float, what: str = "the scenario") -> Iterator[None]:
    """Fail with `Hang` if the block runs longer than `seconds` (SIGALRM; main thread only).

    Interrupts blocking socket reads and sleeps as well. Nested guards keep the tighter limit and
    the outer guard is re-armed with what is left of it when the inner one ends.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield  # pragma: no cover - pytest runs tests in the main thread on Linux
        return
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    outer_handler = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()

    def on_alarm(signum: int, frame: Any) -> None:
        raise Hang(f"{what} did not finish within {seconds:g} s")

    limit = seconds if not outer_left else min(seconds, outer_left)
    signal.signal(signal.SIGALRM, on_alarm if limit == seconds else outer_handler)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_left:
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


# --------------------------------------------------------------------------- probes


def open_fds() -> Optional[int]:
    """Number of open file descriptors of this process (Linux), or None where unknown."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:  # pragma: no cover - not Linux
        return None


def fds_settled(limit: Optional[int], timeout: float = 3.0) -> Optional[int]:
    """`open_fds()`, once it has dropped to `limit` or `timeout` seconds have passed.

    The mock server runs in this process, so its ends of the connections count too; it closes
    them a moment after the client closed its own, from its thread.
    """
    give_up = time.monotonic() + timeout
    count = open_fds()
    while count is not None and limit is not None and count > limit and time.monotonic() < give_up:
        time.sleep(0.02)
        count = open_fds()
    return count


def rss_kib() -> Optional[int]:
    """Resident set size of this process in KiB (Linux), or None where unknown."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:  # pragma: no cover - not Linux
        pass
    return None  # pragma: no cover


def _pool(client: Any) -> Any:
    http_client = client._client
    transport = getattr(http_client, "_transport", None)
    return getattr(transport, "_pool", None)


def pool_state(client: Any) -> Dict[str, int]:
    """The connection pool of `client` (a `Cerebras` or `AsyncCerebras`), as counts.

    * ``connections``: connections the pool holds (open or being opened);
    * ``idle``: those ready to take a request;
    * ``in_flight``: requests the pool is serving or queueing -- a request stays here until its
      response is closed, so anything non-zero after a scenario is a connection left checked out.
    """
    pool = _pool(client)
    connections: List[Any] = list(getattr(pool, "connections", []) or [])
    requests = getattr(pool, "_requests", None)
    idle = unused = 0
    for connection in connections:
        try:
            idle += bool(connection.is_idle())
            unused += _never_used(connection)
        except Exception:  # pragma: no cover - httpcore internals we do not know
            pass
    return {
        "connections": len(connections),
        "idle": idle,
        "unused": unused,
        "in_flight": len(requests) if requests is not None else -1,
    }


def _never_used(connection: Any) -> bool:
    """A connection httpcore opened for a request that was cancelled before it was sent: state
    NEW, no request served. httpcore 1.0 keeps it (neither idle nor reusable) until the client
    closes; no request holds it, so it is not something the SDK left checked out."""
    inner = getattr(connection, "_connection", None)
    state = getattr(inner, "_state", None)
    return getattr(state, "name", None) == "NEW" and getattr(inner, "_request_count", None) == 0


def assert_nothing_checked_out(client: Any) -> Dict[str, int]:
    """Every connection the pool still holds is idle and no request is in flight."""
    state = pool_state(client)
    if state["in_flight"] >= 0:
        assert state["in_flight"] == 0, f"requests still checked out of the pool: {state}"
    assert state["idle"] + state["unused"] == state["connections"], (
        f"busy connections left in the pool: {state}"
    )
    return state


def server_gaps(server: MockCerebrasServer, route: str = "chat") -> List[float]:
    """Seconds between consecutive requests to `route`, as the server received them."""
    times = [r.received_at for r in server.requests_to(route)]
    return [later - earlier for earlier, later in zip(times, times[1:])]


def backoff_bounds(retry: int) -> Tuple[float, float]:
    """The spec's back-off range before retry number `retry` (1 for the first retry)."""
    base = min(0.5 * 2.0 ** (retry - 1), 8.0)
    return 0.75 * base, base


def sse_response(chunks: List[bytes], url: str = "http://127.0.0.1:9/v1/chat/completions") -> httpx.Response:
    """An `httpx.Response` whose body is streamed from `chunks`, as a transport would hand it over."""
    return httpx.Response(
        200,
        headers={"content-type": "text/event-stream"},
        content=iter(chunks),
        request=httpx.Request("POST", url),
    )

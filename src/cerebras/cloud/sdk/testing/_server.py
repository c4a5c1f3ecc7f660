"""The mock server: a small HTTP/1.1 server on asyncio, running its own loop in a daemon thread."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from types import TracebackType
from typing import Any, Iterable, List, Optional, Sequence, Set, Tuple, Type
from urllib.parse import parse_qsl

from ._admission import Admission, RateLimitControls, RateLimits, Ticket, new_request_id
from ._clock import BatchTiming, MockClock
from ._encodings import BodyError, decode_body
from ._faults import FaultScripting
from ._http import READ_LIMIT, serve_connection
from ._payloads import DEFAULT_MODELS, dumps, error_body
from ._platform import Platform, PlatformControls
from ._recording import RecordedHeaders, RecordedRequest
from ._replies import ReplyScripting
from ._routes import (
    CHAT_PATH,
    JSON_TYPE,
    WARMING_PATH,
    Plan,
    State,
    check_auth,
    completion_kind,
    default_response,
    error_response,
)
from ._script import Outcome, route_matcher
from ._transport import AsyncMockTransport, MockTransport

__all__ = ["MockCerebrasServer"]

log = logging.getLogger("cerebras.cloud.sdk.testing")

_BACKLOG = 4096


class MockCerebrasServer(ReplyScripting, FaultScripting, PlatformControls, RateLimitControls):
    """A local stand-in for the Cerebras inference API, for tests, examples and benchmarks.

    It answers ``POST /v1/chat/completions``, ``POST /v1/completions``, ``GET /v1/models``,
    ``GET /v1/models/{id}`` and ``GET /v1/tcp_warming`` with payloads shaped like the real API's
    (JSON, or server-sent events when the request body has ``"stream": true``). Completion bodies
    may be gzip-compressed and/or msgpack. The Files (``/v1/files``) and Batch (``/v1/batches``)
    APIs are kept in memory; batches run on :attr:`clock` (see :class:`MockClock`), and chat
    requests honour service tiers (:meth:`set_queue_time`). Without scripting,
    chat replies echo the last user message as ``"You said: ..."`` and text completions echo the
    prompt. Every response carries an ``x-request-id`` and the API's ``x-ratelimit-*`` headers
    (unless a scripted response sets its own). With :class:`RateLimits` (``rate_limits=``,
    :meth:`set_rate_limits`), completion requests are admitted on per-key token buckets running on
    :attr:`clock`, and turned away with a 429 over quota. Tests can queue replies and faults with the
    ``add_*`` methods; every request received is recorded in :attr:`requests` (the clients'
    warm-up probes apart, in :attr:`warmup_requests`).

    The server runs an asyncio event loop in a daemon thread, so it can be used from synchronous
    and asynchronous code alike. Use it as a context manager, or call :meth:`start` and
    :meth:`stop`::

        with MockCerebrasServer(api_key="test") as server:
            server.add_error(429, times=2, headers={"retry-after-ms": "10"})
            ...  # point a client at server.base_url

    Or skip the socket: :meth:`transport` and :meth:`async_transport` give httpx transports that
    answer from the same server in-process, started or not.

    Scripted entries are consumed in the order they were added; each request takes the first one
    whose ``route`` matches its path (by default every route except the client's warm-up probe
    ``/v1/tcp_warming``). Entries added with ``times=None`` never run out and are only used when no
    counted entry matches, so they work as a new default.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: Optional[str] = None,
        models: Optional[Iterable[str]] = None,
        time_scale: float = 1.0,
        batch_timing: Optional[BatchTiming] = None,
        rate_limits: Optional[RateLimits] = None,
    ) -> None:
        """Configure (but do not start) a server.

        ``port=0`` picks a free port. When ``api_key`` is set, API requests must carry
        ``Authorization: Bearer <api_key>`` or get a 401. ``models`` replaces the list of known model
        ids (default: ``llama3.1-8b``, ``llama-3.3-70b``, ``gpt-oss-120b``, ``qwen-3-32b``).
        ``time_scale`` is how fast the mock :attr:`clock` follows real time (``0`` freezes it: only
        ``clock.advance()`` moves batches along); ``batch_timing`` sets the batch phase durations.
        ``rate_limits`` are enforced on completion requests (see :attr:`rate_limits`).
        """
        super().__init__()
        self._host = host
        self._port = port
        self._state = State(tuple(models) if models is not None else DEFAULT_MODELS, api_key)
        self._platform = Platform(MockClock(time_scale), self._run_batch_line)
        if batch_timing is not None:
            self._platform.batches.timing = batch_timing
        self._state.platform = self._platform.route
        self._received = threading.Condition(self._lock)
        self._requests: List[RecordedRequest] = []
        self._warmups: List[RecordedRequest] = []
        self._all: List[RecordedRequest] = []
        self._admission = Admission(self._platform.clock, rate_limits)
        self._thread: Optional[threading.Thread] = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._stop_event: Optional[asyncio.Event] = None
        self._start_error: Optional[BaseException] = None
        self._bound_port: Optional[int] = None
        self._tasks: Set[asyncio.Task[Any]] = set()
        self._writers: Set[asyncio.StreamWriter] = set()

    # ------------------------------------------------------------------------------------------
    # lifecycle

    def start(self) -> MockCerebrasServer:
        """Bind the socket and start serving in a background thread; returns ``self``."""
        if self._thread is not None:
            raise RuntimeError("the mock server is already running")
        ready = threading.Event()
        self._start_error = None
        thread = threading.Thread(target=self._run, args=(ready,), name="cerebras-mock-server", daemon=True)
        self._thread = thread
        thread.start()
        ready.wait()
        if self._start_error is not None:
            thread.join()
            self._thread = None
            error, self._start_error = self._start_error, None
            raise error
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving: close the listening socket and every open connection, cancel in-flight
        responses (delays included), and join the server thread. Safe to call twice."""
        thread, loop, stop_event = self._thread, self._loop, self._stop_event
        if thread is None:
            return
        if loop is not None and stop_event is not None:
            try:
                loop.call_soon_threadsafe(stop_event.set)
            except RuntimeError:  # loop already closed
                pass
        thread.join(timeout)
        self._thread = None
        self._bound_port = None

    @property
    def is_running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> MockCerebrasServer:
        if self._thread is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    async def __aenter__(self) -> MockCerebrasServer:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._main(ready))
        except BaseException as exc:  # pragma: no cover - defensive
            if not ready.is_set():
                self._start_error = exc
                ready.set()
            else:
                log.exception("mock server loop crashed")
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                self._loop = None
                self._stop_event = None
                loop.close()

    async def _main(self, ready: threading.Event) -> None:
        self._stop_event = asyncio.Event()
        try:
            server = await asyncio.start_server(
                self._serve_connection, self._host, self._port, backlog=_BACKLOG, limit=READ_LIMIT
            )
        except BaseException as exc:
            self._start_error = exc
            ready.set()
            return
        self._bound_port = int(server.sockets[0].getsockname()[1])
        ready.set()
        try:
            await self._stop_event.wait()
        finally:
            server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            await server.wait_closed()

    # ------------------------------------------------------------------------------------------
    # addresses and settings

    @property
    def host(self) -> str:
        """The host the server listens on."""
        return self._host

    @property
    def port(self) -> int:
        """The bound port (the real one when started with ``port=0``)."""
        if self._bound_port is None:
            raise RuntimeError("the mock server is not running; call start() first")
        return self._bound_port

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT`` (no trailing slash), to pass as a client's ``base_url``."""
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    def url(self, path: str = "") -> str:
        """Absolute URL of ``path`` on this server, e.g. ``server.url("/v1/models")``."""
        if path and not path.startswith("/"):
            path = "/" + path
        return self.base_url + path

    @property
    def api_key(self) -> Optional[str]:
        """The API key the server requires, or ``None`` when it accepts any request."""
        return self._state.api_key

    @api_key.setter
    def api_key(self, value: Optional[str]) -> None:
        self._state.api_key = value

    @property
    def models(self) -> Tuple[str, ...]:
        """Model ids the server knows (others get 404 ``model_not_found``)."""
        return self._state.models

    @models.setter
    def models(self, value: Iterable[str]) -> None:
        self._state.models = tuple(value)

    # ------------------------------------------------------------------------------------------
    # in-process transports

    def transport(self) -> MockTransport:
        """An ``httpx.BaseTransport`` answering from this server in-process, without a socket (the
        server need not be started)::

            client = Cerebras(api_key="test", http_client=httpx.Client(transport=server.transport()))
        """
        return MockTransport(self)

    def async_transport(self) -> AsyncMockTransport:
        """The ``httpx.AsyncBaseTransport`` twin of :meth:`transport`, for ``httpx.AsyncClient``."""
        return AsyncMockTransport(self)

    # ------------------------------------------------------------------------------------------
    # recording

    @property
    def requests(self) -> List[RecordedRequest]:
        """Every request received so far, oldest first (a copy), except the clients' warm-up probes
        (``GET /v1/tcp_warming``), which are in :attr:`warmup_requests`."""
        with self._lock:
            return list(self._requests)

    @property
    def warmup_requests(self) -> List[RecordedRequest]:
        """The warm-up probes (requests to ``/v1/tcp_warming``) received so far, oldest first."""
        with self._lock:
            return list(self._warmups)

    @property
    def all_requests(self) -> List[RecordedRequest]:
        """Every request received, warm-up probes included, in arrival order."""
        with self._lock:
            return list(self._all)

    @property
    def last_request(self) -> RecordedRequest:
        """The most recent request other than a warm-up probe; raises :class:`LookupError` when
        none was received."""
        with self._lock:
            if not self._requests:
                raise LookupError("the mock server has not received any request yet (warm-ups aside)")
            return self._requests[-1]

    def requests_to(self, route: str, *, include_warmup: Optional[bool] = None) -> List[RecordedRequest]:
        """Requests whose path matches ``route`` (a path, ``prefix*``, or an alias such as
        ``"chat"``, ``"completions"``, ``"models"``, ``"tcp_warming"``).

        Warm-up probes are searched only when ``route`` names the warm-up route
        (``"tcp_warming"``, ``"/v1/tcp_warming"``) or ``include_warmup=True``."""
        match = route_matcher(route)
        if include_warmup is None:
            include_warmup = route in ("tcp_warming", WARMING_PATH)
        return [r for r in (self.all_requests if include_warmup else self.requests) if match(r.path)]

    def wait_for_requests(
        self, count: int, timeout: float = 5.0, *, include_warmup: bool = False
    ) -> List[RecordedRequest]:
        """Block until at least ``count`` requests were received (``TimeoutError`` otherwise) and
        return them; warm-up probes count (and are returned) only with ``include_warmup=True``."""
        with self._received:
            pool = self._all if include_warmup else self._requests
            if not self._received.wait_for(lambda: len(pool) >= count, timeout):
                raise TimeoutError(f"expected {count} requests, got {len(pool)} within {timeout}s")
            return list(pool)

    def clear_requests(self) -> None:
        """Forget the recorded requests (warm-ups included)."""
        with self._lock:
            self._forget()

    def reset(self) -> None:
        """Forget recorded requests, drop every scripted entry, delete every file and batch, set the
        queue times back to 0 and refill every rate-limit bucket (settings such as
        :attr:`batch_timing`, :attr:`rate_limits` and the clock stay)."""
        with self._lock:
            self._forget()
            self._script.clear()
        self._reset_rate_limits()
        self._reset_platform()  # outside the lock: a batch takes it to claim scripted replies

    def _forget(self) -> None:
        self._requests.clear()
        self._warmups.clear()
        self._all.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._received:
            (self._warmups if request.path == WARMING_PATH else self._requests).append(request)
            self._all.append(request)
            self._received.notify_all()

    # ------------------------------------------------------------------------------------------
    # serving: one sans-IO path, used by the socket server and by the in-process transports

    def _exchange(
        self, method: str, target: str, version: str, headers: Sequence[Tuple[str, str]], body: bytes
    ) -> Tuple[float, Outcome]:
        """Record one request and decide its answer: ``(delay before the headers, outcome)``."""
        path, _, query_string = target.partition("?")
        query_items = parse_qsl(query_string, keep_blank_values=True)
        received = RecordedHeaders(headers)
        decoded = decode_body(received, body, encoded=completion_kind(path) is not None)
        request = RecordedRequest(
            method=method,
            target=target,
            path=path,
            query=dict(query_items),
            query_items=query_items,
            headers=received,
            body=body,
            http_version=version,
            received_at=time.time(),
            json=decoded.value,
            request_id=new_request_id(),
            decoded_body=decoded.content,
            decode_error=decoded.error.message if decoded.error is not None else None,
        )
        delay, outcome, ticket = self._decide(request, decoded.error)
        response = outcome.response
        if outcome.drop_before_headers or response is None:
            object.__setattr__(request, "request_id", None)
        else:
            response.headers = self._admission.add_headers(response.headers, request, ticket)
            sent = RecordedHeaders(response.headers).get("x-request-id")
            if sent != request.request_id:  # a scripted response set its own
                object.__setattr__(request, "request_id", sent)
        self._record(request)  # once complete, and before any delay, so that tests can wait for it
        return delay, outcome

    def _decide(
        self, request: RecordedRequest, body_error: Optional[BodyError] = None
    ) -> Tuple[float, Outcome, Optional[Ticket]]:
        """Auth, then the body's encoding, then rate limits (a completion over quota is turned away
        before any scripted entry or validation), then the answer; an admitted completion is then
        charged what its answer reports using."""
        ticket: Optional[Ticket] = None
        try:
            denied = check_auth(self._state, request)
            if denied is not None:
                return 0.0, Outcome(denied), None
            if body_error is not None:  # an unreadable body is refused before any scripted entry
                refused = error_response(body_error.status, body_error.message, code=body_error.code)
                return 0.0, Outcome(refused), None
            ticket = self._admission.admit(request)
            if ticket is not None and ticket.rejection is not None:
                return 0.0, Outcome(ticket.rejection), ticket
            delay, outcome = self._answer(request)
        except Exception as exc:
            log.exception("mock server failed to build a response")
            failed = error_response(500, f"mock server error: {exc!r}", code="mock_server_error")
            delay, outcome = 0.0, Outcome(failed)
        if ticket is not None:
            self._admission.settle(ticket, None if outcome.drop_before_headers else outcome.response)
        return delay, outcome, ticket

    def _answer(self, request: RecordedRequest) -> Tuple[float, Outcome]:
        """The first matching scripted entry's answer, else the default one."""
        entry = self._claim(request.path)
        if entry is not None:
            return entry.delay, entry._outcome(self._state, request)
        resolved = default_response(self._state, request)
        return 0.0, Outcome(resolved.render() if isinstance(resolved, Plan) else resolved)

    def _run_batch_line(self, body: Any) -> Tuple[int, Any]:
        """Answer one request of a batch through the chat route (scripted entries included), without
        recording it: ``(status, parsed body)``. Delays are skipped; a dropped connection or a
        stream cannot answer a batch request and counts as a failure."""
        request = RecordedRequest(
            method="POST",
            target=CHAT_PATH,
            path=CHAT_PATH,
            query={},
            query_items=[],
            headers=RecordedHeaders([("content-type", JSON_TYPE)]),
            body=dumps(body),
            received_at=time.time(),
            json=body,
        )
        try:
            _, outcome = self._answer(request)
        except Exception as exc:
            log.exception("mock server failed to answer a batch request")
            return 500, error_body(500, f"mock server error: {exc!r}", code="mock_server_error")
        response = outcome.response
        cut = outcome.drop_before_headers or outcome.drop_mid_body or outcome.drop_after_events is not None
        if response is None or cut or response.events is not None:
            what = "a stream" if response is not None and not cut else "a dropped connection"
            return 502, error_body(502, f"The scripted answer was {what}.", code="server_error")
        try:
            return response.status, json.loads(response.body or b"")
        except ValueError:
            return response.status, None

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._writers.add(writer)
        try:
            await serve_connection(reader, writer, self._exchange)
        except (ConnectionError, OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        except Exception:  # pragma: no cover - defensive
            log.exception("mock server connection handler crashed")
        finally:
            self._writers.discard(writer)
            if task is not None:
                self._tasks.discard(task)
            if not writer.transport.is_closing():
                writer.close()

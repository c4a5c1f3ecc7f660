"""The mock server: a small HTTP/1.1 server on asyncio, running its own loop in a daemon thread."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from types import TracebackType
from typing import Any, Iterable, List, Optional, Set, Tuple, Type
from urllib.parse import parse_qsl

from ._faults import FaultScripting
from ._http import READ_LIMIT, BadRequest, ParsedRequest, read_request, write_outcome
from ._payloads import DEFAULT_MODELS
from ._recording import RecordedHeaders, RecordedRequest
from ._replies import ReplyScripting
from ._routes import Plan, State, check_auth, default_response, error_response
from ._script import Outcome, route_matcher

__all__ = ["MockCerebrasServer"]

log = logging.getLogger("cerebras.cloud.sdk.testing")

_BACKLOG = 4096


class MockCerebrasServer(ReplyScripting, FaultScripting):
    """A local stand-in for the Cerebras inference API, for tests, examples and benchmarks.

    It answers ``POST /v1/chat/completions``, ``POST /v1/completions``, ``GET /v1/models``,
    ``GET /v1/models/{id}`` and ``GET /v1/tcp_warming`` with payloads shaped like the real API's
    (JSON, or server-sent events when the request body has ``"stream": true``). Without scripting,
    chat replies echo the last user message as ``"You said: ..."`` and text completions echo the
    prompt. Tests can queue replies and faults with the ``add_*`` methods; every request received is
    recorded in :attr:`requests`.

    The server runs an asyncio event loop in a daemon thread, so it can be used from synchronous
    and asynchronous code alike. Use it as a context manager, or call :meth:`start` and
    :meth:`stop`::

        with MockCerebrasServer(api_key="test") as server:
            server.add_error(429, times=2, headers={"retry-after-ms": "10"})
            ...  # point a client at server.base_url

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
    ) -> None:
        """Configure (but do not start) a server.

        ``port=0`` picks a free port. When ``api_key`` is set, API requests must carry
        ``Authorization: Bearer <api_key>`` or get a 401. ``models`` replaces the list of known model
        ids (default: ``llama3.1-8b``, ``llama-3.3-70b``, ``gpt-oss-120b``, ``qwen-3-32b``).
        """
        super().__init__()
        self._host = host
        self._port = port
        self._state = State(tuple(models) if models is not None else DEFAULT_MODELS, api_key)
        self._received = threading.Condition(self._lock)
        self._requests: List[RecordedRequest] = []
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
    # recording

    @property
    def requests(self) -> List[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def last_request(self) -> RecordedRequest:
        """The most recent request; raises :class:`LookupError` when none was received."""
        with self._lock:
            if not self._requests:
                raise LookupError("the mock server has not received any request yet")
            return self._requests[-1]

    def requests_to(self, route: str) -> List[RecordedRequest]:
        """Requests whose path matches ``route`` (a path, ``prefix*``, or an alias such as
        ``"chat"``, ``"completions"``, ``"models"``, ``"tcp_warming"``)."""
        match = route_matcher(route)
        return [r for r in self.requests if match(r.path)]

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> List[RecordedRequest]:
        """Block until at least ``count`` requests were received (``TimeoutError`` otherwise)."""
        with self._received:
            if not self._received.wait_for(lambda: len(self._requests) >= count, timeout):
                raise TimeoutError(f"expected {count} requests, got {len(self._requests)} within {timeout}s")
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self._requests.clear()

    def reset(self) -> None:
        """Forget recorded requests and drop every scripted entry."""
        with self._lock:
            self._requests.clear()
            self._script.clear()

    # ------------------------------------------------------------------------------------------
    # serving

    def _record(self, request: RecordedRequest) -> None:
        with self._received:
            self._requests.append(request)
            self._received.notify_all()

    def _decide(self, request: RecordedRequest) -> Tuple[float, Outcome]:
        state = self._state
        try:
            denied = check_auth(state, request)
            if denied is not None:
                return 0.0, Outcome(denied)
            entry = self._claim(request.path)
            if entry is not None:
                return entry.delay, entry._outcome(state, request)
            resolved = default_response(state, request)
            return 0.0, Outcome(resolved.render() if isinstance(resolved, Plan) else resolved)
        except Exception as exc:
            log.exception("mock server failed to build a response")
            return 0.0, Outcome(error_response(500, f"mock server error: {exc!r}", code="mock_server_error"))

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._writers.add(writer)
        try:
            while True:
                try:
                    parsed = await read_request(reader, writer)
                except BadRequest as exc:
                    rejected = error_response(exc.status, str(exc), code="bad_http_request")
                    await write_outcome(writer, Outcome(rejected), False)
                    break
                if parsed is None:
                    break
                if not await self._handle(writer, parsed):
                    break
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

    async def _handle(self, writer: asyncio.StreamWriter, parsed: ParsedRequest) -> bool:
        method, target, version, raw_headers, body = parsed
        headers = RecordedHeaders(raw_headers)
        path, _, query_string = target.partition("?")
        query_items = parse_qsl(query_string, keep_blank_values=True)
        request = RecordedRequest(
            method=method,
            target=target,
            path=path,
            query=dict(query_items),
            query_items=query_items,
            headers=headers,
            body=body,
            http_version=version,
            received_at=time.time(),
            json=RecordedRequest.parse_json(body),
        )
        self._record(request)

        connection = headers.get("connection", "").lower()
        keep_alive = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)

        delay, outcome = self._decide(request)
        if delay > 0:
            await asyncio.sleep(delay)
        return await write_outcome(writer, outcome, keep_alive)

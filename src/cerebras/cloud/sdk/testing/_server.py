"""The mock server: a small HTTP/1.1 server on asyncio, running its own loop in a daemon thread."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from types import TracebackType
from typing import (
    Any,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    Type,
    Union,
)
from urllib.parse import parse_qsl

from ._payloads import DEFAULT_MODELS, dumps, error_body, normalize_tool_calls, reason_phrase
from ._recording import RecordedHeaders, RecordedRequest
from ._routes import (
    JSON_TYPE,
    SSE_TYPE,
    Plan,
    Response,
    State,
    check_auth,
    default_response,
    error_response,
    sse_event,
)
from ._script import (
    Disconnect,
    Fixed,
    HugeStream,
    Outcome,
    Passthrough,
    Reply,
    ScriptedResponse,
    StreamError,
    encode_body,
    route_matcher,
)

__all__ = ["MockCerebrasServer"]

log = logging.getLogger("cerebras.cloud.sdk.testing")

_READ_LIMIT = 1 << 20  # longest request head / chunk-size line accepted
_BACKLOG = 4096
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})

Body = Union[bytes, str]
SSEPiece = Union[bytes, str]


class _BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


_ParsedRequest = Tuple[str, str, str, List[Tuple[str, str]], bytes]


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: List[bytes] = []
    while True:
        line = await reader.readuntil(b"\r\n")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise _BadRequest("invalid chunk size") from None
        if size < 0:
            raise _BadRequest("invalid chunk size")
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # skip trailers
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise _BadRequest("malformed chunk")


async def _read_request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Optional[_ParsedRequest]:
    """Read one request; ``None`` when the client closed the connection between requests."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise _BadRequest("incomplete request head") from None
        return None
    except asyncio.LimitOverrunError:
        raise _BadRequest("request head too large", 431) from None

    lines = head[:-4].lstrip(b"\r\n").split(b"\r\n")
    parts = lines[0].decode("latin-1").split(" ")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise _BadRequest("malformed request line")
    method, target, version = parts
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise _BadRequest("unsupported HTTP version", 505)

    headers: List[Tuple[str, str]] = []
    for line in lines[1:]:
        raw_name, sep, raw_value = line.partition(b":")
        if not sep or not raw_name or raw_name.strip() != raw_name:
            raise _BadRequest("malformed header line")
        headers.append((raw_name.decode("latin-1"), raw_value.strip().decode("latin-1")))

    transfer_encoding = ""
    content_length: Optional[str] = None
    expect_continue = False
    for name, value in headers:
        lowered = name.lower()
        if lowered == "transfer-encoding":
            transfer_encoding = value.lower()
        elif lowered == "content-length":
            content_length = value
        elif lowered == "expect" and value.lower() == "100-continue":
            expect_continue = True

    if expect_continue and version == "HTTP/1.1":
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    if "chunked" in transfer_encoding:
        body = await _read_chunked(reader)
    elif content_length is not None:
        try:
            length = int(content_length)
        except ValueError:
            raise _BadRequest("invalid Content-Length") from None
        if length < 0:
            raise _BadRequest("invalid Content-Length")
        body = await reader.readexactly(length) if length else b""
    else:
        body = b""
    return method, target, version, headers, body


def _response_head(status: int, headers: Iterable[Tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason_phrase(status)}\r\n"]
    lines.extend(f"{name}: {value}\r\n" for name, value in headers)
    lines.append("\r\n")
    return "".join(lines).encode("latin-1", "replace")


class MockCerebrasServer:
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
        self._host = host
        self._port = port
        self._state = State(tuple(models) if models is not None else DEFAULT_MODELS, api_key)
        self._lock = threading.Lock()
        self._received = threading.Condition(self._lock)
        self._requests: List[RecordedRequest] = []
        self._script: List[ScriptedResponse] = []
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
                self._serve_connection, self._host, self._port, backlog=_BACKLOG, limit=_READ_LIMIT
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
    # scripting

    @property
    def pending(self) -> List[ScriptedResponse]:
        """Scripted entries that can still answer requests, in queue order."""
        with self._lock:
            return [entry for entry in self._script if entry.remaining != 0]

    def clear_script(self) -> None:
        """Drop every scripted entry; the server goes back to its default behaviour."""
        with self._lock:
            self._script.clear()

    def assert_all_used(self) -> None:
        """Raise :class:`AssertionError` if a counted scripted entry was not fully consumed."""
        leftovers = [entry for entry in self.pending if entry.remaining is not None]
        if leftovers:
            raise AssertionError(f"scripted responses not used: {leftovers!r}")

    def _enqueue(self, entry: ScriptedResponse) -> ScriptedResponse:
        with self._lock:
            self._script.append(entry)
        return entry

    def add_reply(
        self,
        content: Optional[str] = None,
        *,
        tool_calls: Optional[Sequence[Mapping[str, Any]]] = None,
        reasoning: Optional[str] = None,
        finish_reason: Optional[str] = None,
        usage: Optional[Mapping[str, Any]] = None,
        time_info: Optional[Mapping[str, Any]] = None,
        model: Optional[str] = None,
        stream: Optional[bool] = None,
        chunk_delay: float = 0.0,
        route: Optional[str] = None,
        times: Optional[int] = 1,
        delay: float = 0.0,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue a successful completion with the given parts.

        ``content=None`` keeps the default (echo) text unless ``tool_calls`` are given, in which case
        the message content is ``null``. ``tool_calls`` items are either full tool calls
        (``{"id", "type": "function", "function": {"name", "arguments"}}``) or the shorthand
        ``{"name": ..., "arguments": dict-or-JSON-text}`` (ids default to ``call_1``, ``call_2``…).
        ``finish_reason`` defaults to ``"tool_calls"`` with tool calls and ``"stop"`` otherwise;
        ``usage``/``time_info`` replace the computed ones. The reply is a chat or text completion
        depending on the request path, and streamed when the request asked for a stream (override
        with ``stream``), with ``chunk_delay`` seconds between events. Every choice (``n``) gets the
        same answer.
        """
        calls = normalize_tool_calls(tool_calls) if tool_calls else None
        return self._enqueue(
            Reply(
                content=content,
                tool_calls=calls,
                reasoning=reasoning,
                finish_reason=finish_reason,
                usage=usage,
                time_info=time_info,
                model=model,
                stream=stream,
                chunk_delay=chunk_delay,
                route=route,
                times=times,
                delay=delay,
                headers=headers,
            )
        )

    def add_json(
        self,
        body: Any,
        *,
        status: int = 200,
        content_type: Optional[str] = JSON_TYPE,
        route: Optional[str] = None,
        times: Optional[int] = 1,
        delay: float = 0.0,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue a response whose body is ``body`` serialised as compact JSON (``bytes`` are sent
        verbatim). Use it for payloads the default replies never produce."""
        return self._enqueue(
            Fixed(
                kind="json",
                status=status,
                content_type=content_type,
                body=bytes(body) if isinstance(body, (bytes, bytearray)) else dumps(body),
                route=route,
                times=times,
                delay=delay,
                headers=headers,
            )
        )

    def add_raw(
        self,
        body: Body,
        *,
        status: int = 200,
        content_type: Optional[str] = "text/plain; charset=utf-8",
        route: Optional[str] = None,
        times: Optional[int] = 1,
        delay: float = 0.0,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue a response with a verbatim body (``str`` is sent as UTF-8); ``content_type=None``
        sends no ``Content-Type`` header."""
        return self._enqueue(
            Fixed(
                kind="raw",
                status=status,
                content_type=content_type,
                body=encode_body(body),
                route=route,
                times=times,
                delay=delay,
                headers=headers,
            )
        )

    def add_error(
        self,
        status: int = 500,
        message: Optional[str] = None,
        *,
        type: Optional[str] = None,
        code: Optional[str] = None,
        param: Optional[str] = None,
        body: Any = None,
        content_type: Optional[str] = JSON_TYPE,
        route: Optional[str] = None,
        times: Optional[int] = 1,
        delay: float = 0.0,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue an error status, ``times`` times in a row (e.g. ``add_error(429, times=2)``).

        The body is the API's error shape
        ``{"error": {"message", "type", "param", "code"}, "status_code": status}`` with a type and
        message derived from the status unless given; pass ``body`` (any JSON value, or ``str``/``bytes``
        sent verbatim) to replace it. ``headers`` adds response headers such as ``retry-after``,
        ``retry-after-ms``, ``x-should-retry``, ``x-request-id`` or ``x-ratelimit-*``.
        """
        payload = error_body(status, message, type=type, param=param, code=code) if body is None else body
        return self._enqueue(
            Fixed(
                kind="error",
                status=status,
                content_type=content_type,
                body=encode_body(payload),
                route=route,
                times=times,
                delay=delay,
                headers=headers,
            )
        )

    def add_delay(
        self,
        seconds: float,
        *,
        chunk_delay: float = 0.0,
        route: Optional[str] = None,
        times: Optional[int] = 1,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue the normal answer, sent only after ``seconds`` (before any header), and with
        ``chunk_delay`` seconds between stream events. ``add_delay(0, chunk_delay=0.5)`` makes a
        stream stall between chunks; ``times=None`` slows every request down."""
        return self._enqueue(
            Passthrough(chunk_delay=chunk_delay, route=route, times=times, delay=seconds, headers=headers)
        )

    def add_disconnect(
        self,
        stage: str = "before_headers",
        *,
        after_chunks: int = 1,
        chunk_delay: float = 0.0,
        route: Optional[str] = None,
        times: Optional[int] = 1,
        delay: float = 0.0,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue a dropped connection.

        ``stage="before_headers"``: the socket is closed right after the request is read (after
        ``delay``), with no response at all. ``"mid_body"``: the headers announce the full
        ``Content-Length`` of the normal (non-streamed) answer but only half the body is sent.
        ``"mid_stream"``: the normal answer is streamed (even if the request did not ask for a
        stream) and the socket is closed after ``after_chunks`` events, without the final empty chunk.
        """
        return self._enqueue(
            Disconnect(
                stage=stage,
                after_chunks=after_chunks,
                chunk_delay=chunk_delay,
                route=route,
                times=times,
                delay=delay,
                headers=headers,
            )
        )

    def add_stream_error(
        self,
        after_chunks: int = 1,
        *,
        status_code: int = 500,
        message: Optional[str] = None,
        type: Optional[str] = None,
        code: Optional[str] = None,
        param: Optional[str] = None,
        body: Any = None,
        event: Optional[str] = None,
        content: Optional[str] = None,
        done: bool = False,
        chunk_delay: float = 0.0,
        route: Optional[str] = None,
        times: Optional[int] = 1,
        delay: float = 0.0,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue an HTTP 200 stream that carries an error event after ``after_chunks`` normal events.

        The error event's data is ``{"error": {...}, "status_code": status_code}`` (or ``body``);
        ``event="error"`` adds an ``event: error`` line. The stream ends after the error (add
        ``done=True`` to send ``data: [DONE]`` as well). ``content`` replaces the echo text of the
        chunks sent before the error.
        """
        payload = (
            error_body(status_code, message, type=type, param=param, code=code) if body is None else body
        )
        return self._enqueue(
            StreamError(
                after_chunks=after_chunks,
                payload=payload,
                event=event,
                content=content,
                done=done,
                chunk_delay=chunk_delay,
                route=route,
                times=times,
                delay=delay,
                headers=headers,
            )
        )

    def add_stream(
        self,
        events: Iterable[Any],
        *,
        done: bool = True,
        status: int = 200,
        content_type: Optional[str] = SSE_TYPE,
        chunk_delay: float = 0.0,
        route: Optional[str] = None,
        times: Optional[int] = 1,
        delay: float = 0.0,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue a stream of exactly these events: each item becomes ``data: <item>\\n\\n``, with dicts
        and lists as compact JSON and strings verbatim; ``data: [DONE]`` follows when ``done``."""
        pieces = [sse_event(item) for item in events]
        if done:
            pieces.append(b"data: [DONE]\n\n")
        return self._enqueue(
            Fixed(
                kind="stream",
                status=status,
                content_type=content_type,
                events=pieces,
                chunk_delay=chunk_delay,
                route=route,
                times=times,
                delay=delay,
                headers=headers,
            )
        )

    def add_raw_sse(
        self,
        data: Union[SSEPiece, Iterable[SSEPiece]],
        *,
        status: int = 200,
        content_type: Optional[str] = SSE_TYPE,
        chunk_delay: float = 0.0,
        route: Optional[str] = None,
        times: Optional[int] = 1,
        delay: float = 0.0,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue a streamed body made of exactly these bytes (malformed JSON, invalid UTF-8, comments,
        CRLF line endings, a missing ``[DONE]``…). Given a list, each item is written as its own
        HTTP chunk, ``chunk_delay`` seconds apart, so tests can split lines and events anywhere."""
        items: List[SSEPiece] = [data] if isinstance(data, (bytes, str)) else list(data)
        pieces = [encode_body(item) for item in items]
        return self._enqueue(
            Fixed(
                kind="raw_sse",
                status=status,
                content_type=content_type,
                events=pieces,
                chunk_delay=chunk_delay,
                route=route,
                times=times,
                delay=delay,
                headers=headers,
            )
        )

    def add_huge_stream(
        self,
        total_bytes: int,
        *,
        piece_size: int = 4096,
        chunk_delay: float = 0.0,
        route: Optional[str] = None,
        times: Optional[int] = 1,
        delay: float = 0.0,
        headers: Optional[Mapping[str, Any]] = None,
    ) -> ScriptedResponse:
        """Queue a long, valid stream of about ``total_bytes`` bytes, generated as it is sent (never
        held in memory). Each content event carries ``piece_size`` ``"x"`` characters; the stream
        ends with a ``finish_reason: "stop"`` chunk and ``data: [DONE]``."""
        return self._enqueue(
            HugeStream(
                total_bytes=total_bytes,
                piece_size=piece_size,
                chunk_delay=chunk_delay,
                route=route,
                times=times,
                delay=delay,
                headers=headers,
            )
        )

    def _claim(self, path: str) -> Optional[ScriptedResponse]:
        with self._lock:
            fallback: Optional[ScriptedResponse] = None
            for index, entry in enumerate(self._script):
                if not entry._matches(path):
                    continue
                if entry.remaining is None:
                    if fallback is None:
                        fallback = entry
                    continue
                entry._consume()
                if entry.remaining == 0:
                    del self._script[index]
                return entry
            if fallback is not None:
                fallback._consume()
            return fallback

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
                    parsed = await _read_request(reader, writer)
                except _BadRequest as exc:
                    rejected = error_response(exc.status, str(exc), code="bad_http_request")
                    await self._write(writer, Outcome(rejected), False)
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

    async def _handle(self, writer: asyncio.StreamWriter, parsed: _ParsedRequest) -> bool:
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
        return await self._write(writer, outcome, keep_alive)

    async def _write(self, writer: asyncio.StreamWriter, outcome: Outcome, keep_alive: bool) -> bool:
        """Send ``outcome``; returns whether the connection can serve another request."""
        if outcome.drop_before_headers:
            return False
        response = outcome.response or Response(500, body=b"")
        headers: List[Tuple[str, str]] = []
        for name, value in response.headers:
            lowered = name.lower()
            if lowered == "connection" and "close" in value.lower():
                keep_alive = False
            if lowered not in _FRAMING_HEADERS:
                headers.append((name, value))
        if not keep_alive:
            headers.append(("connection", "close"))
        if outcome.drop_mid_body or outcome.drop_after_events is not None:
            keep_alive = False  # an unannounced drop: the headers promise more than will come

        if response.events is None:
            body = response.body or b""
            headers.append(("content-length", str(len(body))))
            head = _response_head(response.status, headers)
            if outcome.drop_mid_body:
                writer.write(head + body[: len(body) // 2])
                await writer.drain()
                return False
            writer.write(head + body)
            await writer.drain()
            return keep_alive

        headers.append(("transfer-encoding", "chunked"))
        writer.write(_response_head(response.status, headers))
        limit = outcome.drop_after_events
        for sent, event in enumerate(response.events):
            if limit is not None and sent >= limit:
                await writer.drain()
                return False
            if sent and outcome.chunk_delay > 0:
                await asyncio.sleep(outcome.chunk_delay)
            if writer.transport.is_closing():
                return False
            if event:
                writer.write(b"%x\r\n%s\r\n" % (len(event), event))
                await writer.drain()
        if limit is not None:
            await writer.drain()
            return False
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return keep_alive

"""Scripting methods that inject faults: error statuses, slow answers, dropped connections and
errors in the middle of a stream."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ._payloads import error_body
from ._routes import JSON_TYPE
from ._script import Disconnect, Fixed, Passthrough, ScriptedResponse, StreamError, encode_body
from ._script_queue import ScriptQueue

__all__ = ["FaultScripting"]


class FaultScripting(ScriptQueue):
    """The ``add_*`` methods of :class:`MockCerebrasServer` that exercise a client's error paths."""

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

"""Scripting methods that queue well-formed answers: completions, JSON, raw bodies and streams."""

from __future__ import annotations

from typing import Any, Iterable, List, Mapping, Optional, Sequence, Union

from ._payloads import dumps, normalize_tool_calls
from ._routes import JSON_TYPE, SSE_TYPE, sse_event
from ._script import Fixed, HugeStream, Reply, ScriptedResponse, encode_body
from ._script_queue import ScriptQueue

__all__ = ["ReplyScripting"]

Body = Union[bytes, str]
SSEPiece = Union[bytes, str]


class ReplyScripting(ScriptQueue):
    """The ``add_*`` methods of :class:`MockCerebrasServer` whose answers a client can parse."""

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

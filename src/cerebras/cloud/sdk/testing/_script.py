"""Scripted responses and faults: what a test queues on the server, consumed in order."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from ._payloads import Answer, dumps
from ._recording import RecordedRequest
from ._routes import (
    CHAT_PATH,
    DONE_EVENT,
    MODELS_PATH,
    SSE_TYPE,
    TEXT_PATH,
    WARMING_PATH,
    Plan,
    Response,
    State,
    completion_kind,
    content_headers,
    default_response,
    merge_headers,
    plan_completion,
    sse_event,
)

__all__ = ["ScriptedResponse", "route_matcher"]

ROUTE_ALIASES: Dict[str, str] = {
    "chat": CHAT_PATH,
    "completions": TEXT_PATH,
    "models": MODELS_PATH + "*",
    "tcp_warming": WARMING_PATH,
    "files": "/v1/files*",
    "batches": "/v1/batches*",
}


def route_matcher(route: Optional[str]) -> Callable[[str], bool]:
    """Turn a ``route`` argument into a predicate on request paths.

    ``None`` matches every path except the warm-up probe ``/v1/tcp_warming`` (so a client's
    constructor never swallows a scripted response); ``"*"`` matches everything; the aliases
    ``"chat"``, ``"completions"``, ``"models"`` (list and retrieve), ``"files"`` and ``"batches"``
    (every route under them) and ``"tcp_warming"`` name the API routes; any other value must be a path starting with ``/``, matched exactly, or as a prefix
    when it ends with ``*``.
    """
    if route is None:
        return lambda path: path != WARMING_PATH
    if route == "*":
        return lambda path: True
    pattern = ROUTE_ALIASES.get(route, route)
    if not pattern.startswith("/"):
        raise ValueError(
            f"unknown route {route!r}: use a path such as '/v1/chat/completions' or one of {sorted(ROUTE_ALIASES)}"
        )
    if pattern.endswith("*"):
        prefix = pattern[:-1]
        return lambda path: path.startswith(prefix)
    return lambda path: path == pattern


@dataclass
class Outcome:
    """How the server should answer one request."""

    response: Optional[Response] = None
    chunk_delay: float = 0.0
    drop_before_headers: bool = False
    drop_after_events: Optional[int] = None
    drop_mid_body: bool = False


class ScriptedResponse:
    """A queued response or fault, as returned by the server's ``add_*`` methods.

    Keep it to check how often it was used (:attr:`used`) or whether it is spent
    (:attr:`remaining` is ``0``). ``times=None`` entries never run out.
    """

    kind: str = "reply"

    def __init__(
        self,
        *,
        route: Optional[str],
        times: Optional[int],
        delay: float,
        headers: Optional[Mapping[str, Any]],
    ) -> None:
        if times is not None and times < 1:
            raise ValueError("times must be a positive integer or None (unlimited)")
        if delay < 0:
            raise ValueError("delay must not be negative")
        self.route = route
        self._match = route_matcher(route)
        self._remaining = times
        self._used = 0
        self.delay = delay
        self.headers: Optional[Dict[str, str]] = {k: str(v) for k, v in headers.items()} if headers else None

    @property
    def used(self) -> int:
        """How many requests this entry has answered so far."""
        return self._used

    @property
    def remaining(self) -> Optional[int]:
        """How many more requests it will answer (``None``: unlimited)."""
        return self._remaining

    def _matches(self, path: str) -> bool:
        return self._remaining != 0 and self._match(path)

    def _consume(self) -> None:
        self._used += 1
        if self._remaining is not None:
            self._remaining -= 1

    def _outcome(self, state: State, request: RecordedRequest) -> Outcome:  # pragma: no cover - abstract
        raise NotImplementedError

    def _with_headers(self, response: Response) -> Response:
        if self.headers:
            response.headers = merge_headers(response.headers, self.headers)
        return response

    def __repr__(self) -> str:
        return f"<ScriptedResponse {self.kind} route={self.route!r} used={self._used} remaining={self._remaining}>"


def _completion_plan(state: State, request: RecordedRequest) -> Union[Plan, Response]:
    return default_response(state, request, lenient=True)


class Passthrough(ScriptedResponse):
    """The normal answer, after ``delay`` and with ``chunk_delay`` between stream events."""

    kind = "delay"

    def __init__(self, *, chunk_delay: float, **common: Any) -> None:
        super().__init__(**common)
        self.chunk_delay = chunk_delay

    def _outcome(self, state: State, request: RecordedRequest) -> Outcome:
        resolved = default_response(state, request)
        response = resolved.render() if isinstance(resolved, Plan) else resolved
        return Outcome(self._with_headers(response), chunk_delay=self.chunk_delay)


class Reply(ScriptedResponse):
    """A completion with scripted content, tool calls, reasoning, finish reason or usage."""

    kind = "reply"

    def __init__(
        self,
        *,
        content: Optional[str],
        tool_calls: Optional[List[Dict[str, Any]]],
        reasoning: Optional[str],
        finish_reason: Optional[str],
        usage: Optional[Mapping[str, Any]],
        time_info: Optional[Mapping[str, Any]],
        model: Optional[str],
        stream: Optional[bool],
        chunk_delay: float,
        **common: Any,
    ) -> None:
        super().__init__(**common)
        self.content = content
        self.tool_calls = tool_calls
        self.reasoning = reasoning
        self.finish_reason = finish_reason
        self.usage = dict(usage) if usage is not None else None
        self.time_info = dict(time_info) if time_info is not None else None
        self.model = model
        self.stream = stream
        self.chunk_delay = chunk_delay

    def plan(self, state: State, request: RecordedRequest) -> Plan:
        kind = completion_kind(request.path) or "chat"
        plan = plan_completion(state, request, kind, strict=False)
        answers: List[Answer] = []
        for default in plan.answers:
            if self.content is None and not self.tool_calls:
                content, tool_calls = default.content, default.tool_calls
                finish = self.finish_reason or default.finish_reason
            else:
                content, tool_calls = self.content, self.tool_calls
                finish = self.finish_reason or ("tool_calls" if self.tool_calls else "stop")
            answers.append(Answer(content, self.reasoning, tool_calls, finish))
        meta = replace(
            plan.meta,
            usage=self.usage,
            time_info=self.time_info,
            model=self.model if self.model is not None else plan.meta.model,
        )
        return Plan(kind, meta, answers, plan.stream if self.stream is None else self.stream)

    def _outcome(self, state: State, request: RecordedRequest) -> Outcome:
        return Outcome(self._with_headers(self.plan(state, request).render()), chunk_delay=self.chunk_delay)


class Fixed(ScriptedResponse):
    """A canned response: status, headers and a fixed body or a fixed list of stream pieces."""

    def __init__(
        self,
        *,
        kind: str,
        status: int,
        content_type: Optional[str],
        body: Optional[bytes] = None,
        events: Optional[Sequence[bytes]] = None,
        chunk_delay: float = 0.0,
        **common: Any,
    ) -> None:
        super().__init__(**common)
        self.kind = kind
        self.status = status
        self.content_type = content_type
        self.body = body
        self.events = list(events) if events is not None else None
        self.chunk_delay = chunk_delay

    def _outcome(self, state: State, request: RecordedRequest) -> Outcome:
        response = Response(
            self.status, content_headers(self.content_type), body=self.body, events=self.events
        )
        if self.body is None and self.events is None:
            response.body = b""
        return Outcome(self._with_headers(response), chunk_delay=self.chunk_delay)


class Disconnect(ScriptedResponse):
    """Close the connection without a complete response."""

    kind = "disconnect"

    def __init__(self, *, stage: str, after_chunks: int, chunk_delay: float, **common: Any) -> None:
        if stage not in ("before_headers", "mid_body", "mid_stream"):
            raise ValueError("stage must be 'before_headers', 'mid_body' or 'mid_stream'")
        if after_chunks < 0:
            raise ValueError("after_chunks must not be negative")
        super().__init__(**common)
        self.stage = stage
        self.after_chunks = after_chunks
        self.chunk_delay = chunk_delay

    def _outcome(self, state: State, request: RecordedRequest) -> Outcome:
        if self.stage == "before_headers":
            return Outcome(drop_before_headers=True)
        resolved = _completion_plan(state, request)
        if self.stage == "mid_body":
            response = resolved.render(stream=False) if isinstance(resolved, Plan) else resolved
            if response.body is None:  # pragma: no cover - defaults always have a body
                response.body = b""
            return Outcome(self._with_headers(response), drop_mid_body=True)
        if isinstance(resolved, Plan):
            return Outcome(
                self._with_headers(resolved.render(stream=True)),
                chunk_delay=self.chunk_delay,
                drop_after_events=self.after_chunks,
            )
        return Outcome(self._with_headers(resolved), drop_mid_body=True)


class StreamError(ScriptedResponse):
    """A normal stream interrupted by an error event after ``after_chunks`` events."""

    kind = "stream_error"

    def __init__(
        self,
        *,
        after_chunks: int,
        payload: Any,
        event: Optional[str],
        content: Optional[str],
        done: bool,
        chunk_delay: float,
        **common: Any,
    ) -> None:
        if after_chunks < 0:
            raise ValueError("after_chunks must not be negative")
        super().__init__(**common)
        self.after_chunks = after_chunks
        self.payload = payload
        self.event = event
        self.content = content
        self.done = done
        self.chunk_delay = chunk_delay

    def _events(self, plan: Plan) -> Iterator[bytes]:
        for count, chunk in enumerate(plan.events(done=False)):
            if count == self.after_chunks:
                break
            yield chunk
        yield sse_event(self.payload, self.event)
        if self.done:
            yield DONE_EVENT

    def _outcome(self, state: State, request: RecordedRequest) -> Outcome:
        kind = completion_kind(request.path) or "chat"
        plan = plan_completion(state, request, kind, strict=False)
        if self.content is not None:
            plan.answers = [replace(a, content=self.content) for a in plan.answers]
        headers = merge_headers(content_headers(SSE_TYPE), self.headers)
        return Outcome(Response(200, headers, events=self._events(plan)), chunk_delay=self.chunk_delay)


class HugeStream(ScriptedResponse):
    """Roughly ``total_bytes`` of ordinary stream events, generated lazily."""

    kind = "huge_stream"

    def __init__(self, *, total_bytes: int, piece_size: int, chunk_delay: float, **common: Any) -> None:
        if total_bytes < 0 or piece_size < 1:
            raise ValueError("total_bytes must be >= 0 and piece_size >= 1")
        super().__init__(**common)
        self.total_bytes = total_bytes
        self.piece_size = piece_size
        self.chunk_delay = chunk_delay

    def _events(self, plan: Plan) -> Iterator[bytes]:
        piece = "x" * self.piece_size
        envelope = plan.meta.envelope("chat.completion.chunk" if plan.kind == "chat" else "text_completion")
        if plan.kind == "chat":
            first = dict(envelope, choices=[{"index": 0, "delta": {"role": "assistant", "content": ""}}])
            middle = dict(envelope, choices=[{"index": 0, "delta": {"content": piece}}])
            last = dict(envelope, choices=[{"index": 0, "delta": {}, "finish_reason": "stop"}])
        else:
            first = None
            middle = dict(envelope, choices=[{"index": 0, "text": piece}])
            last = dict(envelope, choices=[{"index": 0, "text": "", "finish_reason": "stop"}])
        event = sse_event(middle)
        count = max(1, self.total_bytes // len(event))
        last["usage"] = {"prompt_tokens": 1, "completion_tokens": count, "total_tokens": count + 1}
        if first is not None:
            yield sse_event(first)
        for _ in range(count):
            yield event
        yield sse_event(last)
        yield DONE_EVENT

    def _outcome(self, state: State, request: RecordedRequest) -> Outcome:
        kind = completion_kind(request.path) or "chat"
        plan = plan_completion(state, request, kind, strict=False)
        headers = merge_headers(content_headers(SSE_TYPE), self.headers)
        return Outcome(Response(200, headers, events=self._events(plan)), chunk_delay=self.chunk_delay)


def encode_body(body: Any) -> bytes:
    """``bytes`` as they are, ``str`` as UTF-8, anything else as compact JSON."""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    return dumps(body)

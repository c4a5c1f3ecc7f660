"""Default behaviour of the mock server: routing, validation, and the responses it builds.

Nothing here does I/O; handlers return a :class:`Response` (or a :class:`Plan` for a completion,
which scripted faults can still render as a stream or a plain body) and the server writes it.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
    cast,
)
from urllib.parse import unquote

from ._payloads import (
    Answer,
    CompletionMeta,
    cap_tokens,
    chat_body,
    chat_chunks,
    count_tokens,
    dumps,
    echo_text,
    error_body,
    lookup_model,
    message_texts,
    model_card,
    model_list,
    prompt_texts,
    structured_text,
    text_body,
    text_chunks,
    tool_calls_for,
)
from ._recording import RecordedRequest
from ._schema import as_list, validate
from ._tiers import THRESHOLD_HEADER, ThresholdError, decide_tier, initial_queue_times, parse_threshold

CHAT_PATH = "/v1/chat/completions"
TEXT_PATH = "/v1/completions"
MODELS_PATH = "/v1/models"
WARMING_PATH = "/v1/tcp_warming"

JSON_TYPE = "application/json"
SSE_TYPE = "text/event-stream"
DONE_EVENT = b"data: [DONE]\n\n"
MAX_CHOICES = 128
FALLBACK_MODEL = "llama3.1-8b"

Headers = List[Tuple[str, str]]


def sse_event(payload: Any, event: Optional[str] = None) -> bytes:
    """One SSE event carrying ``payload`` as compact JSON (or verbatim, for ``str``)."""
    data = payload.encode("utf-8") if isinstance(payload, str) else dumps(payload)
    prefix = b"event: " + event.encode("utf-8") + b"\n" if event else b""
    return prefix + b"data: " + data + b"\n\n"


@dataclass
class Response:
    """A response to write: either a fixed ``body`` (sent with ``Content-Length``) or an iterable of
    ``events`` (sent with chunked transfer encoding, one HTTP chunk per item). ``usage_tokens`` is
    the total the completion reports in its ``usage`` (set when a :class:`Plan` is rendered), which
    rate limits charge."""

    status: int = 200
    headers: Headers = field(default_factory=lambda: [])
    body: Optional[bytes] = None
    events: Optional[Iterable[bytes]] = None
    usage_tokens: Optional[int] = None


def merge_headers(base: Headers, extra: Optional[Mapping[str, Any]]) -> Headers:
    """``base`` with ``extra`` applied on top (case-insensitive replace, new names appended)."""
    if not extra:
        return list(base)
    overrides = {k.lower() for k in extra}
    merged = [(k, v) for k, v in base if k.lower() not in overrides]
    merged.extend((k, str(v)) for k, v in extra.items())
    return merged


def content_headers(content_type: Optional[str]) -> Headers:
    return [("content-type", content_type)] if content_type else []


def json_response(status: int, payload: Any, headers: Optional[Mapping[str, Any]] = None) -> Response:
    return Response(status, merge_headers(content_headers(JSON_TYPE), headers), body=dumps(payload))


def error_response(
    status: int,
    message: Optional[str] = None,
    *,
    type: Optional[str] = None,
    param: Optional[str] = None,
    code: Optional[str] = None,
    headers: Optional[Mapping[str, Any]] = None,
) -> Response:
    return json_response(status, error_body(status, message, type=type, param=param, code=code), headers)


class HTTPError(Exception):
    """Raised by validation; turned into an error response in the API's error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: Optional[str] = None,
        param: Optional[str] = None,
        code: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers

    def response(self) -> Response:
        return error_response(
            self.status, self.message, type=self.type, param=self.param, code=self.code, headers=self.headers
        )


class State:
    """Server-wide settings the handlers need (shared with the server object): known models, the
    API key, the queue time of each service tier (ms), and the handler of the platform routes
    (files and batches), which live in their own modules."""

    def __init__(self, models: Sequence[str], api_key: Optional[str]) -> None:
        self.models: Tuple[str, ...] = tuple(models)
        self.api_key = api_key
        self.queue_times: Dict[str, float] = initial_queue_times()
        self.default_queue_threshold: Optional[int] = None
        self.platform: Optional[Callable[[RecordedRequest], Optional[Response]]] = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def next_id(self) -> int:
        with self._lock:
            return next(self._ids)


# ---------------------------------------------------------------------------------------------
# completions


@dataclass
class Plan:
    """A completion the server is about to send, before it is rendered as JSON or as SSE."""

    kind: str  # "chat" or "text"
    meta: CompletionMeta
    answers: List[Answer]
    stream: bool
    headers: Optional[Mapping[str, Any]] = None

    def body(self) -> Dict[str, Any]:
        if self.kind == "chat":
            return chat_body(self.meta, self.answers)
        return text_body(self.meta, self.answers)

    def chunks(self) -> Iterator[Dict[str, Any]]:
        if self.kind == "chat":
            return chat_chunks(self.meta, self.answers)
        return text_chunks(self.meta, self.answers)

    def events(self, *, done: bool = True) -> Iterator[bytes]:
        for chunk in self.chunks():
            yield sse_event(chunk)
        if done:
            yield DONE_EVENT

    def total_tokens(self) -> Optional[int]:
        """``total_tokens`` of the usage this completion reports (else prompt + completion tokens)."""
        usage = self.meta.usage_for(self.answers)
        total = usage.get("total_tokens")
        if isinstance(total, int) and not isinstance(total, bool):
            return total
        parts = [usage.get("prompt_tokens"), usage.get("completion_tokens")]
        counted = [p for p in parts if isinstance(p, int) and not isinstance(p, bool)]
        return sum(counted) if counted else None

    def render(self, stream: Optional[bool] = None) -> Response:
        if self.stream if stream is None else stream:
            headers = merge_headers(content_headers(SSE_TYPE), self.headers)
            response = Response(200, headers, events=self.events())
        else:
            response = json_response(200, self.body(), self.headers)
        response.usage_tokens = self.total_tokens()
        return response


# ---------------------------------------------------------------------------------------------
# request bodies: the spec's schema.json ($defs ChatCompletionCreateBody / TextCompletionCreateBody)
# as the server applies it. Unknown keys are accepted, as the spec's schema does everywhere.
# Stricter than the SDK's typing where a server must be: a message needs a ``role``; ranges the
# spec documents (penalties, temperature, top_logprobs, n, logit_bias, four stop sequences) are
# enforced.


def _t(kind: str, *more: str, **keywords: Any) -> Dict[str, Any]:
    return {"type": [kind, *more] if more else kind, **keywords}


def _obj(required: Sequence[str], **properties: Any) -> Dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": properties}


def _opt(schema: Mapping[str, Any]) -> Dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


_STR, _INT, _BOOL = _t("string", "null"), _t("integer", "null"), _t("boolean", "null")
_PENALTY = _t("number", "null", minimum=-2, maximum=2)
_TEXT_PART = _obj(["type", "text"], type={"const": "text"}, text=_t("string"))
_IMAGE_URL = _obj(["url"], url=_t("string"), detail=_STR)
_PARTS = [
    _TEXT_PART,
    _obj(["type", "image_url"], type={"const": "image_url"}, image_url=_IMAGE_URL),
    _obj(["type", "image"], type={"const": "image"}, image=_t("string")),
]
_TEXT = {"anyOf": [_t("string"), _t("array", items=_TEXT_PART)]}
_RICH = {"anyOf": [_t("string"), _t("array", items={"anyOf": _PARTS})]}
_FUNCTION_CALL = _obj(["name", "arguments"], name=_t("string"), arguments=_t("string"))
_TOOL_CALL = _obj(
    ["id", "type", "function"],
    id=_t("string"),
    type={"const": "function"},
    function=_FUNCTION_CALL,
    index=_INT,
)
_MESSAGE = {
    "anyOf": [
        *(
            _obj(["role", "content"], role={"const": r}, content=_RICH, name=_STR)
            for r in ("system", "developer", "user")
        ),
        _obj(
            ["role"],
            role={"const": "assistant"},
            content=_opt(_TEXT),
            name=_STR,
            reasoning=_opt(_TEXT),
            tool_calls=_t("array", "null", items=_TOOL_CALL),
        ),
        _obj(
            ["role", "content", "tool_call_id"],
            role={"const": "tool"},
            content=_TEXT,
            tool_call_id=_t("string"),
            name=_STR,
        ),
    ]
}
_RESPONSE_FORMAT = {
    "anyOf": [
        _obj(["type"], type={"const": "text"}),
        _obj(["type"], type={"const": "json_object"}),
        _obj(
            ["type", "json_schema"],
            type={"const": "json_schema"},
            json_schema=_obj(
                ["name"], name=_t("string"), description=_STR, schema=_t("object", "null"), strict=_BOOL
            ),
        ),
    ]
}
_TOOL_CHOICE = {
    "anyOf": [
        {"enum": ["none", "auto", "required"]},
        _obj(["type", "function"], type=_t("string"), function=_obj(["name"], name=_t("string"))),
    ]
}
_TOOL = _obj(
    ["type", "function"],
    type=_t("string"),
    function=_obj(
        ["name"], name=_t("string"), description=_STR, parameters=_t("object", "null"), strict=_t("boolean")
    ),
)
_REASONING_FORMAT = {"enum": ["none", "parsed", "text_parsed", "raw", "hidden", None]}
_COMMON: Dict[str, Any] = {
    "model": _t("string"),
    "frequency_penalty": _PENALTY,
    "logit_bias": _t("object", "null", additionalProperties=_t("number", minimum=-100, maximum=100)),
    "max_tokens": _INT,
    "min_tokens": _INT,
    "n": _t("integer", "null", minimum=1, maximum=MAX_CHOICES),
    "presence_penalty": _PENALTY,
    "prompt_cache_key": _STR,
    "reasoning_format": _REASONING_FORMAT,
    "seed": _INT,
    "stop": {"anyOf": [_t("string"), _t("array", items=_t("string"), maxItems=4), {"type": "null"}]},
    "stream": _BOOL,
    "stream_options": _opt(_obj([], include_usage=_BOOL)),
    "temperature": _t("number", "null", minimum=0, maximum=2),
    "top_p": _t("number", "null"),
    "user": _STR,
}
CHAT_BODY_SCHEMA = _obj(
    ["messages", "model"],
    messages=_t("array", items=_MESSAGE),
    clear_thinking=_BOOL,
    disable_reasoning=_BOOL,
    logprobs=_BOOL,
    max_completion_tokens=_INT,
    min_completion_tokens=_INT,
    model_parameters=_t("object", "null"),
    parallel_tool_calls=_BOOL,
    prediction=_opt(_obj(["type", "content"], type={"const": "content"}, content=_TEXT)),
    reasoning_effort={"enum": ["none", "low", "medium", "high", None]},
    response_format=_opt(_RESPONSE_FORMAT),
    service_tier={"enum": ["auto", "default", "flex", "priority", None]},
    tool_choice=_opt(_TOOL_CHOICE),
    tools=_t("array", "null", items=_TOOL),
    top_logprobs=_t("integer", "null", minimum=0, maximum=20),
    **_COMMON,
)
_INTS = _t("array", items=_t("integer"))
TEXT_BODY_SCHEMA = _obj(
    ["model", "prompt"],
    prompt={"anyOf": [_t("string"), _t("array", items=_t("string")), _INTS, _t("array", items=_INTS)]},
    best_of=_INT,
    echo=_BOOL,
    grammar_root=_STR,
    logprobs=_INT,
    return_raw_tokens=_BOOL,
    suffix=_STR,
    **_COMMON,
)


def validate_body(kind: str, body: Any) -> None:
    """Raise :class:`HTTPError` 400 naming the first offending field when ``body`` breaks the
    request schema of a ``"chat"`` or ``"text"`` completion."""
    if not isinstance(body, Mapping):
        raise HTTPError(400, "Request body must be a JSON object.", code="invalid_json")
    error = validate(body, CHAT_BODY_SCHEMA if kind == "chat" else TEXT_BODY_SCHEMA)
    if error is not None:
        raise HTTPError(400, error.message, param=error.path or None, code=error.code)


def check_tool_choice(body: Mapping[str, Any]) -> None:
    """422 for a well-formed ``tool_choice`` the request cannot honour: a forced call without
    ``tools``, or a function name that no tool has."""
    choice, tools = body.get("tool_choice"), as_list(body.get("tools")) or []
    if choice != "required" and not isinstance(choice, Mapping):
        return
    if not tools:
        raise HTTPError(
            422,
            f"'tool_choice' {dumps(choice).decode()} requires 'tools'.",
            type="unprocessable_entity_error",
            param="tool_choice",
            code="invalid_value",
        )
    if isinstance(choice, Mapping):
        name = cast(Mapping[str, Any], cast(Mapping[str, Any], choice)["function"])["name"]
        names = [cast(Mapping[str, Any], cast(Mapping[str, Any], t)["function"])["name"] for t in tools]
        if name not in names:
            raise HTTPError(
                422,
                f"'tool_choice' names function {name!r}, which is not among 'tools' ({', '.join(map(repr, names))}).",
                type="unprocessable_entity_error",
                param="tool_choice.function.name",
                code="invalid_value",
            )


def completion_kind(path: str) -> Optional[str]:
    if path == CHAT_PATH:
        return "chat"
    if path == TEXT_PATH:
        return "text"
    return None


def _int_param(body: Mapping[str, Any], name: str, strict: bool) -> Optional[int]:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if strict:
        raise HTTPError(400, f"Parameter '{name}' must be an integer.", param=name, code="invalid_type")
    return None


def plan_completion(state: State, request: RecordedRequest, kind: str, *, strict: bool) -> Plan:
    """Build the default (echo) answer for a completion request.

    With ``strict`` the request is validated like the real API would (raising :class:`HTTPError`);
    without it, anything goes and missing pieces get harmless defaults (used by scripted replies
    and faults, which must work whatever the request looked like).
    """
    payload = request.json
    if not isinstance(payload, Mapping):
        if strict:
            if request.json is None:
                raise HTTPError(400, "Request body is not valid JSON.", code="invalid_json")
            raise HTTPError(400, "Request body must be a JSON object.", code="invalid_json")
        payload = {}
    body = cast(Mapping[str, Any], payload)

    model = body.get("model")
    if strict:
        validate_body(kind, body)
        if model not in state.models:
            raise HTTPError(
                404,
                f"Model {model} does not exist or you do not have access to it.",
                type="not_found_error",
                param="model",
                code="model_not_found",
            )
        if kind == "chat":
            check_tool_choice(body)
    if not isinstance(model, str):
        model = FALLBACK_MODEL

    n = _int_param(body, "n", strict)
    if n is None:
        n = 1
    if not 1 <= n <= MAX_CHOICES:
        if strict:
            raise HTTPError(
                400, f"Parameter 'n' must be between 1 and {MAX_CHOICES}.", param="n", code="invalid_value"
            )
        n = min(max(n, 1), MAX_CHOICES)
    limit = _int_param(body, "max_completion_tokens", strict)
    if limit is None:
        limit = _int_param(body, "max_tokens", strict)

    answers: List[Answer] = []
    if kind == "chat":
        texts = message_texts(body.get("messages"))
        prompt_tokens = sum(count_tokens(text) for _, text in texts)
        calls = tool_calls_for(body)
        if calls is not None:
            answers = [Answer(None, tool_calls=calls, finish_reason="tool_calls") for _ in range(n)]
        else:
            echo = echo_text(body.get("messages"))
            text = structured_text(body, echo) or echo
            text, cut = cap_tokens(text, limit)
            answers = [Answer(text, finish_reason="length" if cut else "stop") for _ in range(n)]
        prefix = "chatcmpl"
    else:
        prompts = prompt_texts(body.get("prompt"))
        prompt_tokens = sum(count_tokens(text) for text in prompts)
        for text in prompts:
            cut_text, cut = cap_tokens(text, limit)
            answers.extend(Answer(cut_text, finish_reason="length" if cut else "stop") for _ in range(n))
        prefix = "cmpl"

    meta = CompletionMeta(id=f"{prefix}-{state.next_id()}", model=model, prompt_tokens=max(prompt_tokens, 1))
    if kind == "chat":
        meta.service_tier_used = _service_tier(state, request, body, strict)
    return Plan(kind, meta, answers, stream=bool(body.get("stream")))


def _service_tier(state: State, request: RecordedRequest, body: Mapping[str, Any], strict: bool) -> str:
    """The tier a chat request is served on; with ``strict``, a 400 for a bad ``queue_threshold``
    header and a 429 ``queue_threshold_exceeded`` when the queue is longer than it allows."""
    try:
        threshold = parse_threshold(request.headers.get(THRESHOLD_HEADER))
    except ThresholdError as exc:
        if strict:
            raise HTTPError(400, str(exc), param=THRESHOLD_HEADER, code="invalid_value") from None
        threshold = None
    if threshold is None:
        threshold = state.default_queue_threshold
    decision = decide_tier(body.get("service_tier"), threshold, state.queue_times)
    if decision.rejected and strict:
        raise HTTPError(
            429,
            decision.message(),
            type="queue_threshold_exceeded",
            param=THRESHOLD_HEADER,
            code="queue_threshold_exceeded",
        )
    return decision.tier


# ---------------------------------------------------------------------------------------------
# routing


def check_auth(state: State, request: RecordedRequest) -> Optional[Response]:
    """401 in the API's error shape when a key is configured and the request does not carry it.
    The warm-up probe (``/v1/tcp_warming``) is never checked."""
    if state.api_key is None or request.path == WARMING_PATH:
        return None
    header = request.headers.get("authorization")
    if header == f"Bearer {state.api_key}":
        return None
    message = "No API key provided." if header is None else "Wrong API Key"
    return error_response(401, message, type="authentication_error", param="api_key", code="wrong_api_key")


def _format_param(request: RecordedRequest) -> str:
    fmt = request.query.get("format", "default") or "default"
    if fmt not in ("default", "openrouter", "huggingface"):
        raise HTTPError(
            400,
            f"Invalid value for 'format': {fmt!r}; expected 'default', 'openrouter' or 'huggingface'.",
            param="format",
            code="invalid_value",
        )
    return fmt


def _method_not_allowed(allowed: str) -> HTTPError:
    return HTTPError(405, "Method not allowed.", code="method_not_allowed", headers={"allow": allowed})


def default_response(
    state: State, request: RecordedRequest, *, lenient: bool = False
) -> Union[Plan, Response]:
    """What the server sends when nothing is scripted. Completion requests give a :class:`Plan`;
    ``lenient`` skips their validation (for scripted faults that need a completion to mangle)."""
    path = request.path
    method = request.method
    try:
        kind = completion_kind(path)
        if kind is not None:
            if method != "POST" and not lenient:
                raise _method_not_allowed("POST")
            return plan_completion(state, request, kind, strict=not lenient)
        if path == MODELS_PATH:
            if method != "GET":
                raise _method_not_allowed("GET")
            return json_response(200, model_list(state.models, _format_param(request)))
        if path.startswith(MODELS_PATH + "/"):
            if method != "GET":
                raise _method_not_allowed("GET")
            model_id = unquote(path[len(MODELS_PATH) + 1 :])
            fmt = _format_param(request)
            found = lookup_model(state.models, model_id)
            if found is None:
                raise HTTPError(
                    404,
                    f"Model {model_id} does not exist or you do not have access to it.",
                    type="not_found_error",
                    param="model",
                    code="model_not_found",
                )
            return json_response(200, model_card(found, fmt))
        if path == WARMING_PATH:
            if method != "GET":
                raise _method_not_allowed("GET")
            return Response(200, content_headers("text/plain; charset=utf-8"), body=b"OK")
        handled = state.platform(request) if state.platform is not None else None
        if handled is not None:
            return handled
        raise HTTPError(404, f"Not found: {method} {path}", type="not_found_error", code="not_found")
    except HTTPError as exc:
        return exc.response()

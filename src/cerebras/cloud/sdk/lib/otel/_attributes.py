"""What a call's span and metrics say, worked out from plain data (no OpenTelemetry here): the
operation a route is, the request attributes from its JSON body, the response attributes from a
completion (a model or its JSON), and the opt-in message content in the GenAI conventions' shape."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Tuple, cast

__all__ = [
    "GENAI_OPERATIONS",
    "PROVIDER",
    "input_messages",
    "operation_for",
    "output_messages",
    "request_attributes",
    "response_attributes",
]

PROVIDER = "cerebras"
GENAI_OPERATIONS = frozenset({"chat", "text_completion"})
"""Operations the GenAI conventions name; only these record the `gen_ai.client.*` metrics."""

# (method, path segments after /v1, with "*" for an id) -> operation name
_ROUTES: Dict[Tuple[str, Tuple[str, ...]], str] = {
    ("POST", ("chat", "completions")): "chat",
    ("POST", ("completions",)): "text_completion",
    ("GET", ("models",)): "models.list",
    ("GET", ("models", "*")): "models.retrieve",
    ("POST", ("files",)): "files.create",
    ("GET", ("files",)): "files.list",
    ("GET", ("files", "*")): "files.retrieve",
    ("DELETE", ("files", "*")): "files.delete",
    ("GET", ("files", "*", "content")): "files.content",
    ("POST", ("batches",)): "batches.create",
    ("GET", ("batches",)): "batches.list",
    ("GET", ("batches", "*")): "batches.retrieve",
    ("DELETE", ("batches", "*")): "batches.cancel",
    ("GET", ("batches", "*", "results")): "batches.results",
}

_SAMPLING = (
    ("temperature", "gen_ai.request.temperature"),
    ("top_p", "gen_ai.request.top_p"),
    ("frequency_penalty", "gen_ai.request.frequency_penalty"),
    ("presence_penalty", "gen_ai.request.presence_penalty"),
    ("seed", "gen_ai.request.seed"),
)
_TIME_INFO = ("queue_time", "prompt_time", "completion_time", "total_time", "created")


_operations: Dict[Tuple[str, str], str] = {}


def operation_for(method: str, url: str) -> str:
    """The operation name of a request (`chat`, `models.list`, ...); `http` for any other route."""
    key = (method, url)
    found = _operations.get(key)
    if found is None:
        found = _operation_for(method, url)
        if len(_operations) < 1024:  # paths with ids vary; the common ones are few
            _operations[key] = found
    return found


def _operation_for(method: str, url: str) -> str:
    path = url.split("?", 1)[0]
    if "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    parts = [p for p in path.split("/") if p]
    if parts and parts[0] == "v1":
        parts = parts[1:]
    method = method.upper()
    exact = _ROUTES.get((method, tuple(parts)))
    if exact is not None:
        return exact
    if len(parts) >= 2:
        templated = (parts[0], "*", *parts[2:])
        found = _ROUTES.get((method, templated))
        if found is not None:
            return found
    return "http"


def request_attributes(operation: str, body: Any) -> Dict[str, Any]:
    """The `gen_ai.request.*` attributes of a chat or text completion body (empty for other calls)."""
    attributes: Dict[str, Any] = {}
    if operation not in GENAI_OPERATIONS or not isinstance(body, Mapping):
        return attributes
    params = cast(Mapping[str, Any], body)
    model = params.get("model")
    if isinstance(model, str):
        attributes["gen_ai.request.model"] = model
    max_tokens = params.get("max_completion_tokens", params.get("max_tokens"))
    if isinstance(max_tokens, int) and not isinstance(max_tokens, bool):
        attributes["gen_ai.request.max_tokens"] = max_tokens
    for key, name in _SAMPLING:
        value = params.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            attributes[name] = value
    stop = params.get("stop")
    if isinstance(stop, str):
        attributes["gen_ai.request.stop_sequences"] = [stop]
    elif isinstance(stop, list) and all(isinstance(s, str) for s in cast(List[object], stop)):
        attributes["gen_ai.request.stop_sequences"] = list(cast(List[str], stop))
    n = params.get("n")
    if isinstance(n, int) and not isinstance(n, bool) and n != 1:
        attributes["gen_ai.request.choice.count"] = n
    response_format = params.get("response_format")
    if isinstance(response_format, Mapping):
        kind = cast(Mapping[str, Any], response_format).get("type")
        attributes["gen_ai.output.type"] = "json" if kind in ("json_object", "json_schema") else "text"
    tier = params.get("service_tier")
    if isinstance(tier, str):
        attributes["cerebras.request.service_tier"] = tier
    return attributes


def field(obj: Any, name: str) -> Any:
    """`name` of a response model or of its JSON (a dict); None when absent."""
    if isinstance(obj, dict):  # JSON; a plain type check, as this runs a dozen times per call
        return cast(Dict[str, Any], obj).get(name)
    return getattr(obj, name, None)


def response_attributes(completion: Any) -> Dict[str, Any]:
    """Response id, model, finish reasons, token usage and `time_info` of a completion."""
    attributes: Dict[str, Any] = {}
    response_id = field(completion, "id")
    if isinstance(response_id, str):
        attributes["gen_ai.response.id"] = response_id
    model = field(completion, "model")
    if isinstance(model, str):
        attributes["gen_ai.response.model"] = model
    reasons = [field(choice, "finish_reason") for choice in field(completion, "choices") or ()]
    if reasons and all(isinstance(r, str) for r in reasons):
        attributes["gen_ai.response.finish_reasons"] = reasons
    attributes.update(usage_attributes(field(completion, "usage")))
    attributes.update(time_info_attributes(field(completion, "time_info")))
    return attributes


def usage_attributes(usage: Any) -> Dict[str, Any]:
    attributes: Dict[str, Any] = {}
    if usage is None:
        return attributes
    for key, name in (
        ("prompt_tokens", "gen_ai.usage.input_tokens"),
        ("completion_tokens", "gen_ai.usage.output_tokens"),
    ):
        value = field(usage, key)
        if isinstance(value, int) and not isinstance(value, bool):
            attributes[name] = value
    return attributes


def time_info_attributes(time_info: Any) -> Dict[str, Any]:
    attributes: Dict[str, Any] = {}
    if time_info is None:
        return attributes
    for key in _TIME_INFO:
        value = field(time_info, key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            attributes[f"cerebras.time_info.{key}"] = value
    return attributes


# --------------------------------------------------------------------------- content (opt-in)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def input_messages(operation: str, body: Any) -> Optional[str]:
    """The prompt as `gen_ai.input.messages` (JSON): role and parts per message."""
    if not isinstance(body, Mapping):
        return None
    params = cast(Mapping[str, Any], body)
    if operation == "text_completion":
        prompt = params.get("prompt")
        return to_json([{"role": "user", "parts": [{"type": "text", "content": prompt}]}])
    messages = params.get("messages")
    if not isinstance(messages, list):
        return None
    out: List[Dict[str, Any]] = []
    for message in cast(List[Any], messages):  # type: ignore[redundant-cast]
        role = field(message, "role")
        parts: List[Dict[str, Any]] = []
        content = field(message, "content")
        if isinstance(content, str):
            parts.append({"type": "text", "content": content})
        elif isinstance(content, list):
            for piece in cast(List[Any], content):  # type: ignore[redundant-cast]
                if field(piece, "type") == "text":
                    parts.append({"type": "text", "content": field(piece, "text")})
                else:
                    parts.append({"type": str(field(piece, "type") or "unknown")})
        for call in field(message, "tool_calls") or ():
            function = field(call, "function")
            parts.append(
                {
                    "type": "tool_call",
                    "id": field(call, "id"),
                    "name": field(function, "name"),
                    "arguments": field(function, "arguments"),
                }
            )
        if role == "tool":
            parts = [
                {"type": "tool_call_response", "id": field(message, "tool_call_id"), "response": content}
            ]
        out.append({"role": role, "parts": parts})
    return to_json(out)


def output_messages(completion: Any) -> Optional[str]:
    """A completion's choices as `gen_ai.output.messages` (JSON)."""
    choices = field(completion, "choices")
    if not choices:
        return None
    out: List[Dict[str, Any]] = []
    for choice in choices:
        message = field(choice, "message")
        parts: List[Dict[str, Any]] = []
        if message is None:  # a text completion
            parts.append({"type": "text", "content": field(choice, "text")})
        else:
            content = field(message, "content")
            if content is not None:
                parts.append({"type": "text", "content": content})
            for call in field(message, "tool_calls") or ():
                function = field(call, "function")
                parts.append(
                    {
                        "type": "tool_call",
                        "id": field(call, "id"),
                        "name": field(function, "name"),
                        "arguments": field(function, "arguments"),
                    }
                )
        out.append({"role": "assistant", "parts": parts, "finish_reason": field(choice, "finish_reason")})
    return to_json(out)


def streamed_output_messages(texts: Mapping[int, List[str]], reasons: Mapping[int, str]) -> str:
    """The text a stream carried, per choice, as `gen_ai.output.messages` (JSON)."""
    return to_json(
        [
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": "".join(texts.get(index, ()))}],
                "finish_reason": reasons.get(index),
            }
            for index in sorted(set(texts) | set(reasons))
        ]
    )

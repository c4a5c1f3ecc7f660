"""JSON payloads produced by the mock server, in the shapes the real Cerebras API uses.

Everything here is pure data building (no I/O), so it is easy to reason about and to test.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, cast

from ._schema import as_list, example_from_schema

__all__ = [
    "DEFAULT_MODELS",
    "Answer",
    "CompletionMeta",
    "chat_body",
    "chat_chunks",
    "dumps",
    "error_body",
    "error_type_for_status",
    "model_card",
    "model_list",
    "split_pieces",
    "text_body",
    "text_chunks",
]

DEFAULT_MODELS: Tuple[str, ...] = ("llama3.1-8b", "llama-3.3-70b", "gpt-oss-120b", "qwen-3-32b")

SYSTEM_FINGERPRINT = "fp_mock"

JSON = Dict[str, Any]


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, like the real API sends."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


_PIECE_RE = re.compile(r"\s*\S+|\s+")


def split_pieces(text: str) -> List[str]:
    """Split text into word-ish pieces (each word with its leading whitespace).

    ``"".join(split_pieces(t)) == t`` always holds; the pieces double as the mock's "tokens".
    """
    return _PIECE_RE.findall(text)


# ---------------------------------------------------------------------------------------------
# errors

_ERROR_TYPES: Dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "payment_required_error",
    403: "permission_denied_error",
    404: "not_found_error",
    405: "invalid_request_error",
    408: "timeout_error",
    409: "conflict_error",
    413: "invalid_request_error",
    422: "unprocessable_entity_error",
    429: "too_many_requests_error",
}


def error_type_for_status(status: int) -> str:
    """The ``type`` member used in default error bodies for an HTTP status."""
    if status in _ERROR_TYPES:
        return _ERROR_TYPES[status]
    if status >= 500:
        return "server_error"
    return "api_error"


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def error_body(
    status: int,
    message: Optional[str] = None,
    *,
    type: Optional[str] = None,
    param: Optional[str] = None,
    code: Optional[str] = None,
) -> JSON:
    """``{"error": {"message", "type", "param", "code"}, "status_code": status}``."""
    return {
        "error": {
            "message": message if message is not None else reason_phrase(status),
            "type": type if type is not None else error_type_for_status(status),
            "param": param,
            "code": code,
        },
        "status_code": status,
    }


# ---------------------------------------------------------------------------------------------
# completions


@dataclass
class Answer:
    """What one choice says. ``content=None`` means a JSON ``null`` content."""

    content: Optional[str]
    reasoning: Optional[str] = None
    tool_calls: Optional[List[JSON]] = None
    finish_reason: Optional[str] = "stop"

    def completion_tokens(self) -> int:
        total = len(split_pieces(self.content or "")) + len(split_pieces(self.reasoning or ""))
        for call in self.tool_calls or []:
            function = cast(Mapping[str, Any], call.get("function") or {})
            arguments = function.get("arguments")
            total += 1 + (len(str(arguments)) // 4 if arguments else 0)
        return total

    def reasoning_tokens(self) -> int:
        return len(split_pieces(self.reasoning or ""))


@dataclass
class CompletionMeta:
    """Envelope fields shared by every object of one response."""

    id: str
    model: str
    created: int = field(default_factory=lambda: int(time.time()))
    prompt_tokens: int = 1
    usage: Optional[JSON] = None
    time_info: Optional[JSON] = None
    system_fingerprint: str = SYSTEM_FINGERPRINT
    service_tier_used: Optional[str] = None  # chat only: the tier that served the request

    def usage_for(self, answers: Sequence[Answer]) -> JSON:
        if self.usage is not None:
            return self.usage
        completion = sum(a.completion_tokens() for a in answers)
        usage: JSON = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": completion,
            "total_tokens": self.prompt_tokens + completion,
            "prompt_tokens_details": {"cached_tokens": 0},
        }
        reasoning = sum(a.reasoning_tokens() for a in answers)
        if reasoning:
            usage["completion_tokens_details"] = {"reasoning_tokens": reasoning}
        return usage

    def time_info_for(self) -> JSON:
        if self.time_info is not None:
            return self.time_info
        return {
            "queue_time": 0.0001,
            "prompt_time": 0.0002,
            "completion_time": 0.0003,
            "total_time": 0.0006,
            "created": time.time(),
        }

    def envelope(self, obj: str) -> JSON:
        out: JSON = {"id": self.id, "object": obj, "created": self.created, "model": self.model}
        out["system_fingerprint"] = self.system_fingerprint
        if self.service_tier_used is not None:
            out["service_tier_used"] = self.service_tier_used
        return out


def _message(answer: Answer) -> JSON:
    message: JSON = {"role": "assistant", "content": answer.content}
    if answer.reasoning is not None:
        message["reasoning"] = answer.reasoning
    if answer.tool_calls:
        message["tool_calls"] = answer.tool_calls
    return message


def chat_body(meta: CompletionMeta, answers: Sequence[Answer]) -> JSON:
    """A non-streaming ``chat.completion`` object."""
    body = meta.envelope("chat.completion")
    body["choices"] = [
        {"index": i, "finish_reason": a.finish_reason, "message": _message(a)} for i, a in enumerate(answers)
    ]
    body["usage"] = meta.usage_for(answers)
    body["time_info"] = meta.time_info_for()
    return body


def _argument_pieces(arguments: str, size: int = 16) -> List[str]:
    return [arguments[i : i + size] for i in range(0, len(arguments), size)] or [""]


def chat_chunks(meta: CompletionMeta, answers: Sequence[Answer]) -> Iterator[JSON]:
    """The ``chat.completion.chunk`` objects of a streamed chat answer.

    Per choice: a first chunk with ``role: assistant``, then reasoning pieces, content pieces and
    tool-call fragments, then a chunk with an empty delta and the ``finish_reason``. The very last
    chunk also carries ``usage`` and ``time_info``.
    """

    def chunk(choice: JSON) -> JSON:
        out = meta.envelope("chat.completion.chunk")
        out["choices"] = [choice]
        return out

    for i, answer in enumerate(answers):
        yield chunk({"index": i, "delta": {"role": "assistant", "content": ""}})
        for piece in split_pieces(answer.reasoning or ""):
            yield chunk({"index": i, "delta": {"reasoning": piece}})
        for piece in split_pieces(answer.content or ""):
            yield chunk({"index": i, "delta": {"content": piece}})
        for k, call in enumerate(answer.tool_calls or []):
            function = cast(Mapping[str, Any], call.get("function") or {})
            first: JSON = {
                "index": k,
                "id": call.get("id"),
                "type": "function",
                "function": {"name": function.get("name"), "arguments": ""},
            }
            yield chunk({"index": i, "delta": {"tool_calls": [first]}})
            for piece in _argument_pieces(str(function.get("arguments") or "")):
                if piece:
                    fragment: JSON = {"index": k, "type": "function", "function": {"arguments": piece}}
                    yield chunk({"index": i, "delta": {"tool_calls": [fragment]}})
        last = chunk({"index": i, "delta": {}, "finish_reason": answer.finish_reason})
        if i == len(answers) - 1:
            last["usage"] = meta.usage_for(answers)
            last["time_info"] = meta.time_info_for()
        yield last


def text_body(meta: CompletionMeta, answers: Sequence[Answer]) -> JSON:
    """A non-streaming ``text_completion`` object."""
    body = meta.envelope("text_completion")
    body["choices"] = [
        {"index": i, "text": a.content or "", "finish_reason": a.finish_reason} for i, a in enumerate(answers)
    ]
    body["usage"] = meta.usage_for(answers)
    body["time_info"] = meta.time_info_for()
    return body


def text_chunks(meta: CompletionMeta, answers: Sequence[Answer]) -> Iterator[JSON]:
    """Streamed ``text_completion`` objects: one per piece, the last piece of each choice carries
    its ``finish_reason``; the very last object also ``usage`` and ``time_info``."""
    for i, answer in enumerate(answers):
        pieces = split_pieces(answer.content or "") or [""]
        for j, piece in enumerate(pieces):
            choice: JSON = {"index": i, "text": piece}
            out = meta.envelope("text_completion")
            out["choices"] = [choice]
            if j == len(pieces) - 1:
                choice["finish_reason"] = answer.finish_reason
                if i == len(answers) - 1:
                    out["usage"] = meta.usage_for(answers)
                    out["time_info"] = meta.time_info_for()
            yield out


# ---------------------------------------------------------------------------------------------
# default (echo) answers


def _part_texts(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = as_list(content)
    if parts is not None:
        texts: List[str] = []
        for part in parts:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, Mapping):
                text = cast(Mapping[str, Any], part).get("text")
                if isinstance(text, str):
                    texts.append(text)
        return " ".join(texts)
    return ""


def message_texts(messages: Any) -> List[Tuple[str, str]]:
    """``(role, text)`` for every message of a chat request (content parts joined by a space)."""
    out: List[Tuple[str, str]] = []
    for message in as_list(messages) or []:
        if isinstance(message, Mapping):
            m = cast(Mapping[str, Any], message)
            out.append((str(m.get("role", "")), _part_texts(m.get("content"))))
    return out


def echo_text(messages: Any) -> str:
    """``"You said: "`` followed by the text of the last user message."""
    last = ""
    for role, text in message_texts(messages):
        if role == "user":
            last = text
    return "You said: " + last


def count_tokens(text: str) -> int:
    return len(split_pieces(text))


def cap_tokens(text: str, limit: Any) -> Tuple[str, bool]:
    """Cut ``text`` to at most ``limit`` pieces; returns the text and whether it was cut."""
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        return text, False
    pieces = split_pieces(text)
    if len(pieces) <= limit:
        return text, False
    return "".join(pieces[:limit]), True


def _tool_call(call_id: str, name: str, arguments: str) -> JSON:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def normalize_tool_calls(calls: Sequence[Mapping[str, Any]], *, id_prefix: str = "call_") -> List[JSON]:
    """Accept either full tool calls (``{"id", "type", "function": {"name", "arguments"}}``) or the
    shorthand ``{"name": ..., "arguments": dict-or-str}`` and return full ones."""
    out: List[JSON] = []
    for k, call in enumerate(calls):
        function = call.get("function")
        if isinstance(function, Mapping):
            fn = cast(Mapping[str, Any], function)
            name, arguments = fn.get("name"), fn.get("arguments", "{}")
        else:
            name, arguments = call.get("name"), call.get("arguments", {})
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments, ensure_ascii=False)
        call_id = call.get("id")
        item = _tool_call(
            str(call_id) if call_id is not None else f"{id_prefix}{k + 1}", str(name), arguments
        )
        if "type" in call:
            item["type"] = call["type"]
        out.append(item)
    return out


_NAME_CHARS = r"[A-Za-z0-9_-]"
_HINT_RE = re.compile(
    r"(?<![\w.])([A-Za-z_][\w.-]*)\s*=\s*(?:\"((?:[^\"\\]|\\.)*)\"|'([^']*)'|([^\s,;]+(?:,[^\s,;]+)*))"
)


def tool_hints(text: str) -> Dict[str, str]:
    """``name=value`` pairs of a user message (``value`` quoted with ``"``/``'``, or up to the next
    space; trailing ``.!?)`` dropped): the values the mock puts into tool-call arguments."""
    hints: Dict[str, str] = {}
    for match in _HINT_RE.finditer(text):
        name, double, single, bare = match.groups()
        if double is not None:
            value = re.sub(r"\\(.)", r"\1", double)
        else:
            value = single if single is not None else bare.rstrip(".!?)")
        hints.setdefault(name, value)
    return hints


def _functions(body: Mapping[str, Any]) -> List[Mapping[str, Any]]:
    functions: List[Mapping[str, Any]] = []
    for tool in as_list(body.get("tools")) or []:
        if isinstance(tool, Mapping):
            fn = cast(Mapping[str, Any], tool).get("function")
            if isinstance(fn, Mapping) and isinstance(cast(Mapping[str, Any], fn).get("name"), str):
                functions.append(cast(Mapping[str, Any], fn))
    return functions


def named_tools(functions: Sequence[Mapping[str, Any]], text: str) -> List[Mapping[str, Any]]:
    """The functions whose name appears in ``text`` as a whole word (case-insensitively), in order
    of first appearance."""
    found: List[Tuple[int, Mapping[str, Any]]] = []
    for fn in functions:
        pattern = rf"(?<!{_NAME_CHARS}){re.escape(str(fn['name']))}(?!{_NAME_CHARS})"
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            found.append((match.start(), fn))
    return [fn for _, fn in sorted(found, key=lambda item: item[0])]


def tool_calls_for(body: Mapping[str, Any]) -> Optional[List[JSON]]:
    """The tool calls the mock makes for a chat request, or ``None`` to answer with text.

    * no ``tools``, or ``tool_choice: "none"`` → no call;
    * ``tool_choice`` naming a function → that function;
    * ``"required"`` → the tools named in the latest user message, else the first tool;
    * ``"auto"`` or absent → the tools named in the last message, if that is a user message
      (so after a ``tool`` result the mock answers with text and a tool loop ends).

    A tool is "named" when its name appears as a whole word, any case. Several named tools are all
    called (in order of appearance) unless ``parallel_tool_calls`` is false (then only the first).
    Arguments are built from the tool's ``parameters`` schema (:func:`example_from_schema`),
    taking ``name=value`` pairs of the user message as values where they fit the schema.
    """
    functions = _functions(body)
    choice = body.get("tool_choice")
    if not functions or choice == "none":
        return None
    texts = message_texts(body.get("messages"))
    user_text = next((text for role, text in reversed(texts) if role == "user"), "")
    ends_with_user = bool(texts) and texts[-1][0] == "user"
    if isinstance(choice, Mapping):
        fn_choice = cast(Mapping[str, Any], choice).get("function")
        name = cast(Mapping[str, Any], fn_choice).get("name") if isinstance(fn_choice, Mapping) else None
        chosen = [f for f in functions if f.get("name") == name][:1] or [{"name": name}]
    elif choice == "required":
        chosen = named_tools(functions, user_text) or functions[:1]
    elif choice is None or choice == "auto":
        chosen = named_tools(functions, user_text) if ends_with_user else []
    else:
        chosen = []
    if body.get("parallel_tool_calls") is False:
        chosen = chosen[:1]
    if not chosen:
        return None
    hints = tool_hints(user_text)
    calls: List[JSON] = []
    for k, fn in enumerate(chosen):
        parameters = fn.get("parameters")
        arguments: Any = {}
        if isinstance(parameters, Mapping):
            arguments = example_from_schema(cast(Mapping[str, Any], parameters), hints)
        calls.append(
            _tool_call(f"call_{k + 1}", str(fn.get("name")), json.dumps(arguments, ensure_ascii=False))
        )
    return calls


def structured_text(body: Mapping[str, Any], fallback: str) -> Optional[str]:
    """The reply text for ``response_format`` ``json_schema`` / ``json_object`` requests."""
    response_format = body.get("response_format")
    if not isinstance(response_format, Mapping):
        return None
    rf = cast(Mapping[str, Any], response_format)
    kind = rf.get("type")
    if kind == "json_schema":
        spec = rf.get("json_schema")
        schema = cast(Mapping[str, Any], spec).get("schema") if isinstance(spec, Mapping) else None
        if isinstance(schema, Mapping):
            return json.dumps(example_from_schema(cast(Mapping[str, Any], schema)), ensure_ascii=False)
        return "{}"
    if kind == "json_object":
        return json.dumps({"response": fallback}, ensure_ascii=False)
    return None


def prompt_texts(prompt: Any) -> List[str]:
    """The texts of a text-completion ``prompt`` (a string, a list of strings, token ids, or lists
    of token ids; token ids are rendered as space-separated numbers)."""
    if isinstance(prompt, str):
        return [prompt]
    items = as_list(prompt)
    if items is not None:
        if not items:
            return [""]
        if all(isinstance(x, str) for x in items):
            return [cast(str, x) for x in items]
        if all(isinstance(x, list) for x in items):
            return [" ".join(str(t) for t in as_list(x) or []) for x in items]
        return [" ".join(str(t) for t in items)]
    return [""]


# ---------------------------------------------------------------------------------------------
# models


@dataclass(frozen=True)
class _ModelInfo:
    name: str
    owned_by: str
    created: int
    context_length: int
    max_output: int
    hugging_face_id: str
    openrouter_slug: str
    price_prompt: str
    price_completion: str
    hf_input: float
    hf_output: float
    reasoning: bool = False


_KNOWN_INFO: Dict[str, _ModelInfo] = {
    "llama3.1-8b": _ModelInfo(
        "Llama 3.1 8B", "Meta", 1721692800, 8192, 8192, "meta-llama/Llama-3.1-8B-Instruct",
        "meta-llama/llama-3.1-8b-instruct", "0.0000001", "0.0000001", 0.1, 0.1,
    ),
    "llama-3.3-70b": _ModelInfo(
        "Llama 3.3 70B", "Meta", 1733443200, 65536, 8192, "meta-llama/Llama-3.3-70B-Instruct",
        "meta-llama/llama-3.3-70b-instruct", "0.00000085", "0.0000012", 0.85, 1.2,
    ),
    "gpt-oss-120b": _ModelInfo(
        "GPT OSS 120B", "OpenAI", 1754438400, 131072, 32768, "openai/gpt-oss-120b",
        "openai/gpt-oss-120b", "0.00000025", "0.00000069", 0.25, 0.69, reasoning=True,
    ),
    "qwen-3-32b": _ModelInfo(
        "Qwen 3 32B", "Qwen", 1745971200, 65536, 8192, "Qwen/Qwen3-32B",
        "qwen/qwen3-32b", "0.0000004", "0.0000008", 0.4, 0.8, reasoning=True,
    ),
}  # fmt: skip


def _info(model_id: str) -> _ModelInfo:
    info = _KNOWN_INFO.get(model_id)
    if info is not None:
        return info
    return _ModelInfo(
        model_id,
        "Cerebras",
        0,
        8192,
        8192,
        model_id,
        f"cerebras/{model_id}",
        "0.0000001",
        "0.0000001",
        0.1,
        0.1,
    )


def model_card(model_id: str, fmt: str) -> JSON:
    """One model in the given ``format`` (``default``, ``openrouter`` or ``huggingface``)."""
    info = _info(model_id)
    if fmt == "openrouter":
        return {
            "id": f"cerebras/{model_id}",
            "name": info.name,
            "created": info.created,
            "context_length": info.context_length,
            "max_output_length": info.max_output,
            "pricing": {"prompt": info.price_prompt, "completion": info.price_completion},
            "quantization": "fp16",
            "input_modalities": ["text"],
            "output_modalities": ["text"],
            "datacenters": [{"country_code": "US"}],
            "hugging_face_id": info.hugging_face_id,
            "openrouter": {"slug": info.openrouter_slug},
        }
    if fmt == "huggingface":
        return {
            "id": model_id,
            "object": "model",
            "created": 0,
            "owned_by": info.owned_by,
            "context_length": info.context_length,
            "hugging_face_id": info.hugging_face_id,
            "pricing": {"input": info.hf_input, "output": info.hf_output},
            "capabilities": {
                "streaming": True,
                "function_calling": True,
                "structured_outputs": True,
                "vision": False,
            },
        }
    return {"id": model_id, "object": "model", "created": 0, "owned_by": info.owned_by}


def model_list(models: Sequence[str], fmt: str) -> JSON:
    """``GET /v1/models`` in the given ``format``."""
    data = [model_card(m, fmt) for m in models]
    if fmt == "openrouter":
        return {"data": data}
    return {"object": "list", "data": data}


def lookup_model(models: Sequence[str], model_id: str) -> Optional[str]:
    """Find a known model by its id or by its OpenRouter id (``cerebras/<id>``)."""
    if model_id in models:
        return model_id
    if model_id.startswith("cerebras/") and model_id[len("cerebras/") :] in models:
        return model_id[len("cerebras/") :]
    return None

"""Tests of the mock Cerebras server, driven with plain httpx (the SDK client is not used here)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import httpx
import pytest

from cerebras.cloud.sdk.testing import (
    DEFAULT_MODELS,
    MockCerebrasServer,
    RecordedHeaders,
    example_from_schema,
)

CHAT = "/v1/chat/completions"
TEXT = "/v1/completions"
USER_HI = [{"role": "user", "content": "hello there"}]


@pytest.fixture
def server(cerebras_mock: MockCerebrasServer) -> MockCerebrasServer:
    return cerebras_mock


@pytest.fixture
def client(server: MockCerebrasServer) -> Iterator[httpx.Client]:
    with http_client(server) as c:
        yield c


def http_client(server: MockCerebrasServer, **options: Any) -> httpx.Client:
    # Plain HTTP to 127.0.0.1: skipping TLS set-up (certificate loading) keeps each client cheap.
    options.setdefault("timeout", 5.0)
    return httpx.Client(base_url=server.base_url, verify=False, **options)


def async_http_client(server: MockCerebrasServer, **options: Any) -> httpx.AsyncClient:
    options.setdefault("timeout", 5.0)
    return httpx.AsyncClient(base_url=server.base_url, verify=False, **options)


def chat_body(**extra: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {"model": "llama3.1-8b", "messages": USER_HI}
    body.update(extra)
    return body


def sse_data(raw: str) -> List[str]:
    """The ``data`` of every event in an SSE body (our own tiny parser, LF line endings)."""
    out: List[str] = []
    for block in raw.split("\n\n"):
        lines = [line[len("data: ") :] for line in block.split("\n") if line.startswith("data: ")]
        if lines:
            out.append("\n".join(lines))
    return out


def sse_json(raw: str) -> Tuple[List[Dict[str, Any]], bool]:
    """Parsed JSON events and whether the stream ended with ``[DONE]``."""
    data = sse_data(raw)
    done = bool(data) and data[-1] == "[DONE]"
    return [json.loads(d) for d in data if d != "[DONE]"], done


def error_of(response: httpx.Response) -> Dict[str, Any]:
    body = response.json()
    assert set(body) == {"error", "status_code"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    assert body["status_code"] == response.status_code
    assert response.headers["content-type"] == "application/json"
    return body["error"]


# ---------------------------------------------------------------------------------------------
# lifecycle


def test_start_and_stop_are_fast_and_clean() -> None:
    began = time.perf_counter()
    server = MockCerebrasServer().start()
    port = server.port
    assert server.is_running
    assert server.base_url == f"http://127.0.0.1:{port}"
    assert port > 0
    assert httpx.get(server.url("/v1/tcp_warming")).status_code == 200
    server.stop()
    assert time.perf_counter() - began < 0.5
    assert not server.is_running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v1/tcp_warming", timeout=1)
    server.stop()  # idempotent


def test_context_manager_restart_and_errors() -> None:
    server = MockCerebrasServer(api_key="k", models=["m1"])
    with pytest.raises(RuntimeError):
        _ = server.base_url
    with server as running:
        assert running is server
        assert server.api_key == "k"
        assert server.models == ("m1",)
        with pytest.raises(RuntimeError):
            server.start()
    assert not server.is_running
    server.start()  # can be started again after a stop
    try:
        assert httpx.get(server.url("v1/tcp_warming")).text == "OK"
    finally:
        server.stop()


def test_port_in_use_raises() -> None:
    with MockCerebrasServer() as first:
        second = MockCerebrasServer(port=first.port)
        with pytest.raises(OSError):
            second.start()
        assert not second.is_running


def test_stop_closes_open_connections_and_cancels_delays() -> None:
    server = MockCerebrasServer().start()
    server.add_delay(30)
    errors: List[BaseException] = []

    def call() -> None:
        try:
            httpx.post(server.url(CHAT), json=chat_body(), timeout=10)
        except BaseException as exc:
            errors.append(exc)

    keep_alive = http_client(server)
    keep_alive.get("/v1/tcp_warming")  # leaves an idle keep-alive connection open
    worker = threading.Thread(target=call)
    worker.start()
    assert [r.path for r in server.wait_for_requests(2, include_warmup=True)] == ["/v1/tcp_warming", CHAT]
    began = time.perf_counter()
    server.stop()
    worker.join(5)
    assert time.perf_counter() - began < 1.0
    assert not worker.is_alive()
    assert errors and isinstance(errors[0], httpx.TransportError)
    keep_alive.close()


@pytest.mark.anyio
async def test_async_context_manager() -> None:
    async with MockCerebrasServer() as server, async_http_client(server) as client:
        response = await client.post(CHAT, json=chat_body())
        assert response.json()["choices"][0]["message"]["content"] == "You said: hello there"
    assert not server.is_running


# ---------------------------------------------------------------------------------------------
# chat completions


def test_chat_completion_shape(client: httpx.Client) -> None:
    response = client.post(CHAT, json=chat_body())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == [
        "id",
        "object",
        "created",
        "model",
        "system_fingerprint",
        "service_tier_used",  # the tier that served the request: "default" when none was asked for
        "choices",
        "usage",
        "time_info",
    ]
    assert body["service_tier_used"] == "default"
    assert re.fullmatch(r"chatcmpl-\d+", body["id"])
    assert body["object"] == "chat.completion"
    assert isinstance(body["created"], int) and abs(body["created"] - time.time()) < 60
    assert body["model"] == "llama3.1-8b"
    assert isinstance(body["system_fingerprint"], str) and body["system_fingerprint"]
    assert body["choices"] == [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {"role": "assistant", "content": "You said: hello there"},
        }
    ]
    usage = body["usage"]
    assert usage["completion_tokens"] == 4
    assert usage["prompt_tokens"] == 2
    assert usage["total_tokens"] == 6
    assert usage["prompt_tokens_details"] == {"cached_tokens": 0}
    assert set(body["time_info"]) == {"queue_time", "prompt_time", "completion_time", "total_time", "created"}
    assert all(isinstance(v, float) for v in body["time_info"].values())


def test_chat_ids_are_distinct_and_model_is_echoed(client: httpx.Client) -> None:
    first = client.post(CHAT, json=chat_body(model="gpt-oss-120b")).json()
    second = client.post(CHAT, json=chat_body(model="qwen-3-32b")).json()
    assert first["id"] != second["id"]
    assert (first["model"], second["model"]) == ("gpt-oss-120b", "qwen-3-32b")


def test_chat_echoes_last_user_message_and_joins_parts(client: httpx.Client) -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "ok"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look at"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                {"type": "text", "text": "this"},
            ],
        },
        {"role": "assistant", "content": "later assistant turns are ignored"},
    ]
    body = client.post(CHAT, json={"model": "llama3.1-8b", "messages": messages}).json()
    assert body["choices"][0]["message"]["content"] == "You said: look at this"


def test_chat_without_user_message(client: httpx.Client) -> None:
    body = client.post(CHAT, json={"model": "llama3.1-8b", "messages": []}).json()
    assert body["choices"][0]["message"]["content"] == "You said: "


@pytest.mark.parametrize("param", ["max_completion_tokens", "max_tokens"])
def test_chat_token_cap_gives_length(client: httpx.Client, param: str) -> None:
    body = client.post(CHAT, json=chat_body(**{param: 2})).json()
    assert body["choices"][0]["message"]["content"] == "You said:"
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 2
    roomy = client.post(CHAT, json=chat_body(**{param: 4})).json()
    assert roomy["choices"][0]["finish_reason"] == "stop"


def test_chat_n_choices(client: httpx.Client) -> None:
    body = client.post(CHAT, json=chat_body(n=3)).json()
    assert [c["index"] for c in body["choices"]] == [0, 1, 2]
    assert {c["message"]["content"] for c in body["choices"]} == {"You said: hello there"}
    assert body["usage"]["completion_tokens"] == 12


def test_chat_stream_shape(client: httpx.Client) -> None:
    response = client.post(CHAT, json=chat_body(stream=True, stream_options={"include_usage": True}))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    assert response.headers["transfer-encoding"] == "chunked"
    raw = response.text
    assert raw.endswith("data: [DONE]\n\n")
    assert all(block.startswith("data: ") for block in raw.split("\n\n") if block)
    chunks, done = sse_json(raw)
    assert done
    ids = {c["id"] for c in chunks}
    assert len(ids) == 1 and re.fullmatch(r"chatcmpl-\d+", ids.pop())
    for chunk in chunks:
        assert chunk["object"] == "chat.completion.chunk"
        assert chunk["model"] == "llama3.1-8b"
        assert isinstance(chunk["created"], int)
        assert chunk["system_fingerprint"]
    assert chunks[0]["choices"] == [{"index": 0, "delta": {"role": "assistant", "content": ""}}]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == "You said: hello there"
    assert len(chunks) == 6  # role, four word pieces, final
    assert all("finish_reason" not in c["choices"][0] for c in chunks[:-1])
    assert all("usage" not in c and "time_info" not in c for c in chunks[:-1])
    last = chunks[-1]
    assert last["choices"] == [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    assert last["usage"]["completion_tokens"] == 4
    assert set(last["time_info"]) >= {"queue_time", "total_time", "created"}


def test_chat_stream_with_n_and_cap(client: httpx.Client) -> None:
    chunks, done = sse_json(client.post(CHAT, json=chat_body(stream=True, n=2, max_tokens=1)).text)
    assert done
    for index in (0, 1):
        mine = [c for c in chunks if c["choices"][0]["index"] == index]
        assert "".join(c["choices"][0]["delta"].get("content", "") for c in mine) == "You"
        assert mine[-1]["choices"][0]["finish_reason"] == "length"
    assert "usage" in chunks[-1] and sum("usage" in c for c in chunks) == 1


def test_stream_false_and_null_are_not_streamed(client: httpx.Client) -> None:
    for flag in (False, None):
        response = client.post(CHAT, json=chat_body(stream=flag))
        assert response.headers["content-type"] == "application/json"


# ---------------------------------------------------------------------------------------------
# structured outputs and tools

PERSON_SCHEMA: Dict[str, Any] = {
    "$defs": {
        "Address": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "zip": {"type": "integer", "minimum": 10}},
            "required": ["city", "zip"],
        },
        "Color": {"enum": ["red", "green"], "type": "string"},
    },
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer"},
        "score": {"type": "number"},
        "active": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "color": {"$ref": "#/$defs/Color"},
        "address": {"$ref": "#/$defs/Address"},
        "nickname": {"anyOf": [{"type": "null"}, {"type": "string"}]},
        "maybe_count": {"type": ["null", "integer"]},
        "kind": {"const": "person"},
        "when": {"type": "string", "format": "date"},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
}

PERSON_EXAMPLE = {
    "name": "example",
    "age": 0,
    "score": 0,
    "active": True,
    "tags": ["example"],
    "color": "red",
    "address": {"city": "example", "zip": 10},
    "nickname": "example",
    "maybe_count": 0,
    "kind": "person",
    "when": "2024-01-01",
}


def test_example_from_schema_rules() -> None:
    assert example_from_schema(PERSON_SCHEMA) == PERSON_EXAMPLE
    assert example_from_schema({"type": "array", "items": {"type": "integer"}, "minItems": 3}) == [0, 0, 0]
    assert example_from_schema({"type": "array", "maxItems": 0}) == []
    assert example_from_schema({"type": "number", "exclusiveMinimum": 0.5, "maximum": 1}) == 0.75
    assert example_from_schema({"type": "integer", "maximum": -3}) == -3
    assert example_from_schema({"type": "string", "minLength": 10}) == "examplexxx"
    assert example_from_schema({"type": "string", "maxLength": 3}) == "exa"
    assert example_from_schema({"type": "null"}) is None
    assert example_from_schema({"oneOf": [{"type": "boolean"}, {"type": "string"}]}) is True
    assert example_from_schema(
        {"allOf": [{"properties": {"a": {"type": "integer"}}}, {"properties": {"b": {}}}]}
    ) == {
        "a": 0,
        "b": "example",
    }
    assert example_from_schema({}) == "example"
    recursive = {
        "$defs": {"N": {"type": "object", "properties": {"next": {"$ref": "#/$defs/N"}}}},
        "$ref": "#/$defs/N",
    }
    assert isinstance(example_from_schema(recursive), dict)  # terminates


def test_json_schema_response_format(client: httpx.Client) -> None:
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "person", "schema": PERSON_SCHEMA, "strict": True},
    }
    body = client.post(CHAT, json=chat_body(response_format=response_format)).json()
    assert json.loads(body["choices"][0]["message"]["content"]) == PERSON_EXAMPLE
    chunks, _ = sse_json(client.post(CHAT, json=chat_body(response_format=response_format, stream=True)).text)
    streamed = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert json.loads(streamed) == PERSON_EXAMPLE


def test_json_object_response_format(client: httpx.Client) -> None:
    body = client.post(CHAT, json=chat_body(response_format={"type": "json_object"})).json()
    assert json.loads(body["choices"][0]["message"]["content"]) == {"response": "You said: hello there"}


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "strict": True,
    },
}


def test_tools_auto_answers_with_text(client: httpx.Client) -> None:
    body = client.post(CHAT, json=chat_body(tools=[WEATHER_TOOL], tool_choice="auto")).json()
    assert body["choices"][0]["message"]["content"] == "You said: hello there"
    assert "tool_calls" not in body["choices"][0]["message"]


@pytest.mark.parametrize(
    "tool_choice", ["required", {"type": "function", "function": {"name": "get_weather"}}]
)
def test_tools_forced_call(client: httpx.Client, tool_choice: Any) -> None:
    body = client.post(CHAT, json=chat_body(tools=[WEATHER_TOOL], tool_choice=tool_choice)).json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    assert choice["message"]["tool_calls"] == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "example"}'},
        }
    ]
    none = client.post(CHAT, json=chat_body(tools=[WEATHER_TOOL], tool_choice="none")).json()
    assert none["choices"][0]["message"]["content"] == "You said: hello there"


# ---------------------------------------------------------------------------------------------
# text completions


def test_text_completion_shape(client: httpx.Client) -> None:
    body = client.post(TEXT, json={"model": "llama3.1-8b", "prompt": "It was a dark and stormy"}).json()
    assert re.fullmatch(r"cmpl-\d+", body["id"])
    assert body["object"] == "text_completion"
    assert body["model"] == "llama3.1-8b"
    assert body["system_fingerprint"]
    assert body["choices"] == [{"index": 0, "text": "It was a dark and stormy", "finish_reason": "stop"}]
    assert body["usage"]["prompt_tokens"] == 6 and body["usage"]["completion_tokens"] == 6
    assert "time_info" in body


def test_text_completion_cap_n_and_prompt_lists(client: httpx.Client) -> None:
    capped = client.post(
        TEXT, json={"model": "llama3.1-8b", "prompt": "one two three", "max_tokens": 2}
    ).json()
    assert capped["choices"] == [{"index": 0, "text": "one two", "finish_reason": "length"}]
    many = client.post(TEXT, json={"model": "llama3.1-8b", "prompt": ["a", "b"], "n": 2}).json()
    assert [(c["index"], c["text"]) for c in many["choices"]] == [(0, "a"), (1, "a"), (2, "b"), (3, "b")]
    tokens = client.post(TEXT, json={"model": "llama3.1-8b", "prompt": [[1, 2], [3]]}).json()
    assert [c["text"] for c in tokens["choices"]] == ["1 2", "3"]


def test_text_completion_stream(client: httpx.Client) -> None:
    response = client.post(TEXT, json={"model": "llama3.1-8b", "prompt": "dark and stormy", "stream": True})
    assert response.headers["content-type"] == "text/event-stream"
    chunks, done = sse_json(response.text)
    assert done
    assert all(c["object"] == "text_completion" and re.fullmatch(r"cmpl-\d+", c["id"]) for c in chunks)
    assert "".join(c["choices"][0]["text"] for c in chunks) == "dark and stormy"
    assert len(chunks) == 3
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert "usage" in chunks[-1] and "time_info" in chunks[-1]
    assert all("usage" not in c and "finish_reason" not in c["choices"][0] for c in chunks[:-1])


# ---------------------------------------------------------------------------------------------
# models and warm-up


def test_models_list_formats(client: httpx.Client) -> None:
    default = client.get("/v1/models").json()
    assert default["object"] == "list"
    assert [m["id"] for m in default["data"]] == list(DEFAULT_MODELS)
    assert default["data"][0] == {"id": "llama3.1-8b", "object": "model", "created": 0, "owned_by": "Meta"}
    assert client.get("/v1/models", params={"format": "default"}).json() == default

    openrouter = client.get("/v1/models", params={"format": "openrouter"}).json()
    assert list(openrouter) == ["data"]
    item = openrouter["data"][0]
    assert item["id"] == "cerebras/llama3.1-8b"
    for key in ("name", "created", "context_length", "max_output_length", "pricing"):
        assert key in item
    assert set(item["pricing"]) >= {"prompt", "completion"} and isinstance(item["pricing"]["prompt"], str)
    assert item["datacenters"] == [{"country_code": "US"}] and "slug" in item["openrouter"]

    hf = client.get("/v1/models", params={"format": "huggingface"}).json()
    assert hf["object"] == "list"
    item = hf["data"][0]
    assert {"id", "object", "created", "owned_by", "context_length", "pricing"} <= set(item)
    assert isinstance(item["pricing"]["input"], float) and isinstance(item["capabilities"]["streaming"], bool)


def test_models_retrieve_formats(client: httpx.Client) -> None:
    assert client.get("/v1/models/llama3.1-8b").json() == {
        "id": "llama3.1-8b",
        "object": "model",
        "created": 0,
        "owned_by": "Meta",
    }
    openrouter = client.get("/v1/models/gpt-oss-120b", params={"format": "openrouter"}).json()
    assert openrouter["id"] == "cerebras/gpt-oss-120b" and "pricing" in openrouter
    hf = client.get("/v1/models/qwen-3-32b", params={"format": "huggingface"}).json()
    assert hf["id"] == "qwen-3-32b" and "context_length" in hf
    by_openrouter_id = client.get("/v1/models/cerebras%2Fllama-3.3-70b")
    assert by_openrouter_id.json()["id"] == "llama-3.3-70b"


def test_models_errors(client: httpx.Client) -> None:
    missing = client.get("/v1/models/org%2Fmodel%20v2")
    assert missing.status_code == 404
    err = error_of(missing)
    assert err["code"] == "model_not_found" and err["param"] == "model" and "org/model v2" in err["message"]
    bad_format = client.get("/v1/models", params={"format": "xml"})
    assert bad_format.status_code == 400 and error_of(bad_format)["param"] == "format"
    assert client.get("/v1/models/llama3.1-8b", params={"format": "xml"}).status_code == 400


def test_custom_model_list() -> None:
    with MockCerebrasServer(models=["my-model"]) as server, http_client(server) as client:
        assert [m["id"] for m in client.get("/v1/models").json()["data"]] == ["my-model"]
        assert client.get("/v1/models/my-model", params={"format": "openrouter"}).status_code == 200
        assert client.post(CHAT, json=chat_body(model="my-model")).status_code == 200
        assert client.post(CHAT, json=chat_body()).status_code == 404
        server.models = ["llama3.1-8b"]
        assert client.post(CHAT, json=chat_body()).status_code == 200


def test_tcp_warming(client: httpx.Client) -> None:
    response = client.get("/v1/tcp_warming")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 0 < len(response.content) < 100


# ---------------------------------------------------------------------------------------------
# auth and malformed requests


def test_auth() -> None:
    with MockCerebrasServer(api_key="secret") as server, http_client(server) as client:
        missing = client.post(CHAT, json=chat_body())
        assert missing.status_code == 401
        assert error_of(missing)["type"] == "authentication_error"
        wrong = client.get("/v1/models", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and error_of(wrong)["code"] == "wrong_api_key"
        good = client.post(CHAT, json=chat_body(), headers={"Authorization": "Bearer secret"})
        assert good.status_code == 200
        assert client.get("/v1/tcp_warming").status_code == 200  # the warm-up probe is never checked
        server.add_error(500)
        assert client.post(CHAT, json=chat_body()).status_code == 401  # auth is checked first...
        assert len(server.pending) == 1  # ...and does not consume scripted entries
        assert len(server.requests) == 4  # the warm-up probe is recorded apart
        assert [r.path for r in server.warmup_requests] == ["/v1/tcp_warming"]
        assert len(server.all_requests) == 5


@pytest.mark.parametrize(
    ("path", "content", "status", "param", "code"),
    [
        (CHAT, b"{not json", 400, None, "invalid_json"),
        (CHAT, b"", 400, None, "invalid_json"),
        (CHAT, b"[1, 2]", 400, None, "invalid_json"),
        (CHAT, json.dumps({"messages": USER_HI}).encode(), 400, "model", "missing_required_parameter"),
        (CHAT, json.dumps({"model": "llama3.1-8b"}).encode(), 400, "messages", "missing_required_parameter"),
        (CHAT, json.dumps({"model": 5, "messages": USER_HI}).encode(), 400, "model", "invalid_type"),
        (
            CHAT,
            json.dumps({"model": "llama3.1-8b", "messages": "hi"}).encode(),
            400,
            "messages",
            "invalid_type",
        ),
        (CHAT, json.dumps(chat_body(n=0)).encode(), 400, "n", "invalid_value"),
        (CHAT, json.dumps(chat_body(max_tokens="x")).encode(), 400, "max_tokens", "invalid_type"),
        (CHAT, json.dumps(chat_body(model="some-model")).encode(), 404, "model", "model_not_found"),
        (TEXT, json.dumps({"model": "llama3.1-8b"}).encode(), 400, "prompt", "missing_required_parameter"),
        (TEXT, json.dumps({"prompt": "x"}).encode(), 400, "model", "missing_required_parameter"),
        (TEXT, json.dumps({"model": "nope", "prompt": "x"}).encode(), 404, "model", "model_not_found"),
    ],
)
def test_malformed_requests(
    client: httpx.Client, path: str, content: bytes, status: int, param: Optional[str], code: str
) -> None:
    response = client.post(path, content=content, headers={"content-type": "application/json"})
    assert response.status_code == status
    err = error_of(response)
    assert (err["param"], err["code"]) == (param, code)
    if param is not None:
        assert param in err["message"].lower()


def test_unknown_route_and_method(client: httpx.Client) -> None:
    for response in (client.get("/v1/nope"), client.post("/v2/chat/completions", json={}), client.get("/")):
        assert response.status_code == 404
        assert error_of(response)["type"] == "not_found_error"
    wrong_method = client.get(CHAT)
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    error_of(wrong_method)
    assert client.post("/v1/models").status_code == 405


def test_malformed_http_is_rejected(server: MockCerebrasServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        reply = _read_all(sock)
    assert reply.startswith(b"HTTP/1.1 400 ")
    assert b'"status_code":400' in reply


# ---------------------------------------------------------------------------------------------
# scripted replies


def test_scripted_reply_content_usage_and_finish(client: httpx.Client, server: MockCerebrasServer) -> None:
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    handle = server.add_reply("Fixed answer.", finish_reason="length", usage=usage, reasoning="Because.")
    body = client.post(CHAT, json=chat_body(n=2)).json()
    assert [c["message"] for c in body["choices"]] == [
        {"role": "assistant", "content": "Fixed answer.", "reasoning": "Because."}
    ] * 2
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"] == usage
    assert (handle.used, handle.remaining) == (1, 0)
    assert (
        client.post(CHAT, json=chat_body()).json()["choices"][0]["message"]["content"]
        == "You said: hello there"
    )


def test_scripted_reply_streamed_with_reasoning(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_reply("Two words", reasoning="think hard", time_info={"total_time": 1.5})
    chunks, done = sse_json(client.post(CHAT, json=chat_body(stream=True)).text)
    assert done
    deltas = [c["choices"][0]["delta"] for c in chunks]
    assert "".join(d.get("reasoning", "") for d in deltas) == "think hard"
    assert "".join(d.get("content", "") for d in deltas) == "Two words"
    first_content = next(i for i, d in enumerate(deltas) if d.get("content"))
    last_reasoning = max(i for i, d in enumerate(deltas) if d.get("reasoning"))
    assert last_reasoning < first_content
    assert chunks[-1]["time_info"] == {"total_time": 1.5}
    assert chunks[-1]["usage"]["completion_tokens_details"] == {"reasoning_tokens": 2}


def test_scripted_tool_calls(client: httpx.Client, server: MockCerebrasServer) -> None:
    full = {"id": "call_9", "type": "function", "function": {"name": "b", "arguments": "{}"}}
    server.add_reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}, full], times=2)
    body = client.post(CHAT, json=chat_body()).json()
    message = body["choices"][0]["message"]
    assert message["content"] is None
    assert message["tool_calls"] == [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
        },
        full,
    ]
    assert body["choices"][0]["finish_reason"] == "tool_calls"

    chunks, _ = sse_json(client.post(CHAT, json=chat_body(stream=True)).text)
    calls: Dict[int, Dict[str, str]] = {}
    for chunk in chunks:
        for call in chunk["choices"][0]["delta"].get("tool_calls", []):
            assert call["type"] == "function"
            slot = calls.setdefault(call["index"], {"id": "", "name": "", "arguments": ""})
            slot["id"] += call.get("id") or ""
            slot["name"] += call["function"].get("name") or ""
            slot["arguments"] += call["function"].get("arguments") or ""
    assert calls == {
        0: {"id": "call_1", "name": "get_weather", "arguments": '{"city": "Paris"}'},
        1: {"id": "call_9", "name": "b", "arguments": "{}"},
    }
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_scripted_reply_on_text_completions(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_reply(" night; the rain", finish_reason="length", model="override")
    body = client.post(TEXT, json={"model": "llama3.1-8b", "prompt": "x"}).json()
    assert body["object"] == "text_completion"
    assert body["choices"] == [{"index": 0, "text": " night; the rain", "finish_reason": "length"}]
    assert body["model"] == "override"


def test_scripted_entries_skip_validation(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_reply("fine", stream=True)
    response = client.post(CHAT, content=b"garbage")
    chunks, done = sse_json(response.text)
    assert done and chunks[0]["model"] == "llama3.1-8b"
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == "fine"


def test_add_json_and_raw(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_json({"weird": True, "created": "1"}, status=201, headers={"x-request-id": "req_1"})
    server.add_raw("upstream timeout", status=503)
    server.add_raw(b'{"a":1}', content_type="application/vnd.custom+json")
    server.add_raw(b"no type", content_type=None)
    first = client.post(CHAT, json=chat_body())
    assert (first.status_code, first.content) == (201, b'{"weird":true,"created":"1"}')
    assert first.headers["content-type"] == "application/json" and first.headers["x-request-id"] == "req_1"
    second = client.post(CHAT, json=chat_body())
    assert (second.status_code, second.text) == (503, "upstream timeout")
    assert second.headers["content-type"] == "text/plain; charset=utf-8"
    third = client.post(CHAT, json=chat_body())
    assert third.headers["content-type"] == "application/vnd.custom+json" and third.json() == {"a": 1}
    fourth = client.post(CHAT, json=chat_body())
    assert "content-type" not in fourth.headers and fourth.content == b"no type"


def test_error_twice_then_success(client: httpx.Client, server: MockCerebrasServer) -> None:
    headers = {
        "retry-after": "1",
        "retry-after-ms": "5",
        "x-should-retry": "true",
        "x-request-id": "req_abc",
        "x-ratelimit-remaining-requests-day": "0",
    }
    handle = server.add_error(429, times=2, headers=headers)
    for _ in range(2):
        response = client.post(CHAT, json=chat_body())
        assert response.status_code == 429
        for name, value in headers.items():
            assert response.headers[name] == value
        err = error_of(response)
        assert err == {
            "message": "Too Many Requests",
            "type": "too_many_requests_error",
            "param": None,
            "code": None,
        }
    assert handle.used == 2 and handle.remaining == 0
    assert client.post(CHAT, json=chat_body()).status_code == 200
    server.assert_all_used()


def test_error_variants(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_error(400, "Bad thing", type="invalid_request_error", code="bad", param="messages")
    server.add_error(400, body={"error": {"message": "x"}, "status_code": 429})
    server.add_error(401, body={"message": "Bad key", "type": "invalid_request_error"})
    server.add_error(418, body="I'm a teapot", content_type="text/plain")
    server.add_error(500, headers={"content-type": "text/html"})
    assert error_of(client.post(CHAT, json=chat_body())) == {
        "message": "Bad thing",
        "type": "invalid_request_error",
        "param": "messages",
        "code": "bad",
    }
    assert client.post(CHAT, json=chat_body()).json() == {"error": {"message": "x"}, "status_code": 429}
    flat = client.post(CHAT, json=chat_body())
    assert (flat.status_code, flat.json()) == (401, {"message": "Bad key", "type": "invalid_request_error"})
    teapot = client.post(CHAT, json=chat_body())
    assert (teapot.status_code, teapot.text, teapot.headers["content-type"]) == (
        418,
        "I'm a teapot",
        "text/plain",
    )
    html = client.post(CHAT, json=chat_body())
    assert html.status_code == 500 and html.headers["content-type"] == "text/html"
    assert html.json()["error"]["type"] == "server_error"


def test_routes_and_queue_order(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_error(503, route="models")
    server.add_error(502, route=TEXT)
    server.add_error(500)
    assert client.get("/v1/tcp_warming").status_code == 200  # warm-up never consumes default-route entries
    assert client.post(CHAT, json=chat_body()).status_code == 500  # the first entry matching the chat path
    assert client.post(TEXT, json={"model": "llama3.1-8b", "prompt": "x"}).status_code == 502
    assert client.get("/v1/models/llama3.1-8b").status_code == 503
    assert client.get("/v1/models").status_code == 200
    server.add_error(504, route="tcp_warming")
    assert client.get("/v1/tcp_warming").status_code == 504
    server.add_error(599, route="*")
    assert client.get("/v1/tcp_warming").status_code == 599
    server.add_error(555, route="/v1/models/*")
    assert client.get("/v1/models").status_code == 200
    assert client.get("/v1/models/x").status_code == 555
    with pytest.raises(ValueError):
        server.add_error(500, route="chats")
    with pytest.raises(ValueError):
        server.add_error(500, times=0)


def test_unlimited_entries_are_a_fallback(client: httpx.Client, server: MockCerebrasServer) -> None:
    sticky = server.add_reply("always", times=None)
    server.add_error(429)
    assert client.post(CHAT, json=chat_body()).status_code == 429  # counted entries go first
    for _ in range(3):
        assert client.post(CHAT, json=chat_body()).json()["choices"][0]["message"]["content"] == "always"
    assert sticky.used == 3 and sticky.remaining is None
    assert server.pending == [sticky]
    server.assert_all_used()  # unlimited entries never count as unused
    server.add_error(500)
    with pytest.raises(AssertionError):
        server.assert_all_used()
    server.clear_script()
    assert server.pending == []
    assert (
        client.post(CHAT, json=chat_body()).json()["choices"][0]["message"]["content"]
        == "You said: hello there"
    )


def test_scripted_entries_are_thread_safe(server: MockCerebrasServer) -> None:
    server.add_error(500, times=50)
    statuses: List[int] = []
    lock = threading.Lock()

    def worker() -> None:
        with http_client(server) as c:
            for _ in range(20):
                code = c.post(CHAT, json=chat_body()).status_code
                with lock:
                    statuses.append(code)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.count(500) == 50 and statuses.count(200) == 110


# ---------------------------------------------------------------------------------------------
# delays and dropped connections


def test_delay_before_headers(server: MockCerebrasServer) -> None:
    server.add_delay(0.5)
    with http_client(server, timeout=0.1) as client, pytest.raises(httpx.ReadTimeout):
        client.post(CHAT, json=chat_body())
    server.add_reply("late", delay=0.15)
    began = time.perf_counter()
    with http_client(server, timeout=2) as client:
        response = client.post(CHAT, json=chat_body())
    assert time.perf_counter() - began >= 0.15
    assert response.json()["choices"][0]["message"]["content"] == "late"


def test_delay_between_chunks(server: MockCerebrasServer) -> None:
    server.add_delay(0, chunk_delay=0.5)
    received: List[bytes] = []
    with (
        http_client(server, timeout=0.2) as client,
        client.stream("POST", CHAT, json=chat_body(stream=True)) as response,
    ):
        assert response.status_code == 200
        with pytest.raises(httpx.ReadTimeout):
            for piece in response.iter_raw():
                received.append(piece)
    assert b"".join(received).startswith(b"data: ")
    server.add_reply("a b c", chunk_delay=0.05)
    began = time.perf_counter()
    with http_client(server, timeout=2) as client:
        chunks, done = sse_json(client.post(CHAT, json=chat_body(stream=True)).text)
    assert done and len(chunks) == 5
    assert time.perf_counter() - began >= 0.2


def test_disconnect_before_headers(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_disconnect("before_headers", times=2)
    for _ in range(2):
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(CHAT, json=chat_body())
    assert client.post(CHAT, json=chat_body()).status_code == 200
    assert len(server.requests) == 3


def test_disconnect_mid_body(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_disconnect("mid_body")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.post(CHAT, json=chat_body(stream=True))  # even a stream request gets a Content-Length body
    server.add_disconnect("mid_body")
    with client.stream("POST", CHAT, json=chat_body()) as response:
        declared = int(response.headers["content-length"])
        got = b""
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            for piece in response.iter_raw():
                got += piece
    assert 0 < len(got) < declared


def test_disconnect_mid_stream(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_disconnect("mid_stream", after_chunks=2)
    got = b""
    with client.stream("POST", CHAT, json=chat_body()) as response:  # streamed although stream was not asked
        assert response.headers["content-type"] == "text/event-stream"
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            for piece in response.iter_raw():
                got += piece
    assert len(sse_data(got.decode())) == 2
    server.add_disconnect("mid_stream", after_chunks=0)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.post(TEXT, json={"model": "llama3.1-8b", "prompt": "x", "stream": True})


@pytest.mark.anyio
async def test_async_faults(server: MockCerebrasServer) -> None:
    server.add_disconnect("before_headers")
    server.add_disconnect("mid_stream", after_chunks=1)
    server.add_delay(1)
    async with async_http_client(server, timeout=0.2) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(CHAT, json=chat_body())
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await client.post(CHAT, json=chat_body(stream=True))
        with pytest.raises(httpx.ReadTimeout):
            await client.post(CHAT, json=chat_body())
        response = await client.post(CHAT, json=chat_body())
        assert response.status_code == 200


# ---------------------------------------------------------------------------------------------
# stream contents


@pytest.mark.parametrize("event", [None, "error"])
def test_error_event_mid_stream(
    client: httpx.Client, server: MockCerebrasServer, event: Optional[str]
) -> None:
    server.add_stream_error(
        2, status_code=429, message="Request exceeded token quota", type="too_many_tokens_error", event=event
    )
    response = client.post(CHAT, json=chat_body())
    assert response.status_code == 200
    raw = response.text
    data = sse_data(raw)
    assert len(data) == 3 and "[DONE]" not in data
    assert json.loads(data[1])["choices"][0]["delta"]["content"] == "You"
    assert json.loads(data[2]) == {
        "error": {
            "message": "Request exceeded token quota",
            "type": "too_many_tokens_error",
            "param": None,
            "code": None,
        },
        "status_code": 429,
    }
    assert ("event: error\ndata: {" in raw) is (event == "error")


def test_error_event_variants(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_stream_error(0, body={"error": {"message": "m"}}, done=True)
    server.add_stream_error(1, content="Hi there")
    assert sse_data(client.post(CHAT, json=chat_body(stream=True)).text) == [
        '{"error":{"message":"m"}}',
        "[DONE]",
    ]
    data = sse_data(client.post(TEXT, json={"model": "llama3.1-8b", "prompt": "x", "stream": True}).text)
    assert json.loads(data[0])["object"] == "text_completion"
    assert json.loads(data[-1])["status_code"] == 500


def test_raw_sse_bytes_are_sent_verbatim(server: MockCerebrasServer) -> None:
    payload = (
        b": comment\r\n\r\n"
        b"data: {not json}\r\n\r\n"
        b"data: \xff\xfe invalid utf-8\n\n"
        b'event: weird\ndata: {"a":\ndata: 1}\n\n'
        b"data: no terminating blank line"
    )
    server.add_raw_sse(payload)
    server.add_raw_sse([payload[i : i + 1] for i in range(len(payload))], chunk_delay=0)
    server.add_raw_sse("data: hi\n\n", content_type="text/plain")
    with http_client(server) as client:
        for _ in range(2):
            response = client.post(CHAT, json=chat_body(stream=True))
            assert response.headers["content-type"] == "text/event-stream"
            assert response.content == payload
        plain = client.post(CHAT, json=chat_body())
        assert plain.headers["content-type"] == "text/plain" and plain.content == b"data: hi\n\n"


def test_raw_sse_pieces_arrive_separately(server: MockCerebrasServer) -> None:
    server.add_raw_sse([b'data: {"a"', b":1}\n\n"], chunk_delay=0.3)
    with (
        http_client(server, timeout=0.1) as client,
        client.stream("POST", CHAT, json=chat_body()) as response,
    ):
        pieces = response.iter_raw()
        assert next(pieces) == b'data: {"a"'
        with pytest.raises(httpx.ReadTimeout):
            next(pieces)


def test_add_stream_events(client: httpx.Client, server: MockCerebrasServer) -> None:
    chunk = {"id": "x", "object": "chat.completion.chunk", "created": "1", "model": "m", "choices": []}
    server.add_stream([chunk, "not json", [1, 2]])
    server.add_stream([chunk], done=False, headers={"x-custom": "1"})
    assert client.post(CHAT, json=chat_body()).text == (
        f"data: {json.dumps(chunk, separators=(',', ':'))}\n\ndata: not json\n\ndata: [1,2]\n\ndata: [DONE]\n\n"
    )
    second = client.post(CHAT, json=chat_body())
    assert sse_data(second.text) == [json.dumps(chunk, separators=(",", ":"))]
    assert second.headers["x-custom"] == "1"


def test_huge_stream_is_generated_lazily(server: MockCerebrasServer) -> None:
    size = 8 * 1024 * 1024
    server.add_huge_stream(size, piece_size=2048)
    received = bytearray()
    with (
        http_client(server, timeout=10) as client,
        client.stream("POST", CHAT, json=chat_body(stream=True)) as response,
    ):
        for piece in response.iter_bytes():
            received += piece
    assert size * 0.95 <= len(received) <= size * 1.05
    chunks, done = sse_json(received.decode())
    assert done
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    contents = [c["choices"][0]["delta"].get("content") for c in chunks[1:-1]]
    assert len(contents) > 3000 and set(contents) == {"x" * 2048}
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["usage"]["completion_tokens"] == len(contents)


# ---------------------------------------------------------------------------------------------
# recording


def test_recording(client: httpx.Client, server: MockCerebrasServer) -> None:
    client.post(
        CHAT,
        params={"a": "1", "b": "x y", "a2": ""},
        json=chat_body(),
        headers=[("X-First", "1"), ("x-dup", "a"), ("X-Dup", "b"), ("CF-RAY", "8f1e0c-SJC")],
    )
    request = server.last_request
    assert request.method == "POST"
    assert request.path == CHAT
    assert request.query == {"a": "1", "b": "x y", "a2": ""}
    assert request.query_items == [("a", "1"), ("b", "x y"), ("a2", "")]
    assert request.target.startswith(CHAT + "?")
    assert request.json == chat_body()
    assert json.loads(request.body) == chat_body() and request.text == request.body.decode()
    headers = request.headers
    assert isinstance(headers, RecordedHeaders)
    assert headers["cf-ray"] == headers["CF-RAY"] == "8f1e0c-SJC"
    assert "Content-Type" in headers and "nope" not in headers
    assert headers["x-dup"] == "a, b" and headers.get_list("X-DUP") == ["a", "b"]
    names = list(headers)
    assert names.index("X-First") < names.index("x-dup") < names.index("CF-RAY")
    assert ("X-Dup", "b") in headers.raw
    assert headers.get("missing") is None
    assert request.http_version == "HTTP/1.1" and abs(request.received_at - time.time()) < 60

    client.get("/v1/models", params={"format": "openrouter"})
    assert server.last_request.json is None and server.last_request.body == b""
    client.post(CHAT, content=b"\xff not json")
    assert server.last_request.json is None and server.last_request.body == b"\xff not json"
    assert [r.path for r in server.requests] == [CHAT, "/v1/models", CHAT]
    assert len(server.requests_to("chat")) == 2 and len(server.requests_to("models")) == 1
    server.clear_requests()
    assert server.requests == []
    with pytest.raises(LookupError):
        _ = server.last_request


def test_chunked_request_body_is_recorded(client: httpx.Client, server: MockCerebrasServer) -> None:
    payload = json.dumps(chat_body()).encode()

    def pieces() -> Iterator[bytes]:
        yield payload[:10]
        yield payload[10:]

    response = client.post(CHAT, content=pieces(), headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert server.last_request.headers["transfer-encoding"] == "chunked"
    assert server.last_request.body == payload


def test_reset(client: httpx.Client, server: MockCerebrasServer) -> None:
    server.add_error(500)
    client.get("/v1/models")
    server.reset()
    assert server.requests == [] and server.pending == []
    with pytest.raises(TimeoutError):
        server.wait_for_requests(1, timeout=0.05)


# ---------------------------------------------------------------------------------------------
# HTTP behaviour and load


def _read_all(sock: socket.socket) -> bytes:
    data = b""
    while True:
        piece = sock.recv(65536)
        if not piece:
            return data
        data += piece


def _read_response(stream: Any) -> Tuple[bytes, Dict[str, str], bytes]:
    status = stream.readline()
    headers: Dict[str, str] = {}
    while True:
        line = stream.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    body = stream.read(int(headers.get("content-length", "0")))
    return status, headers, body


def test_keep_alive_and_connection_close(server: MockCerebrasServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        stream = sock.makefile("rb")
        for _ in range(3):
            sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
            status, headers, body = _read_response(stream)
            assert status.startswith(b"HTTP/1.1 200") and json.loads(body)["object"] == "list"
            assert "connection" not in headers
        sock.sendall(b"GET /v1/tcp_warming HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, headers, body = _read_response(stream)
        assert headers["connection"] == "close" and body == b"OK"
        assert stream.read() == b""  # server closed the connection
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET /v1/tcp_warming HTTP/1.0\r\n\r\n")
        assert _read_all(sock).endswith(b"\r\n\r\nOK")


def test_many_concurrent_connections(server: MockCerebrasServer) -> None:
    body = json.dumps(chat_body()).encode()
    request = b"POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (
        CHAT.encode(),
        len(body),
        body,
    )

    async def one() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(request)
        data = await reader.read()
        writer.close()
        return data

    async def all_at_once() -> List[bytes]:
        return await asyncio.gather(*[one() for _ in range(500)])

    began = time.perf_counter()
    replies = asyncio.run(all_at_once())
    assert time.perf_counter() - began < 5
    assert all(r.startswith(b"HTTP/1.1 200") and b"You said: hello there" in r for r in replies)
    assert len(server.requests) == 500
    ids = {json.loads(r.split(b"\r\n\r\n", 1)[1])["id"] for r in replies}
    assert len(ids) == 500


@pytest.mark.anyio
async def test_concurrent_async_httpx(server: MockCerebrasServer) -> None:
    limits = httpx.Limits(max_connections=100)
    async with async_http_client(server, limits=limits, timeout=10) as client:
        responses = await asyncio.gather(
            *[client.post(CHAT, json=chat_body(stream=bool(i % 2))) for i in range(100)]
        )
    assert {r.status_code for r in responses} == {200}
    assert all("said" in r.text for r in responses)


@pytest.mark.slow  # over a second
def test_threads_with_keep_alive(server: MockCerebrasServer) -> None:
    failures: List[BaseException] = []

    def worker() -> None:
        try:
            with http_client(server, timeout=10) as c:
                for _ in range(50):
                    assert c.post(CHAT, json=chat_body()).status_code == 200
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert len(server.requests) == 800


# ---------------------------------------------------------------------------------------------
# command line and pytest plugin

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONUNBUFFERED"] = "0"
    return env


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_command_line(sig: signal.Signals) -> None:
    command = [sys.executable, "-m", "cerebras.cloud.sdk.testing", "--port", "0", "--api-key", "cli-key"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env()) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline().decode().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", line), line
            response = httpx.post(line + CHAT, json=chat_body(), headers={"Authorization": "Bearer cli-key"})
            assert response.json()["choices"][0]["message"]["content"] == "You said: hello there"
            assert httpx.get(line + "/v1/models").status_code == 401
            process.send_signal(sig)
            _, stderr = process.communicate(timeout=10)
            assert process.returncode == 0, stderr.decode()
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()


def test_command_line_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cerebras.cloud.sdk.testing", "--help"],
        capture_output=True,
        env=_env(),
        timeout=30,
    )
    assert done.returncode == 0 and b"--api-key" in done.stdout


@pytest.mark.slow  # over a second
def test_pytest_plugin_in_a_user_project(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["cerebras.cloud.sdk.testing.pytest_plugin"]\n')
    (tmp_path / "test_user.py").write_text(
        textwrap.dedent(
            """
            import httpx
            import pytest

            def test_fixture(cerebras_mock):
                cerebras_mock.add_error(429, times=2)
                url = cerebras_mock.base_url + "/v1/chat/completions"
                body = {"model": "llama3.1-8b", "messages": [{"role": "user", "content": "hi"}]}
                codes = [httpx.post(url, json=body).status_code for _ in range(3)]
                assert codes == [429, 429, 200]
                assert len(cerebras_mock.requests) == 3

            @pytest.mark.cerebras_mock(api_key="k", models=["m"])
            def test_marker(cerebras_mock):
                assert cerebras_mock.api_key == "k" and cerebras_mock.models == ("m",)

            def test_fresh_server_per_test(cerebras_mock):
                assert cerebras_mock.requests == [] and cerebras_mock.pending == []
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error", str(tmp_path)],
        capture_output=True,
        env=_env(),
        cwd=str(tmp_path),
        timeout=60,
    )
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    assert b"3 passed" in done.stdout

"""Compressed request bodies (`request_encoding`): what goes on the wire for each encoding."""

from __future__ import annotations

import gzip
import importlib.util
import json
from typing import Any, Dict, List

import httpx
import msgpack  # pyright: ignore[reportMissingTypeStubs]
import pytest
import respx

from cerebras.cloud.sdk import Cerebras

MakeClient = Any

CHAT = {
    "id": "c1",
    "object": "chat.completion",
    "created": 1,
    "model": "llama3.1-8b",
    "system_fingerprint": "fp",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}],
}
TEXT = {
    "id": "t1",
    "object": "text_completion",
    "created": 1,
    "model": "llama3.1-8b",
    "system_fingerprint": "fp",
    "choices": [{"index": 0, "finish_reason": "stop", "text": "ok"}],
}
MESSAGES = [{"role": "user", "content": "é✓ " + "long prompt " * 50}]


def _decode(request: httpx.Request) -> Any:
    data = request.content
    if request.headers.get("content-encoding") == "gzip":
        data = gzip.decompress(data)
    if request.headers["content-type"] == "application/vnd.msgpack":
        return msgpack.unpackb(data, raw=False)  # pyright: ignore[reportUnknownMemberType]
    assert request.headers["content-type"] == "application/json"
    return json.loads(data)


def _chat(client: Cerebras) -> None:
    reply = client.chat.completions.create(model="llama3.1-8b", messages=MESSAGES, temperature=0.5)  # type: ignore[arg-type]
    assert reply.choices[0].message.content == "ok"


@pytest.mark.parametrize(
    ("encoding", "content_type", "content_encoding"),
    [
        (None, "application/json", None),
        ("gzip", "application/json", "gzip"),
        ("msgpack", "application/vnd.msgpack", None),
        ("msgpack+gzip", "application/vnd.msgpack", "gzip"),
    ],
)
def test_each_encoding_sends_its_headers_and_the_same_object(
    router: respx.MockRouter,
    make_client: MakeClient,
    encoding: Any,
    content_type: str,
    content_encoding: Any,
) -> None:
    route = router.post("/v1/chat/completions").respond(json=CHAT)
    _chat(make_client(request_encoding=encoding))
    request = route.calls.last.request
    assert request.headers["content-type"] == content_type
    assert request.headers.get("content-encoding") == content_encoding
    assert _decode(request) == {"model": "llama3.1-8b", "messages": MESSAGES, "temperature": 0.5}
    if encoding is None:  # byte for byte what the official SDK sends
        assert (
            request.content
            == json.dumps(
                {"messages": MESSAGES, "model": "llama3.1-8b", "temperature": 0.5},
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode()
        )
    if content_encoding == "gzip":
        assert len(request.content) < len(json.dumps(MESSAGES)) / 5


def test_text_completions_are_encoded_too(router: respx.MockRouter, make_client: MakeClient) -> None:
    route = router.post("/v1/completions").respond(json=TEXT)
    make_client(request_encoding="msgpack+gzip").completions.create(model="llama3.1-8b", prompt=[1, 2, 3])
    request = route.calls.last.request
    assert request.headers["content-encoding"] == "gzip"
    assert _decode(request) == {"model": "llama3.1-8b", "prompt": [1, 2, 3]}


def test_retries_resend_the_same_encoded_bytes(router: respx.MockRouter, make_client: MakeClient) -> None:
    route = router.post("/v1/chat/completions")
    route.side_effect = [
        httpx.Response(500, headers={"retry-after-ms": "1"}),
        httpx.Response(200, json=CHAT),
    ]
    _chat(make_client(request_encoding="gzip", max_retries=1))
    first, second = (call.request.content for call in route.calls)
    assert first == second
    assert gzip.decompress(first).startswith(b"{")


def test_with_options_overrides_per_call_and_leaves_the_client_alone(
    router: respx.MockRouter, make_client: MakeClient
) -> None:
    route = router.post("/v1/chat/completions").respond(json=CHAT)
    client = make_client()
    _chat(client.with_options(request_encoding="gzip"))
    _chat(client)
    gzipped = make_client(request_encoding="gzip")
    _chat(gzipped.with_options(request_encoding=None))
    encodings: List[Any] = [call.request.headers.get("content-encoding") for call in route.calls]
    assert encodings == ["gzip", None, None]


def test_a_client_wide_encoding_leaves_other_endpoints_alone(
    router: respx.MockRouter, make_client: MakeClient
) -> None:
    # The docs offer compression for the two completion endpoints only.
    route = router.post("/v1/other").respond(json={})
    client = make_client(request_encoding="gzip")
    client.post("/v1/other", body={"a": 1}, cast_to=httpx.Response)
    client.post("/v1/other", body={"a": 1}, cast_to=httpx.Response, options={"request_encoding": "gzip"})
    plain, forced = route.calls
    assert "content-encoding" not in plain.request.headers
    assert plain.request.content == b'{"a":1}'
    assert gzip.decompress(forced.request.content) == b'{"a":1}'


@pytest.mark.anyio
async def test_the_async_client_encodes_the_same(router: respx.MockRouter, make_client: MakeClient) -> None:
    route = router.post("/v1/chat/completions").respond(json=CHAT)
    client = make_client("async", request_encoding="msgpack")
    await client.chat.completions.create(model="llama3.1-8b", messages=MESSAGES)
    assert _decode(route.calls.last.request)["messages"] == MESSAGES


@pytest.mark.parametrize("bad", ["zip", "GZIP", "json", 1, ""])
def test_an_unknown_encoding_is_refused_by_name(make_client: MakeClient, bad: object) -> None:
    with pytest.raises(ValueError, match=r"request_encoding must be None or one of 'gzip', 'msgpack'"):
        make_client(request_encoding=bad)
    with pytest.raises(ValueError, match="request_encoding"):
        make_client().with_options(request_encoding=bad)


def test_msgpack_without_the_package_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch, make_client: MakeClient
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "msgpack" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(ImportError, match=r"cerebras_cloud_sdk\[msgpack\]"):
        make_client(request_encoding="msgpack+gzip")
    make_client(request_encoding="gzip")  # gzip needs nothing beyond the standard library


def test_gzip_still_refuses_what_json_refuses(router: respx.MockRouter, make_client: MakeClient) -> None:
    router.post("/v1/chat/completions").respond(json=CHAT)
    client = make_client(request_encoding="gzip")
    with pytest.raises(ValueError):
        client.chat.completions.create(model="llama3.1-8b", messages=MESSAGES, temperature=float("nan"))
    assert not router.calls


def test_the_debug_log_names_the_encoding(
    router: respx.MockRouter, make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    router.post("/v1/other").respond(json={})
    client = make_client()
    with caplog.at_level("DEBUG", logger="cerebras.cloud.sdk"):
        client.post("/v1/other", body={}, cast_to=httpx.Response, options={"request_encoding": "msgpack"})
    logged: Dict[str, Any] = {}
    for record in caplog.records:
        if record.getMessage().startswith("Request options:"):
            logged["line"] = record.getMessage()
    assert "'request_encoding': 'msgpack'" in logged["line"]

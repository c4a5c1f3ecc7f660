"""The tool runner's parent span and per-tool spans, and third-party patching of `create` and
`Stream.__iter__` with our instrumentation on and off."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Iterator, List

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from cerebras.cloud.sdk import AsyncStream, Stream
from cerebras.cloud.sdk.lib import function_tool
from cerebras.cloud.sdk.lib.otel import run_span
from cerebras.cloud.sdk.resources.chat import AsyncCompletionsResource, CompletionsResource
from cerebras.cloud.sdk.testing import MockCerebrasServer

pytestmark = pytest.mark.anyio

MODEL = "llama3.1-8b"
USER = [{"role": "user", "content": "Weather?"}]


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@function_tool
def weather(city: str) -> str:
    """Weather in a city."""
    return f"sunny in {city}"


@function_tool
def broken(city: str) -> str:
    """Always fails."""
    raise RuntimeError("sensor offline")


async def test_a_tool_run_has_a_parent_span_over_its_calls_and_tools(
    flavor: str, telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument(capture_content=True)
    server.add_reply(
        tool_calls=[
            {"name": "weather", "arguments": {"city": "Oslo"}},
            {"name": "broken", "arguments": {"city": "Bergen"}},
        ]
    )
    server.add_reply("It is sunny in Oslo.")
    client = client_for(flavor)

    result = await resolve(
        client.chat.completions.run_tools(model=MODEL, messages=USER, tools=[weather, broken])
    )

    assert result.content == "It is sunny in Oslo."
    spans = telemetry.spans()
    by_name: Dict[str, Any] = {s.name: s for s in spans}
    run = by_name[f"tool_run {MODEL}"]
    assert run.kind is SpanKind.INTERNAL
    assert run.attributes["cerebras.tool_run.turns"] == 2
    assert run.attributes["cerebras.tool_run.stopped_by"] == "answer"
    calls = [s for s in spans if s.name == f"chat {MODEL}"]
    assert len(calls) == 2
    assert all(s.parent is not None and s.parent.span_id == run.context.span_id for s in calls)
    assert all(s.context.trace_id == run.context.trace_id for s in spans)

    ok = by_name["execute_tool weather"]
    assert ok.parent is not None and ok.parent.span_id == run.context.span_id
    assert ok.attributes["gen_ai.operation.name"] == "execute_tool"
    assert ok.attributes["gen_ai.tool.name"] == "weather"
    assert ok.attributes["gen_ai.tool.call.id"] == "call_1"
    assert ok.attributes["gen_ai.tool.call.result"] == "sunny in Oslo"
    assert ok.status.status_code is StatusCode.UNSET
    failed = by_name["execute_tool broken"]
    assert failed.attributes["error.type"] == "RuntimeError"
    assert failed.status.status_code is StatusCode.ERROR


def test_a_streamed_tool_run_closed_early_still_ends_its_spans(
    telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    server.add_reply("a long answer " * 5)
    client = client_for("sync")

    with client.chat.completions.stream_tools(model=MODEL, messages=USER, tools=[weather]) as events:
        next(iter(events))

    names = sorted(s.name for s in telemetry.spans())
    assert names == [f"chat {MODEL}", f"tool_run {MODEL}"]
    chat = next(s for s in telemetry.spans() if s.name.startswith("chat"))
    assert chat.attributes["cerebras.stream.closed_early"] is True


def test_run_span_is_a_no_op_without_instrumentation(telemetry: Any, client_for: Any) -> None:
    client = client_for("sync")
    with run_span("bulk_run", owner=client) as run:
        assert not run.is_recording
        run.set_attribute("x", 1)
        client.chat.completions.create(model=MODEL, messages=USER)
    assert telemetry.spans() == []

    telemetry.instrument()
    with run_span("bulk_run", owner=client, attributes={"cerebras.bulk.size": 1}) as run:
        assert run.is_recording
        client.chat.completions.create(model=MODEL, messages=USER)
    child, parent = telemetry.spans()
    assert parent.name == "bulk_run"
    assert parent.attributes["cerebras.bulk.size"] == 1
    assert child.parent is not None and child.parent.span_id == parent.context.span_id


# ------------------------------------------------------------------ third-party patching


def patch_like_an_instrumentor(monkeypatch: pytest.MonkeyPatch, flavor: str) -> List[str]:
    """Wrap `create` and the stream's iteration on the classes, as third-party instrumentors do."""
    seen: List[str] = []
    cls: Any = CompletionsResource if flavor == "sync" else AsyncCompletionsResource
    original_create: Callable[..., Any] = cls.__dict__["create"]
    if flavor == "sync":
        original_iter = Stream.__iter__

        def create(self: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append("create")
            return original_create(self, *args, **kwargs)

        def wrapped_iter(self: Any) -> Iterator[Any]:
            for item in original_iter(self):
                seen.append("item")
                yield item

        monkeypatch.setattr(cls, "create", create)
        monkeypatch.setattr(Stream, "__iter__", wrapped_iter)
    else:
        original_aiter = AsyncStream.__aiter__

        async def acreate(self: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append("create")
            return await original_create(self, *args, **kwargs)

        async def wrapped_aiter(self: Any) -> Any:
            async for item in original_aiter(self):
                seen.append("item")
                yield item

        monkeypatch.setattr(cls, "create", acreate)
        monkeypatch.setattr(AsyncStream, "__aiter__", wrapped_aiter)
    return seen


@pytest.mark.parametrize("ours", [False, True])
async def test_third_party_patches_keep_working(
    flavor: str,
    ours: bool,
    telemetry: Any,
    client_for: Any,
    server: MockCerebrasServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if ours:
        telemetry.instrument()
    client = client_for(flavor)
    seen = patch_like_an_instrumentor(monkeypatch, flavor)

    reply = await resolve(client.chat.completions.create(model=MODEL, messages=USER))
    stream = await resolve(client.chat.completions.create(model=MODEL, messages=USER, stream=True))
    if isinstance(stream, AsyncStream):
        items = [item async for item in stream]
    else:
        items = list(stream)

    assert reply.choices[0].message.content == "You said: Weather?"
    assert seen == ["create", "create"] + ["item"] * len(items)
    assert len(items) > 2
    spans = telemetry.spans()
    if ours:
        assert [s.name for s in spans] == [f"chat {MODEL}"] * 2
        assert spans[1].attributes["gen_ai.response.finish_reasons"] == ("stop",)
    else:
        assert spans == []


async def test_a_bulk_run_has_a_parent_span_over_its_requests(
    flavor: str, telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    from cerebras.cloud.sdk.lib.bulk import aiter_results, iter_results

    telemetry.instrument()
    server.add_error(400, "bad temperature", code="wrong_api_format")
    requests = [
        {
            "custom_id": f"q-{i}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": MODEL, "messages": [{"role": "user", "content": f"question {i}"}]},
        }
        for i in range(3)
    ]
    client = client_for(flavor)
    if flavor == "sync":
        results = list(iter_results(client, requests, concurrency=2))
    else:
        results = [r async for r in aiter_results(client, requests, concurrency=2)]

    assert sorted(r.status for r in results) == ["failed", "succeeded", "succeeded"]
    spans = telemetry.spans()
    (run,) = [s for s in spans if s.name == "bulk_run"]
    assert run.kind is SpanKind.INTERNAL
    assert run.attributes["cerebras.run.type"] == "bulk_run"
    assert (run.attributes["cerebras.bulk.succeeded"], run.attributes["cerebras.bulk.failed"]) == (2, 1)
    assert run.attributes["cerebras.bulk.concurrency"] == 2
    calls = [s for s in spans if s.name == f"chat {MODEL}"]
    assert len(calls) == 3
    assert all(s.parent is not None and s.parent.span_id == run.context.span_id for s in calls)
    assert run.status.status_code is StatusCode.UNSET  # a failed request is data, not a failed run


def test_a_bulk_run_without_instrumentation_makes_no_span(telemetry: Any, client_for: Any) -> None:
    from cerebras.cloud.sdk.lib.bulk import iter_results

    request = {
        "custom_id": "q",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": MODEL, "messages": USER},
    }
    assert [r.status for r in iter_results(client_for("sync"), [request])] == ["succeeded"]
    assert telemetry.spans() == []

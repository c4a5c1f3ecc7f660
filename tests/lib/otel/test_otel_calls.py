"""One CLIENT span per API call, with the GenAI attributes and metrics, on the mock's in-process
transport: plain, async, streamed (read to the end, closed early, dropped), `parse`, raw responses,
text completions, models, files and batches, errors and retries."""

from __future__ import annotations

import gc
import inspect
import json
from typing import Any, List

import pytest
from opentelemetry.trace import SpanKind, StatusCode
from pydantic import BaseModel

from cerebras.cloud.sdk import APIConnectionError, AsyncStream, BadRequestError, Cerebras, Stream
from cerebras.cloud.sdk.testing import MockCerebrasServer

pytestmark = pytest.mark.anyio

MODEL = "llama3.1-8b"
USER = [{"role": "user", "content": "hello there"}]
TIME_INFO = {
    "queue_time": 0.25,
    "prompt_time": 0.5,
    "completion_time": 1.5,
    "total_time": 2.25,
    "created": 1.0,
}
USAGE = {"prompt_tokens": 7, "completion_tokens": 11, "total_tokens": 18}


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def drain(stream: Any) -> List[Any]:
    if isinstance(stream, AsyncStream):
        return [item async for item in stream]
    return list(stream)


async def test_a_chat_call_has_one_client_span_with_the_genai_attributes(
    flavor: str, telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    server.add_reply("Hi!", usage=USAGE, time_info=TIME_INFO)
    client = client_for(flavor)

    reply = await resolve(
        client.chat.completions.create(
            model=MODEL,
            messages=USER,
            temperature=0.5,
            top_p=0.9,
            max_completion_tokens=64,
            frequency_penalty=0.1,
            presence_penalty=0.2,
            seed=42,
            stop=["END"],
        )
    )

    span = telemetry.span()
    attrs = dict(span.attributes)
    assert span.name == f"chat {MODEL}"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert attrs["gen_ai.operation.name"] == "chat"
    assert attrs["gen_ai.provider.name"] == "cerebras"
    assert attrs["gen_ai.system"] == "cerebras"
    assert attrs["gen_ai.request.model"] == MODEL
    assert attrs["gen_ai.request.temperature"] == 0.5
    assert attrs["gen_ai.request.top_p"] == 0.9
    assert attrs["gen_ai.request.max_tokens"] == 64
    assert attrs["gen_ai.request.frequency_penalty"] == 0.1
    assert attrs["gen_ai.request.presence_penalty"] == 0.2
    assert attrs["gen_ai.request.seed"] == 42
    assert attrs["gen_ai.request.stop_sequences"] == ("END",)
    assert attrs["gen_ai.response.id"] == reply.id
    assert attrs["gen_ai.response.model"] == reply.model
    assert attrs["gen_ai.response.finish_reasons"] == ("stop",)
    assert attrs["gen_ai.usage.input_tokens"] == 7
    assert attrs["gen_ai.usage.output_tokens"] == 11
    assert attrs["server.address"] == "127.0.0.1"
    assert attrs["server.port"] == 4010
    assert attrs["http.response.status_code"] == 200
    for key, value in TIME_INFO.items():
        assert attrs[f"cerebras.time_info.{key}"] == value
    assert "gen_ai.input.messages" not in attrs  # content is opt-in
    assert "gen_ai.output.messages" not in attrs

    common = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "cerebras",
        "gen_ai.request.model": MODEL,
    }
    usage = telemetry.metric("gen_ai.client.token.usage")
    assert usage.unit == "{token}"
    assert telemetry.point("gen_ai.client.token.usage", **common, **{"gen_ai.token.type": "input"}).sum == 7
    assert telemetry.point("gen_ai.client.token.usage", **common, **{"gen_ai.token.type": "output"}).sum == 11
    duration = telemetry.point("gen_ai.client.operation.duration", **common, **{"server.port": 4010})
    assert duration.count == 1
    assert "error.type" not in duration.attributes
    assert duration.attributes["gen_ai.response.model"] == reply.model
    assert list(duration.explicit_bounds)[:3] == [0.01, 0.02, 0.04]
    assert telemetry.metric("gen_ai.client.operation.duration").unit == "s"
    assert list(
        telemetry.point("gen_ai.client.token.usage", **{"gen_ai.token.type": "input"}).explicit_bounds
    )[:3] == [1, 4, 16]


async def test_a_stream_span_ends_when_the_stream_is_read_to_its_end(
    flavor: str, telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    server.add_reply("one two three", usage=USAGE, time_info=TIME_INFO)
    client = client_for(flavor)

    stream = await resolve(client.chat.completions.create(model=MODEL, messages=USER, stream=True))
    assert telemetry.spans() == []  # the headers arrived; the call is not over
    items = await drain(stream)

    span = telemetry.span()
    attrs = dict(span.attributes)
    assert span.name == f"chat {MODEL}"
    assert attrs["gen_ai.response.id"] == items[0].id
    assert attrs["gen_ai.response.finish_reasons"] == ("stop",)
    assert attrs["gen_ai.usage.input_tokens"] == 7
    assert attrs["gen_ai.usage.output_tokens"] == 11
    assert attrs["cerebras.time_info.total_time"] == 2.25
    assert attrs["cerebras.time_to_first_token"] > 0
    assert "cerebras.stream.closed_early" not in attrs
    first = telemetry.point("gen_ai.client.operation.time_to_first_chunk", **{"gen_ai.request.model": MODEL})
    assert first.count == 1
    assert first.sum == pytest.approx(attrs["cerebras.time_to_first_token"])
    assert telemetry.point("gen_ai.client.token.usage", **{"gen_ai.token.type": "output"}).sum == 11


async def test_a_stream_closed_early_ends_its_span_when_closed(
    flavor: str, telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    server.add_reply("a b c d e f g h")
    client = client_for(flavor)

    stream = await resolve(client.chat.completions.create(model=MODEL, messages=USER, stream=True))
    if isinstance(stream, AsyncStream):
        async for _ in stream:
            break
        assert telemetry.spans() == []  # breaking out keeps the stream open
        await stream.close()
    else:
        for _ in stream:
            break
        assert telemetry.spans() == []
        stream.close()

    span = telemetry.span()
    assert span.attributes["cerebras.stream.closed_early"] is True
    assert span.status.status_code is StatusCode.UNSET
    assert "gen_ai.client.operation.duration" in [m for m in _metric_names(telemetry)]


def _metric_names(telemetry: Any) -> List[str]:
    data = telemetry.reader.get_metrics_data()
    return [m.name for r in data.resource_metrics for s in r.scope_metrics for m in s.metrics]


def test_a_stream_used_as_a_context_manager_or_dropped_ends_its_span(
    telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    client = client_for("sync")

    with client.chat.completions.create(model=MODEL, messages=USER, stream=True) as stream:
        next(iter(stream))
    assert len(telemetry.spans()) == 1

    stream = client.chat.completions.create(model=MODEL, messages=USER, stream=True)
    assert isinstance(stream, Stream)
    del stream
    gc.collect()
    spans = telemetry.spans()
    assert len(spans) == 2
    assert all(s.attributes["cerebras.stream.closed_early"] is True for s in spans)


class City(BaseModel):
    name: str
    population: int


def test_parse_has_one_span_with_the_response_attributes(
    telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    server.add_reply(json.dumps({"name": "Oslo", "population": 700000}), usage=USAGE)
    client = client_for("sync")

    parsed = client.chat.completions.parse(model=MODEL, messages=USER, response_format=City)

    assert parsed.choices[0].message.parsed == City(name="Oslo", population=700000)
    attrs = dict(telemetry.span().attributes)
    assert attrs["gen_ai.output.type"] == "json"
    assert attrs["gen_ai.response.id"] == parsed.id
    assert attrs["gen_ai.usage.output_tokens"] == 11


async def test_raw_responses_get_exactly_one_span(
    flavor: str, telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    server.add_reply("raw", usage=USAGE, times=None)
    client = client_for(flavor)

    raw = await resolve(client.chat.completions.with_raw_response.create(model=MODEL, messages=USER))
    assert len(telemetry.spans()) == 1  # the body was read: the call is over
    completion = await resolve(raw.parse())
    spans = telemetry.spans()
    assert len(spans) == 1
    assert spans[0].attributes["gen_ai.response.id"] == completion.id
    assert spans[0].attributes["gen_ai.usage.input_tokens"] == 7

    manager = client.chat.completions.with_streaming_response.create(model=MODEL, messages=USER)
    if hasattr(manager, "__aenter__"):
        async with manager as response:
            assert len(telemetry.spans()) == 1
            await response.parse()
    else:
        with manager as response:
            assert len(telemetry.spans()) == 1
            response.parse()
    spans = telemetry.spans()
    assert len(spans) == 2
    assert spans[1].attributes["gen_ai.usage.output_tokens"] == 11

    raw = await resolve(
        client.chat.completions.with_raw_response.create(model=MODEL, messages=USER, stream=True)
    )
    assert len(telemetry.spans()) == 2
    await drain(await resolve(raw.parse()))
    assert len(telemetry.spans()) == 3


def test_text_completions_models_files_and_batches_are_named_by_operation(
    telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    client = client_for("sync")

    client.completions.create(model=MODEL, prompt="Once upon a time", max_tokens=5)
    client.models.list()
    client.models.retrieve(MODEL)
    line = {
        "custom_id": "r1",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": MODEL, "messages": USER},
    }
    uploaded = client.files.create(file=("in.jsonl", json.dumps(line).encode() + b"\n"), purpose="batch")
    client.files.list()
    client.files.retrieve(uploaded.id)
    batch = client.batches.create(
        input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    client.batches.retrieve(batch.id)
    client.batches.list()
    with client.files.content_lines(uploaded.id) as lines:
        assert len(list(lines)) == 1
    assert len(telemetry.spans()) == 10  # ended with the lines, not when they are collected
    client.batches.cancel(batch.id)
    client.files.delete(uploaded.id)

    names = [s.name for s in telemetry.spans()]
    assert names == [
        f"text_completion {MODEL}",
        "models.list",
        "models.retrieve",
        "files.create",
        "files.list",
        "files.retrieve",
        "batches.create",
        "batches.retrieve",
        "batches.list",
        "files.content",
        "batches.cancel",
        "files.delete",
    ]
    text = telemetry.spans()[0]
    assert text.attributes["gen_ai.operation.name"] == "text_completion"
    assert text.attributes["gen_ai.request.max_tokens"] == 5
    assert text.attributes["gen_ai.usage.output_tokens"] > 0
    assert all(s.kind is SpanKind.CLIENT for s in telemetry.spans())
    # Only the GenAI operations record the GenAI metrics.
    operations = {
        p.attributes["gen_ai.operation.name"] for p in telemetry.points("gen_ai.client.operation.duration")
    }
    assert operations == {"text_completion"}


async def test_an_api_error_sets_error_type_and_the_error_status(
    flavor: str, telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    server.add_error(400, "model is required")
    client = client_for(flavor)

    with pytest.raises(BadRequestError):
        await resolve(client.chat.completions.create(model=MODEL, messages=USER))

    span = telemetry.span()
    assert span.attributes["error.type"] == "400"
    assert span.status.status_code is StatusCode.ERROR
    assert "model is required" in (span.status.description or "")
    assert telemetry.point("gen_ai.client.operation.duration").attributes["error.type"] == "400"


def test_a_connection_error_is_named_by_its_class(telemetry: Any, server: MockCerebrasServer) -> None:
    telemetry.instrument()
    client = Cerebras(api_key="k", base_url="http://127.0.0.1:9", max_retries=0, warm_tcp_connection=False)

    with pytest.raises(APIConnectionError):
        client.models.list()
    client.close()

    span = telemetry.span()
    assert span.attributes["error.type"] == "APIConnectionError"
    assert span.status.status_code is StatusCode.ERROR


async def test_retries_are_span_events_with_attempt_and_delay(
    flavor: str, telemetry: Any, client_for: Any, server: MockCerebrasServer
) -> None:
    telemetry.instrument()
    server.add_error(429, times=2, headers={"retry-after-ms": "5"})
    client = client_for(flavor, max_retries=2)

    await resolve(client.chat.completions.create(model=MODEL, messages=USER))

    span = telemetry.span()
    retries = [e for e in span.events if e.name == "retry"]
    assert [e.attributes["retry.attempt"] for e in retries] == [1, 2]
    assert [e.attributes["retry.delay"] for e in retries] == [0.005, 0.005]
    assert [e.attributes["http.response.status_code"] for e in retries] == [429, 429]
    assert span.attributes["cerebras.retry_count"] == 2
    assert span.status.status_code is StatusCode.UNSET


def test_message_content_is_recorded_only_when_asked(
    telemetry: Any, client_for: Any, server: MockCerebrasServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for("sync")
    telemetry.instrument()
    client.chat.completions.create(model=MODEL, messages=USER)
    assert not any(
        k.startswith(("gen_ai.input", "gen_ai.output.messages")) for k in telemetry.span().attributes
    )
    telemetry.exporter.clear()

    telemetry.instrument(capture_content=True)
    reply = client.chat.completions.create(model=MODEL, messages=USER)
    attrs = telemetry.span().attributes
    assert json.loads(attrs["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "hello there"}]}
    ]
    output = json.loads(attrs["gen_ai.output.messages"])
    assert output[0]["parts"][0]["content"] == reply.choices[0].message.content
    assert output[0]["finish_reason"] == "stop"
    telemetry.exporter.clear()

    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    telemetry.instrument()
    for _ in client.chat.completions.create(model=MODEL, messages=USER, stream=True):
        pass
    streamed = json.loads(telemetry.span().attributes["gen_ai.output.messages"])
    assert streamed[0]["parts"][0]["content"] == "You said: hello there"


def test_the_api_key_is_never_recorded(telemetry: Any, client_for: Any, server: MockCerebrasServer) -> None:
    telemetry.instrument(capture_content=True)
    client = client_for("sync")
    client.chat.completions.create(model=MODEL, messages=USER)
    for _ in client.chat.completions.create(model=MODEL, messages=USER, stream=True):
        pass

    span = telemetry.spans()
    text = repr([dict(s.attributes) for s in span]) + repr([e.attributes for s in span for e in s.events])
    assert "csk-otel-secret" not in text
    assert "Bearer" not in text

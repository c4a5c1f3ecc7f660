"""The core's observer hook (`_observe`), without OpenTelemetry: what a watcher hears, in order,
for each kind of call; a failing watcher does not break the call; registering and unregistering."""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import httpx
import pytest

from cerebras.cloud.sdk import Cerebras, NotFoundError
from cerebras.cloud.sdk._observe import observers_of, register, unregister
from cerebras.cloud.sdk.testing import MockCerebrasServer

MODEL = "llama3.1-8b"
USER = [{"role": "user", "content": "hi"}]


class Recorder:
    def __init__(self) -> None:
        self.events: List[Tuple[Any, ...]] = []

    def start_call(self, config: Any, options: Any, stream: bool) -> Recorder:
        self.events.append(("start", options.method, options.url, stream, options.json_body() is not None))
        return self

    def retry(
        self, attempt: int, delay: float, status_code: Optional[int], error: Optional[BaseException]
    ) -> None:
        self.events.append(("retry", attempt, status_code))

    def response(self, response: httpx.Response) -> None:
        self.events.append(("response", response.status_code))

    def result(self, value: object) -> None:
        self.events.append(("result", type(value).__name__))

    def chunk(self, item: object) -> None:
        self.events.append(("chunk",))

    def end(self, closed_early: bool) -> None:
        self.events.append(("end", closed_early))

    def error(self, error: BaseException) -> None:
        self.events.append(("error", type(error).__name__))


@pytest.fixture
def server() -> MockCerebrasServer:
    return MockCerebrasServer()


def make(server: MockCerebrasServer, **options: Any) -> Cerebras:
    return Cerebras(
        api_key="k",
        http_client=httpx.Client(transport=server.transport()),
        warm_tcp_connection=False,
        **options,
    )


def test_a_watcher_hears_each_kind_of_call_in_order(server: MockCerebrasServer) -> None:
    recorder = Recorder()
    client = make(server, observers=[recorder], max_retries=1)
    server.add_error(503, headers={"retry-after-ms": "1"})

    client.chat.completions.create(model=MODEL, messages=USER)
    assert recorder.events == [
        ("start", "post", "/v1/chat/completions", False, True),
        ("retry", 1, 503),
        ("response", 200),
        ("result", "ChatCompletionResponse"),
    ]

    recorder.events.clear()
    chunks = list(client.chat.completions.create(model=MODEL, messages=USER, stream=True))
    assert recorder.events[:2] == [("start", "post", "/v1/chat/completions", True, True), ("response", 200)]
    assert recorder.events[2:] == [("chunk",)] * len(chunks) + [("end", False)]

    recorder.events.clear()
    stream = client.chat.completions.create(model=MODEL, messages=USER, stream=True)
    next(iter(stream))
    stream.close()
    stream.close()
    assert recorder.events[-2:] == [("chunk",), ("end", True)]  # once, however often closed

    recorder.events.clear()
    client.with_raw_response.models.list()
    assert recorder.events == [
        ("start", "get", "/v1/models", False, False),
        ("response", 200),
        ("end", False),
    ]

    recorder.events.clear()
    server.add_error(404)
    with pytest.raises(NotFoundError):
        client.models.retrieve("nope")
    assert recorder.events[-1] == ("error", "NotFoundError")


def test_a_failing_watcher_is_dropped_and_the_call_goes_on(
    server: MockCerebrasServer, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Recorder):
        def response(self, response: httpx.Response) -> None:
            raise RuntimeError("boom")

    broken, healthy = Broken(), Recorder()
    client = make(server, observers=[broken, healthy])
    reply = client.chat.completions.create(model=MODEL, messages=USER)

    assert reply.choices[0].message.content == "You said: hi"
    assert [e[0] for e in broken.events] == ["start"]
    assert [e[0] for e in healthy.events] == ["start", "response", "result"]
    assert "failed in response()" in caplog.text


def test_registered_observers_watch_every_client_until_unregistered(server: MockCerebrasServer) -> None:
    recorder = Recorder()
    client = make(server)
    register(recorder)
    register(recorder)  # once
    try:
        assert observers_of(client) == (recorder,)
        assert observers_of(client.chat.completions) == (recorder,)
        client.models.list()
        assert [e[0] for e in recorder.events] == ["start", "response", "result"]
    finally:
        unregister(recorder)
    assert observers_of(client) == ()
    client.models.list()
    assert len(recorder.events) == 3


def test_copies_keep_the_client_observers_unless_replaced(server: MockCerebrasServer) -> None:
    recorder = Recorder()
    client = make(server, observers=[recorder])
    assert client.with_options(timeout=5)._config.observers == (recorder,)
    assert client.copy(observers=[])._config.observers == ()
    other = Recorder()
    assert client.copy(observers=[other])._config.observers == (other,)

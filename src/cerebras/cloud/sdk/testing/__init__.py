"""A local mock of the Cerebras inference API, for tests, examples and benchmarks.

:class:`MockCerebrasServer` serves the API's routes on ``127.0.0.1`` (a free port by default),
answers with deterministic echo replies, records every request, and can be scripted with replies
and faults. With pytest, enable the ``cerebras_mock`` fixture and script a flaky API::

    pytest_plugins = ["cerebras.cloud.sdk.testing.pytest_plugin"]

    def test_retries_rate_limits(cerebras_mock):
        cerebras_mock.add_error(429, times=2, headers={"retry-after-ms": "1"})
        client = Cerebras(base_url=cerebras_mock.base_url, api_key="test", max_retries=2)
        chat = client.chat.completions.create(model="llama3.1-8b", messages=[{"role": "user", "content": "hi"}])
        assert chat.choices[0].message.content == "You said: hi"
        assert len(cerebras_mock.requests_to("chat")) == 3  # two 429s, then the success

Without a socket, the same server answers in-process through an httpx transport (started or not)::

    server = MockCerebrasServer()
    client = Cerebras(api_key="test", http_client=httpx.Client(transport=server.transport()))

The Files and Batch APIs are kept in memory, and batches move on a clock the test controls::

    server = MockCerebrasServer(time_scale=0)  # the mock clock stands still unless advanced
    ...  # upload a JSONL file to /v1/files, POST /v1/batches
    server.clock.advance(1)  # validating -> in_progress -> finalizing -> completed

Rate limits as the API applies them (requests and tokens per minute, hour and day, token buckets
per API key, 429 over quota) run on the same clock; ``time_scale=60`` makes a mock minute last a
second, ``time_scale=0`` with ``clock.advance()`` makes a test deterministic::

    server = MockCerebrasServer(time_scale=0, rate_limits=RateLimits(rpm=2, tpm=10_000))
    ...  # two chat requests pass, the third gets a 429 with code "requests_per_minute"
    server.clock.advance(30)  # one request is back
    server.rate_limit_state("test")  # {"requests_per_minute": 1.0, "tokens_per_minute": ...}

From a shell: ``python -m cerebras.cloud.sdk.testing --port 8080`` prints the base URL and serves
until interrupted.

This package needs only the standard library, h11 and httpx (msgpack, when installed, to read
msgpack request bodies), and never imports the rest of the SDK.
"""

from ._admission import RateLimits
from ._batch_input import BatchRules
from ._clock import BatchTiming, MockClock
from ._payloads import DEFAULT_MODELS
from ._recording import JSONArray, JSONObject, RecordedHeaders, RecordedRequest
from ._schema import example_from_schema
from ._script import ScriptedResponse
from ._server import MockCerebrasServer
from ._transport import AsyncMockTransport, MockTransport

__all__ = [
    "DEFAULT_MODELS",
    "AsyncMockTransport",
    "BatchRules",
    "BatchTiming",
    "JSONArray",
    "JSONObject",
    "MockCerebrasServer",
    "MockClock",
    "MockTransport",
    "RateLimits",
    "RecordedHeaders",
    "RecordedRequest",
    "ScriptedResponse",
    "example_from_schema",
]

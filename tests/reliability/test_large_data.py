"""Large data: a 50 MB streamed response consumed in bounded memory, and 10 MB request bodies and
responses that arrive intact."""

from __future__ import annotations

import gc
import hashlib
import random
import time
import tracemalloc
from typing import Any, Dict, Iterator, Tuple

import anyio
import pytest

from cerebras.cloud.sdk.testing import MockCerebrasServer

from ._support import MODEL, assert_nothing_checked_out, async_client, deadline, sync_client, user

HUGE = 50_000_000
# The whole stream is 50 MB; reading it must never hold more than a few chunks at a time. The
# bound leaves room for the httpx read buffer, the SSE decoder's partial line and the mock
# server's own buffers (it runs in this process and is traced too): 1/12 of the data.
PEAK_LIMIT = 4 * 1024 * 1024


class traced:
    """tracemalloc around a block: `peak` is the highest traced memory above the starting point."""

    def __enter__(self) -> traced:
        gc.collect()
        tracemalloc.start()
        self._base = tracemalloc.get_traced_memory()[0]
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.monotonic() - self.started
        self.peak = tracemalloc.get_traced_memory()[1] - self._base
        tracemalloc.stop()


def _read_raw(client: Any, size: int) -> Tuple[int, int]:
    """Stream about `size` bytes through `with_streaming_response` + `iter_bytes()`."""
    received = pieces = 0
    with client.chat.completions.with_streaming_response.create(
        model=MODEL, messages=user("big"), stream=True
    ) as response:
        for piece in response.iter_bytes():
            received += len(piece)
            pieces += 1
    return received, pieces


def test_50mb_stream_raw_bytes_bounded_memory(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    client = sync_client(cerebras_mock)
    with deadline(60, "50 MB raw stream"):
        # A small one first, so that lazy imports and first-use caches are not counted as the peak.
        cerebras_mock.add_huge_stream(200_000)
        _read_raw(client, 200_000)
        cerebras_mock.add_huge_stream(HUGE)
        with traced() as trace:
            received, pieces = _read_raw(client, HUGE)
    assert received >= HUGE - 64 * 1024, received  # ~50 MB arrived
    assert trace.peak < PEAK_LIMIT, trace.peak
    assert_nothing_checked_out(client)
    client.close()
    figures(
        received_MB=received / 1e6,
        reads=pieces,
        peak_traced_MB=trace.peak / 2**20,
        MB_per_s=received / 1e6 / trace.elapsed,
    )


def _read_chunks(client: Any) -> Tuple[int, int, Any]:
    characters = chunks = 0
    usage: Any = None
    with client.chat.completions.create(model=MODEL, messages=user("big"), stream=True) as stream:
        for chunk in stream:
            chunks += 1
            characters += len(chunk.choices[0].delta.content or "")
            usage = chunk.usage or usage
    return chunks, characters, usage


def test_50mb_stream_parsed_chunks_bounded_memory(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    client = sync_client(cerebras_mock)
    with deadline(90, "50 MB parsed stream"):
        cerebras_mock.add_huge_stream(200_000)
        _read_chunks(client)
        cerebras_mock.add_huge_stream(HUGE)
        with traced() as trace:
            chunks, characters, usage = _read_chunks(client)
    assert characters > HUGE * 0.9
    assert usage is not None and usage.completion_tokens == chunks - 2  # every chunk arrived
    assert trace.peak < PEAK_LIMIT, trace.peak
    assert_nothing_checked_out(client)
    client.close()
    figures(
        chunks=chunks, content_MB=characters / 1e6, peak_traced_MB=trace.peak / 2**20, elapsed_s=trace.elapsed
    )


async def _aread_chunks(client: Any) -> Tuple[int, int]:
    chunks = characters = 0
    stream = await client.chat.completions.create(model=MODEL, messages=user("big"), stream=True)
    async with stream:
        async for chunk in stream:
            chunks += 1
            characters += len(chunk.choices[0].delta.content or "")
    return chunks, characters


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_50mb_stream_async_bounded_memory(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    client = async_client(cerebras_mock)
    with anyio.fail_after(90):
        cerebras_mock.add_huge_stream(200_000)
        await _aread_chunks(client)
        cerebras_mock.add_huge_stream(HUGE)
        with traced() as trace:
            chunks, characters = await _aread_chunks(client)
    assert characters > HUGE * 0.9
    assert trace.peak < PEAK_LIMIT, trace.peak
    assert_nothing_checked_out(client)
    await client.close()
    figures(chunks=chunks, peak_traced_MB=trace.peak / 2**20, elapsed_s=trace.elapsed)


def _big_text(size: int, seed: int = 7) -> str:
    """About `size` bytes of UTF-8 text mixing ASCII, accents, CJK, emoji, quotes, backslashes and
    control characters (so JSON escaping and UTF-8 encoding both matter), with numbered blocks so
    that any lost, repeated or reordered part changes the hash."""
    alphabet = 'abcdefghij KLMNOP 0123456789 \u00e9\u00fc\u00df \u4e2d\u6587 \U0001f600 "\\ \n\t\r\x00 \u2028'
    rng = random.Random(seed)
    block = "".join(rng.choice(alphabet) for _ in range(4096))
    count = size // len(block.encode("utf-8")) + 1
    return "".join(f"[{i}]{block}" for i in range(count))


def _sent(size: int) -> Tuple[str, str]:
    text = _big_text(size)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_10mb_request_body_arrives_intact(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    text, text_hash = _sent(10_000_000)
    client = sync_client(cerebras_mock, timeout=60.0)
    with deadline(60, "10 MB request body"):
        started = time.monotonic()
        raw = client.chat.completions.with_raw_response.create(model=MODEL, messages=user(text))
        elapsed = time.monotonic() - started
    completion = raw.parse()
    (recorded,) = cerebras_mock.requests_to("chat")
    sent_body = raw.http_request.content
    assert len(recorded.body) >= 10_000_000
    assert int(recorded.headers["content-length"]) == len(recorded.body) == len(sent_body)
    assert hashlib.sha256(recorded.body).digest() == hashlib.sha256(sent_body).digest()  # byte for byte
    received_text = recorded.json["messages"][0]["content"]
    assert hashlib.sha256(received_text.encode("utf-8")).hexdigest() == text_hash  # and as JSON
    # The echo carries it all the way back in a ~10 MB response.
    assert completion.choices[0].message.content == "You said: " + text
    assert_nothing_checked_out(client)
    client.close()
    figures(body_MB=len(recorded.body) / 1e6, sha256=text_hash[:16], round_trip_s=elapsed)


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_10mb_request_body_arrives_intact_async(cerebras_mock: MockCerebrasServer) -> None:
    text, text_hash = _sent(10_000_000)
    client = async_client(cerebras_mock, timeout=60.0)
    with anyio.fail_after(60):
        completion = await client.completions.create(model=MODEL, prompt=text)
    (recorded,) = cerebras_mock.requests_to("completions")
    assert int(recorded.headers["content-length"]) == len(recorded.body) >= 10_000_000
    assert hashlib.sha256(recorded.json["prompt"].encode("utf-8")).hexdigest() == text_hash
    assert completion.choices[0].text is not None
    await client.close()


def _many_messages(total: int) -> Iterator[Dict[str, str]]:
    for i in range(total):
        yield {"role": "user" if i % 2 == 0 else "assistant", "content": f"message {i} " + "y" * 1000}


def test_10mb_of_messages_and_a_10mb_reply(cerebras_mock: MockCerebrasServer, figures: Any) -> None:
    """10,000 messages of 1 KB (a generator, walked once even though the first attempt is retried),
    and a 10 MB JSON reply parsed in one piece."""
    client = sync_client(cerebras_mock, max_retries=1, timeout=60.0)
    cerebras_mock.add_error(503, headers={"retry-after-ms": "10"})
    cerebras_mock.add_reply("z" * 10_000_000, stream=False)
    with deadline(60, "10 MB of messages"):
        completion = client.chat.completions.create(model=MODEL, messages=_many_messages(10_000))
    first, second = cerebras_mock.requests_to("chat")
    assert first.body == second.body  # the retry sent exactly the same bytes
    assert len(second.json["messages"]) == 10_000
    assert second.json["messages"][-1]["content"].startswith("message 9999 ")
    assert len(completion.choices[0].message.content or "") == 10_000_000
    client.close()
    figures(body_MB=len(first.body) / 1e6, reply_MB=10.0)

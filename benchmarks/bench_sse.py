"""Micro-benchmark for the SSE decoder (run by hand: ``python benchmarks/bench_sse.py``).

The floor is the least work any SSE reader must do: split each chunk on ``\\n`` and decode the
lines. The decoder is compared with it, with and without parsing each chunk's JSON, and with
``httpx.Response.iter_lines()`` as a familiar reference point.
"""

from __future__ import annotations

import json
import timeit
from typing import Callable, List

import httpx

from cerebras.cloud.sdk._sse import SSEDecoder

_PAYLOAD = json.dumps(
    {
        "id": "chatcmpl-0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
        "object": "chat.completion.chunk",
        "created": 1733000200,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_3f2a1b",
        "choices": [{"index": 0, "delta": {"content": " answers, quickly and well."}}],
    },
    separators=(",", ":"),
)


def _make_chunks(n: int, events_per_chunk: int) -> List[bytes]:
    event = b"data: " + _PAYLOAD.encode() + b"\n\n"
    return [event * events_per_chunk for _ in range(n)]


def floor(chunks: List[bytes]) -> int:
    count = 0
    for chunk in chunks:
        for line in chunk.split(b"\n"):
            if line:
                line.decode()
                count += 1
    return count


def floor_json(chunks: List[bytes]) -> int:
    count = 0
    for chunk in chunks:
        for line in chunk.split(b"\n"):
            if line.startswith(b"data: "):
                json.loads(line.decode()[6:])
                count += 1
    return count


def decoder(chunks: List[bytes]) -> int:
    count = 0
    dec = SSEDecoder()
    for chunk in chunks:
        count += len(dec.feed(chunk))
    dec.close()
    return count


def decoder_json(chunks: List[bytes]) -> int:
    count = 0
    dec = SSEDecoder()
    for chunk in chunks:
        for event in dec.feed(chunk):
            event.json()
            count += 1
    dec.close()
    return count


def httpx_iter_lines_json(chunks: List[bytes]) -> int:
    count = 0
    response = httpx.Response(200, content=iter(chunks))
    for line in response.iter_lines():
        if line.startswith("data: "):
            json.loads(line[6:])
            count += 1
    return count


def _best(fn: Callable[[List[bytes]], int], chunks: List[bytes], number: int = 20) -> float:
    return min(timeit.repeat(lambda: fn(chunks), number=number, repeat=7)) / number


def main() -> None:
    for per_chunk, label in ((1, "1 event per chunk"), (4, "4 events per chunk")):
        chunks = _make_chunks(2000 // per_chunk, per_chunk)
        n_events = decoder(chunks)
        assert n_events == 2000 and floor_json(chunks) == 2000 == httpx_iter_lines_json(chunks)
        t_floor = _best(floor, chunks)
        t_dec = _best(decoder, chunks)
        t_floor_json = _best(floor_json, chunks)
        t_dec_json = _best(decoder_json, chunks)
        t_httpx_json = _best(httpx_iter_lines_json, chunks)
        us = 1e6 / n_events
        print(f"{label} ({len(chunks[0])} bytes/chunk), per event:")
        print(f"  floor (split + decode)         {t_floor * us:6.2f} us")
        print(f"  SSEDecoder                     {t_dec * us:6.2f} us   ratio {t_dec / t_floor:.2f}")
        print(f"  floor + json.loads             {t_floor_json * us:6.2f} us")
        print(
            f"  SSEDecoder + .json()           {t_dec_json * us:6.2f} us   ratio {t_dec_json / t_floor_json:.2f}"
        )
        print(
            f"  httpx iter_lines + json.loads  {t_httpx_json * us:6.2f} us"
            f"   (decoder+json / this: {t_dec_json / t_httpx_json:.2f})"
        )


if __name__ == "__main__":
    main()

"""Bytes on the wire and client CPU for each `request_encoding`, against plain JSON.

Usage::

    python benchmarks/bench_encodings.py [--rounds N] [--json PATH]

For chat requests whose prompt is about 1k, 10k and 50k tokens (plus 100 token-id prompts for
`/v1/completions`), it builds the request through the SDK's own pipeline (`build_request`, fresh
options each time so nothing is cached) and reports the body size and the CPU per request, median
of `--rounds` rounds. The prompt is text drawn from a fixed vocabulary with a Zipf-like frequency,
so it compresses like prose (a repeated sentence would compress far better than any real prompt).

"Pays off" compares the CPU an encoding adds with the upload time it saves at a given uplink
speed: an encoding pays off when `bytes saved / bandwidth > extra CPU`.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from typing import Any, Dict, List, Optional, Tuple

import httpx

from cerebras.cloud.sdk._config import ClientConfig
from cerebras.cloud.sdk._pipeline import FinalRequestOptions, build_request

ENCODINGS: List[Optional[str]] = [None, "gzip", "msgpack", "msgpack+gzip"]
UPLINKS_MBIT = (10.0, 100.0, 1000.0)
CHARS_PER_TOKEN = 4.0  # English prose averages about four characters per token


def _vocabulary(rng: random.Random, size: int = 3000) -> List[str]:
    letters = "etaoinshrdlcumwfgypbvkjxqz"
    weights = [
        12.7,
        9.1,
        8.2,
        7.5,
        7.0,
        6.7,
        6.3,
        6.1,
        6.0,
        4.3,
        4.0,
        2.8,
        2.8,
        2.4,
        2.4,
        2.2,
        2.0,
        2.0,
        1.9,
        1.5,
        1.0,
        0.8,
        0.2,
        0.2,
        0.1,
        0.1,
    ]
    words = set()
    while len(words) < size:
        length = max(1, int(rng.gauss(5, 2.5)))
        words.add("".join(rng.choices(letters, weights, k=length)))
    return sorted(words)


def prose(tokens: int, seed: int = 7) -> str:
    """About `tokens` tokens of word salad with a prose-like word frequency and punctuation."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    ranks = [1.0 / (i + 1) for i in range(len(vocab))]
    out: List[str] = []
    size = 0
    target = int(tokens * CHARS_PER_TOKEN)
    while size < target:
        sentence = rng.choices(vocab, ranks, k=rng.randint(6, 20))
        text = " ".join(sentence).capitalize() + rng.choice([".", ".", ".", "?", "!", ","]) + " "
        out.append(text)
        size += len(text)
    return "".join(out)


def _config(encoding: Optional[str]) -> ClientConfig:
    return ClientConfig(
        api_key="bench",
        base_url=httpx.URL("http://127.0.0.1:1/"),
        timeout=60.0,
        max_retries=0,
        custom_headers={},
        default_query={},
        strict=False,
        http_client=httpx.Client(),
        client_name="Cerebras",
        request_encoding=encoding,  # type: ignore[arg-type]
    )


def cases() -> List[Tuple[str, str, Dict[str, Any]]]:
    chat = []
    for tokens in (1_000, 10_000, 50_000):
        body = {
            "model": "llama3.1-8b",
            "messages": [
                {"role": "system", "content": "You are a careful assistant."},
                {"role": "user", "content": prose(tokens)},
            ],
            "max_completion_tokens": 256,
            "temperature": 0.2,
        }
        chat.append((f"chat, {tokens // 1000}k-token prompt", "/v1/chat/completions", body))
    rng = random.Random(3)
    ids = {
        "model": "llama3.1-8b",
        "prompt": [[rng.randrange(128_000) for _ in range(1000)] for _ in range(100)],
    }
    chat.append(("completions, 100 x 1k token ids", "/v1/completions", ids))
    return chat


def measure(path: str, body: Dict[str, Any], encoding: Optional[str], rounds: int) -> Tuple[int, float]:
    config = _config(encoding)
    size = len(build_request(config, FinalRequestOptions(method="post", url=path, json_data=body)).content)
    # Enough requests per round for ~50 ms of work, so the timer's resolution does not matter.
    probe = time.process_time()
    build_request(config, FinalRequestOptions(method="post", url=path, json_data=body))
    once = max(time.process_time() - probe, 1e-5)
    per_round = max(3, int(0.05 / once))
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(per_round):
            build_request(config, FinalRequestOptions(method="post", url=path, json_data=body))
        samples.append((time.process_time() - start) / per_round)
    return size, statistics.median(samples)


def break_even(saved_bytes: int, extra_cpu: float) -> List[str]:
    out = []
    for mbit in UPLINKS_MBIT:
        upload_saved = saved_bytes * 8 / (mbit * 1e6)
        out.append("yes" if upload_saved > extra_cpu else "no")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()

    results: List[Dict[str, Any]] = []
    header = "| request | encoding | body bytes | vs JSON | CPU/request | vs JSON | pays off at 10 / 100 / 1000 Mbit/s |"
    print(header)
    print("|---|---|---:|---:|---:|---:|---|")
    for label, path, body in cases():
        base_size, base_cpu = measure(path, body, None, args.rounds)
        for encoding in ENCODINGS:
            size, cpu = (
                (base_size, base_cpu) if encoding is None else measure(path, body, encoding, args.rounds)
            )
            verdict = "—" if encoding is None else " / ".join(break_even(base_size - size, cpu - base_cpu))
            print(
                f"| {label} | {encoding or 'json'} | {size:,} | {size / base_size:.0%} | "
                f"{cpu * 1e3:.3f} ms | {cpu / base_cpu:.2f}x | {verdict} |"
            )
            results.append(
                {
                    "request": label,
                    "encoding": encoding or "json",
                    "bytes": size,
                    "cpu_s": cpu,
                    "json_bytes": base_size,
                    "json_cpu_s": base_cpu,
                }
            )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()

"""CPU per streamed chunk spent decoding SSE and parsing chunks, from in-memory bytes.

No network: the body is fed from memory, so the figure is the SDK's own work per chunk (SSE
decoding, JSON parsing, building the chunk objects) plus httpx's thin byte iteration. The floor is
the honest one of `run.py` (see README "Floors"): httpx `iter_bytes()` split on `\\n`, `json.loads`
per decoded data line, on the same bytes.

    python benchmarks/bench_stream_parse.py                      # this interpreter's SDK
    python benchmarks/bench_stream_parse.py --official PYTHON    # also another interpreter's SDK

Only public names are used (`Cerebras`, `Stream`, the `ChatCompletion` type), so the same code
runs against any package that provides them, e.g. the official one in a scratch venv.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time

CHUNK = {
    "id": "chatcmpl-a1",
    "object": "chat.completion.chunk",
    "created": 1733000200,
    "model": "llama3.1-8b",
    "system_fingerprint": "fp_3f2a1b",
    "choices": [{"index": 0, "delta": {"content": " answers."}}],
}
CHUNKS = 2000
ROUNDS = 7
REPEAT = 5


def measure() -> dict[str, float]:
    import httpx

    from cerebras.cloud.sdk import Cerebras, Stream
    from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletion

    body = [b"data: " + json.dumps(CHUNK).encode() + b"\n\n"] * CHUNKS + [b"data: [DONE]\n\n"]
    client = Cerebras(api_key="k", base_url="http://127.0.0.1:1", warm_tcp_connection=False)

    def response() -> httpx.Response:
        return httpx.Response(200, content=iter(body), request=httpx.Request("POST", "http://127.0.0.1:1"))

    def sdk() -> None:
        for _ in Stream(cast_to=ChatCompletion, response=response(), client=client):
            pass

    def floor() -> None:
        buf = b""
        for chunk in response().iter_bytes():
            lines = (buf + chunk if buf else chunk).split(b"\n")
            buf = lines.pop()
            for line in lines:
                if line.startswith(b"data: ") and line[6:] != b"[DONE]":
                    json.loads(line[6:].decode())

    samples: dict[str, list[float]] = {"sdk": [], "floor": []}
    for _ in range(ROUNDS):  # interleaved, so drift hits both alike
        for name, fn in (("sdk", sdk), ("floor", floor)):
            start = time.process_time()
            for _ in range(REPEAT):
                fn()
            samples[name].append((time.process_time() - start) / REPEAT / CHUNKS * 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--official", metavar="PYTHON", help="another interpreter whose SDK to measure too")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure()))
        return
    rows = [("ours", measure())]
    if args.official:
        out = subprocess.run([args.official, __file__, "--child"], check=True, capture_output=True, text=True)
        rows.append(("official", json.loads(out.stdout.strip().splitlines()[-1])))
    print(f"{'sdk':<10}{'us/chunk':>10}{'floor':>10}{'ratio':>8}")
    for name, figures in rows:
        ratio = figures["sdk"] / figures["floor"]
        print(f"{name:<10}{figures['sdk']:>10.2f}{figures['floor']:>10.2f}{ratio:>7.2f}x")
    if len(rows) == 2:
        print(f"ours / official: {rows[0][1]['sdk'] / rows[1][1]['sdk']:.2f}")


if __name__ == "__main__":
    main()

"""Bulk jobs: run a JSONL file of requests from this machine under the rate limits, resumably, then
iterate over results from a plain list of requests.

Against the bundled mock the example sets rate limits of 20 requests and 20,000 tokens a minute
and makes a mock minute last a tenth of a second, so the pacing shows in well under a second.
"""

import json
import tempfile
from pathlib import Path
from typing import Any, Dict

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.lib.bulk import BulkProgress, Limits, iter_results, run_file
from cerebras.cloud.sdk.testing import RateLimits

COLOURS = ["red", "green", "blue", "yellow", "purple", "orange", "black", "white"]


def request(custom_id: str, content: str, url: str = "/v1/chat/completions") -> Dict[str, Any]:
    body: Dict[str, Any]
    if url == "/v1/completions":
        body = {"model": MODEL, "prompt": content, "max_tokens": 30}
    else:
        body = {
            "model": MODEL,
            "messages": [{"role": "user", "content": content}],
            "max_completion_tokens": 30,
        }
    return {"custom_id": custom_id, "method": "POST", "url": url, "body": body}


def main() -> None:
    mock = setup()
    if mock is not None:
        mock.clock.time_scale = 600  # a mock minute lasts 0.1 s
        mock.rate_limits = RateLimits(rpm=20, tpm=20_000)

    with tempfile.TemporaryDirectory() as folder, Cerebras() as client:
        # 1. The input is the Batch API's format: the same file could go to `cerebras batch submit`.
        source, output = Path(folder) / "requests.jsonl", Path(folder) / "results.jsonl"
        with source.open("w") as file:
            for number in range(30):
                colour = COLOURS[number % len(COLOURS)]
                file.write(json.dumps(request(f"colour-{number}", f"Name a fruit that is {colour}.")) + "\n")

        # 2. Run it. The runner paces itself under what the x-ratelimit-* headers report (and
        #    under `limits`, when given), appends one result line per request, and resumes.
        summary = run_file(client, source, output, concurrency=8, progress=False)
        print(summary.line())
        first = json.loads(output.read_text().splitlines()[0])
        print(
            "first line:",
            first["custom_id"],
            first["status"],
            first["response"]["choices"][0]["message"]["content"],
        )

        # 3. Run it again with the same output: everything is done already, nothing is sent.
        again = run_file(client, source, output, progress=False)
        print(f"second run: {again.skipped} already done, {again.done} sent")

        # 4. From Python: results in completion order, from any iterable of requests (chat and
        #    text completions), with a progress callback and an explicit limit of our own.
        requests = [request("chat-1", "Say hello."), request("text-1", "Once upon a time", "/v1/completions")]

        def on_progress(progress: BulkProgress) -> None:
            print(f"  progress: {progress.done}/{progress.total} done, {progress.in_flight} in flight")

        for result in iter_results(client, requests, limits=Limits(rpm=600), on_progress=on_progress):
            assert result.response is not None
            print(f"  {result.custom_id}: {result.status}, {result.tokens} tokens")


if __name__ == "__main__":
    main()

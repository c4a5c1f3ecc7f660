"""Retries: rate limits (429), overloads (5xx), timeouts and connection errors are retried with
exponential backoff, twice by default. `retry-after-ms` / `retry-after` headers are obeyed.

On the mock server the failures are scripted; the real API usually answers at the first attempt.
"""

import time
from typing import List

from _env import MODEL, setup

import cerebras.cloud.sdk as cerebras
from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.chat.completion_create_params import Message

MESSAGES: List[Message] = [{"role": "user", "content": "Hello after a hiccup!"}]


def main() -> None:
    mock = setup()

    # max_retries=0 turns retrying off: a 429 is raised at once as RateLimitError.
    with Cerebras(max_retries=0) as client:
        if mock is not None:
            mock.add_error(429, headers={"retry-after-ms": "50"})  # mock only: the next answer is a 429
        try:
            client.chat.completions.create(model=MODEL, messages=MESSAGES)
            print("max_retries=0: succeeded at the first attempt")
        except cerebras.RateLimitError as exc:
            print(f"max_retries=0: RateLimitError (status {exc.status_code})")

        # with_options() returns a copy of the client with some settings changed (same connection pool).
        patient = client.with_options(max_retries=3)
        if mock is not None:
            # Mock only: a 429 asking to wait 50 ms, then a 503, then the normal answer.
            mock.add_error(429, headers={"retry-after-ms": "50"})
            mock.add_error(503, headers={"retry-after-ms": "50"})

        started = time.perf_counter()
        # with_raw_response exposes the HTTP details, including how many retries the call took.
        response = patient.chat.completions.with_raw_response.create(model=MODEL, messages=MESSAGES)
        elapsed = time.perf_counter() - started
        print(
            f"max_retries=3: status {response.status_code} after {response.retries_taken} retries"
            f" in {elapsed:.2f} s"
        )

    if mock is not None:
        print(f"The mock server received {len(mock.requests_to('chat'))} chat requests in all")


if __name__ == "__main__":
    main()

"""Timeouts: a limit for every request of a client, for a copy of it, or for a single call.
A request that runs out of time raises APITimeoutError (after its retries).

On the mock server a slow answer is scripted; on the real API a limit of a millisecond is too short
for any round trip, so both show the same exception.
"""

import httpx
from _env import MODEL, setup

import cerebras.cloud.sdk as cerebras
from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse


def main() -> None:
    mock = setup()

    # For every request of this client: 20 s in all, and at most 5 s to connect.
    with Cerebras(timeout=httpx.Timeout(20.0, connect=5.0)) as client:
        # For one call: `timeout=` (a number of seconds or an httpx.Timeout).
        completion = client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Reply with one word."}],
            timeout=10.0,
        )
        assert isinstance(completion, ChatCompletionResponse)  # narrows the typed union, see chat.py
        print("Within the limit:", completion.choices[0].message.content)

        if mock is not None:
            mock.add_delay(2.0)  # mock only: the next answer takes 2 seconds
            limit = 0.5
        else:
            limit = 0.001

        # with_options() makes a copy with a shorter limit; max_retries=0 so it fails at once.
        hasty = client.with_options(timeout=limit, max_retries=0)
        try:
            hasty.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": "Take your time."}]
            )
        except cerebras.APITimeoutError:
            print(f"APITimeoutError: no answer within {limit} s")


if __name__ == "__main__":
    main()

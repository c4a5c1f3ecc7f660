"""Service tiers and compressed requests: ask for the flex tier with a queue threshold, fall back
to the default tier when the queue is too long, and send a long prompt gzip-compressed."""

from typing import List

from _env import MODEL, setup

import cerebras.cloud.sdk as cerebras
from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse
from cerebras.cloud.sdk.types.chat.completion_create_params import Message

MESSAGES: List[Message] = [{"role": "user", "content": "In one sentence: why do queues form?"}]


def main() -> None:
    mock = setup()

    with Cerebras() as client:
        # `auto` takes the best tier free right now; `service_tier_used` says which one served it.
        reply = client.chat.completions.create(
            model=MODEL, messages=MESSAGES, service_tier="auto", queue_threshold=2000
        )
        assert isinstance(reply, ChatCompletionResponse)
        print(f"auto tier -> served by {reply.service_tier_used or reply.service_tier}")

        if mock is not None:
            # Make the mock's flex queue long (900 ms expected), so the threshold below rejects it.
            mock.set_queue_time(900, tier="flex")

        try:
            reply = client.chat.completions.create(
                model=MODEL, messages=MESSAGES, service_tier="flex", queue_threshold=500
            )
        except cerebras.QueueThresholdExceededError as exc:
            # Raised at once, without retries: the point of a threshold is not to wait.
            print(f"flex queue too long ({exc.status_code}); falling back to the default tier")
            reply = client.chat.completions.create(model=MODEL, messages=MESSAGES)
        assert isinstance(reply, ChatCompletionResponse)
        print(f"{reply.service_tier_used or 'default'} tier -> {reply.choices[0].message.content}")

        # A long prompt, gzip-compressed on the wire for this call only (with_options shares the
        # connection pool, so it is cheap).
        notes = "Queue notes: arrivals, service, waiting. " * 400
        long_prompt = "Summarise the following notes in one line.\n" + notes
        reply = client.with_options(request_encoding="gzip").chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": long_prompt}], max_completion_tokens=40
        )
        assert isinstance(reply, ChatCompletionResponse)
        tokens = reply.usage.prompt_tokens if reply.usage is not None else "?"
        print(f"gzip-compressed request of {len(long_prompt):,} characters -> {tokens} prompt tokens")
        if mock is not None:
            sent = mock.requests_to("chat")[-1]
            print(f"  the mock received {sent.headers.get('content-encoding')}-encoded JSON")


if __name__ == "__main__":
    main()

"""AsyncCerebras: send several requests at once with asyncio.gather over one shared client."""

import asyncio
import time

from _env import MODEL, setup

from cerebras.cloud.sdk import AsyncCerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse

QUESTIONS = [
    "What is the capital of France?",
    "What is 12 times 12?",
    "Name a primary colour.",
]


async def ask(client: AsyncCerebras, question: str) -> str:
    completion = await client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": question}],
        max_completion_tokens=50,
    )
    assert isinstance(completion, ChatCompletionResponse)  # narrows the typed union, see chat.py
    return completion.choices[0].message.content or ""


async def main() -> None:
    setup()

    # One client for all requests: they share its connection pool.
    async with AsyncCerebras() as client:
        started = time.perf_counter()
        answers = await asyncio.gather(*(ask(client, question) for question in QUESTIONS))
        elapsed = time.perf_counter() - started

    for question, answer in zip(QUESTIONS, answers):
        print(f"Q: {question}\nA: {answer}\n")
    print(f"{len(QUESTIONS)} requests in {elapsed:.2f} s, all in flight at the same time")


if __name__ == "__main__":
    asyncio.run(main())

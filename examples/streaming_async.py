"""Streaming with AsyncCerebras: `await` the call to get the stream, then `async for` over it."""

import asyncio

from _env import MODEL, setup

from cerebras.cloud.sdk import AsyncCerebras


async def main() -> None:
    setup()

    async with AsyncCerebras() as client:
        stream = await client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Name three planets, comma separated."}],
            stream=True,
        )
        async with stream:  # closes the stream when the block ends
            async for chunk in stream:
                for choice in chunk.choices or []:
                    if choice.delta and choice.delta.content:
                        print(choice.delta.content, end="", flush=True)
                    if choice.finish_reason is not None:
                        print(f"\n[finish reason: {choice.finish_reason}]")


if __name__ == "__main__":
    asyncio.run(main())

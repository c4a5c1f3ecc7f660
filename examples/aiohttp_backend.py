"""The aiohttp backend: AsyncCerebras sending its requests through aiohttp instead of httpx's own
transport. Needs the extra: pip install 'cerebras_cloud_sdk[aiohttp]'."""

import asyncio

from _env import MODEL, setup, skip

from cerebras.cloud.sdk import AsyncCerebras, DefaultAioHttpClient
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse


async def main() -> None:
    setup()

    try:
        http_client = DefaultAioHttpClient()
    except RuntimeError as exc:  # the aiohttp extra is not installed: nothing to show
        skip(str(exc))

    # The client owns http_client from here on and closes it when the `async with` block ends.
    async with AsyncCerebras(http_client=http_client) as client:
        completion = await client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Say hello from aiohttp."}],
        )
        assert isinstance(completion, ChatCompletionResponse)  # narrows the typed union, see chat.py
        print("Reply:", completion.choices[0].message.content)

        # Streams work the same way as with the default transport.
        print("Streamed: ", end="")
        stream = await client.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Stream this sentence back."}],
            stream=True,
        )
        async with stream:
            async for chunk in stream:
                for choice in chunk.choices or []:
                    if choice.delta and choice.delta.content:
                        print(choice.delta.content, end="", flush=True)
        print()


if __name__ == "__main__":
    asyncio.run(main())

"""Streaming: print a chat reply as it is generated, then the usage sent with the last chunk."""

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras


def main() -> None:
    setup()

    client = Cerebras()

    # Leaving the `with` block closes the stream (and frees the connection) even if you stop early.
    with client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Count from one to five, in words."}],
        stream=True,
    ) as stream:
        for chunk in stream:
            # `choices` and `delta` are optional: the last chunk may carry only usage.
            for choice in chunk.choices or []:
                if choice.delta and choice.delta.content:
                    print(choice.delta.content, end="", flush=True)
            if chunk.usage is not None:
                print(f"\n[{chunk.usage.completion_tokens} tokens generated]")

    client.close()


if __name__ == "__main__":
    main()

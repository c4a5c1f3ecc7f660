"""Text completion: continue a prompt (no chat roles), then stream another continuation."""

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.completion import CompletionResponse


def main() -> None:
    setup()

    with Cerebras() as client:
        completion = client.completions.create(
            model=MODEL,
            prompt="It was a dark and stormy night,",
            max_tokens=20,
        )
        assert isinstance(completion, CompletionResponse)  # narrows the typed union, see chat.py
        print("Completion:", completion.choices[0].text)

        # The same call with stream=True yields CompletionResponse chunks as the text is generated.
        print("Streamed: ", end="")
        with client.completions.create(
            model=MODEL, prompt="Once upon a time", max_tokens=20, stream=True
        ) as stream:
            for chunk in stream:
                for choice in chunk.choices:
                    print(choice.text or "", end="", flush=True)
        print()


if __name__ == "__main__":
    main()

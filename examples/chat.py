"""Chat completion: send a short conversation and print the reply and its token usage."""

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse


def main() -> None:
    setup()

    # Cerebras() reads CEREBRAS_API_KEY from the environment. Create one client and reuse it.
    with Cerebras() as client:
        completion = client.chat.completions.create(
            model=MODEL,
            messages=[
                {"role": "system", "content": "You are a concise assistant."},
                {"role": "user", "content": "Why is fast inference useful? One sentence."},
            ],
            max_completion_tokens=100,
            temperature=0.2,
        )
        # `create` is typed as a union (full reply, stream chunk or error payload); a non-streamed
        # call gives a ChatCompletionResponse, and the isinstance check tells the type checker so.
        assert isinstance(completion, ChatCompletionResponse)

        choice = completion.choices[0]
        print("Reply:", choice.message.content)
        print("Finish reason:", choice.finish_reason)
        if completion.usage is not None:
            usage = completion.usage
            print(f"Tokens: {usage.prompt_tokens} in, {usage.completion_tokens} out")


if __name__ == "__main__":
    main()

"""Raw responses: the HTTP status and headers next to the parsed result, and a body you read as it
arrives. `with_raw_response` and `with_streaming_response` exist on the client and on every resource."""

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse


def main() -> None:
    setup()

    with Cerebras() as client:
        # with_raw_response: the call returns once the whole answer is in; parse() gives what
        # create() would have returned.
        response = client.chat.completions.with_raw_response.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Hi there"}],
        )
        print("Status:", response.status_code, response.http_version)
        print("Content-Type:", response.headers.get("content-type"))
        print("Request id:", response.headers.get("x-request-id", "(none)"))
        print(f"Retries: {response.retries_taken}, elapsed: {response.elapsed.total_seconds():.3f} s")
        completion = response.parse()
        assert isinstance(completion, ChatCompletionResponse)  # narrows the typed union, see chat.py
        print("Parsed reply:", completion.choices[0].message.content)

        # with_streaming_response: the body is read only as you iterate over it. Here it is a stream
        # of server-sent events, shown line by line as they come off the wire.
        with client.chat.completions.with_streaming_response.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Stream me"}],
            stream=True,
        ) as streamed:
            print("Streaming status:", streamed.status_code)
            for line in streamed.iter_lines():
                if line:  # blank lines separate events
                    print("  ", line[:90] + ("..." if len(line) > 90 else ""))


if __name__ == "__main__":
    main()

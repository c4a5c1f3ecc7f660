"""Configuration: settings for every request of a client, a copy with some of them changed
(`with_options`), and extras for a single call (`extra_headers`, `extra_query`), including `omit`
to leave out a header the client would otherwise send.

On the mock server the example also prints what the server received.
"""

import httpx
from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras, omit
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse


def main() -> None:
    mock = setup()

    # Settings for every request this client sends. (api_key and base_url come from the
    # environment here: CEREBRAS_API_KEY and CEREBRAS_BASE_URL.)
    with Cerebras(
        max_retries=3,
        timeout=httpx.Timeout(30.0, connect=5.0),
        default_headers={"X-Team": "search"},
        warm_tcp_connection=False,  # no warm-up request when the client is built
    ) as client:
        print(f"max_retries={client.max_retries}, timeout={client.timeout}")

        # with_options() (also spelled copy()) returns a client with some settings changed; it
        # shares the original's connection pool, so copies are cheap.
        quick = client.with_options(max_retries=0, timeout=10.0)
        print(f"copy: max_retries={quick.max_retries}, timeout={quick.timeout}")

        # Extras for one call: headers and query parameters added to this request only; `omit`
        # removes a header the client would send by default.
        completion = quick.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "Say hi."}],
            max_completion_tokens=20,
            extra_headers={"X-Trace-Id": "trace-123", "X-Team": omit},
            timeout=5.0,
        )
        assert isinstance(completion, ChatCompletionResponse)  # narrows the typed union, see chat.py
        print("Reply:", completion.choices[0].message.content)

    if mock is not None:
        sent = mock.last_request.headers
        print("The server received X-Trace-Id:", sent.get("X-Trace-Id"))
        print("The server received X-Team:", sent.get("X-Team", "(not sent)"))
        print("The server received User-Agent:", sent.get("User-Agent"))


if __name__ == "__main__":
    main()

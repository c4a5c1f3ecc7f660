"""Errors: every failure raises a subclass of cerebras.CerebrasError that you can catch precisely.

On the mock server the stream error is scripted, so the output is the same on every run; the other
errors happen on the real API just the same.
"""

from _env import MODEL, setup

import cerebras.cloud.sdk as cerebras
from cerebras.cloud.sdk import Cerebras


def main() -> None:
    mock = setup()

    with Cerebras() as client:
        # 1. An unknown model: the API answers 404 -> NotFoundError (a subclass of APIStatusError).
        try:
            client.chat.completions.create(
                model="no-such-model",
                messages=[{"role": "user", "content": "Hello?"}],
            )
        except cerebras.NotFoundError as exc:
            print(f"NotFoundError: status {exc.status_code}, body {exc.body}")

    # 2. A wrong API key: 401 -> AuthenticationError. Errors that retrying cannot fix are raised at once.
    with Cerebras(api_key="csk-not-a-real-key") as bad_client:
        try:
            bad_client.models.list()
        except cerebras.AuthenticationError as exc:
            print(f"AuthenticationError: status {exc.status_code}, body {exc.body}")

    # 3. An error sent inside a stream: the API has already answered 200 and then reports a failure
    #    as a stream event. Iterating raises it, after handing you every chunk that came before.
    if mock is not None:
        mock.add_stream_error(after_chunks=3, status_code=500, message="The model crashed mid-answer.")
    else:
        print("(On the real API a stream rarely fails; this part just streams normally.)")

    with Cerebras() as client:
        received = ""
        try:
            with client.chat.completions.create(
                model=MODEL,
                messages=[{"role": "user", "content": "Tell me a long story."}],
                max_completion_tokens=30,
                stream=True,
            ) as stream:
                for chunk in stream:
                    for choice in chunk.choices or []:
                        if choice.delta and choice.delta.content:
                            received += choice.delta.content
            print(f"Stream finished: {received!r}")
        except cerebras.APIStatusError as exc:
            print(f"{type(exc).__name__} inside the stream: {exc.message!r} (status {exc.status_code})")
            print(f"Text received before the error: {received!r}")

    # 4. The API cannot be reached (nothing listens on this local port): APIConnectionError.
    with Cerebras(base_url="http://127.0.0.1:9", max_retries=0, timeout=2.0) as offline:
        try:
            offline.models.list()
        except cerebras.APIConnectionError as exc:
            print(f"APIConnectionError: {exc.message} ({type(exc.__cause__).__name__})")


if __name__ == "__main__":
    main()

"""Request IDs and rate limits: the API's id for a request (to quote to support or find in your
logs) and the `x-ratelimit-*` figures, on results, raw responses, streams and errors.

On the mock server the rate-limit error is scripted; on the real API that part is skipped.
"""

from _env import MODEL, setup

import cerebras.cloud.sdk as cerebras
from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse


def main() -> None:
    mock = setup()

    with Cerebras() as client:
        # Every object a call returns knows the id of its request (None if the API sent none). The
        # leading underscore keeps the name clear of the API's own fields; strict pyright flags it.
        completion = client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Hi"}], max_completion_tokens=10
        )
        assert isinstance(completion, ChatCompletionResponse)  # narrows the typed union, see chat.py
        print("Request id:", completion._request_id)  # pyright: ignore[reportPrivateUsage]

        # A raw response has the id and the rate-limit figures (None where a figure was not sent).
        raw = client.chat.completions.with_raw_response.create(
            model=MODEL, messages=[{"role": "user", "content": "Hi again"}], max_completion_tokens=10
        )
        limits = raw.rate_limits
        print("Raw response request id:", raw.request_id)
        print(
            f"Tokens left this minute: {limits.remaining_tokens_minute} of {limits.limit_tokens_minute},"
            f" reset in {limits.reset_tokens_minute} s"
        )

        # A stream has the id too, before any chunk is read.
        with client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Stream"}], stream=True
        ) as stream:
            print("Stream request id:", stream.request_id)

        if mock is None:
            return

        # Errors carry the same: here a scripted 429 that says the daily allowance is used up.
        mock.add_error(
            429,
            headers={
                "x-request-id": "req-example-429",
                "x-ratelimit-limit-requests-day": "14400",
                "x-ratelimit-remaining-requests-day": "0",
                "x-ratelimit-reset-requests-day": "3600.0",
            },
        )
        try:
            client.with_options(max_retries=0).models.list()
        except cerebras.RateLimitError as exc:
            print(
                f"RateLimitError: request id {exc.request_id},"
                f" {exc.rate_limits.remaining_requests_day} requests left today,"
                f" reset in {exc.rate_limits.reset_requests_day} s"
            )


if __name__ == "__main__":
    main()

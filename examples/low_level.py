"""Lower-level access: `client.get`, `client.post` (and `put`, `patch`, `delete`) send any request
through the same pipeline as the resources (auth, headers, retries, errors), for an endpoint or a
parameter this SDK does not model. `cast_to` says what to turn the answer into."""

from typing import Any, Dict

import httpx
from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse


def main() -> None:
    setup()

    with Cerebras() as client:
        # cast_to=httpx.Response: the plain HTTP response, for you to read.
        response = client.get("/v1/models", cast_to=httpx.Response)
        ids = [model["id"] for model in response.json()["data"]]
        print("GET /v1/models:", response.status_code, ids)

        # cast_to=a response model: the same parsed object the resource method returns.
        body: Dict[str, Any] = {
            "model": MODEL,
            "messages": [{"role": "user", "content": "Hello from client.post"}],
            "max_completion_tokens": 20,
        }
        completion = client.post(
            "/v1/chat/completions",
            body=body,
            cast_to=ChatCompletionResponse,
            options={"headers": {"X-Example": "low-level"}, "max_retries": 1},
        )
        print("POST /v1/chat/completions:", completion.choices[0].message.content)

        # cast_to=dict: the JSON body as plain Python data.
        model = client.get(f"/v1/models/{MODEL}", cast_to=Dict[str, Any])
        print("GET one model as a dict:", sorted(model))


if __name__ == "__main__":
    main()

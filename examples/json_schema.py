"""Structured output: ask for JSON that follows a schema you wrote, then load it with json.loads."""

import json
from typing import Any, Dict

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse

CITY_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "country": {"type": "string"},
        "population": {"type": "integer"},
        "landmarks": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "country", "population", "landmarks"],
    "additionalProperties": False,
}


def main() -> None:
    setup()

    with Cerebras() as client:
        completion = client.chat.completions.create(
            model=MODEL,
            messages=[
                {"role": "user", "content": "Describe Paris: its country, population and two landmarks."}
            ],
            # strict=True: the reply is constrained to match the schema exactly.
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "city", "schema": CITY_SCHEMA, "strict": True},
            },
        )
        assert isinstance(completion, ChatCompletionResponse)  # narrows the typed union, see chat.py

        city = json.loads(completion.choices[0].message.content or "{}")
        print("Raw JSON:", completion.choices[0].message.content)
        print(f"{city['name']} ({city['country']}), population {city['population']:,}")
        print("Landmarks:", ", ".join(city["landmarks"]))


if __name__ == "__main__":
    main()

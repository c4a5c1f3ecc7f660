"""Structured outputs with pydantic: `parse()` sends your model as a strict JSON schema and hands
back an instance of it; tools made with `pydantic_function_tool` come back with parsed arguments."""

import json
from typing import Any, Dict, List, Literal, Optional

from _env import MODEL, setup
from pydantic import BaseModel, Field

from cerebras.cloud.sdk import Cerebras, pydantic_function_tool
from cerebras.cloud.sdk.lib import ContentValidationError, LengthFinishReasonError, ParsedChatCompletion
from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.types.chat.completion_create_params import Message


class City(BaseModel):
    name: str
    country: str
    population: int = Field(description="Number of inhabitants")
    landmarks: List[str]


class GetWeather(BaseModel):
    """Current weather in a city."""

    city: str = Field(description="City name, e.g. Paris")
    unit: Literal["celsius", "fahrenheit"]


def get_weather(query: GetWeather) -> Dict[str, object]:
    """The function the model may call (a stand-in for a real weather service)."""
    return {"city": query.city, "temperature": 18 if query.unit == "celsius" else 64, "sky": "sunny"}


def parse_a_model(client: Cerebras) -> None:
    try:
        completion = client.chat.completions.parse(
            model=MODEL,
            messages=[
                {"role": "user", "content": "Describe Paris: its country, population and two landmarks."}
            ],
            response_format=City,  # sent as {"type": "json_schema", ..., "strict": True}
        )
    except LengthFinishReasonError as exc:  # cut off at max_completion_tokens: the JSON is incomplete
        print("The reply was cut short:", exc.completion.choices[0].message.content)
        return
    except ContentValidationError as exc:  # valid reply, but not a City
        print("The reply does not fit City:", exc.content)
        return

    city = completion.choices[0].message.parsed  # a City (None only when there was nothing to parse)
    assert city is not None
    print("Raw JSON:", completion.choices[0].message.content)
    print(f"{city.name} ({city.country}), population {city.population:,}")
    print("Landmarks:", ", ".join(city.landmarks))


def tool_round_trip(client: Cerebras, mock: Optional[MockCerebrasServer]) -> None:
    if mock is not None:
        # The mock would invent arguments from the schema; script a realistic call instead.
        mock.add_reply(tool_calls=[{"name": "GetWeather", "arguments": {"city": "Paris", "unit": "celsius"}}])

    tools = [pydantic_function_tool(GetWeather)]  # name "GetWeather", description from the docstring
    messages: List[Message] = [{"role": "user", "content": "What's the weather like in Paris?"}]

    # 1. tool_choice="required" makes the model call a tool instead of answering in words.
    #    (Without a response_format model `.parsed` stays None; the `[Any]` annotation tells pyright.)
    completion: ParsedChatCompletion[Any] = client.chat.completions.parse(
        model=MODEL, messages=messages, tools=tools, tool_choice="required"
    )
    reply = completion.choices[0].message
    # The parsed fields are not sent back: the message can go into the conversation as it is.
    messages.append(reply)  # pyright: ignore[reportArgumentType]

    # 2. Each call's arguments arrive already validated, as a GetWeather instance.
    for call in reply.tool_calls or []:
        query = call.function.parsed_arguments
        assert isinstance(query, GetWeather)
        print(f"The model calls {call.function.name} with {query!r}")
        result = get_weather(query)
        messages.append({"role": "tool", "tool_call_id": call.id or "", "content": json.dumps(result)})

    # 3. With the results in the conversation, the model answers in words.
    final: ParsedChatCompletion[Any] = client.chat.completions.parse(
        model=MODEL, messages=messages, tools=tools
    )
    print("Answer:", final.choices[0].message.content)


def main() -> None:
    mock = setup()

    with Cerebras() as client:
        parse_a_model(client)
        print()
        tool_round_trip(client, mock)


if __name__ == "__main__":
    main()

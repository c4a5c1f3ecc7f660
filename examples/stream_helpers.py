"""Stream helpers: print a reply's text as it arrives with `text_stream`, then get the whole
completion (usage included) with `get_final_completion()`; a streamed tool call comes out joined."""

from typing import List, Literal, Optional

from _env import MODEL, setup
from pydantic import BaseModel, Field

from cerebras.cloud.sdk import Cerebras, pydantic_function_tool
from cerebras.cloud.sdk.testing import MockCerebrasServer


class GetWeather(BaseModel):
    """Current weather in a city."""

    city: str = Field(description="City name, e.g. Paris")
    unit: Literal["celsius", "fahrenheit"]


def stream_text(client: Cerebras) -> None:
    with client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Count from one to five, in words."}],
        stream=True,
    ) as stream:
        # Only the text pieces; chunks without text (the role, the finish reason) are skipped.
        for text in stream.text_stream:
            print(text, end="", flush=True)
        print()

        # The same reply as without stream=True, assembled from every chunk read above.
        completion = stream.get_final_completion()

    choice = completion.choices[0]
    print(f"[finish reason: {choice.finish_reason}, {len(choice.message.content or '')} characters]")
    if completion.usage is not None:
        print(
            f"[{completion.usage.prompt_tokens} prompt + {completion.usage.completion_tokens} completion tokens]"
        )
    if completion.time_info is not None:
        print(f"[total time: {completion.time_info.total_time} s]")


def stream_tool_call(client: Cerebras, mock: Optional[MockCerebrasServer]) -> None:
    if mock is not None:
        # The mock would invent arguments from the schema; script a realistic call instead.
        mock.add_reply(
            tool_calls=[{"name": "GetWeather", "arguments": {"city": "Paris", "unit": "celsius"}}],
            stream=True,
        )

    stream = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "What's the weather like in Paris?"}],
        tools=[pydantic_function_tool(GetWeather)],
        tool_choice="required",
        stream=True,
    )
    # The arguments arrive in fragments spread over several chunks; until_done() reads them all
    # and get_final_completion() returns the calls with their arguments joined.
    completion = stream.until_done().get_final_completion()

    calls: List[str] = []
    for call in completion.choices[0].message.tool_calls or []:
        query = GetWeather.model_validate_json(call.function.arguments or "{}")
        calls.append(f"{call.function.name}(city={query.city!r}, unit={query.unit!r}) [id {call.id}]")
    print("Finish reason:", completion.choices[0].finish_reason)
    print("Tool calls:", "; ".join(calls))


def main() -> None:
    mock = setup()

    with Cerebras() as client:
        stream_text(client)
        print()
        stream_tool_call(client, mock)


if __name__ == "__main__":
    main()

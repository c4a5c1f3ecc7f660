"""The tool runner: hand `run_tools` typed Python functions. It calls the model, runs the tools the
model asks for (several at once when it asks for several), sends back the results, and repeats
until the model answers. `stream_tools` does the same with every reply streamed, as events."""

from datetime import datetime, timedelta, timezone
from typing import Dict, List, Literal

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.lib import ToolCall, ToolTurn, function_tool
from cerebras.cloud.sdk.types.chat.completion_create_params import Message

UTC_OFFSETS = {"paris": 1, "tokyo": 9, "new york": -5}


@function_tool
def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> Dict[str, object]:
    """Current weather in a city (a stand-in for a real weather service).

    Args:
        city: City name, e.g. Paris.
        unit: Temperature unit.
    """
    celsius = 8 + len(city) % 15
    temperature = celsius if unit == "celsius" else round(celsius * 9 / 5 + 32)
    return {"city": city, "temperature": temperature, "unit": unit, "sky": "partly cloudy"}


@function_tool
def get_local_time(city: str) -> str:
    """The local time in a city, as HH:MM.

    Args:
        city: City name, e.g. Tokyo.
    """
    offset = UTC_OFFSETS.get(city.lower())
    if offset is None:
        raise ValueError(f"no time zone known for {city!r}; try Paris, Tokyo or New York")
    return (datetime.now(timezone.utc) + timedelta(hours=offset)).strftime("%H:%M")


def approve(call: ToolCall) -> bool:
    """Runs before each call: return False (or a reason) to veto it."""
    print(f"  the model calls {call.name}({call.arguments})")
    return True


def report(turn: ToolTurn) -> None:
    """Runs after each request and its tool calls."""
    for result in turn.tool_results:
        print(f"  turn {turn.index}: {result.call.name} -> {result.status}: {result.content}")


def main() -> None:
    mock = setup()
    if mock is not None:
        # The mock makes up arguments from the schema ("example"); script the calls a real model
        # would make, so that the output reads naturally. Scripted replies are used in order.
        mock.add_reply(
            tool_calls=[
                {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}},
                {"name": "get_local_time", "arguments": {"city": "Paris"}},
            ]
        )
        mock.add_reply()  # the answer after the tool results: the mock's default text
        mock.add_reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Tokyo", "unit": None}}])
    messages: List[Message] = [
        {
            "role": "user",
            "content": "What's the weather in Paris, and what time is it there? "
            "Use get_weather and get_local_time.",
        }
    ]
    tools = [get_weather, get_local_time]

    with Cerebras() as client:
        result = client.chat.completions.run_tools(
            model=MODEL, messages=messages, tools=tools, on_tool_call=approve, on_turn=report, max_turns=5
        )
        print(f"Answer ({result.stopped_by}, {result.turns} requests): {result.content}")

        # The returned messages hold the whole conversation: add a question and go on, streamed.
        follow_up: List[Message] = [
            *result.messages,
            {"role": "user", "content": "And the weather in Tokyo? Use get_weather."},
        ]
        with client.chat.completions.stream_tools(model=MODEL, messages=follow_up, tools=tools) as events:
            for event in events:
                if event.type == "tool_call_started":
                    print(f"  [{event.call.name} running]")
                elif event.type == "tool_result":
                    print(f"  [{event.result.call.name} -> {event.result.content}]")
                elif event.type == "text_delta":
                    print(event.text, end="", flush=True)
                elif event.type == "final":
                    print(f"\n({event.result.stopped_by} after {event.result.turns} requests)")


if __name__ == "__main__":
    main()

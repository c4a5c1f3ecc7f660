"""Static types of the tool runner, pinned with `assert_type`, and the uses that must stay errors.

Never run: `test_typing.py` has pyright check this file (strict, unnecessary ignores reported).
"""

# pyright: strict, reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import pydantic
from typing_extensions import Literal, assert_type

from cerebras.cloud.sdk import AsyncCerebras, Cerebras
from cerebras.cloud.sdk.lib import (
    AsyncToolRunStream,
    FunctionTool,
    ToolCall,
    ToolResult,
    ToolRunResult,
    ToolRunStream,
    ToolTurn,
    function_tool,
    pydantic_function_tool,
)
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse
from cerebras.cloud.sdk.types.chat.completion_create_params import Message, Tool

MESSAGES: List[Message] = [{"role": "user", "content": "hi"}]


class City(pydantic.BaseModel):
    name: str


@function_tool
def add(a: int, b: int = 1) -> int:
    """Add."""
    return a + b


@function_tool(name="lookup", description="Look a word up.")
async def lookup(word: str) -> str:
    return word


def population(city: City) -> int:
    return len(city.name)


def plain(text: str) -> str:
    return text


def veto(call: ToolCall) -> Optional[str]:
    return None if call.name != "delete" else "Not allowed."


def check_tools() -> None:
    assert_type(add(1), int)
    assert_type(add(a=1, b=2), int)
    assert_type(function_tool(plain)("x"), str)
    assert_type(FunctionTool.from_model(City, population), FunctionTool[[City], int])
    assert_type(FunctionTool.from_model(City, population)(City(name="x")), int)
    assert_type(add.definition, Tool)
    assert_type(add.name, str)
    assert_type(add.parameters, Dict[str, Any])
    assert_type(add.call('{"a": 1}'), str)
    assert_type(add.parse_arguments("{}"), Tuple[Tuple[Any, ...], Dict[str, Any]])
    add("one")  # pyright: ignore[reportArgumentType]
    add(c=1)  # pyright: ignore[reportCallIssue]
    function_tool(plain, strict="yes")  # pyright: ignore[reportArgumentType]


def check_sync(client: Cerebras) -> None:
    chat = client.chat.completions
    tools = [add, lookup, plain, pydantic_function_tool(City)]
    result = chat.run_tools(model="m", messages=MESSAGES, tools=tools, on_tool_call=veto, max_turns=3)
    assert_type(result, ToolRunResult)
    assert_type(result.stopped_by, Literal["answer", "max_turns", "pending_tool_calls"])
    assert_type(result.completion, ChatCompletionResponse)
    assert_type(result.messages, List[Message])
    assert_type(result.content, Optional[str])
    assert_type(result.tool_results, List[ToolResult])
    assert_type(result.pending_tool_calls, List[ToolCall])

    stream = chat.stream_tools(
        model="m", messages=MESSAGES, tools=[add], stream_options={"include_usage": True}
    )
    assert_type(stream, ToolRunStream)
    for event in stream:
        if event.type == "text_delta":
            assert_type(event.text, str)
        elif event.type == "tool_result":
            assert_type(
                event.result.status, Literal["ok", "error", "invalid_arguments", "unknown_tool", "vetoed"]
            )
        elif event.type == "turn_end":
            assert_type(event.turn, ToolTurn)
        elif event.type == "final":
            assert_type(event.result, ToolRunResult)
    assert_type(stream.final_result(), ToolRunResult)

    chat.run_tools(model="m", messages=MESSAGES)  # pyright: ignore[reportCallIssue]
    chat.run_tools(model="m", messages=MESSAGES, tools=[add], stream=True)  # pyright: ignore[reportCallIssue]
    chat.run_tools(model="m", messages=MESSAGES, tools=[add], max_turns="3")  # pyright: ignore[reportArgumentType]
    chat.run_tools(model="m", messages=MESSAGES, tools=[add], on_tool_call=lambda call: 1)  # pyright: ignore[reportArgumentType]
    chat.run_tools(model="m", messages=MESSAGES, tools=[add], on_tool_call=async_veto)  # pyright: ignore[reportArgumentType]


async def async_veto(call: ToolCall) -> bool:
    return call.name != "delete"


async def check_async(client: AsyncCerebras) -> None:
    chat = client.chat.completions
    result = await chat.run_tools(model="m", messages=MESSAGES, tools=[add, lookup], on_tool_call=async_veto)
    assert_type(result, ToolRunResult)
    assert_type(await lookup("word"), str)
    stream = chat.stream_tools(model="m", messages=MESSAGES, tools=[add], on_tool_call=veto)
    assert_type(stream, AsyncToolRunStream)
    async for event in stream:
        if event.type == "tool_call_started":
            assert_type(event.call, ToolCall)
    assert_type(await stream.final_result(), ToolRunResult)

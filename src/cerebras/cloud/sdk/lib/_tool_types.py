"""What a tool run produces: the calls the model made, their results, each turn, the final outcome,
and the events a streamed run yields. Plain frozen dataclasses; nothing here talks to the API."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, Union, cast

from typing_extensions import Literal, TypeAlias

from .._exceptions import CerebrasError
from ..types.chat.chat_completion import ChatCompletionResponse
from ..types.chat.completion_create_params import Message, MessageToolMessageRequest, Tool
from ._tool_functions import FunctionTool

__all__ = [
    "AsyncToolCallHook",
    "AsyncTurnHook",
    "FinalResultEvent",
    "ReasoningDeltaEvent",
    "StoppedBy",
    "TextDeltaEvent",
    "ToolCall",
    "ToolCallHook",
    "ToolCallStartedEvent",
    "ToolError",
    "ToolLike",
    "ToolResult",
    "ToolResultEvent",
    "ToolRunEvent",
    "ToolRunResult",
    "ToolStatus",
    "ToolTurn",
    "TurnEndEvent",
    "TurnHook",
]

ToolStatus = Literal["ok", "error", "invalid_arguments", "unknown_tool", "vetoed"]
"""How a call ended: it ran (`ok`), raised (`error`), had arguments that do not fit
(`invalid_arguments`), named no known tool (`unknown_tool`), or was refused by `on_tool_call`."""

StoppedBy = Literal["answer", "max_turns", "pending_tool_calls"]
"""Why a run ended: the model answered without tool calls; `max_turns` requests were made; or the
model called a tool given only as a definition, which the caller has to answer."""

ToolLike: TypeAlias = Union["FunctionTool[..., Any]", Callable[..., Any], Tool]
"""What `tools=` of a tool run accepts: `FunctionTool`s, plain functions (made into tools with
`function_tool`), and tool definitions (dicts, e.g. from `pydantic_function_tool`), which are sent
but not run: a call to one ends the run with `stopped_by="pending_tool_calls"`."""


@dataclass(frozen=True)
class ToolCall:
    """One tool call the model made."""

    id: str
    """The call's id (the API's, or `call_<turn>_<n>` when the API sent none)."""
    name: str
    arguments: str
    """The arguments as the model wrote them (JSON text, maybe invalid)."""
    turn: int
    """The turn (1 for the first request) whose reply made the call."""
    tool: Optional[FunctionTool[..., Any]] = None
    """The tool that runs it; `None` for an unknown name or a definition-only tool."""

    @property
    def arguments_dict(self) -> Optional[Dict[str, Any]]:
        """The arguments decoded, or `None` when they are not a JSON object."""
        try:
            decoded = json.loads(self.arguments or "{}")
        except ValueError:
            return None
        return cast(Dict[str, Any], decoded) if isinstance(decoded, dict) else None


@dataclass(frozen=True)
class ToolResult:
    """The outcome of one call: the text sent back to the model as the `tool` message."""

    call: ToolCall
    content: str
    status: ToolStatus
    error: Optional[BaseException] = None
    """The exception behind an `error` or `invalid_arguments` status."""
    duration: float = 0.0
    """Seconds the tool ran (0 when it did not run)."""

    @property
    def is_error(self) -> bool:
        """Whether the call failed (raised, bad arguments, unknown tool); a veto is not a failure."""
        return self.status in ("error", "invalid_arguments", "unknown_tool")

    def message(self) -> MessageToolMessageRequest:
        """The `tool` message that answers the call."""
        return {"role": "tool", "tool_call_id": self.call.id, "content": self.content}


@dataclass(frozen=True)
class ToolTurn:
    """One request of a run and what followed: the reply, its tool calls and their results."""

    index: int
    """1 for the first request."""
    completion: ChatCompletionResponse
    tool_calls: Tuple[ToolCall, ...]
    tool_results: Tuple[ToolResult, ...]
    """In call order; calls left pending have no result."""


@dataclass(frozen=True)
class ToolRunResult:
    """How a run ended, and the conversation so far."""

    completion: ChatCompletionResponse
    """The last reply (the answer, when `stopped_by == "answer"`)."""
    messages: List[Message]
    """The whole conversation: the messages given, then each assistant message and tool result,
    ending with the last reply. Pass it (plus a new user message) to continue."""
    turns: int
    """How many requests were made."""
    stopped_by: StoppedBy
    tool_results: List[ToolResult]
    """Every result of the run, turn by turn, in call order."""
    pending_tool_calls: List[ToolCall] = field(default_factory=lambda: [])
    """Calls of definition-only tools left for the caller (`stopped_by == "pending_tool_calls"`):
    append a `tool` message answering each to `messages` before continuing."""
    completions: List[ChatCompletionResponse] = field(default_factory=lambda: [])
    """Every reply of the run, in order."""

    @property
    def content(self) -> Optional[str]:
        """The text of the last reply."""
        return self.completion.choices[0].message.content if self.completion.choices else None


class ToolError(CerebrasError):
    """A call failed while the run was asked to raise tool errors (`raise_tool_errors=True`).

    `result` is what would have been sent to the model; the tool's own exception, if any, is the
    `__cause__`.
    """

    result: ToolResult

    def __init__(self, result: ToolResult) -> None:
        super().__init__(f"Tool call {result.call.name!r} ({result.call.id}) failed: {result.content}")
        self.result = result


# --------------------------------------------------------------------------- streamed events


@dataclass(frozen=True)
class TextDeltaEvent:
    """A piece of the reply's text, as it arrives."""

    turn: int
    text: str
    type: Literal["text_delta"] = field(default="text_delta", init=False)


@dataclass(frozen=True)
class ReasoningDeltaEvent:
    """A piece of the model's reasoning, as it arrives."""

    turn: int
    text: str
    type: Literal["reasoning_delta"] = field(default="reasoning_delta", init=False)


@dataclass(frozen=True)
class ToolCallStartedEvent:
    """A call is about to run (the model's turn is complete and `on_tool_call` let it through)."""

    call: ToolCall
    type: Literal["tool_call_started"] = field(default="tool_call_started", init=False)


@dataclass(frozen=True)
class ToolResultEvent:
    """A call has a result (its tool finished, failed, or was vetoed)."""

    result: ToolResult
    type: Literal["tool_result"] = field(default="tool_result", init=False)


@dataclass(frozen=True)
class TurnEndEvent:
    """A turn is over: its reply is complete and every call it made has a result."""

    turn: ToolTurn
    type: Literal["turn_end"] = field(default="turn_end", init=False)


@dataclass(frozen=True)
class FinalResultEvent:
    """The run is over; always the last event."""

    result: ToolRunResult
    type: Literal["final"] = field(default="final", init=False)


ToolRunEvent = Union[
    TextDeltaEvent, ReasoningDeltaEvent, ToolCallStartedEvent, ToolResultEvent, TurnEndEvent, FinalResultEvent
]
"""An event of a streamed run; tell them apart by `event.type`."""

ToolCallVerdict = Union[bool, str, None]
ToolCallHook = Callable[[ToolCall], ToolCallVerdict]
"""`on_tool_call`: called before each call runs. `True`/`None` let it run; `False` vetoes it (the
model is told the call was declined); a string vetoes it and is sent as the result."""
AsyncToolCallHook = Callable[[ToolCall], Union[ToolCallVerdict, Awaitable[ToolCallVerdict]]]
"""`on_tool_call` of the async client: as `ToolCallHook`, and may be `async`."""
TurnHook = Callable[[ToolTurn], object]
"""`on_turn`: called after each turn, with its reply and results."""
AsyncTurnHook = Callable[[ToolTurn], object]
"""`on_turn` of the async client; an awaitable it returns is awaited."""

"""The state of one tool run, without I/O: which request to send next, what a reply asks for, how
each call's outcome becomes a `tool` message, and when the run is over.

`tool_runner` drives it, once for blocking code and once for async code: the two differ only in
how they send requests, run tools (a thread pool, or a task group) and call the hooks.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, cast

from .._exceptions import CerebrasError
from .._types import NotGiven, Omit
from ..types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse, ErrorChunkResponse
from ..types.chat.completion_create_params import (
    Message,
    MessageAssistantMessageRequest,
    MessageAssistantMessageRequestToolCall,
    Tool,
)
from ._tool_functions import FunctionTool, ToolArgumentsError, function_tool
from ._tool_types import (
    ReasoningDeltaEvent,
    StoppedBy,
    TextDeltaEvent,
    ToolCall,
    ToolCallVerdict,
    ToolError,
    ToolLike,
    ToolResult,
    ToolRunEvent,
    ToolRunResult,
    ToolTurn,
)

__all__ = ["ToolLoop", "check_run_options", "delta_events"]

# Parameters a run sets itself, on every request.
_RUN_OWNED = ("tools", "stream")


def check_run_options(max_turns: int, max_workers: int) -> None:
    """Refuse limits that cannot work, before any request is made."""
    for label, value in (("max_turns", max_turns), ("max_workers", max_workers)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ValueError(f"{label} must be a positive int, got {value!r}")


def _absent(value: object) -> bool:
    return value is None or isinstance(value, (Omit, NotGiven))


class ToolLoop:
    """One run: the conversation so far, the tools, and the turn counter."""

    def __init__(
        self,
        tools: Iterable[ToolLike],
        params: Mapping[str, Any],
        *,
        max_turns: int,
        raise_tool_errors: bool,
    ) -> None:
        for name in _RUN_OWNED:
            if name in params:
                raise TypeError(
                    f"A tool run sets {name!r} itself; it cannot be passed as a request parameter"
                )
        if "messages" not in params or "model" not in params:
            raise TypeError("A tool run needs `messages` and `model`")
        n = params.get("n")
        if not _absent(n) and n != 1:
            raise ValueError(f"A tool run follows one conversation, so n must be 1 (got {n!r})")
        self._params: Dict[str, Any] = {k: v for k, v in params.items() if k != "messages"}
        self.messages: List[Message] = list(cast(Iterable[Message], params["messages"]))
        self.max_turns = max_turns
        self.raise_tool_errors = raise_tool_errors
        self.turn = 0
        self.results: List[ToolResult] = []
        self.completions: List[ChatCompletionResponse] = []
        self._runnable: Dict[str, FunctionTool[..., Any]] = {}
        self._definition_only: Set[str] = set()
        self._definitions: List[Tool] = []
        self._add_tools(tools)

    def _add_tools(self, tools: Iterable[ToolLike]) -> None:
        if isinstance(tools, (str, bytes, Mapping)) or callable(tools):
            raise TypeError("tools must be a list of tools (functions, FunctionTools or tool definitions)")
        seen: Set[str] = set()
        for item in cast(Iterable[object], tools):
            if isinstance(item, Mapping):
                definition = cast(Tool, item)
                function = cast(Mapping[str, Any], definition.get("function") or {})
                name = function.get("name")
                if not isinstance(name, str):
                    raise TypeError(f"A tool definition needs function.name, got {item!r}")
                self._definition_only.add(name)
            elif callable(item):
                tool: FunctionTool[..., Any] = (
                    cast("FunctionTool[..., Any]", item)
                    if isinstance(item, FunctionTool)
                    else function_tool(item)
                )
                name = tool.name
                self._runnable[name] = tool
                definition = tool.definition
            else:
                raise TypeError(f"Not a tool: {item!r} (give functions, FunctionTools or tool definitions)")
            if name in seen:
                raise ValueError(f"Two tools are named {name!r}")
            seen.add(name)
            self._definitions.append(definition)

    @property
    def model(self) -> Optional[str]:
        """The model the run asks (`None` if it is not a plain string)."""
        model = self._params.get("model")
        return model if isinstance(model, str) else None

    @property
    def tool_names(self) -> List[str]:
        return [str(d["function"]["name"]) for d in self._definitions]

    # ----------------------------------------------------------------------- requests and replies

    def next_request(self) -> Dict[str, Any]:
        """The keyword arguments of the next `create` call (without `stream`); counts the turn."""
        self.turn += 1
        request = dict(self._params)
        request["messages"] = list(self.messages)
        request["tools"] = list(self._definitions)
        choice = request.get("tool_choice")
        if self.turn > 1 and (choice == "required" or isinstance(choice, Mapping)):
            # A choice that forces a call holds for the first request only; kept on every turn,
            # the model could never answer.
            request["tool_choice"] = "auto"
        return request

    def accept(self, reply: object) -> List[ToolCall]:
        """Record the reply of the current turn and return the tool calls it makes."""
        if isinstance(reply, ErrorChunkResponse):
            error_text = reply.error.message or "no message"
            raise CerebrasError(
                f"Turn {self.turn} of the tool run got an error payload instead of a completion "
                f"(status_code {reply.status_code}): {error_text}"
            )
        if not isinstance(reply, ChatCompletionResponse):
            raise CerebrasError(
                f"Turn {self.turn} of the tool run got {type(reply).__name__}, not a completion"
            )
        self.completions.append(reply)
        if not reply.choices:
            self.messages.append({"role": "assistant", "content": None})
            return []
        message = reply.choices[0].message
        calls: List[ToolCall] = []
        for position, raw in enumerate(message.tool_calls or [], start=1):
            name = raw.function.name or ""
            calls.append(
                ToolCall(
                    id=raw.id or f"call_{self.turn}_{position}",
                    name=name,
                    arguments=raw.function.arguments or "",
                    turn=self.turn,
                    tool=self._runnable.get(name),
                )
            )
        assistant: MessageAssistantMessageRequest = {"role": "assistant", "content": message.content}
        if message.reasoning is not None:
            # Sent back so a reasoning model keeps its train of thought across the turns of this
            # user message (the server drops it from older turns when `clear_thinking` is true).
            assistant["reasoning"] = message.reasoning
        if calls:
            assistant["tool_calls"] = [_call_param(call) for call in calls]
        self.messages.append(assistant)
        return calls

    # ----------------------------------------------------------------------- calls

    def is_pending(self, call: ToolCall) -> bool:
        """Whether the call is for a definition-only tool, left to the caller."""
        return call.tool is None and call.name in self._definition_only

    def unknown_tool(self, call: ToolCall) -> Optional[ToolResult]:
        """The result for a call naming no tool of this run, else `None`."""
        if call.tool is not None or call.name in self._definition_only:
            return None
        available = ", ".join(self.tool_names) or "none"
        return ToolResult(
            call,
            f"Error: there is no tool named {call.name!r}. The available tools are: {available}.",
            "unknown_tool",
        )

    def vet(self, call: ToolCall, verdict: ToolCallVerdict) -> Optional[ToolResult]:
        """The result of a call the `on_tool_call` hook refused, else `None` (it may run)."""
        if verdict is None or verdict is True:
            return None
        if verdict is False:
            return ToolResult(call, f"The call to {call.name} was declined, so it did not run.", "vetoed")
        if isinstance(verdict, str):  # pyright: ignore[reportUnnecessaryIsInstance]
            return ToolResult(call, verdict, "vetoed")
        raise TypeError(f"on_tool_call must return True, False, None or a string, got {verdict!r}")

    def execute(self, call: ToolCall) -> ToolResult:
        """Run a call in this thread; failures become results."""
        tool = cast("FunctionTool[..., Any]", call.tool)
        started = time.perf_counter()
        try:
            content = tool.call(call.arguments)
        except Exception as exc:
            return _failure(call, exc, time.perf_counter() - started)
        return ToolResult(call, content, "ok", duration=time.perf_counter() - started)

    async def execute_async(self, call: ToolCall) -> ToolResult:
        """Run a call from async code; failures become results."""
        tool = cast("FunctionTool[..., Any]", call.tool)
        started = time.perf_counter()
        try:
            content = await tool.acall(call.arguments)
        except Exception as exc:
            return _failure(call, exc, time.perf_counter() - started)
        return ToolResult(call, content, "ok", duration=time.perf_counter() - started)

    # ----------------------------------------------------------------------- the end of a turn

    def end_turn(self, calls: Sequence[ToolCall], results: Sequence[Optional[ToolResult]]) -> ToolTurn:
        """Append the results to the conversation in call order and describe the turn.

        With `raise_tool_errors`, the first failed call (in call order) raises `ToolError` instead.
        """
        done = [result for result in results if result is not None]
        if self.raise_tool_errors:
            for result in done:
                if result.is_error:
                    raise ToolError(result) from result.error
        self.results.extend(done)
        self.messages.extend(result.message() for result in done)
        return ToolTurn(self.turn, self.completions[-1], tuple(calls), tuple(done))

    def stopped_by(self, calls: Sequence[ToolCall]) -> Optional[StoppedBy]:
        """Why the run ends after this turn, or `None` to go on."""
        if not calls:
            return "answer"
        if any(self.is_pending(call) for call in calls):
            return "pending_tool_calls"
        if self.turn >= self.max_turns:
            return "max_turns"
        return None

    def result(self, stopped_by: StoppedBy, calls: Sequence[ToolCall]) -> ToolRunResult:
        return ToolRunResult(
            completion=self.completions[-1],
            messages=list(self.messages),
            turns=self.turn,
            stopped_by=stopped_by,
            tool_results=list(self.results),
            pending_tool_calls=[call for call in calls if self.is_pending(call)],
            completions=list(self.completions),
        )


def _call_param(call: ToolCall) -> MessageAssistantMessageRequestToolCall:
    return {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}


def _failure(call: ToolCall, exc: Exception, duration: float) -> ToolResult:
    if isinstance(exc, ToolArgumentsError):
        return ToolResult(call, f"Error: {exc}", "invalid_arguments", exc, duration)
    detail = str(exc)
    text = f"Error: {call.name} raised {type(exc).__name__}" + (f": {detail}" if detail else "")
    return ToolResult(call, text, "error", exc, duration)


def delta_events(chunk: object, turn: int) -> Iterator[ToolRunEvent]:
    """The reasoning and text pieces a streamed chunk adds to the first choice."""
    if not isinstance(chunk, ChatChunkResponse):
        return
    for choice in chunk.choices or []:
        if choice.index != 0 or choice.delta is None:
            continue
        if choice.delta.reasoning:
            yield ReasoningDeltaEvent(turn, choice.delta.reasoning)
        if choice.delta.content:
            yield TextDeltaEvent(turn, choice.delta.content)

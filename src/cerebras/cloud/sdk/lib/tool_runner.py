"""The tool runner: call the model, run the tools it asks for, send back the results, and repeat
until it answers without tool calls (or `max_turns` requests were made).

`client.chat.completions.run_tools(...)` and `.stream_tools(...)` (and their async twins) are these
functions with the resource as first argument:

```py
@function_tool
def get_weather(city: str) -> str:
    \"\"\"Current weather of a city.\"\"\"
    return "sunny"


result = client.chat.completions.run_tools(
    model="llama3.1-8b", messages=[{"role": "user", "content": "Weather in Oslo?"}], tools=[get_weather]
)
print(result.content, result.stopped_by, result.turns)
```

Each turn is one `create()` call through the resource's public method (so whatever wraps `create`
sees every turn). The calls of one reply run concurrently: on a thread pool of `max_workers`
threads in blocking code (a single call runs in the calling thread), in a task group bounded to
`max_workers` in async code (plain functions run in worker threads, async ones on the loop). A tool
that raises, arguments that do not fit, or an unknown tool name become the call's result, in words
the model can act on, unless `raise_tool_errors=True`.
"""

from __future__ import annotations

import contextvars
import inspect
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncGenerator,
    AsyncIterator,
    Generator,
    Iterable,
    Iterator,
    List,
    Optional,
    Tuple,
)

import anyio

from .._accumulate import ChatCompletionAccumulator
from .._exceptions import CerebrasError
from ..types.chat.chat_completion import ChatCompletionResponse
from ._tool_loop import ToolLoop, check_run_options, delta_events
from ._tool_types import (
    AsyncToolCallHook,
    AsyncTurnHook,
    FinalResultEvent,
    ToolCall,
    ToolCallHook,
    ToolCallStartedEvent,
    ToolLike,
    ToolResult,
    ToolResultEvent,
    ToolRunEvent,
    ToolRunResult,
    TurnEndEvent,
    TurnHook,
)
from .otel import RunSpan, run_span

if TYPE_CHECKING:
    from ..resources.chat._async_completions import AsyncCompletionsResource
    from ..resources.chat.completions import CompletionsResource

__all__ = [
    "DEFAULT_MAX_TURNS",
    "DEFAULT_MAX_WORKERS",
    "AsyncToolRunStream",
    "ToolRunStream",
    "async_run_tools",
    "async_stream_tools",
    "run_tools",
    "stream_tools",
]

DEFAULT_MAX_TURNS = 10
"""Requests a run makes at most, unless told otherwise."""
DEFAULT_MAX_WORKERS = 8
"""Tool calls of one turn that run at the same time, at most, unless told otherwise."""


def run_tools(
    completions: CompletionsResource,
    *,
    tools: Iterable[ToolLike],
    max_turns: int = DEFAULT_MAX_TURNS,
    max_workers: int = DEFAULT_MAX_WORKERS,
    on_tool_call: Optional[ToolCallHook] = None,
    on_turn: Optional[TurnHook] = None,
    raise_tool_errors: bool = False,
    **params: Any,
) -> ToolRunResult:
    """Run the loop to its end and return how it ended (see the module docs).

    `params` are `create()`'s (`messages` and `model` required; not `stream` or `tools`).
    """
    check_run_options(max_turns, max_workers)
    loop = ToolLoop(tools, params, max_turns=max_turns, raise_tool_errors=raise_tool_errors)
    events = _events(completions, loop, False, max_workers, on_tool_call, on_turn)
    try:
        for event in events:
            if event.type == "final":
                return event.result
    finally:
        events.close()
    raise CerebrasError(
        "The tool run ended without a result"
    )  # pragma: no cover - the loop always ends with one


def stream_tools(
    completions: CompletionsResource,
    *,
    tools: Iterable[ToolLike],
    max_turns: int = DEFAULT_MAX_TURNS,
    max_workers: int = DEFAULT_MAX_WORKERS,
    on_tool_call: Optional[ToolCallHook] = None,
    on_turn: Optional[TurnHook] = None,
    raise_tool_errors: bool = False,
    **params: Any,
) -> ToolRunStream:
    """Like `run_tools`, with every reply streamed: returns a `ToolRunStream` of events.

    Nothing is sent until the stream is iterated. Tool results are reported as each call finishes.
    """
    check_run_options(max_turns, max_workers)
    loop = ToolLoop(tools, params, max_turns=max_turns, raise_tool_errors=raise_tool_errors)
    return ToolRunStream(_events(completions, loop, True, max_workers, on_tool_call, on_turn))


async def async_run_tools(
    completions: AsyncCompletionsResource,
    *,
    tools: Iterable[ToolLike],
    max_turns: int = DEFAULT_MAX_TURNS,
    max_workers: int = DEFAULT_MAX_WORKERS,
    on_tool_call: Optional[AsyncToolCallHook] = None,
    on_turn: Optional[AsyncTurnHook] = None,
    raise_tool_errors: bool = False,
    **params: Any,
) -> ToolRunResult:
    """Async `run_tools`; hooks may be `async` functions. Works under asyncio and trio."""
    check_run_options(max_turns, max_workers)
    loop = ToolLoop(tools, params, max_turns=max_turns, raise_tool_errors=raise_tool_errors)
    events = _async_events(completions, loop, False, max_workers, on_tool_call, on_turn)
    try:
        async for event in events:
            if event.type == "final":
                return event.result
    finally:
        await events.aclose()
    raise CerebrasError("The tool run ended without a result")  # pragma: no cover


def async_stream_tools(
    completions: AsyncCompletionsResource,
    *,
    tools: Iterable[ToolLike],
    max_turns: int = DEFAULT_MAX_TURNS,
    max_workers: int = DEFAULT_MAX_WORKERS,
    on_tool_call: Optional[AsyncToolCallHook] = None,
    on_turn: Optional[AsyncTurnHook] = None,
    raise_tool_errors: bool = False,
    **params: Any,
) -> AsyncToolRunStream:
    """Async `stream_tools`: returns an `AsyncToolRunStream` of events.

    The calls of one turn run concurrently in a task group; their results are reported when the
    whole turn's calls are done, in the order they finished.
    """
    check_run_options(max_turns, max_workers)
    loop = ToolLoop(tools, params, max_turns=max_turns, raise_tool_errors=raise_tool_errors)
    return AsyncToolRunStream(_async_events(completions, loop, True, max_workers, on_tool_call, on_turn))


class ToolRunStream:
    """The events of a streamed tool run, read on demand: iterate it (`for event in stream`),
    or call `final_result()`. Use it as a context manager (or `close()` it) to stop early."""

    def __init__(self, events: Generator[ToolRunEvent, None, None]) -> None:
        self._events = events
        self._result: Optional[ToolRunResult] = None

    def __iter__(self) -> Iterator[ToolRunEvent]:
        return self

    def __next__(self) -> ToolRunEvent:
        event = next(self._events)
        if event.type == "final":
            self._result = event.result
        return event

    def text_deltas(self) -> Iterator[str]:
        """Only the reply text, as it arrives (the other events are read and skipped)."""
        for event in self:
            if event.type == "text_delta":
                yield event.text

    def final_result(self) -> ToolRunResult:
        """Read the remaining events and return how the run ended."""
        for _ in self:
            pass
        if self._result is None:
            raise CerebrasError("The tool run was closed before it finished")
        return self._result

    @property
    def result(self) -> Optional[ToolRunResult]:
        """How the run ended, once the final event was read; `None` before."""
        return self._result

    def close(self) -> None:
        """Stop the run: the open response is closed and no further request is made."""
        self._events.close()

    def __enter__(self) -> ToolRunStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncToolRunStream:
    """The async twin of `ToolRunStream`: `async for event in stream`, `await stream.final_result()`,
    `async with`."""

    def __init__(self, events: AsyncGenerator[ToolRunEvent, None]) -> None:
        self._events = events
        self._result: Optional[ToolRunResult] = None

    def __aiter__(self) -> AsyncIterator[ToolRunEvent]:
        return self

    async def __anext__(self) -> ToolRunEvent:
        event = await self._events.__anext__()
        if event.type == "final":
            self._result = event.result
        return event

    async def text_deltas(self) -> AsyncIterator[str]:
        """Only the reply text, as it arrives (the other events are read and skipped)."""
        async for event in self:
            if event.type == "text_delta":
                yield event.text

    async def final_result(self) -> ToolRunResult:
        """Read the remaining events and return how the run ended."""
        async for _ in self:
            pass
        if self._result is None:
            raise CerebrasError("The tool run was closed before it finished")
        return self._result

    @property
    def result(self) -> Optional[ToolRunResult]:
        """How the run ended, once the final event was read; `None` before."""
        return self._result

    async def aclose(self) -> None:
        """Stop the run: the open response is closed and no further request is made."""
        await self._events.aclose()

    async def __aenter__(self) -> AsyncToolRunStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


# --------------------------------------------------------------------------- blocking


def _events(
    completions: CompletionsResource,
    loop: ToolLoop,
    streaming: bool,
    max_workers: int,
    on_tool_call: Optional[ToolCallHook],
    on_turn: Optional[TurnHook],
) -> Generator[ToolRunEvent, None, None]:
    pool: Optional[ThreadPoolExecutor] = None
    finished = False
    run = _run_span(completions, loop, streaming)
    failure: Optional[BaseException] = None
    try:
        while True:
            request = loop.next_request()
            if streaming:
                reply = yield from _streamed_reply(completions, request, loop.turn, run)
            else:
                with run.activated():
                    reply = completions.create(**request, stream=False)
            calls = loop.accept(reply)
            results: List[Optional[ToolResult]] = [None] * len(calls)
            runnable: List[int] = []
            for i, call in enumerate(calls):
                if loop.is_pending(call):
                    continue
                early = loop.unknown_tool(call)
                if early is None and on_tool_call is not None:
                    early = loop.vet(call, on_tool_call(call))
                if early is not None:
                    results[i] = early
                    yield ToolResultEvent(early)
                else:
                    runnable.append(i)
                    yield ToolCallStartedEvent(call)
            if len(runnable) == 1 or max_workers == 1:
                for i in runnable:
                    result = results[i] = _execute(loop, run, calls[i])
                    yield ToolResultEvent(result)
            elif runnable:
                if pool is None:
                    pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="cerebras-tool")
                futures = {
                    pool.submit(contextvars.copy_context().run, _execute, loop, run, calls[i]): i
                    for i in runnable
                }
                for future in as_completed(futures):
                    result = results[futures[future]] = future.result()
                    yield ToolResultEvent(result)
            turn = loop.end_turn(calls, results)
            if on_turn is not None:
                on_turn(turn)
            yield TurnEndEvent(turn)
            stopped = loop.stopped_by(calls)
            if stopped is not None:
                finished = True
                _run_ended(run, loop, stopped)
                yield FinalResultEvent(loop.result(stopped, calls))
                return
    except Exception as exc:
        failure = exc
        raise
    finally:
        run.end(failure)
        if pool is not None:
            # Closed early (or failed): do not wait for tools still running.
            pool.shutdown(wait=finished, cancel_futures=not finished)


def _run_span(completions: object, loop: ToolLoop, streaming: bool) -> RunSpan:
    """The run's parent span (a no-op unless OpenTelemetry instrumentation is on)."""
    model = loop.model
    return run_span(
        f"tool_run {model}" if model else "tool_run",
        owner=completions,
        attributes={
            "cerebras.run.type": "tool_run",
            "cerebras.tool_run.streamed": streaming,
            **({"gen_ai.request.model": model} if model else {}),
        },
    )


def _run_ended(run: RunSpan, loop: ToolLoop, stopped: str) -> None:
    run.set_attribute("cerebras.tool_run.turns", loop.turn)
    run.set_attribute("cerebras.tool_run.stopped_by", stopped)


def _execute(loop: ToolLoop, run: RunSpan, call: ToolCall) -> ToolResult:
    with run.tool(call.name, call.id, call.arguments) as span:
        result = loop.execute(call)
        span.outcome(result.status, result.error, result.content)
    return result


async def _execute_async(loop: ToolLoop, run: RunSpan, call: ToolCall) -> ToolResult:
    with run.tool(call.name, call.id, call.arguments) as span:
        result = await loop.execute_async(call)
        span.outcome(result.status, result.error, result.content)
    return result


def _streamed_reply(
    completions: CompletionsResource, request: Any, turn: int, run: RunSpan
) -> Generator[ToolRunEvent, None, ChatCompletionResponse]:
    accumulator = ChatCompletionAccumulator()
    with run.activated():
        stream = completions.create(**request, stream=True)
    with stream:
        for chunk in stream:
            accumulator.add(chunk)
            yield from delta_events(chunk, turn)
    return accumulator.result()


# --------------------------------------------------------------------------- async


async def _async_events(
    completions: AsyncCompletionsResource,
    loop: ToolLoop,
    streaming: bool,
    max_workers: int,
    on_tool_call: Optional[AsyncToolCallHook],
    on_turn: Optional[AsyncTurnHook],
) -> AsyncGenerator[ToolRunEvent, None]:
    limiter = anyio.CapacityLimiter(max_workers)
    run = _run_span(completions, loop, streaming)
    turns = _async_turns(completions, loop, streaming, limiter, run, on_tool_call, on_turn)
    try:
        async for event in turns:
            yield event
    except Exception as exc:
        run.end(exc)
        raise
    finally:
        await turns.aclose()  # closed early: the open response is closed now, not when collected
        run.end()


async def _async_turns(
    completions: AsyncCompletionsResource,
    loop: ToolLoop,
    streaming: bool,
    limiter: anyio.CapacityLimiter,
    run: RunSpan,
    on_tool_call: Optional[AsyncToolCallHook],
    on_turn: Optional[AsyncTurnHook],
) -> AsyncGenerator[ToolRunEvent, None]:
    while True:
        request = loop.next_request()
        if streaming:
            accumulator = ChatCompletionAccumulator()
            with run.activated():
                stream = await completions.create(**request, stream=True)
            async with stream:
                async for chunk in stream:
                    accumulator.add(chunk)
                    for event in delta_events(chunk, loop.turn):
                        yield event
            reply: object = accumulator.result()
        else:
            with run.activated():
                reply = await completions.create(**request, stream=False)
        calls = loop.accept(reply)
        results: List[Optional[ToolResult]] = [None] * len(calls)
        runnable: List[int] = []
        for i, call in enumerate(calls):
            if loop.is_pending(call):
                continue
            early = loop.unknown_tool(call)
            if early is None and on_tool_call is not None:
                verdict = on_tool_call(call)
                early = loop.vet(call, await verdict if inspect.isawaitable(verdict) else verdict)
            if early is not None:
                results[i] = early
                yield ToolResultEvent(early)
            else:
                runnable.append(i)
                yield ToolCallStartedEvent(call)
        if len(runnable) == 1:
            result = results[runnable[0]] = await _execute_async(loop, run, calls[runnable[0]])
            yield ToolResultEvent(result)
        elif runnable:
            # Events cannot be yielded from inside a task group, so they follow it, in the order
            # the calls finished.
            for i, result in await _run_concurrently(loop, calls, runnable, limiter, run):
                results[i] = result
                yield ToolResultEvent(result)
        turn = loop.end_turn(calls, results)
        if on_turn is not None:
            observed = on_turn(turn)
            if inspect.isawaitable(observed):
                await observed
        yield TurnEndEvent(turn)
        stopped = loop.stopped_by(calls)
        if stopped is not None:
            _run_ended(run, loop, stopped)
            yield FinalResultEvent(loop.result(stopped, calls))
            return


async def _run_concurrently(
    loop: ToolLoop, calls: List[ToolCall], indices: List[int], limiter: anyio.CapacityLimiter, run: RunSpan
) -> List[Tuple[int, ToolResult]]:
    """Run the calls at `indices` in one task group; `(index, result)` in the order they finished."""
    finished: List[Tuple[int, ToolResult]] = []

    async def run_one(i: int) -> None:
        async with limiter:
            result = await _execute_async(loop, run, calls[i])
        finished.append((i, result))

    async with anyio.create_task_group() as group:
        for i in indices:
            group.start_soon(run_one, i)
    return finished

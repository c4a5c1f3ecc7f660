"""The public entry points: iterate results from requests, or run a file into a file.

The engine is async; the sync functions run it on an anyio portal (a helper thread with its own
event loop) and send each request from a worker thread through the sync client, so a sync
caller needs no asyncio, and the same engine paces both.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from typing import (
    Any,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Union,
    cast,
)

import anyio
import httpx
from anyio.from_thread import start_blocking_portal
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ..._client import AsyncCerebras, Cerebras
from ._budget import RateBudget
from ._engine import DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRIES, Engine, Sender
from ._estimate import DEFAULT_COMPLETION_TOKENS
from ._idset import IdSet
from ._input import BulkRequest, check_input_file, read_input_file, to_request
from ._limits import Limits
from ._output import ResultWriter
from ._progress import ProgressDisplay
from ._results import BulkProgress, BulkResult, BulkSummary

__all__ = ["aiter_results", "arun_file", "iter_results", "run_file"]

StrPath = Union[str, "os.PathLike[str]"]
OnProgress = Optional[Callable[[BulkProgress], Any]]


def _async_sender(client: AsyncCerebras) -> Sender:
    quiet = client.with_options(max_retries=0)

    async def send(url: str, body: Dict[str, Any]) -> httpx.Response:
        return await quiet.post(url, cast_to=httpx.Response, body=body)

    return send


def _sync_sender(client: Cerebras, concurrency: int) -> Sender:
    quiet = client.with_options(max_retries=0)
    limiter = anyio.CapacityLimiter(concurrency)

    async def send(url: str, body: Dict[str, Any]) -> httpx.Response:
        call = functools.partial(quiet.post, url, cast_to=httpx.Response, body=body)
        return await anyio.to_thread.run_sync(call, limiter=limiter)

    return send


def _checked_requests(
    requests: Iterable[Mapping[str, Any]], default_completion_tokens: int
) -> Iterator[BulkRequest]:
    seen = IdSet()
    for index, item in enumerate(requests, start=1):
        yield to_request(item, line=index, seen=seen, default_completion_tokens=default_completion_tokens)


async def _async_checked_requests(
    requests: AsyncIterable[Mapping[str, Any]], default_completion_tokens: int
) -> AsyncIterator[BulkRequest]:
    seen, index = IdSet(), 0
    async for item in requests:
        index += 1
        yield to_request(item, line=index, seen=seen, default_completion_tokens=default_completion_tokens)


@dataclasses.dataclass(frozen=True)
class _Settings:
    """The options every entry point takes, passed on as one value."""

    concurrency: int
    limits: Optional[Limits]
    max_retries: int
    on_progress: OnProgress
    default_completion_tokens: int

    def engine(
        self,
        send: Sender,
        owner: object,
        *,
        total: Optional[int],
        skipped: int = 0,
        on_progress: OnProgress = None,
    ) -> Engine:
        """An engine for one run; `on_progress` replaces the caller's (`run_file` adds its display)."""
        return Engine(
            send,
            RateBudget(self.limits),
            concurrency=self.concurrency,
            max_retries=self.max_retries,
            total=total,
            skipped=skipped,
            on_progress=on_progress or self.on_progress,
            owner=owner,
        )


# The nowait calls first: `send()` and `receive()` each begin with a checkpoint (one more turn
# of the event loop per result, ~10% of the throughput against a fast server); the waiting forms
# are used only when the buffer is full or empty, which is when waiting is needed.


async def _stream_results(
    engine: Engine,
    requests: Any,
    send_stream: MemoryObjectSendStream[BulkResult],
    failure: List[BaseException],
) -> None:
    async def emit(result: BulkResult) -> None:
        try:
            send_stream.send_nowait(result)
        except anyio.WouldBlock:
            await send_stream.send(result)

    async with send_stream:
        try:
            await engine.run(requests, emit)
        except Exception as exc:
            failure.append(exc)


async def _received(stream: MemoryObjectReceiveStream[BulkResult]) -> AsyncIterator[BulkResult]:
    while True:
        try:
            yield stream.receive_nowait()
        except anyio.WouldBlock:
            try:
                yield await stream.receive()
            except anyio.EndOfStream:
                return
        except anyio.EndOfStream:
            return


async def aiter_results(
    client: AsyncCerebras,
    requests: Union[Iterable[Mapping[str, Any]], AsyncIterable[Mapping[str, Any]]],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    limits: Optional[Limits] = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
    on_progress: OnProgress = None,
    default_completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
) -> AsyncIterator[BulkResult]:
    """Send every request (Batch API input lines as dicts: `custom_id`, `method`, `url`,
    `body`) under the rate limits and yield a `BulkResult` for each, in completion order.

    At most `concurrency` requests are in flight. `limits` adds explicit limits to those the
    API's headers report. A request is retried up to `max_retries` times (429s after their
    `retry-after`, 5xx and connection errors with backoff); after that it yields a failed
    result and the run goes on. A 401/403 raises `RunStopped` once the requests in flight have
    been yielded; a bad line raises `BatchInputError` (its `line` is the 1-based position).
    Iterate to the end or close the iterator (`aclose()`), so that its tasks end with it.
    """
    settings = _Settings(concurrency, limits, max_retries, on_progress, default_completion_tokens)
    if isinstance(requests, AsyncIterable):
        prepared: Any = _async_checked_requests(requests, default_completion_tokens)
        total: Optional[int] = None
    else:
        total = len(requests) if hasattr(requests, "__len__") else None  # type: ignore[arg-type]
        prepared = _checked_requests(requests, default_completion_tokens)
    engine = settings.engine(_async_sender(client), client, total=total)
    send_stream: MemoryObjectSendStream[BulkResult]
    receive_stream: MemoryObjectReceiveStream[BulkResult]
    send_stream, receive_stream = anyio.create_memory_object_stream(concurrency)
    failure: List[BaseException] = []
    closed = False
    async with anyio.create_task_group() as group:
        group.start_soon(_stream_results, engine, prepared, send_stream, failure)
        try:
            async with receive_stream:
                async for result in _received(receive_stream):
                    try:
                        yield result
                    except GeneratorExit:
                        # aclose(): leave the task group normally (a GeneratorExit inside it
                        # would come out wrapped in an exception group), then end.
                        closed = True
                        break
        finally:
            # Ended early (the caller stopped iterating): stop the workers too. After the last
            # result the producer is done already, and cancelling changes nothing.
            group.cancel_scope.cancel()
    if failure and not closed:
        raise failure[0]


def iter_results(
    client: Cerebras,
    requests: Iterable[Mapping[str, Any]],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    limits: Optional[Limits] = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
    on_progress: OnProgress = None,
    default_completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
) -> Iterator[BulkResult]:
    """The sync `aiter_results`: same arguments and behaviour, with a `Cerebras` client.

    The requests are read, and `on_progress` called, on a helper thread; stopping the iteration
    early (`break`) cancels the requests still in flight.
    """
    settings = _Settings(concurrency, limits, max_retries, on_progress, default_completion_tokens)
    total = len(requests) if hasattr(requests, "__len__") else None  # type: ignore[arg-type]
    prepared = _checked_requests(requests, default_completion_tokens)
    send_stream: MemoryObjectSendStream[BulkResult]
    receive_stream: MemoryObjectReceiveStream[BulkResult]
    send_stream, receive_stream = anyio.create_memory_object_stream(concurrency)
    failure: List[BaseException] = []
    with start_blocking_portal() as portal:

        async def produce() -> None:
            engine = settings.engine(_sync_sender(client, concurrency), client, total=total)
            await _stream_results(engine, prepared, send_stream, failure)

        future = portal.start_task_soon(produce)
        try:
            while True:
                try:
                    result = portal.call(receive_stream.receive)
                except anyio.EndOfStream:
                    break
                yield result
        finally:
            if not future.done():
                future.cancel()
            portal.call(receive_stream.aclose)
    if failure:
        raise failure[0]


def _custom_id(line: object) -> object:
    return cast(Mapping[str, Any], line).get("custom_id") if isinstance(line, Mapping) else None


async def _run_file(
    send: Callable[[], Sender],
    owner: object,
    input_path: StrPath,
    output_path: StrPath,
    settings: _Settings,
    progress: Optional[bool],
) -> BulkSummary:
    default_completion_tokens = settings.default_completion_tokens
    writer = ResultWriter(output_path)
    display: Optional[ProgressDisplay] = None
    summary: Optional[BulkSummary] = None
    try:
        total, skipped = check_input_file(
            input_path, default_completion_tokens=default_completion_tokens, finished=writer.finished
        )
        finished = writer.finished
        requests = (
            to_request(value, line=number, seen=None, default_completion_tokens=default_completion_tokens)
            for number, value in read_input_file(input_path)
            if _custom_id(value) not in finished
        )
        display = ProgressDisplay(progress, total=total, skipped=skipped)

        def report(snapshot: BulkProgress) -> None:
            assert display is not None
            display.update(snapshot)
            if settings.on_progress is not None:
                settings.on_progress(snapshot)

        engine = settings.engine(send(), owner, total=total, skipped=skipped, on_progress=report)
        try:
            summary = await engine.run(requests, writer.write)
        finally:
            summary = summary or engine.summary()
        return dataclasses.replace(summary, output=writer.path)
    finally:
        writer.close()
        if display is not None:
            display.close(summary)


async def arun_file(
    client: AsyncCerebras,
    input_path: StrPath,
    output_path: StrPath,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    limits: Optional[Limits] = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
    on_progress: OnProgress = None,
    progress: Optional[bool] = None,
    default_completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
) -> BulkSummary:
    """Run a Batch API input file (JSONL) and append a result line per request to `output_path`.

    The whole input is checked first (a bad line raises `BatchInputError` naming it, before
    anything is sent), then read lazily. If `output_path` exists, the run resumes: a torn last
    line is cut away and every `custom_id` already there is skipped, so the file ends with each
    `custom_id` exactly once. `progress`: `None` shows a bar on a terminal (with tqdm) and else
    one summary line on stderr at the end, `True` always a bar, `False` nothing. Other
    arguments as for `aiter_results`. Returns the `BulkSummary`.
    """
    return await _run_file(
        lambda: _async_sender(client),
        client,
        input_path,
        output_path,
        _Settings(concurrency, limits, max_retries, on_progress, default_completion_tokens),
        progress,
    )


def run_file(
    client: Cerebras,
    input_path: StrPath,
    output_path: StrPath,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    limits: Optional[Limits] = None,
    max_retries: int = DEFAULT_MAX_RETRIES,
    on_progress: OnProgress = None,
    progress: Optional[bool] = None,
    default_completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
) -> BulkSummary:
    """The sync `arun_file`, with a `Cerebras` client (see `arun_file`)."""
    run = functools.partial(
        _run_file,
        lambda: _sync_sender(client, concurrency),
        client,
        input_path,
        output_path,
        _Settings(concurrency, limits, max_retries, on_progress, default_completion_tokens),
        progress,
    )
    with start_blocking_portal() as portal:
        return portal.call(run)

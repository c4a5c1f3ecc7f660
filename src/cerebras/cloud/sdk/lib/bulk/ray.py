"""Bulk runs on Ray Data: the same requests, many workers, one rate budget.

Install the extra (`pip install "cerebras_cloud_sdk[ray]"`), then::

    import ray
    from cerebras.cloud.sdk.lib.bulk import Limits
    from cerebras.cloud.sdk.lib.bulk.ray import read_requests, run_requests

    requests = read_requests("requests.jsonl")  # Batch API input lines
    results = run_requests(requests, limits=Limits(rpm=1_000), workers=4)
    for row in results.iter_rows():  # custom_id, status, response, error
        ...

Every worker asks one named actor (`BudgetKeeper`, holding a `RateBudget` on the actor's clock)
before each request and tells it how the request ended: the tokens it used, the `x-ratelimit-*`
headers of the response, a 429's `retry-after`. So the limit holds for the whole cluster, however
many workers there are, and it adapts to what the API reports (Ray's own HTTP stage paces each
actor alone, so the real rate is its qps times the number of actors, and it ignores both).

A row that fails (a bad row, an API error after the retries, a rejected key) comes back as a row
with `status` "failed" and an `error`; the dataset itself never fails because of a request.
`response` and `error` are JSON strings, as the Batch API's result lines would hold them.

Ray is imported by name when this module is used, never at import of the SDK.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import threading
import time
from collections import deque
from typing import Any, Deque, Dict, List, Mapping, Optional, Sequence, Tuple, Union, cast

import httpx

from ..._client import AsyncCerebras
from ..batch_input import BatchInputError
from ._budget import RateBudget
from ._engine import DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRIES, Engine, check_options
from ._estimate import DEFAULT_COMPLETION_TOKENS
from ._input import BulkRequest, to_request
from ._limits import Limits
from ._results import BulkError, BulkResult, RunStopped

__all__ = [
    "BUDGET_NAME",
    "RESULT_COLUMNS",
    "BudgetKeeper",
    "CerebrasRequests",
    "read_requests",
    "run_requests",
    "shared_budget",
]

BUDGET_NAME = "cerebras-bulk-budget"
"""The name the shared budget actor gets unless told otherwise."""

RESULT_COLUMNS = ("custom_id", "status", "response", "error")
"""The columns of the result dataset, those of a Batch API result line."""

_REQUEST_COLUMNS = ("custom_id", "method", "url", "body")


def _ray() -> Any:
    try:
        return importlib.import_module("ray")
    except ImportError as exc:
        raise ImportError(
            'cerebras.cloud.sdk.lib.bulk.ray needs Ray Data: pip install "cerebras_cloud_sdk[ray]"'
        ) from exc


# ------------------------------------------------------------------------------------ the budget


class BudgetKeeper:
    """What the shared actor runs: one `RateBudget`, read on this process's monotonic clock, so
    that every worker's requests are counted against the same limits at the same "now".

    Use `shared_budget()` to start (or find) it; these methods are what the workers call.
    """

    def __init__(self, limits: Optional[Limits] = None, max_in_flight: Optional[int] = None) -> None:
        self.budget = RateBudget(limits, max_in_flight=max_in_flight)
        self.rate_limited = 0

    def reserve(self, tokens: int) -> Tuple[float, int]:
        """`RateBudget.reserve` now: `(0.0, ticket)` when the request may go, else
        `(seconds to wait, 0)`."""
        wait = self.budget.reserve(time.monotonic(), tokens)
        return (wait, self.budget.admitted) if wait == 0 else (wait, 0)

    def release(
        self,
        ticket: int,
        estimated: int,
        actual: Optional[int],
        headers: Optional[Dict[str, str]],
        pause: float,
    ) -> None:
        """A reserved request ended: settle its tokens, take its rate-limit headers, and pause
        everyone for `pause` seconds after a 429."""
        now = time.monotonic()
        self.budget.settle(now, estimated, actual)
        if headers:
            self.budget.observe(now, headers, ticket)
        if pause > 0:
            self.rate_limited += 1
            self.budget.pause(now, pause)

    def limits(self) -> Limits:
        """The explicit limits this budget was started with."""
        return self.budget.limits

    def stats(self) -> Dict[str, Any]:
        """Counts for a look from outside: requests admitted, 429s reported, in flight now,
        and what is left of each limit."""
        return {
            "admitted": self.budget.admitted,
            "rate_limited": self.rate_limited,
            "in_flight": self.budget.in_flight,
            "remaining": self.budget.remaining(time.monotonic()),
        }


def shared_budget(
    limits: Optional[Limits] = None,
    *,
    name: str = BUDGET_NAME,
    namespace: Optional[str] = None,
    max_in_flight: Optional[int] = None,
) -> Any:
    """The named budget actor, started if it is not running yet; returns its handle.

    `limits` are explicit limits on top of what the API's headers report (set them when the
    account is shared with other jobs). Asking for a running budget with other limits raises
    `ValueError`, rather than silently pacing under the old ones. The actor takes no CPU, and
    lives as long as a handle to it does (a dataset built by `run_requests` holds one).
    """
    if limits is not None and not isinstance(limits, Limits):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"limits must be a Limits or None, got {type(limits).__name__}")
    ray = _ray()
    keeper = ray.remote(num_cpus=0)(BudgetKeeper)
    handle = keeper.options(name=name, namespace=namespace, get_if_exists=True).remote(limits, max_in_flight)
    current: Limits = ray.get(handle.limits.remote())
    if current != (limits if limits is not None else Limits()):
        raise ValueError(
            f"a budget named {name!r} is running with {current}, not {limits}; "
            "stop it (ray.kill) or give this run another name"
        )
    return handle


class _ActorBudget:
    """The engine's `BudgetHandle` over the actor: reserve waits for the answer, release does not
    (an actor runs one caller's calls in the order they were made)."""

    __slots__ = ("actor",)

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    async def reserve(self, tokens: int) -> Tuple[float, int]:
        answer: Tuple[float, int] = await self.actor.reserve.remote(tokens)
        return answer

    def release(
        self,
        ticket: int,
        estimated: int,
        actual: Optional[int],
        headers: Optional[Mapping[str, str]] = None,
        pause: float = 0.0,
    ) -> None:
        # Only the rate-limit figures travel to the actor.
        figures = (
            {k: v for k, v in headers.items() if k.lower().startswith("x-ratelimit-")} if headers else None
        )
        self.actor.release.remote(ticket, estimated, actual, figures, pause)


# --------------------------------------------------------------------------------------- the UDF


def _columns(batch: Any) -> Dict[str, List[Any]]:
    """A batch in any of Ray's formats as `{column: [values]}`."""
    if hasattr(batch, "to_pydict"):  # pyarrow.Table
        return dict(batch.to_pydict())
    if hasattr(batch, "to_dict") and hasattr(batch, "columns"):  # pandas.DataFrame
        return {str(k): list(v) for k, v in batch.to_dict("list").items()}
    if isinstance(batch, Mapping):
        columns: Mapping[str, Any] = cast(Mapping[str, Any], batch)
        return {str(k): (v.tolist() if hasattr(v, "tolist") else list(v)) for k, v in columns.items()}
    raise TypeError(
        f"a batch must be a dict of columns, a pandas DataFrame or a pyarrow Table, got {type(batch).__name__}"
    )


def _row(columns: Mapping[str, List[Any]], index: int) -> Dict[str, Any]:
    row = {name: columns[name][index] for name in _REQUEST_COLUMNS if name in columns}
    row.setdefault("method", "POST")
    body = row.get("body")
    if isinstance(body, (str, bytes)):
        try:
            row["body"] = json.loads(body)
        except ValueError as exc:
            raise BatchInputError(f"body is not valid JSON ({exc})", line=None) from None
    return row


def _failed(custom_id: object, code: str, message: str) -> BulkResult:
    return BulkResult(
        str(custom_id) if custom_id is not None else "", "failed", error=BulkError(code, message)
    )


class CerebrasRequests:
    """A Ray Data UDF (a callable class for `Dataset.map_batches`) that sends each row's request
    under the shared budget and returns a result row.

    Input columns: `custom_id`, `url`, `body` (a JSON string, or a dict), and optionally `method`
    (POST). Output columns: `RESULT_COLUMNS`, one row per input row, in the same order. Each worker
    keeps one `AsyncCerebras` client (built from `client_options`, its own retries off: the
    engine retries, so that the budget sees every 429) and at most `concurrency` requests in
    flight. `budget` is the actor handle from `shared_budget()`, else the actor named
    `budget_name` is looked up. A rejected key (401/403) fails that worker's remaining rows
    without sending them.
    """

    def __init__(
        self,
        *,
        budget: Any = None,
        budget_name: str = BUDGET_NAME,
        namespace: Optional[str] = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
        client_options: Optional[Mapping[str, Any]] = None,
    ) -> None:
        check_options(concurrency, max_retries)  # here, not per batch, where it would fail every row
        actor = budget if budget is not None else _ray().get_actor(budget_name, namespace=namespace)
        self._budget = _ActorBudget(actor)
        self._concurrency = concurrency
        self._max_retries = max_retries
        self._default_completion_tokens = default_completion_tokens
        self._stopped: Optional[str] = None
        options = dict(client_options or {})
        options["max_retries"] = 0
        self._client = AsyncCerebras(**options)
        # Ray may call the UDF from more than one thread; one loop of our own, on its own thread,
        # serves them all, with one connection pool and one cap on requests in flight.
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="cerebras-bulk-ray", daemon=True).start()
        self._slots: asyncio.Semaphore = self._call(self._make_slots())

    def __repr__(self) -> str:  # never the client's options: they may hold the key
        return f"<CerebrasRequests concurrency={self._concurrency}>"

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _make_slots(self) -> asyncio.Semaphore:
        return asyncio.Semaphore(self._concurrency)

    async def _send(self, url: str, body: Dict[str, Any]) -> httpx.Response:
        async with self._slots:
            return await self._client.post(url, cast_to=httpx.Response, body=body)

    def __call__(self, batch: Any) -> Dict[str, List[Any]]:
        """Send a batch's requests; return its result columns."""
        results: List[BulkResult] = self._call(self._run(_columns(batch)))
        return {
            "custom_id": [r.custom_id for r in results],
            "status": [r.status for r in results],
            "response": [_dumps(r.response) if r.response is not None else None for r in results],
            "error": [_dumps(r.to_line()["error"]) if r.error is not None else None for r in results],
        }

    async def _run(self, columns: Mapping[str, List[Any]]) -> List[BulkResult]:
        count = max((len(values) for values in columns.values()), default=0)
        results: List[Optional[BulkResult]] = [None] * count
        waiting: Dict[str, Deque[int]] = {}
        requests: List[BulkRequest] = []
        for index in range(count):
            custom_id = columns["custom_id"][index] if "custom_id" in columns else None
            try:
                request = to_request(
                    _row(columns, index),
                    line=None,
                    seen=None,
                    default_completion_tokens=self._default_completion_tokens,
                )
            except BatchInputError as exc:
                results[index] = _failed(custom_id, "invalid_request", str(exc))
                continue
            requests.append(request)
            waiting.setdefault(request.custom_id, deque()).append(index)

        def emit(result: BulkResult) -> None:
            results[waiting[result.custom_id].popleft()] = result

        if requests and self._stopped is None:
            engine = Engine(
                self._send,
                self._budget,
                concurrency=self._concurrency,
                max_retries=self._max_retries,
                owner=self._client,
            )
            try:
                await engine.run(iter(requests), emit)
            except RunStopped as exc:
                cause = exc.__cause__
                status = getattr(cause, "status_code", "?")
                self._stopped = (
                    f"the API rejected the request for custom_id {exc.custom_id!r} ({status}: {cause}); "
                    "this worker sends no more requests"
                )
            except Exception as exc:  # the budget actor died, a bug: rows, not a failed dataset
                return [
                    r or _failed(c, "worker_error", f"{type(exc).__name__}: {exc}")
                    for r, c in _pairs(results, columns)
                ]
        if self._stopped is not None:
            return [r or _failed(c, "run_stopped", self._stopped) for r, c in _pairs(results, columns)]
        return [r for r in results if r is not None]


def _pairs(
    results: Sequence[Optional[BulkResult]], columns: Mapping[str, List[Any]]
) -> List[Tuple[Optional[BulkResult], Any]]:
    ids: List[Any] = columns.get("custom_id", [None] * len(results))
    return list(zip(results, ids))


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ------------------------------------------------------------------------------- the entry points


def read_requests(paths: Union[str, Sequence[str]], **read_text_options: Any) -> Any:
    """A dataset of Batch API input lines (JSONL) with the columns `CerebrasRequests` takes;
    `body` stays a JSON string, exactly as written (a struct column would gain nulls for the
    fields other rows set). Extra keyword arguments go to `ray.data.read_text`."""
    _ray()  # the error that names the extra, if Ray is missing
    data: Any = importlib.import_module("ray.data")
    lines = data.read_text(paths, **read_text_options)
    return lines.filter(_not_blank).map_batches(_split_lines, batch_format="pyarrow")


def _not_blank(row: Dict[str, Any]) -> bool:
    return bool(str(row["text"]).strip())


def _split_lines(batch: Any) -> Dict[str, List[Any]]:
    out: Dict[str, List[Any]] = {name: [] for name in _REQUEST_COLUMNS}
    for text in batch.column("text").to_pylist():
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        fields: Mapping[str, Any] = cast(Dict[str, Any], value) if isinstance(value, dict) else {}
        out["custom_id"].append(fields.get("custom_id"))
        out["method"].append(fields.get("method"))
        out["url"].append(fields.get("url"))
        body = fields.get("body", text if value is None else None)
        out["body"].append(body if isinstance(body, str) else _dumps(body))
    return out


def run_requests(
    requests: Any,
    *,
    limits: Optional[Limits] = None,
    workers: int = 4,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_retries: int = DEFAULT_MAX_RETRIES,
    default_completion_tokens: int = DEFAULT_COMPLETION_TOKENS,
    client_options: Optional[Mapping[str, Any]] = None,
    budget_name: str = BUDGET_NAME,
    batch_size: int = 64,
    num_cpus: float = 0.5,
    **map_batches_options: Any,
) -> Any:
    """`requests.map_batches(CerebrasRequests, ...)` with a shared budget: a lazy dataset of
    result rows (`RESULT_COLUMNS`).

    `workers` actors each keep up to `concurrency` requests in flight, all under one budget (the
    actor `budget_name`, started with `limits` if needed). `client_options` are the
    `AsyncCerebras` arguments (`api_key`, `base_url`, `timeout`...); without `api_key` each worker
    reads `CEREBRAS_API_KEY` from its environment. Each worker asks for `num_cpus` (they wait on
    the network); other keyword arguments go to `map_batches`.
    """
    budget = shared_budget(limits, name=budget_name)
    return requests.map_batches(
        CerebrasRequests,
        fn_constructor_kwargs={
            "budget": budget,
            "concurrency": concurrency,
            "max_retries": max_retries,
            "default_completion_tokens": default_completion_tokens,
            "client_options": dict(client_options or {}),
        },
        batch_size=batch_size,
        concurrency=workers,
        num_cpus=num_cpus,
        **map_batches_options,
    )

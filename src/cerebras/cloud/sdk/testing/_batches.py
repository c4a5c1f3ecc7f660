"""The Batch API: batches of chat completion requests, run by the mock's own chat route on its clock.

A batch's status is worked out lazily, whenever someone looks at it, from the mock clock
(:class:`~cerebras.cloud.sdk.testing.MockClock`) and the phase durations it was created with
(:class:`~cerebras.cloud.sdk.testing.BatchTiming`)::

    validating --(input invalid)--> failed
        |
    in_progress --(requests finish one by one)--> finalizing --> completed
        |                                             |
        +--(24 h window passes)--> expired <----------+
    validating / in_progress / finalizing --(DELETE)--> cancelling --> cancelled

Each request runs through the same code as ``POST /v1/chat/completions`` (so scripted replies and
faults, validation and unknown models all apply) at the moment it is due; its results line is
kept in input order. No thread is involved: nothing happens between two looks at a batch, and a
test can drive everything with ``server.clock.advance(...)``.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, cast

from ._batch_input import BATCH_ENDPOINT, BatchLine, BatchRules, read_input
from ._clock import BatchTiming, MockClock
from ._files import (
    NDJSON_TYPE,
    FileStore,
    bad_request,
    list_page,
    method_not_allowed,
    not_found,
    split_path,
)
from ._payloads import dumps
from ._recording import RecordedRequest
from ._routes import HTTPError, Response, json_response

__all__ = ["BATCHES_PATH", "Batch", "BatchStore", "batches_route"]

BATCHES_PATH = "/v1/batches"
COMPLETION_WINDOW = "24h"
ACTIVE = ("validating", "in_progress", "finalizing")
RESULTS_READY = ("completed", "expired", "cancelled")
_STAMPS = (
    "in_progress_at",
    "expires_at",
    "finalizing_at",
    "completed_at",
    "failed_at",
    "expired_at",
    "cancelling_at",
    "cancelled_at",
)

# Mock times are large floats (unix seconds): ``created + 0.2`` and ``now`` after ``advance(0.1)``
# twice may differ in the last bit. Anything due within this margin of "now" counts as due.
_MARGIN = 1e-6

RunLine = Callable[[Dict[str, Any]], Tuple[int, Any]]
"""Runs one request body through the chat route: ``(HTTP status, parsed JSON body)``."""


def result_line(custom_id: str, status: int, payload: Any) -> Dict[str, Any]:
    """The results line of a request the chat route answered with ``status`` and ``payload``."""
    if status == 200 and isinstance(payload, dict):
        return {"custom_id": custom_id, "status": "succeeded", "response": payload}
    error: Mapping[str, Any] = {}
    if isinstance(payload, dict):
        inner = cast(Dict[str, Any], payload).get("error")
        if isinstance(inner, dict):
            error = cast(Dict[str, Any], inner)
    code = error.get("code") or error.get("type") or f"http_{status}"
    message = error.get("message") or f"The request failed with HTTP status {status}."
    return {"custom_id": custom_id, "status": "failed", "error": {"code": str(code), "message": str(message)}}


def expired_line(custom_id: str) -> Dict[str, Any]:
    message = "The batch expired before this request was processed."
    return {"custom_id": custom_id, "status": "expired", "error": {"code": "timeout", "message": message}}


@dataclass
class Batch:
    """One batch: what it was created with, where it stands, and the results so far."""

    id: str
    input_file_id: str
    metadata: Optional[Dict[str, Any]]
    created: float
    timing: BatchTiming
    lines: List[BatchLine]
    invalid: Optional[str]
    status: str = "validating"
    stamps: Dict[str, float] = field(default_factory=lambda: {})
    results: List[Optional[Dict[str, Any]]] = field(default_factory=lambda: [])
    errors: Optional[str] = None
    output_file_id: Optional[str] = None

    @property
    def deadline(self) -> float:
        return self.created + self.timing.completion_window

    def request_counts(self) -> Dict[str, int]:
        done = [r for r in self.results if r is not None]
        completed = sum(1 for r in done if r["status"] == "succeeded")
        return {"total": len(self.results), "completed": completed, "failed": len(done) - completed}

    def to_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {
            "id": self.id,
            "object": "batch",
            "endpoint": BATCH_ENDPOINT,
            "errors": self.errors,
            "input_file_id": self.input_file_id,
            "completion_window": COMPLETION_WINDOW,
            "status": self.status,
            "output_file_id": self.output_file_id,
            "error_file_id": None,
            "created_at": int(self.created),
        }
        for name in _STAMPS:
            out[name] = int(self.stamps[name]) if name in self.stamps else None
        out["request_counts"] = self.request_counts()
        out["metadata"] = self.metadata
        return out

    def results_jsonl(self) -> bytes:
        return b"".join(dumps(line) + b"\n" for line in self.results if line is not None)


def _required_str(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        raise bad_request(f"Missing required parameter '{name}'.", name, "missing_required_parameter")
    if not isinstance(value, str):
        raise bad_request(f"'{name}' must be a string.", name, "invalid_type")
    return value


class BatchStore:
    """Every batch of one server, and the state machine that moves them along the mock clock."""

    def __init__(self, files: FileStore, clock: MockClock, run_line: RunLine) -> None:
        self.files = files
        self.clock = clock
        self.run_line = run_line
        self.timing = BatchTiming()
        self.rules = BatchRules()
        self._lock = threading.RLock()
        self._batches: Dict[str, Batch] = {}
        self.order: Dict[str, int] = {}

    # ------------------------------------------------------------------------------------------
    # operations

    def create(self, payload: Any) -> Batch:
        if not isinstance(payload, dict):
            raise HTTPError(400, "Request body must be a JSON object.", code="invalid_json")
        body = cast(Dict[str, Any], payload)
        input_file_id = _required_str(body, "input_file_id")
        endpoint = _required_str(body, "endpoint")
        if endpoint != BATCH_ENDPOINT:
            raise bad_request(f"'endpoint' must be '{BATCH_ENDPOINT}', got {endpoint!r}.", "endpoint")
        window = _required_str(body, "completion_window")
        if window != COMPLETION_WINDOW:
            raise bad_request(
                f"'completion_window' must be '{COMPLETION_WINDOW}', got {window!r}.", "completion_window"
            )
        metadata = body.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise bad_request("'metadata' must be an object.", "metadata", "invalid_type")
        stored = self.files.get(input_file_id)
        if stored is None:
            raise not_found("file", input_file_id)
        if stored.purpose != "batch":
            raise bad_request(
                f"File {input_file_id!r} has purpose {stored.purpose!r}; a batch input needs purpose 'batch'.",
                "input_file_id",
            )
        lines, invalid = read_input(stored.content, self.rules)
        batch = Batch(
            id=f"batch_{uuid.uuid4().hex[:24]}",
            input_file_id=input_file_id,
            metadata=cast(Optional[Dict[str, Any]], metadata),
            created=self.clock.now(),
            timing=self.timing.copy(),
            lines=lines,
            invalid=invalid,
        )
        with self._lock:
            self._batches[batch.id] = batch
            self.order[batch.id] = len(self.order)
        return batch

    def get(self, batch_id: str) -> Optional[Batch]:
        with self._lock:
            batch = self._batches.get(batch_id)
            if batch is not None:
                self._refresh(batch, self.clock.now())
            return batch

    def require(self, batch_id: str) -> Batch:
        batch = self.get(batch_id)
        if batch is None:
            raise not_found("batch", batch_id)
        return batch

    def all(self) -> List[Batch]:
        with self._lock:
            now = self.clock.now()
            for batch in self._batches.values():
                self._refresh(batch, now)
            return list(self._batches.values())

    def cancel(self, batch_id: str) -> Batch:
        with self._lock:
            batch = self.require(batch_id)
            if batch.status in ACTIVE:
                batch.status = "cancelling"
                batch.stamps["cancelling_at"] = self.clock.now()
                self._refresh(batch, batch.stamps["cancelling_at"])
            elif batch.status != "cancelling":
                raise bad_request(
                    f"Batch {batch_id!r} is {batch.status} and can no longer be cancelled.",
                    "batch_id",
                    "batch_not_cancellable",
                )
            return batch

    def expire(self, batch_id: str) -> Batch:
        with self._lock:
            batch = self.known(batch_id)
            if batch.status not in ACTIVE:
                raise ValueError(f"batch {batch_id!r} is {batch.status}; only a running batch can expire")
            self._expire(batch, self.clock.now())
            return batch

    def fail(self, batch_id: str, errors: str) -> Batch:
        with self._lock:
            batch = self.known(batch_id)
            if batch.status not in ACTIVE:
                raise ValueError(f"batch {batch_id!r} is {batch.status}; only a running batch can fail")
            batch.status = "failed"
            batch.stamps["failed_at"] = self.clock.now()
            batch.errors = errors
            return batch

    def results(self, batch_id: str) -> bytes:
        with self._lock:
            batch = self.require(batch_id)
            if batch.status in RESULTS_READY:
                return batch.results_jsonl()
            if batch.status == "failed":
                raise bad_request(
                    f"Batch {batch_id!r} failed and has no results: {batch.errors}",
                    "batch_id",
                    "batch_failed",
                )
            raise bad_request(
                f"Batch {batch_id!r} is {batch.status}; results are available once it is completed, "
                "cancelled or expired.",
                "batch_id",
                "batch_not_ready",
            )

    def clear(self) -> None:
        with self._lock:
            self._batches.clear()
            self.order.clear()

    def known(self, batch_id: str) -> Batch:
        batch = self.get(batch_id)
        if batch is None:
            raise KeyError(f"no batch with id {batch_id!r}")
        return batch

    # ------------------------------------------------------------------------------------------
    # the state machine

    def _refresh(self, batch: Batch, now: float) -> None:
        """Catch ``batch`` up with the clock at ``now``, one transition at a time."""
        timing = batch.timing
        now += _MARGIN
        while True:
            status = batch.status
            if status == "validating":
                at = batch.created + timing.validating
                if batch.deadline <= now and batch.deadline < at:
                    self._expire(batch, batch.deadline)
                    return
                if at > now:
                    return
                if batch.invalid is not None:
                    batch.status, batch.errors = "failed", batch.invalid
                    batch.stamps["failed_at"] = at
                    return
                batch.status = "in_progress"
                batch.stamps["in_progress_at"] = at
                batch.stamps["expires_at"] = batch.deadline
                batch.results = [None] * len(batch.lines)
            elif status == "in_progress":
                end = batch.stamps["in_progress_at"] + timing.in_progress
                limit = min(now, batch.deadline)
                self._run_due(batch, limit)
                if end <= limit and all(r is not None for r in batch.results):
                    batch.status = "finalizing"
                    batch.stamps["finalizing_at"] = end
                    continue
                if batch.deadline <= now:
                    self._expire(batch, batch.deadline)
                return
            elif status == "finalizing":
                at = batch.stamps["finalizing_at"] + timing.finalizing
                if batch.deadline <= now and batch.deadline < at:
                    self._expire(batch, batch.deadline)
                elif at <= now:
                    self._finish(batch, "completed", at)
                return
            elif status == "cancelling":
                at = batch.stamps["cancelling_at"] + timing.cancelling
                if at <= now:
                    self._finish(batch, "cancelled", at)
                return
            else:
                return

    def _run_due(self, batch: Batch, limit: float) -> None:
        """Run the requests due by ``limit``: spread evenly over the in-progress phase, in order."""
        start, count = batch.stamps["in_progress_at"], len(batch.lines)
        span = batch.timing.in_progress
        for index, line in enumerate(batch.lines):
            if batch.results[index] is not None:
                continue
            due = start + span if index == count - 1 else start + span * (index + 1) / count
            if due > limit + _MARGIN:
                return
            body = {k: v for k, v in line.body.items() if k not in ("stream", "stream_options")}
            status, payload = self.run_line(body)
            batch.results[index] = result_line(line.custom_id, status, payload)

    def _expire(self, batch: Batch, at: float) -> None:
        if batch.status == "in_progress":
            self._run_due(batch, at)
        if not batch.results:
            batch.results = [None] * len(batch.lines)
        batch.results = [
            expired_line(line.custom_id) if result is None else result
            for line, result in zip(batch.lines, batch.results)
        ]
        batch.stamps.setdefault("expires_at", batch.deadline)
        self._finish(batch, "expired", at)

    def _finish(self, batch: Batch, status: str, at: float) -> None:
        batch.status = status
        batch.stamps[f"{status}_at"] = at
        output = self.files.add(batch.results_jsonl(), f"{batch.id}_output.jsonl", "batch_output", created=at)
        batch.output_file_id = output.id


def batches_route(store: BatchStore, request: RecordedRequest) -> Optional[Response]:
    """Answer a request under ``/v1/batches`` (``None`` for other paths)."""
    segments = split_path(request.path, BATCHES_PATH)
    if segments is None:
        return None
    method = request.method
    if segments == ():
        if method == "POST":
            return json_response(200, store.create(request.json).to_json())
        if method == "GET":
            page = list_page(store.all(), lambda b: b.id, Batch.to_json, store.order, request.query)
            return json_response(200, page)
        raise method_not_allowed("GET, POST")
    batch_id = segments[0]
    if len(segments) == 1:
        if method == "GET":
            return json_response(200, store.require(batch_id).to_json())
        if method == "DELETE":
            return json_response(200, store.cancel(batch_id).to_json())
        raise method_not_allowed("GET, DELETE")
    if len(segments) == 2 and segments[1] == "results":
        if method != "GET":
            raise method_not_allowed("GET")
        return Response(200, [("content-type", NDJSON_TYPE)], body=store.results(batch_id))
    raise HTTPError(404, f"Not found: {method} {request.path}", type="not_found_error", code="not_found")

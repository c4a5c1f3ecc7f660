"""What a bulk run hands back: one result per request, progress snapshots, and a summary."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

from typing_extensions import Literal

__all__ = ["BulkError", "BulkProgress", "BulkResult", "BulkSummary", "RunStopped"]


@dataclass(frozen=True)
class BulkError:
    """Why a request failed: a machine-readable `code` (the API's error code when it sent one,
    e.g. `invalid_request_error`; else `http_<status>`, `connection_error`, `timeout` or
    `request_too_large`) and a `message` for people."""

    code: str
    message: str


@dataclass(frozen=True)
class BulkResult:
    """The final outcome of one request, as the Batch API's result lines have it.

    `status` is `"succeeded"` (`response` is the completion JSON exactly as received) or
    `"failed"` (`error` says why). `attempts` counts the times it was sent (retries included) and
    `tokens` the `usage.total_tokens` it reported (0 when it failed); neither is written to the
    output file.
    """

    custom_id: str
    status: Literal["succeeded", "failed"]
    response: Optional[Dict[str, Any]] = None
    error: Optional[BulkError] = None
    attempts: int = 1
    tokens: int = 0

    def to_line(self) -> Dict[str, Any]:
        """The result line: `{"custom_id", "status", "response"}` or `{..., "error": {code, message}}`."""
        if self.status == "succeeded":
            return {"custom_id": self.custom_id, "status": self.status, "response": self.response}
        error = self.error if self.error is not None else BulkError("unknown", "")
        return {
            "custom_id": self.custom_id,
            "status": self.status,
            "error": {"code": error.code, "message": error.message},
        }

    def to_json(self) -> str:
        """The result line as compact JSON (no newline)."""
        return json.dumps(self.to_line(), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class BulkProgress:
    """A snapshot of a run, given to `on_progress` after each result.

    `done` = `succeeded` + `failed` in this run; `skipped` were finished by an earlier run (found
    in the output file); `total` is the number of requests when known (a file, a sized
    collection), else None. Rates are per minute over the run so far; `eta` is in seconds (None
    until something finished or when `total` is unknown).
    """

    done: int
    succeeded: int
    failed: int
    in_flight: int
    skipped: int
    total: Optional[int]
    tokens: int
    rate_limited: int
    elapsed: float
    requests_per_minute: float
    tokens_per_minute: float
    eta: Optional[float]


@dataclass(frozen=True)
class BulkSummary:
    """What a finished run did (returned by `run_file` / `arun_file`).

    `rate_limited` counts the 429 responses seen (each was retried), `retries` every retry.
    """

    succeeded: int
    failed: int
    skipped: int
    tokens: int
    rate_limited: int
    retries: int
    elapsed: float
    output: Optional[str] = None

    @property
    def done(self) -> int:
        """Requests finished by this run (succeeded + failed)."""
        return self.succeeded + self.failed

    def line(self) -> str:
        """One line for a log: counts, tokens, 429s, time and rate."""
        minutes = self.elapsed / 60
        rate = f"{self.done / minutes:,.0f} req/min" if minutes > 0 else "-"
        return (
            f"bulk run: {self.done:,} done ({self.succeeded:,} succeeded, {self.failed:,} failed), "
            f"{self.skipped:,} already done, {self.tokens:,} tokens, {self.rate_limited:,} rate-limited (429), "
            f"{self.retries:,} retries, {self.elapsed:.1f} s, {rate}"
        )


class RunStopped(Exception):
    """The run stopped before the end: the API rejected the key (401) or its permissions (403).

    Every result received before is in the output (or was yielded); rerunning with the same
    output file resumes. `custom_id` is the request that got the answer; the API's error is
    `__cause__`; `summary` counts what was done.
    """

    def __init__(self, message: str, *, custom_id: str, summary: Optional[BulkSummary] = None) -> None:
        super().__init__(message)
        self.custom_id = custom_id
        self.summary = summary

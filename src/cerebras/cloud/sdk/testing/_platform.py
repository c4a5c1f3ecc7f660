"""The platform routes of the mock (files, batches) and the server methods that control them and the
service tiers: the clock, batch timing and rules, the file size limit, queue times, and shortcuts
to seed files and to finish, fail or expire batches from a test."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Union

from ._batch_input import BatchRules
from ._batches import BatchStore, RunLine, batches_route
from ._clock import BatchTiming, MockClock
from ._files import FILES_PATH, FileStore, files_route
from ._recording import RecordedRequest
from ._routes import Response, State
from ._tiers import THRESHOLD_MAX, THRESHOLD_MIN, check_tier, initial_queue_times

__all__ = ["Platform", "PlatformControls"]


class Platform:
    """The in-memory files and batches of one server, and their routes."""

    def __init__(self, clock: MockClock, run_line: RunLine) -> None:
        self.clock = clock
        self.files = FileStore(clock)
        self.batches = BatchStore(self.files, clock, run_line)

    def route(self, request: RecordedRequest) -> Optional[Response]:
        """The answer to a request under ``/v1/files`` or ``/v1/batches``; ``None`` for other paths."""
        if request.path == FILES_PATH or request.path.startswith(FILES_PATH + "/"):
            self.batches.all()  # batches that finished by now have their output file listed
            return files_route(self.files, request)
        return batches_route(self.batches, request)

    def clear(self) -> None:
        self.batches.clear()
        self.files.clear()


class PlatformControls:
    """The :class:`MockCerebrasServer` methods for files, batches and service tiers."""

    _platform: Platform
    _state: State

    # ------------------------------------------------------------------------------------------
    # the clock and batch settings

    @property
    def clock(self) -> MockClock:
        """The mock clock batches and file expiry run on; ``server.clock.advance(seconds)`` moves
        it, ``server.clock.time_scale = 0`` freezes it (see :class:`MockClock`)."""
        return self._platform.clock

    @property
    def batch_timing(self) -> BatchTiming:
        """Durations of the batch phases for batches created from now on (mutable in place)."""
        return self._platform.batches.timing

    @batch_timing.setter
    def batch_timing(self, value: BatchTiming) -> None:
        self._platform.batches.timing = value

    @property
    def batch_rules(self) -> BatchRules:
        """What input files must satisfy (10..50,000 requests, one model; mutable in place), checked
        when a batch leaves ``validating``."""
        return self._platform.batches.rules

    @batch_rules.setter
    def batch_rules(self, value: BatchRules) -> None:
        self._platform.batches.rules = value

    @property
    def max_file_bytes(self) -> int:
        """The largest file ``POST /v1/files`` accepts (default 200 MiB); larger ones get a 413."""
        return self._platform.files.max_bytes

    @max_file_bytes.setter
    def max_file_bytes(self, value: int) -> None:
        if value < 0:
            raise ValueError("max_file_bytes must not be negative")
        self._platform.files.max_bytes = value

    # ------------------------------------------------------------------------------------------
    # service tiers

    def set_queue_time(self, milliseconds: float, tier: str = "flex") -> None:
        """Set the current queue time of ``tier`` (``"priority"``, ``"default"`` or ``"flex"``).

        A ``flex`` chat request whose ``queue_threshold`` header is below the flex queue time gets a
        429 ``queue_threshold_exceeded``; an ``auto`` request is served on ``default`` unless the
        default queue is over its threshold, then on ``flex`` (or rejected when that is over too).
        """
        if milliseconds < 0:
            raise ValueError("a queue time must not be negative")
        self._state.queue_times[check_tier(tier)] = float(milliseconds)

    def queue_time(self, tier: str = "flex") -> float:
        """The current queue time of ``tier``, in milliseconds (0 unless set)."""
        return self._state.queue_times[check_tier(tier)]

    @property
    def default_queue_threshold(self) -> Optional[int]:
        """The threshold (ms) applied to ``flex``/``auto`` requests sent without a
        ``queue_threshold`` header; ``None`` (the default): such requests are never rejected."""
        return self._state.default_queue_threshold

    @default_queue_threshold.setter
    def default_queue_threshold(self, value: Optional[int]) -> None:
        if value is not None and not THRESHOLD_MIN <= value <= THRESHOLD_MAX:
            raise ValueError(f"a queue threshold must be between {THRESHOLD_MIN} and {THRESHOLD_MAX} ms")
        self._state.default_queue_threshold = value

    # ------------------------------------------------------------------------------------------
    # files

    def create_file(
        self,
        content: Union[bytes, str],
        *,
        filename: str = "batch.jsonl",
        purpose: str = "batch",
        expires_after: Optional[float] = None,
    ) -> Dict[str, Any]:
        """Store a file as if it had been uploaded (no size or purpose checks) and return its File
        object; ``expires_after`` seconds from now (default 7 days)."""
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        return self._platform.files.add(data, filename, purpose, expires_after).to_json()

    def create_batch_file(self, bodies: List[Dict[str, Any]], *, prefix: str = "request-") -> Dict[str, Any]:
        """Store a batch input file with one well-formed line per chat request body (custom ids
        ``request-1``, ``request-2``...) and return its File object."""
        lines = [
            json.dumps(
                {"custom_id": f"{prefix}{n}", "method": "POST", "url": "/v1/chat/completions", "body": body}
            )
            for n, body in enumerate(bodies, start=1)
        ]
        return self.create_file("".join(line + "\n" for line in lines))

    @property
    def files(self) -> List[Dict[str, Any]]:
        """The File objects stored now (uploads and batch outputs), oldest first."""
        self._platform.batches.all()
        return [f.to_json() for f in self._platform.files.all()]

    def file_content(self, file_id: str) -> bytes:
        """The content of a stored file; :class:`KeyError` for an unknown (or deleted) id."""
        self._platform.batches.all()
        found = self._platform.files.get(file_id)
        if found is None:
            raise KeyError(f"no file with id {file_id!r}")
        return found.content

    # ------------------------------------------------------------------------------------------
    # batches

    @property
    def batches(self) -> List[Dict[str, Any]]:
        """The Batch objects, oldest first, brought up to date with the clock."""
        return [b.to_json() for b in self._platform.batches.all()]

    def get_batch(self, batch_id: str) -> Dict[str, Any]:
        """One Batch object, brought up to date with the clock; :class:`KeyError` when unknown."""
        return self._platform.batches.known(batch_id).to_json()

    def batch_results(self, batch_id: str) -> List[Dict[str, Any]]:
        """The results lines a batch has so far (whatever its status), in input order."""
        batch = self._platform.batches.known(batch_id)
        return [json.loads(json.dumps(line)) for line in batch.results if line is not None]

    def expire_batch(self, batch_id: str) -> Dict[str, Any]:
        """Let the 24 h window of a running batch pass now: requests not yet run get ``expired``
        results and the batch becomes ``expired``. :class:`ValueError` unless it is running."""
        return self._platform.batches.expire(batch_id).to_json()

    def fail_batch(self, batch_id: str, errors: str = "The batch failed.") -> Dict[str, Any]:
        """Make a running batch ``failed`` now, with ``errors`` as its error string."""
        return self._platform.batches.fail(batch_id, errors).to_json()

    def _reset_platform(self) -> None:
        self._platform.clear()
        self._state.queue_times = initial_queue_times()
        self._state.default_queue_threshold = None

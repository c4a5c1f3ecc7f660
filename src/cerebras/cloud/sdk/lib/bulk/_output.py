"""The output file: result lines appended one by one, so that a killed run can resume.

Each line is written whole and flushed to the OS at once, so a crash of the process loses
nothing written; `os.fsync` runs every `FSYNC_EVERY` lines, every `FSYNC_SECONDS` and at the
end, so a crash of the machine loses at most the lines since the last one. On start, the
existing file is read: a last line cut short by a kill (no newline at the end) is truncated
away, and the `custom_id` of every complete line is remembered, so that its request is not sent
again. That set is the only thing that grows with the size of a run (see `IdSet`).
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, BinaryIO, Mapping, Optional, Union, cast

from ..batch_input import BatchInputError
from ._idset import IdSet
from ._results import BulkResult

__all__ = ["FSYNC_EVERY", "FSYNC_SECONDS", "ResultWriter"]

FSYNC_EVERY = 1000
FSYNC_SECONDS = 5.0

StrPath = Union[str, "os.PathLike[str]"]


class ResultWriter:
    """Appends result lines to `path`, after reading (and repairing) what an earlier run left."""

    def __init__(self, path: StrPath) -> None:
        self.path = os.fspath(path)
        self.finished = IdSet()
        self.repaired = 0  # bytes of a torn last line that were cut away
        self._file: BinaryIO = open(self.path, "a+b")  # noqa: SIM115  # closed by close()
        try:
            self._recover()
        except BaseException:
            self._file.close()
            raise
        self._unsynced = 0
        self._synced_at = time.monotonic()

    def _recover(self) -> None:
        file = self._file
        file.seek(0)
        good = 0  # where the last complete line ends
        for number, raw in enumerate(file, start=1):
            if not raw.endswith(b"\n"):
                break  # torn by a kill: cut away below
            good += len(raw)
            if not raw.strip():
                continue
            try:
                line: Any = json.loads(raw)
                custom_id = cast(Mapping[str, Any], line)["custom_id"]
            except (ValueError, TypeError, KeyError):
                raise BatchInputError(
                    f"the output file {self.path!r} has a line that is not a result line; "
                    "pass another output file, or fix or remove it",
                    line=number,
                ) from None
            self.finished.add(str(custom_id))
        end = file.seek(0, os.SEEK_END)
        if end > good:
            self.repaired = end - good
            file.truncate(good)
            file.flush()
            os.fsync(file.fileno())

    def write(self, result: BulkResult) -> None:
        """Append the result's line and flush it; fsync now and then (module docstring)."""
        self._file.write(result.to_json().encode() + b"\n")
        self._file.flush()
        self._unsynced += 1
        if self._unsynced >= FSYNC_EVERY or time.monotonic() - self._synced_at >= FSYNC_SECONDS:
            self.sync()

    def sync(self) -> None:
        if self._unsynced:
            os.fsync(self._file.fileno())
            self._unsynced = 0
        self._synced_at = time.monotonic()

    def close(self) -> None:
        if not self._file.closed:
            try:
                self.sync()
            finally:
                self._file.close()

    @property
    def closed(self) -> bool:
        return self._file.closed

    def __repr__(self) -> str:
        state: Optional[str] = "closed" if self.closed else None
        return f"<ResultWriter {self.path!r} finished={len(self.finished)}{' ' + state if state else ''}>"

"""The queue of scripted responses a server consumes, shared by its reply and fault methods."""

from __future__ import annotations

import threading
from typing import List, Optional

from ._script import ScriptedResponse

__all__ = ["ScriptQueue"]


class ScriptQueue:
    """Scripted entries in the order they were added, guarded by a lock the server shares with its
    request log so that both can be reset at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: List[ScriptedResponse] = []

    @property
    def pending(self) -> List[ScriptedResponse]:
        """Scripted entries that can still answer requests, in queue order."""
        with self._lock:
            return [entry for entry in self._script if entry.remaining != 0]

    def clear_script(self) -> None:
        """Drop every scripted entry; the server goes back to its default behaviour."""
        with self._lock:
            self._script.clear()

    def assert_all_used(self) -> None:
        """Raise :class:`AssertionError` if a counted scripted entry was not fully consumed."""
        leftovers = [entry for entry in self.pending if entry.remaining is not None]
        if leftovers:
            raise AssertionError(f"scripted responses not used: {leftovers!r}")

    def _enqueue(self, entry: ScriptedResponse) -> ScriptedResponse:
        with self._lock:
            self._script.append(entry)
        return entry

    def _claim(self, path: str) -> Optional[ScriptedResponse]:
        # Counted entries win over ``times=None`` ones, which therefore act as a replacement default.
        with self._lock:
            fallback: Optional[ScriptedResponse] = None
            for index, entry in enumerate(self._script):
                if not entry._matches(path):
                    continue
                if entry.remaining is None:
                    if fallback is None:
                        fallback = entry
                    continue
                entry._consume()
                if entry.remaining == 0:
                    del self._script[index]
                return entry
            if fallback is not None:
                fallback._consume()
            return fallback

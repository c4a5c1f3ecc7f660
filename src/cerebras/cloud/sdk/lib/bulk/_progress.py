"""Showing a run's progress: a tqdm bar on a terminal, else one summary line at the end.

tqdm is an optional dependency (the `progress` extra), imported by name only when a bar is
shown, so the SDK does not need it.
"""

from __future__ import annotations

import importlib
import sys
import time
from typing import IO, Any, Optional

from ._results import BulkProgress, BulkSummary

__all__ = ["ProgressDisplay"]

_REFRESH = 0.25  # seconds between updates of the bar's counts


def _load_tqdm() -> Any:
    try:
        return importlib.import_module("tqdm").tqdm
    except ImportError:
        return None


class ProgressDisplay:
    """`progress=None` (auto): a bar when `stream` is a terminal and tqdm is installed, else the
    summary line at the end; `True`: a bar (tqdm required); `False`: nothing."""

    def __init__(
        self,
        progress: Optional[bool],
        *,
        total: Optional[int],
        skipped: int,
        stream: Optional[IO[str]] = None,
    ) -> None:
        self.stream: IO[str] = stream if stream is not None else sys.stderr
        self.enabled = progress is not False
        self._bar: Any = None
        self._shown = 0
        self._refreshed = 0.0
        if progress is False:
            return
        tqdm = _load_tqdm()
        if progress is True and tqdm is None:
            raise ImportError("progress=True needs tqdm: pip install 'cerebras_cloud_sdk[progress]'")
        isatty = getattr(self.stream, "isatty", None)
        if tqdm is not None and (progress is True or (callable(isatty) and isatty())):
            left = None if total is None else max(0, total - skipped)
            self._bar = tqdm(total=left, unit="req", file=self.stream, dynamic_ncols=True, smoothing=0.1)

    def update(self, progress: BulkProgress) -> None:
        bar = self._bar
        if bar is None:
            return
        bar.update(progress.done - self._shown)
        self._shown = progress.done
        now = time.monotonic()
        if now - self._refreshed >= _REFRESH:
            self._refreshed = now
            bar.set_postfix_str(
                f"ok={progress.succeeded} failed={progress.failed} in flight={progress.in_flight} "
                f"{progress.requests_per_minute:,.0f} req/min {progress.tokens_per_minute:,.0f} tok/min",
                refresh=False,
            )

    def close(self, summary: Optional[BulkSummary]) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
            if summary is not None:
                print(summary.line(), file=self.stream, flush=True)
        elif self.enabled and summary is not None:
            print(summary.line(), file=self.stream, flush=True)

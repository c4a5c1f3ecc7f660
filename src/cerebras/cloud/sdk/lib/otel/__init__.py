"""Tracing and metrics with OpenTelemetry, following the GenAI semantic conventions.

Off unless turned on, in one of three ways (all need the `otel` extra):

* `instrument()` (and `uninstrument()`): every client in the process;
* `Cerebras(observers=[OpenTelemetryObserver()])`: one client (and its copies);
* `opentelemetry-instrument python app.py`, which finds `instrumentor.CerebrasInstrumentor` through
  the `opentelemetry_instrumentor` entry point (or `CerebrasInstrumentor().instrument(...)`).

Each API call gets one CLIENT span (`chat llama3.1-8b`, `text_completion ...`, `models.list`,
`files.create`, `batches.retrieve`, ...) and, for chat and text completions, the
`gen_ai.client.token.usage`, `gen_ai.client.operation.duration` and (streams)
`gen_ai.client.operation.time_to_first_chunk` histograms. The tool runner wraps its turns in a
parent span and each tool execution in its own; other runners use `run_span`.

Importing this module does not import OpenTelemetry; building an observer does.
"""

from __future__ import annotations

from typing import Any, Optional

from ..._observe import register, unregister
from ._observer import CAPTURE_CONTENT_ENV, OpenTelemetryObserver
from ._runs import RunSpan, ToolSpan, run_span

__all__ = [
    "CAPTURE_CONTENT_ENV",
    "OpenTelemetryObserver",
    "RunSpan",
    "ToolSpan",
    "instrument",
    "is_instrumented",
    "run_span",
    "uninstrument",
]

_installed: Optional[OpenTelemetryObserver] = None


def instrument(
    *,
    tracer_provider: Any = None,
    meter_provider: Any = None,
    capture_content: Optional[bool] = None,
) -> OpenTelemetryObserver:
    """Trace and measure every call of every client in this process; returns the observer.

    Calling it again replaces the previous setup. `tracer_provider` / `meter_provider` default to
    the global ones; `capture_content` is `OpenTelemetryObserver`'s (prompts and completions are
    recorded only when it is true, or `None` and `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`).
    A client given its own `OpenTelemetryObserver` is recorded by that one only.
    """
    global _installed
    observer = OpenTelemetryObserver(
        tracer_provider=tracer_provider, meter_provider=meter_provider, capture_content=capture_content
    )
    observer.process_wide = True
    if _installed is not None:
        unregister(_installed)
    register(observer)
    _installed = observer
    return observer


def uninstrument() -> None:
    """Undo `instrument()`: calls started from now on are not traced (clients' own observers stay)."""
    global _installed
    if _installed is not None:
        unregister(_installed)
        _installed = None


def is_instrumented() -> bool:
    """Whether `instrument()` is in effect."""
    return _installed is not None

"""Parent spans for runners that make many calls (the tool runner, the bulk runner), and one span
per tool execution. With no OpenTelemetry observer in play they are shared no-op objects."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Dict, Generator, Mapping, Optional, Type

from ..._observe import observers_of
from ._attributes import PROVIDER, to_json
from ._observer import OpenTelemetryObserver, error_type

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["RunSpan", "ToolSpan", "run_span"]


def telemetry_for(owner: object) -> Optional[OpenTelemetryObserver]:
    """The OpenTelemetry observer watching calls made through `owner` (the client's own first)."""
    found: Optional[OpenTelemetryObserver] = None
    for observer in observers_of(owner):
        if isinstance(observer, OpenTelemetryObserver):
            found = observer  # the process-wide one comes first; a client's own wins
    return found


def run_span(name: str, *, owner: object = None, attributes: Optional[Mapping[str, Any]] = None) -> RunSpan:
    """Start an INTERNAL span around a run of many calls, if OpenTelemetry instrumentation is on
    for `owner` (a client or one of its resources; `None`: only `instrument()` counts).

    ```py
    with run_span("bulk_run llama3.1-8b", owner=client, attributes={"cerebras.bulk.size": 100}) as run:
        ...  # calls made in this block (in this thread or task) get the run as their parent
        run.set_attribute("cerebras.bulk.failed", 0)
    ```
    Code that yields between calls (a generator) does not use `with`: it wraps each call in
    `with run.activated():` and calls `run.end(error)` when done. Without instrumentation this
    returns a shared object whose methods do nothing.
    """
    telemetry = telemetry_for(owner)
    if telemetry is None:
        return NOOP_RUN
    span = telemetry.tracer.start_span(
        name,
        kind=telemetry.trace_api.SpanKind.INTERNAL,
        attributes={
            "gen_ai.provider.name": PROVIDER,
            **(attributes or {}),
        },
    )
    return RunSpan(telemetry, span)


class RunSpan:
    """A runner's parent span (see `run_span`)."""

    def __init__(self, telemetry: Optional[OpenTelemetryObserver], span: Any) -> None:
        self._telemetry = telemetry
        self.span = span
        self._token: Any = None
        self._ended = False

    @property
    def is_recording(self) -> bool:
        return self.span is not None and bool(self.span.is_recording())

    def set_attribute(self, key: str, value: Any) -> None:
        if self.span is not None:
            self.span.set_attribute(key, value)

    @contextmanager
    def activated(self) -> Generator[None, None, None]:
        """Make the run the current span for the block (no `yield` to other code inside it)."""
        telemetry = self._telemetry
        if telemetry is None:
            yield
            return
        token = telemetry.context_api.attach(telemetry.trace_api.set_span_in_context(self.span))
        try:
            yield
        finally:
            telemetry.detach(token)

    @contextmanager
    def tool(
        self, name: str, call_id: Optional[str] = None, arguments: Optional[str] = None
    ) -> Generator[ToolSpan, None, None]:
        """A span for one tool execution, child of the run and current during the block."""
        telemetry = self._telemetry
        if telemetry is None:
            yield NOOP_TOOL
            return
        trace = telemetry.trace_api
        attributes: Dict[str, Any] = {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.provider.name": PROVIDER,
            "gen_ai.tool.name": name,
            "gen_ai.tool.type": "function",
        }
        if call_id is not None:
            attributes["gen_ai.tool.call.id"] = call_id
        if telemetry.capture_content and arguments is not None:
            attributes["gen_ai.tool.call.arguments"] = arguments
        parent = trace.set_span_in_context(self.span)
        with telemetry.tracer.start_as_current_span(
            f"execute_tool {name}",
            context=parent,
            kind=trace.SpanKind.INTERNAL,
            attributes=attributes,
            record_exception=True,
            set_status_on_exception=True,
        ) as span:
            yield ToolSpan(telemetry, span)

    def end(self, error: Optional[BaseException] = None) -> None:
        """End the run's span (once), marked as failed by `error` if given."""
        if self._ended or self.span is None or self._telemetry is None:
            return
        self._ended = True
        if error is not None:
            self._telemetry.set_error(self.span, error, error_type(error))
        self.span.end()

    def __enter__(self) -> RunSpan:
        if self._telemetry is not None:
            self._token = self._telemetry.context_api.attach(
                self._telemetry.trace_api.set_span_in_context(self.span)
            )
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._token is not None and self._telemetry is not None:
            self._telemetry.detach(self._token)
            self._token = None
        self.end(exc if isinstance(exc, Exception) else None)


class ToolSpan:
    """One tool execution's span: say how it went with `outcome`."""

    def __init__(self, telemetry: Optional[OpenTelemetryObserver], span: Any) -> None:
        self._telemetry = telemetry
        self.span = span

    def outcome(
        self, status: str, error: Optional[BaseException] = None, content: Optional[object] = None
    ) -> None:
        """`status` as the runner reports it ("ok", "error", ...); a failure sets `error.type`."""
        telemetry = self._telemetry
        if telemetry is None:
            return
        self.span.set_attribute("cerebras.tool.status", status)
        if telemetry.capture_content and content is not None:
            self.span.set_attribute(
                "gen_ai.tool.call.result", content if isinstance(content, str) else to_json(content)
            )
        if status != "ok":
            if error is not None:
                telemetry.set_error(self.span, error, error_type(error))
            else:
                self.span.set_attribute("error.type", status)


NOOP_RUN = RunSpan(None, None)
NOOP_TOOL = ToolSpan(None, None)

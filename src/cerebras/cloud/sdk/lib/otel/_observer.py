"""`OpenTelemetryObserver`: one CLIENT span per API call, and the GenAI client metrics.

It is a core observer (`cerebras.cloud.sdk._observe`): the client tells it when a call starts and
what happens next, and it turns that into a span and histogram records. OpenTelemetry is imported
when an observer is built, never before.
"""

from __future__ import annotations

import importlib
import os
import time
import weakref
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from ..._version import __version__
from ._attributes import (
    GENAI_OPERATIONS,
    PROVIDER,
    field,
    input_messages,
    operation_for,
    output_messages,
    request_attributes,
    response_attributes,
    streamed_output_messages,
    time_info_attributes,
    usage_attributes,
)

if TYPE_CHECKING:
    import httpx

    from ..._config import ClientConfig
    from ..._pipeline import FinalRequestOptions

__all__ = ["CAPTURE_CONTENT_ENV", "OpenTelemetryObserver"]

CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
INSTRUMENTATION_NAME = "cerebras.cloud.sdk"

# Explicit bucket boundaries the GenAI conventions give for the client metrics.
TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]
SECONDS_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]


def capture_content_from_env() -> bool:
    return os.environ.get(CAPTURE_CONTENT_ENV, "").strip().lower() == "true"


def error_type(error: BaseException) -> str:
    """The `error.type` of a failure: the HTTP status for an API error, else the exception's class."""
    status = getattr(error, "status_code", None)
    if isinstance(status, int) and not isinstance(status, bool):
        return str(status)
    return type(error).__name__


class OpenTelemetryObserver:
    """Traces and measures API calls with OpenTelemetry (needs the `otel` extra).

    Give it to one client, `Cerebras(observers=[OpenTelemetryObserver()])`, or let `instrument()`
    register one for every client. Spans and metrics go to the global tracer and meter providers
    unless `tracer_provider` / `meter_provider` are given. Prompts and completions are recorded only
    with `capture_content=True`, or when it is left `None` and the environment variable
    `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` is `true`.
    """

    def __init__(
        self,
        *,
        tracer_provider: Any = None,
        meter_provider: Any = None,
        capture_content: Optional[bool] = None,
    ) -> None:
        try:
            trace: Any = importlib.import_module("opentelemetry.trace")
            metrics: Any = importlib.import_module("opentelemetry.metrics")
            self.context_api: Any = importlib.import_module("opentelemetry.context")
        except ImportError as exc:
            raise ImportError("Tracing needs OpenTelemetry: pip install 'cerebras_cloud_sdk[otel]'") from exc
        self.trace_api = trace
        self.capture_content = (
            capture_content_from_env() if capture_content is None else bool(capture_content)
        )
        self.process_wide = False
        self._tracing = True  # whether the last span was recorded (see `start_call`)
        self.tracer: Any = trace.get_tracer(INSTRUMENTATION_NAME, __version__, tracer_provider)
        meter: Any = metrics.get_meter(INSTRUMENTATION_NAME, __version__, meter_provider)
        self._token_usage = _histogram(
            meter, "gen_ai.client.token.usage", "{token}", "Input and output tokens per call", TOKEN_BUCKETS
        )
        self._duration = _histogram(
            meter, "gen_ai.client.operation.duration", "s", "Duration of GenAI calls", SECONDS_BUCKETS
        )
        self._first_chunk = _histogram(
            meter,
            "gen_ai.client.operation.time_to_first_chunk",
            "s",
            "Time from sending a streamed call to its first chunk",
            SECONDS_BUCKETS,
        )

    def start_call(
        self, config: ClientConfig, options: FinalRequestOptions, stream: bool
    ) -> Optional[_CallSpan]:
        """Start the CLIENT span of a call (a core observer hook; the client calls it)."""
        if self.process_wide and any(isinstance(o, OpenTelemetryObserver) for o in config.observers):
            return None  # the client's own observer records this call
        operation = operation_for(options.method, options.url)
        genai = operation in GENAI_OPERATIONS
        body = options.json_body() if genai else None
        model = field(body, "model") if genai else None
        if not isinstance(model, str):
            model = None
        name = f"{operation} {model}" if model else operation
        if not self._tracing:
            # No SDK behind the tracer (OpenTelemetry's default no-op provider): only the metrics
            # need anything, so skip the span's attributes (`_tracing` is re-checked per call:
            # a provider set later takes effect).
            span = self.tracer.start_span(name, kind=self.trace_api.SpanKind.CLIENT)
            if not span.is_recording():
                return _CallSpan(
                    self, span, None, self._metric_attributes(config, operation, model, genai), stream
                )
            span.end()
            self._tracing = True
        attributes = request_attributes(operation, body)
        common = _common_attributes(config, operation, model)
        attributes.update(common)
        attributes["gen_ai.system"] = PROVIDER  # the older name, still read by some backends
        if self.capture_content and genai:
            prompt = input_messages(operation, body)
            if prompt is not None:
                attributes["gen_ai.input.messages"] = prompt
        span = self.tracer.start_span(name, kind=self.trace_api.SpanKind.CLIENT, attributes=attributes)
        token = None
        if span.is_recording():
            # Current while the request is sent, so HTTP-level spans nest under it.
            token = self.context_api.attach(self.trace_api.set_span_in_context(span))
        else:
            self._tracing = False  # sampled out, or the provider went away
        return _CallSpan(self, span, token, common if genai else None, stream)

    def _metric_attributes(
        self, config: ClientConfig, operation: str, model: Optional[str], genai: bool
    ) -> Optional[Dict[str, Any]]:
        return _common_attributes(config, operation, model) if genai else None

    def record(self, call: _CallSpan, error: Optional[str]) -> None:
        """The call's metrics, once it is over."""
        common = call.metric_attributes
        if common is None:
            return
        attributes = dict(common)
        model = call.response_model
        if model is not None:
            attributes["gen_ai.response.model"] = model
        if error is not None:
            attributes["error.type"] = error
        self._duration.record(time.perf_counter() - call.started, attributes)
        for kind, count in (("input", call.input_tokens), ("output", call.output_tokens)):
            if count is not None:
                self._token_usage.record(count, {**attributes, "gen_ai.token.type": kind})
        if call.first_chunk is not None:
            self._first_chunk.record(call.first_chunk, attributes)

    def detach(self, token: Any) -> None:
        self.context_api.detach(token)

    def set_error(self, span: Any, error: BaseException, kind: str) -> None:
        span.set_attribute("error.type", kind)
        span.record_exception(error)
        span.set_status(self.trace_api.Status(self.trace_api.StatusCode.ERROR, str(error) or kind))


def _histogram(meter: Any, name: str, unit: str, description: str, buckets: Sequence[float]) -> Any:
    try:
        return meter.create_histogram(
            name, unit=unit, description=description, explicit_bucket_boundaries_advisory=buckets
        )
    except TypeError:  # opentelemetry-api before 1.23 has no bucket advice
        return meter.create_histogram(name, unit=unit, description=description)


class _CallSpan:
    """The span of one call: a core `CallWatcher`. The core reports its end at most once; a
    response dropped unread ends it too (`weakref.finalize`)."""

    def __init__(
        self,
        observer: OpenTelemetryObserver,
        span: Any,
        token: Any,
        metric_attributes: Optional[Dict[str, Any]],
        stream: bool,
    ) -> None:
        self.observer = observer
        self.span = span
        self.token = token
        self.metric_attributes = metric_attributes
        self.stream = stream
        self.recording: bool = span.is_recording()
        self.started = time.perf_counter()
        self.done = False
        self.response_model: Optional[str] = None
        self.input_tokens: Optional[int] = None
        self.output_tokens: Optional[int] = None
        self.first_chunk: Optional[float] = None
        self.retries = 0
        self._response: Optional[weakref.ReferenceType[httpx.Response]] = None
        self._finalizer: Optional[weakref.finalize[Any, Any]] = None
        # What a stream has said so far (`chunk`).
        self._chunk_attributes: Dict[str, Any] = {}
        self._reasons: Dict[int, str] = {}
        self._texts: Dict[int, List[str]] = {}

    def _release(self) -> None:
        if self.token is not None:
            self.observer.detach(self.token)
            self.token = None

    # ---- the core's events

    def retry(
        self, attempt: int, delay: float, status_code: Optional[int], error: Optional[BaseException]
    ) -> None:
        self.retries = attempt
        event: Dict[str, Any] = {"retry.attempt": attempt, "retry.delay": delay}
        if status_code is not None:
            event["http.response.status_code"] = status_code
        if error is not None:
            event["error.type"] = type(error).__name__
        self.span.add_event("retry", event)

    def response(self, response: httpx.Response) -> None:
        self._release()
        span = self.span
        if not span.is_recording():
            return
        span.set_attribute("http.response.status_code", response.status_code)
        request_id = response.headers.get("x-request-id")
        if request_id:
            span.set_attribute("cerebras.request_id", request_id)
        if self.retries:
            span.set_attribute("cerebras.retry_count", self.retries)
        self._response = weakref.ref(response)
        if not response.is_closed:  # streamed: the span ends with the stream, or when it is dropped
            self._finalizer = weakref.finalize(response, self.end, True)

    def result(self, value: object) -> None:
        self._set_response(value)
        if self.observer.capture_content:
            output = output_messages(value)
            if output is not None:
                self.span.set_attribute("gen_ai.output.messages", output)
        self._finish(None)

    def chunk(self, item: object) -> None:
        if not self.recording:  # only the metrics need anything: first chunk, model, usage
            if self.first_chunk is None:
                self.first_chunk = time.perf_counter() - self.started
                model = field(item, "model")
                self.response_model = model if isinstance(model, str) else None
            usage = getattr(item, "usage", None)  # on the last chunk only
            if usage is not None:
                self._chunk_attributes.update(usage_attributes(usage))
            return
        if self.first_chunk is None:
            self.first_chunk = time.perf_counter() - self.started
            self._chunk_attributes["cerebras.time_to_first_token"] = self.first_chunk
            response_id = field(item, "id")
            if isinstance(response_id, str):
                self._chunk_attributes["gen_ai.response.id"] = response_id
        model = field(item, "model")
        if isinstance(model, str):
            self.response_model = model
        capture = self.observer.capture_content
        for choice in field(item, "choices") or ():
            index = field(choice, "index") or 0
            reason = field(choice, "finish_reason")
            if isinstance(reason, str):
                self._reasons[index] = reason
            if capture:
                delta = field(choice, "delta")
                text = field(delta, "content") if delta is not None else field(choice, "text")
                if isinstance(text, str):
                    self._texts.setdefault(index, []).append(text)
        usage = field(item, "usage")
        if usage is not None:
            self._chunk_attributes.update(usage_attributes(usage))
        time_info = field(item, "time_info")
        if time_info is not None:
            self._chunk_attributes.update(time_info_attributes(time_info))

    def end(self, closed_early: bool) -> None:
        if self.done:
            return
        span = self.span
        if self.stream:
            attributes = self._chunk_attributes
            if self._reasons:
                attributes["gen_ai.response.finish_reasons"] = [
                    self._reasons[i] for i in sorted(self._reasons)
                ]
            if self.response_model is not None and span.is_recording():
                attributes["gen_ai.response.model"] = self.response_model
            self.input_tokens = attributes.get("gen_ai.usage.input_tokens")
            self.output_tokens = attributes.get("gen_ai.usage.output_tokens")
            span.set_attributes(attributes)
            if self.observer.capture_content and (self._texts or self._reasons):
                span.set_attribute(
                    "gen_ai.output.messages", streamed_output_messages(self._texts, self._reasons)
                )
        else:
            body = self._read_body()
            if body is not None:
                self._set_response(body)
                if self.observer.capture_content:
                    output = output_messages(body)
                    if output is not None:
                        span.set_attribute("gen_ai.output.messages", output)
        if closed_early:
            span.set_attribute("cerebras.stream.closed_early", True)
        self._finish(None)

    def error(self, error: BaseException) -> None:
        if self.done:
            return
        kind = error_type(error)
        self.observer.set_error(self.span, error, kind)
        self._finish(kind)

    # ---- helpers

    def _read_body(self) -> Any:
        # A raw response handed back with its body read: the completion's figures come from its JSON.
        response = self._response() if self._response is not None else None
        if response is None or self.metric_attributes is None:
            return None
        try:
            return response.json()
        except Exception:  # unread, or not JSON: nothing to add
            return None

    def _set_response(self, value: object) -> None:
        if self.metric_attributes is None:
            return
        if not self.span.is_recording():  # only the metrics need anything
            model = field(value, "model")
            self.response_model = model if isinstance(model, str) else None
            usage = usage_attributes(field(value, "usage"))
            self.input_tokens = usage.get("gen_ai.usage.input_tokens")
            self.output_tokens = usage.get("gen_ai.usage.output_tokens")
            return
        attributes = response_attributes(value)
        self.response_model = attributes.get("gen_ai.response.model")
        self.input_tokens = attributes.get("gen_ai.usage.input_tokens")
        self.output_tokens = attributes.get("gen_ai.usage.output_tokens")
        self.span.set_attributes(attributes)

    def _finish(self, error: Optional[str]) -> None:
        if self.done:
            return
        self.done = True
        self._release()
        if self._finalizer is not None:
            self._finalizer.detach()
        self.observer.record(self, error)
        self.span.end()


def _common_attributes(config: ClientConfig, operation: str, model: Optional[str]) -> Dict[str, Any]:
    """The attributes a call's span and its metrics share."""
    url = config.base_url
    common: Dict[str, Any] = {
        "gen_ai.operation.name": operation,
        "gen_ai.provider.name": PROVIDER,
        "server.address": url.host,
        "server.port": url.port or (443 if url.scheme == "https" else 80),
    }
    if model is not None:
        common["gen_ai.request.model"] = model
    return common

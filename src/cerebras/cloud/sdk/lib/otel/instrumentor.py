"""`CerebrasInstrumentor`: the SDK's instrumentation in OpenTelemetry's standard instrumentor shape.

`opentelemetry-instrument` loads it through the `opentelemetry_instrumentor` entry point; code can
also call `CerebrasInstrumentor().instrument(tracer_provider=..., meter_provider=...)` and
`.uninstrument()`. It needs `opentelemetry-instrumentation` (in the `otel` extra), imported here.
"""

from __future__ import annotations

import importlib
from typing import Any, Collection

from . import instrument, uninstrument

__all__ = ["CerebrasInstrumentor"]

_BaseInstrumentor: Any = importlib.import_module(
    "opentelemetry.instrumentation.instrumentor"
).BaseInstrumentor


class CerebrasInstrumentor(_BaseInstrumentor):  # type: ignore[misc]  # pyright: ignore[reportUntypedBaseClass]
    """Instruments every Cerebras client in the process (see `cerebras.cloud.sdk.lib.otel`).

    Keyword arguments of `instrument()`: `tracer_provider`, `meter_provider`, `capture_content`.
    """

    def instrumentation_dependencies(self) -> Collection[str]:
        return ("cerebras_cloud_sdk >= 1.0",)

    def _instrument(self, **kwargs: Any) -> None:
        instrument(
            tracer_provider=kwargs.get("tracer_provider"),
            meter_provider=kwargs.get("meter_provider"),
            capture_content=kwargs.get("capture_content"),
        )

    def _uninstrument(self, **kwargs: Any) -> None:
        uninstrument()

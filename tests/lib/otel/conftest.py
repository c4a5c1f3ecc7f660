"""Fixtures for the OpenTelemetry tests: an SDK tracer provider exporting to memory, a meter
provider read in memory, `instrument()` undone after each test, and clients on the mock's
in-process transport."""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List

import httpx
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from cerebras.cloud.sdk import AsyncCerebras, Cerebras
from cerebras.cloud.sdk.lib.otel import OpenTelemetryObserver, instrument, uninstrument
from cerebras.cloud.sdk.testing import MockCerebrasServer

API_KEY = "csk-otel-secret-0123456789"
BASE_URL = "http://127.0.0.1:4010"


class Telemetry:
    """What the SDK exported: finished spans and metric points."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def spans(self) -> List[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def span(self) -> ReadableSpan:
        """The one finished span (fails if there are more or none)."""
        spans = self.spans()
        assert len(spans) == 1, [s.name for s in spans]
        return spans[0]

    def instrument(self, **options: Any) -> OpenTelemetryObserver:
        return instrument(tracer_provider=self.tracer_provider, meter_provider=self.meter_provider, **options)

    def observer(self, **options: Any) -> OpenTelemetryObserver:
        return OpenTelemetryObserver(
            tracer_provider=self.tracer_provider, meter_provider=self.meter_provider, **options
        )

    def points(self, name: str) -> List[Any]:
        """Histogram data points of metric `name` (each has `.attributes`, `.count`, `.sum`)."""
        data = self.reader.get_metrics_data()
        found: List[Any] = []
        if data is None:
            return found
        for resource in data.resource_metrics:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == name:
                        found.extend(metric.data.data_points)
        return found

    def point(self, name: str, **expected: Any) -> Any:
        """The one data point of metric `name` whose attributes include `expected`."""
        points = self.points(name)
        matching = [p for p in points if all(p.attributes.get(k) == v for k, v in expected.items())]
        assert len(matching) == 1, [dict(p.attributes) for p in points]
        return matching[0]

    def metric(self, name: str) -> Any:
        data = self.reader.get_metrics_data()
        assert data is not None
        for resource in data.resource_metrics:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == name:
                        return metric
        raise AssertionError(f"no metric {name}")


@pytest.fixture
def telemetry() -> Iterator[Telemetry]:
    yield Telemetry()
    uninstrument()


@pytest.fixture
def server() -> MockCerebrasServer:
    return MockCerebrasServer()


MakeClient = Callable[..., Any]


@pytest.fixture
def client_for(server: MockCerebrasServer) -> Iterator[MakeClient]:
    """`client_for(flavor, **options)`: a client on the mock's in-process transport."""
    made: List[Cerebras] = []

    def make(flavor: str = "sync", **options: Any) -> Any:
        settings: Dict[str, Any] = {
            "api_key": API_KEY,
            "base_url": BASE_URL,
            "warm_tcp_connection": False,
            "max_retries": 0,
            **options,
        }
        if flavor == "sync":
            client = Cerebras(http_client=httpx.Client(transport=server.transport()), **settings)
            made.append(client)
            return client
        return AsyncCerebras(http_client=httpx.AsyncClient(transport=server.async_transport()), **settings)

    yield make
    for client in made:
        client.close()

"""Tracing and metrics with OpenTelemetry: one span per call, GenAI attributes, token and duration
histograms. Needs the extra and an exporter: pip install 'cerebras_cloud_sdk[otel]' opentelemetry-sdk."""

from _env import MODEL, setup, skip

try:
    from opentelemetry import metrics, trace
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
except ImportError:
    skip("needs opentelemetry-sdk: pip install 'cerebras_cloud_sdk[otel]' opentelemetry-sdk")

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.lib import function_tool
from cerebras.cloud.sdk.lib.otel import OpenTelemetryObserver, instrument, uninstrument


def one_line(span: ReadableSpan) -> str:
    """A short console line per span (ConsoleSpanExporter prints the whole span as JSON by default)."""
    attrs = dict(span.attributes or {})
    shown = {
        k: attrs[k]
        for k in ("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "cerebras.time_to_first_token")
        if k in attrs
    }
    return f"span: {span.name} [{span.kind.name}] {shown}\n"


@function_tool
def get_weather(city: str) -> str:
    """Current weather in a city.

    Args:
        city: City name.
    """
    return f"Sunny and 21 C in {city}."


def main() -> None:
    mock = setup()

    # Where spans and metrics go: the console and an in-memory reader here; an OTLP exporter in production.
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(formatter=one_line)))
    trace.set_tracer_provider(tracer_provider)
    reader = InMemoryMetricReader()
    metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))

    # 1. Every client in the process: instrument() (uninstrument() undoes it).
    instrument()
    client = Cerebras()
    client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Hi!"}])
    for _ in client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "Count to 3"}], stream=True
    ):
        pass
    client.models.list()

    # The tool runner: a parent span over its turns, a span per tool execution.
    if mock is not None:  # script the mock's answer: a tool call, then the reply
        mock.add_reply(tool_calls=[{"name": "get_weather", "arguments": {"city": "Oslo"}}])
        mock.add_reply("It is sunny in Oslo.")
    client.chat.completions.run_tools(
        model=MODEL, messages=[{"role": "user", "content": "Weather in Oslo?"}], tools=[get_weather]
    )
    uninstrument()

    # 2. One client only: the client option (copies of the client keep it).
    traced = Cerebras(observers=[OpenTelemetryObserver(capture_content=True)])
    traced.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Traced?"}])
    client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Not traced."}])

    data = reader.get_metrics_data()
    assert data is not None
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                points = list(metric.data.data_points)
                total = sum(getattr(p, "sum", 0) for p in points)
                print(f"metric: {metric.name} ({metric.unit}): {len(points)} series, sum {total:.3g}")


if __name__ == "__main__":
    main()

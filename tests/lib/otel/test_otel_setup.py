"""The ways to turn tracing on and off: `instrument()`/`uninstrument()`, the client option, the
`opentelemetry_instrumentor` entry point; and nothing of OpenTelemetry loaded when it is off."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest

from cerebras.cloud.sdk import Cerebras
from cerebras.cloud.sdk.lib.otel import OpenTelemetryObserver, is_instrumented, uninstrument
from cerebras.cloud.sdk.lib.otel.instrumentor import CerebrasInstrumentor
from cerebras.cloud.sdk.testing import MockCerebrasServer

MODEL = "llama3.1-8b"
USER = [{"role": "user", "content": "hi"}]


def chat(client: Cerebras) -> None:
    client.chat.completions.create(model=MODEL, messages=USER)


def test_uninstrument_stops_new_spans(telemetry: Any, client_for: Any) -> None:
    client = client_for("sync")
    chat(client)
    assert telemetry.spans() == []
    assert not is_instrumented()

    telemetry.instrument()
    assert is_instrumented()
    chat(client)
    assert len(telemetry.spans()) == 1

    uninstrument()
    assert not is_instrumented()
    chat(client)
    assert len(telemetry.spans()) == 1


def test_instrument_twice_replaces_the_first_setup(telemetry: Any, client_for: Any) -> None:
    client = client_for("sync")
    telemetry.instrument()
    telemetry.instrument()
    chat(client)
    assert len(telemetry.spans()) == 1


def test_the_client_option_traces_that_client_and_its_copies_only(telemetry: Any, client_for: Any) -> None:
    traced = client_for("sync", observers=[telemetry.observer()])
    plain = client_for("sync")

    chat(traced)
    chat(plain)
    assert len(telemetry.spans()) == 1

    chat(traced.with_options(max_retries=1))
    assert len(telemetry.spans()) == 2
    chat(traced.copy(observers=None))
    assert len(telemetry.spans()) == 2

    # With instrument() on as well, the client's own observer records its calls, once.
    telemetry.instrument()
    chat(traced)
    chat(plain)
    assert len(telemetry.spans()) == 4


def test_a_bad_observer_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="start_call"):
        Cerebras(api_key="k", observers=[object()], warm_tcp_connection=False)
    with pytest.raises(TypeError, match="list of observers"):
        Cerebras(api_key="k", observers="otel", warm_tcp_connection=False)  # type: ignore[arg-type]


def test_the_instrumentor_is_found_through_its_entry_point(telemetry: Any, client_for: Any) -> None:
    every: Any = entry_points()
    # Python 3.9's entry_points() is a dict of groups; later ones select by keyword.
    group = (
        every.select(group="opentelemetry_instrumentor")
        if hasattr(every, "select")
        else every.get("opentelemetry_instrumentor", ())
    )
    found = [ep for ep in group if ep.name == "cerebras"]
    assert len(found) == 1
    cls = found[0].load()
    assert cls is CerebrasInstrumentor
    instrumentor = cls()
    assert any(dep.startswith("cerebras_cloud_sdk") for dep in instrumentor.instrumentation_dependencies())

    instrumentor.instrument(
        tracer_provider=telemetry.tracer_provider, meter_provider=telemetry.meter_provider
    )
    try:
        assert is_instrumented()
        chat(client_for("sync"))
        assert len(telemetry.spans()) == 1
        assert telemetry.point("gen_ai.client.operation.duration").count == 1
    finally:
        instrumentor.uninstrument()
    assert not is_instrumented()
    chat(client_for("sync"))
    assert len(telemetry.spans()) == 1


def test_observer_requires_nothing_but_the_api(telemetry: Any, server: MockCerebrasServer) -> None:
    # With only opentelemetry-api's default (no-op) providers, calls work and record nothing.
    observer = OpenTelemetryObserver()
    import httpx

    client = Cerebras(
        api_key="k",
        http_client=httpx.Client(transport=server.transport()),
        observers=[observer],
        warm_tcp_connection=False,
    )
    reply = client.chat.completions.create(model=MODEL, messages=USER)
    assert reply.choices[0].message.content == "You said: hi"
    assert telemetry.spans() == []


@pytest.mark.slow
def test_opentelemetry_instrument_picks_it_up() -> None:
    # Without a distro (opentelemetry-distro) nothing exports, but the instrumentor is loaded and
    # applied: the program sees instrumentation on and its call made a (non-recording) span.
    script = textwrap.dedent(
        """
        import httpx
        from cerebras.cloud.sdk import Cerebras
        from cerebras.cloud.sdk.lib.otel import is_instrumented
        from cerebras.cloud.sdk.testing import MockCerebrasServer
        server = MockCerebrasServer()
        client = Cerebras(api_key="k", http_client=httpx.Client(transport=server.transport()),
                          warm_tcp_connection=False)
        client.chat.completions.create(model="llama3.1-8b", messages=[{"role": "user", "content": "hi"}])
        print("instrumented:", is_instrumented())
        """
    )
    command = Path(sys.executable).with_name("opentelemetry-instrument")
    result = subprocess.run(
        [str(command), sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "instrumented: True" in result.stdout


def test_nothing_of_opentelemetry_is_imported_when_off() -> None:
    script = textwrap.dedent(
        """
        import sys
        import httpx
        from cerebras.cloud.sdk import Cerebras
        from cerebras.cloud.sdk.testing import MockCerebrasServer
        server = MockCerebrasServer()
        client = Cerebras(api_key="k", http_client=httpx.Client(transport=server.transport()),
                          warm_tcp_connection=False)
        client.chat.completions.create(model="llama3.1-8b", messages=[{"role": "user", "content": "hi"}])
        for _ in client.chat.completions.create(model="llama3.1-8b", messages=[{"role": "user", "content": "hi"}], stream=True):
            pass
        client.chat.completions.run_tools(model="llama3.1-8b", messages=[{"role": "user", "content": "hi"}], tools=[])
        import cerebras.cloud.sdk.lib.otel  # the module itself loads no OpenTelemetry either
        loaded = sorted(m for m in sys.modules if m.split(".")[0] == "opentelemetry")
        print(loaded)
        assert loaded == [], loaded
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr

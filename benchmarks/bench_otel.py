"""What OpenTelemetry instrumentation costs: import time when it is off, CPU per call when it is on.

Usage::

    python benchmarks/bench_otel.py [--rounds N] [--requests N] [--baseline REF] [--only import,cpu]

* **import**: `from cerebras.cloud.sdk import Cerebras` in a fresh process with OpenTelemetry
  hidden from the import system (as if not installed), this tree against `--baseline` (a git ref,
  `main` by default, exported to a temporary directory), interleaved rounds; each child also
  checks that no `opentelemetry` module was loaded. Target: within noise (ratio ~1.00).
* **cpu**: CPU time (`time.process_time`) per `chat.completions.create` and per streamed call read
  to the end, on the mock's in-process transport (the mock's own work is in both figures), with
  instrumentation off and with `instrument()` on and OpenTelemetry's default no-op providers
  (only `opentelemetry-api` configured). Interleaved rounds; the ratio is the median of per-round
  ratios. Target: on/off <= 1.05. `--sdk` adds a row with the OpenTelemetry SDK recording to an
  in-memory exporter, for reference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

_IMPORT_CHILD = """
import sys, time
class _Hide:
    def __init__(self, inner):
        self.inner = inner
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "opentelemetry":
            return None
        return self.inner.find_spec(name, path, target) if hasattr(self.inner, "find_spec") else None
    def __getattr__(self, attr):
        return getattr(self.inner, attr)
sys.meta_path[:] = [_Hide(f) for f in sys.meta_path]
sys.path.insert(0, {src!r})
started = time.perf_counter()
from cerebras.cloud.sdk import Cerebras
elapsed = time.perf_counter() - started
assert not [m for m in sys.modules if m.split(".")[0] == "opentelemetry"]
assert sys.modules["cerebras.cloud.sdk"].__file__.startswith({src!r})
print(elapsed)
"""


def import_time(src: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_CHILD.format(src=str(src))],
        check=True,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),  # not the repo: its `src` must not shadow the one under test
        env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},  # cached bytecode
    ).stdout
    return float(out.strip().splitlines()[-1])


def export_baseline(ref: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into)  # our own repository's tree
    return into / "src"


def bench_import(rounds: int, baseline: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base_src = export_baseline(baseline, Path(tmp, "baseline"))
        # This tree is copied next to it, so that both are read from the same kind of place.
        this_src = Path(tmp, "this", "src")
        shutil.copytree(REPO / "src", this_src, ignore=shutil.ignore_patterns("__pycache__"))
        import_time(base_src), import_time(this_src)  # fill the bytecode caches
        base: List[float] = []
        this: List[float] = []
        for i in range(rounds):
            order = [(base_src, base), (this_src, this)]
            for src, samples in order if i % 2 else reversed(order):
                samples.append(import_time(src))
    ratios = [t / b for t, b in zip(this, base)]
    print(
        f"import, OpenTelemetry hidden: {baseline} {statistics.median(base) * 1e3:.1f} ms, "
        f"this tree {statistics.median(this) * 1e3:.1f} ms, ratio {statistics.median(ratios):.3f} "
        f"({rounds} rounds; no opentelemetry module imported)"
    )


def bench_cpu(rounds: int, requests: int, with_sdk: bool) -> None:
    import httpx

    from cerebras.cloud.sdk import Cerebras
    from cerebras.cloud.sdk.lib.otel import instrument, uninstrument
    from cerebras.cloud.sdk.testing import MockCerebrasServer

    server = MockCerebrasServer()
    client = Cerebras(
        api_key="bench", http_client=httpx.Client(transport=server.transport()), warm_tcp_connection=False
    )
    messages = [{"role": "user", "content": "Say something short."}]

    def plain() -> None:
        client.chat.completions.create(model="llama3.1-8b", messages=messages, temperature=0.2)

    def streamed() -> None:
        for _ in client.chat.completions.create(model="llama3.1-8b", messages=messages, stream=True):
            pass

    def setups() -> Dict[str, Tuple[Callable[[], None], Callable[[], None]]]:
        out: Dict[str, Tuple[Callable[[], None], Callable[[], None]]] = {
            "off": (uninstrument, lambda: None),
            "on, no-op providers": (lambda: instrument(), uninstrument),
        }
        if with_sdk:
            from opentelemetry.sdk.metrics import MeterProvider
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import SimpleSpanProcessor
            from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

            exporter = InMemorySpanExporter()
            tracer_provider = TracerProvider()
            tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
            meter_provider = MeterProvider()

            def sdk_on() -> None:
                instrument(tracer_provider=tracer_provider, meter_provider=meter_provider)

            def sdk_off() -> None:
                uninstrument()
                exporter.clear()

            out["on, SDK recording"] = (sdk_on, sdk_off)
        return out

    for label, call in (("CPU/request", plain), ("CPU/streamed call", streamed)):
        variants = setups()
        samples: Dict[str, List[float]] = {name: [] for name in variants}
        for _ in range(20):
            call()
        for i in range(rounds):
            names = list(variants)
            for name in names if i % 2 else reversed(names):
                start, stop = variants[name]
                start()
                call()  # the first call after a switch builds the observer's state
                began = time.process_time()
                for _ in range(requests):
                    call()
                samples[name].append((time.process_time() - began) / requests)
                stop()
        off = samples["off"]
        for name, values in samples.items():
            ratio = statistics.median(v / o for v, o in zip(values, off))
            print(f"{label} {name}: {statistics.median(values) * 1e6:.1f} us, ratio to off {ratio:.3f}")
    client.close()


def main(argv: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--baseline", default="main", help="git ref to compare the import time with")
    parser.add_argument("--only", default="import,cpu")
    parser.add_argument(
        "--sdk", action="store_true", help="also measure with the OpenTelemetry SDK recording"
    )
    args = parser.parse_args(argv)
    groups = set(args.only.split(","))
    if "import" in groups:
        bench_import(args.rounds * 2, args.baseline)
    if "cpu" in groups:
        bench_cpu(args.rounds, args.requests, args.sdk)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the mock Cerebras server from a shell.

``python -m cerebras.cloud.sdk.testing [--host 127.0.0.1] [--port 0] [--api-key KEY] [--model ID ...]
[--fail STATUS[xN]] [--delay SECONDS[xN]] [--chunk-delay SECONDS[xN]] [--disconnect] [--script FILE]
[--time-scale FACTOR] [--batch-validating SECONDS] [--batch-in-progress SECONDS]
[--batch-finalizing SECONDS] [--batch-cancelling SECONDS] [--queue-time [TIER=]MS ...]
[--max-file-bytes N] [--allow-mixed-models] [--rpm N] [--rph N] [--rpd N] [--tpm N] [--tph N]
[--tpd N] [--default-completion-tokens N] [--no-retry-after]``

The fault options queue scripted answers in the order given (see
:mod:`cerebras.cloud.sdk.testing._script_file`); after them the server answers normally. The
platform options set the mock clock's speed, the durations of the batch phases, the service tiers'
queue times, the file size limit and the batch input rules; the rate-limit options enforce
:class:`~cerebras.cloud.sdk.testing.RateLimits` on completion requests (per API key, on the mock
clock: ``--time-scale 60`` makes a minute last a second).

The first line written to stdout is the base URL (flushed at once, so a parent process can read
it); the server then runs until SIGINT or SIGTERM and exits with status 0. Invalid options or an
invalid script file exit with status 2 before the server starts.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any, List, Optional, Sequence, Tuple, Union

from ._admission import SPECS, RateLimits
from ._clock import BatchTiming
from ._script_file import ScriptFileError, Step, apply_steps, steps_from_options
from ._server import MockCerebrasServer
from ._tiers import QUEUE_TIERS

_EPILOG = """\
scripted faults (used in the order given, then normal answers; N is a count or '*' for every request):
  --fail 429x2 --delay 1.5          two 429 errors, then one answer sent after 1.5 s
  --chunk-delay 0.5x*               every stream stalls 0.5 s between chunks
  --script faults.json              steps from a JSON file, e.g.
      [{"error": 429, "times": 2}, {"delay": 1.5}, {"reply": "Hi!"},
       {"disconnect": "mid_stream", "after_chunks": 2}, {"stream_error": 3}]"""


class _Ordered(argparse.Action):
    """Append ``(option, value)`` to one shared list so that the steps keep their command-line order."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Union[str, Sequence[Any], None],
        option_string: Optional[str] = None,
    ) -> None:
        given: List[Tuple[str, Optional[str]]] = list(getattr(namespace, self.dest, None) or [])
        given.append((self.option_strings[0], values if isinstance(values, str) else None))
        setattr(namespace, self.dest, given)


def add_fault_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--fail``, ``--delay``, ``--chunk-delay``, ``--disconnect`` and ``--script`` (to ``faults``)."""
    group = parser.add_argument_group("scripted faults")
    group.add_argument(
        "--fail",
        dest="faults",
        action=_Ordered,
        metavar="STATUS[xN]",
        help="answer with this error status (N times; e.g. 429x2)",
    )
    group.add_argument(
        "--delay", dest="faults", action=_Ordered, metavar="SECONDS[xN]", help="wait before answering"
    )
    group.add_argument(
        "--chunk-delay",
        dest="faults",
        action=_Ordered,
        metavar="SECONDS[xN]",
        help="wait between the chunks of a streamed answer",
    )
    group.add_argument(
        "--disconnect",
        dest="faults",
        action=_Ordered,
        nargs=0,
        help="close the connection without answering (once per use)",
    )
    group.add_argument(
        "--script",
        dest="faults",
        action=_Ordered,
        metavar="FILE",
        help="queue the steps of a JSON script file",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0: {text!r}")
    return value


def _queue_time(text: str) -> Tuple[str, float]:
    tier, _, milliseconds = text.rpartition("=")
    tier = tier or "flex"
    if tier not in QUEUE_TIERS:
        raise argparse.ArgumentTypeError(f"unknown tier {tier!r}; use one of {', '.join(QUEUE_TIERS)}")
    return tier, _seconds(milliseconds)


def _byte_count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a byte count: {text!r}")
    return int(text)


def add_platform_options(parser: argparse.ArgumentParser) -> None:
    """Options for the mock clock, batch phases, queue times and file limits."""
    group = parser.add_argument_group("files, batches and service tiers")
    group.add_argument(
        "--time-scale",
        type=_seconds,
        default=1.0,
        metavar="FACTOR",
        help="mock seconds per real second for batches, file expiry and rate limits "
        "(default: 1; 0 freezes the clock)",
    )
    timing = BatchTiming()
    for phase in ("validating", "in_progress", "finalizing", "cancelling"):
        group.add_argument(
            "--batch-" + phase.replace("_", "-"),
            dest="batch_" + phase,
            type=_seconds,
            default=getattr(timing, phase),
            metavar="SECONDS",
            help=f"how long a batch is {phase.replace('_', ' ')} (default: {getattr(timing, phase)})",
        )
    group.add_argument(
        "--queue-time",
        dest="queue_times",
        type=_queue_time,
        action="append",
        default=[],
        metavar="[TIER=]MS",
        help="current queue time of a tier (priority, default, flex; default tier: flex), e.g. flex=800",
    )
    group.add_argument(
        "--max-file-bytes", type=_byte_count, default=None, metavar="N", help="largest upload accepted"
    )
    group.add_argument(
        "--allow-mixed-models",
        action="store_true",
        help="accept batch input files that use more than one model",
    )


def _count(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(text)


def _positive(text: str) -> int:
    if _count(text) < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return int(text)


def add_rate_limit_options(parser: argparse.ArgumentParser) -> None:
    """``--rpm`` ... ``--tpd``, ``--default-completion-tokens`` and ``--no-retry-after``."""
    group = parser.add_argument_group("rate limits (enforced on completion requests, per API key)")
    for spec in SPECS:
        group.add_argument(
            "--" + spec.field,
            type=_positive,
            default=None,
            metavar="N",
            help=f"{spec.unit} per {spec.window} (default: unlimited)",
        )
    group.add_argument(
        "--default-completion-tokens",
        type=_count,
        default=RateLimits.default_completion_tokens,
        metavar="N",
        help="output tokens reserved per choice when a request sets no max_completion_tokens/max_tokens "
        f"(default: {RateLimits.default_completion_tokens})",
    )
    group.add_argument(
        "--no-retry-after",
        dest="retry_after",
        action="store_false",
        help="send 429s without the (undocumented) retry-after header",
    )


def rate_limits_from(args: argparse.Namespace) -> Optional[RateLimits]:
    """The :class:`RateLimits` the options ask for; ``None`` when no limit was given."""
    figures = {spec.field: getattr(args, spec.field) for spec in SPECS}
    if all(value is None for value in figures.values()):
        return None
    return RateLimits(
        **figures, retry_after=args.retry_after, default_completion_tokens=args.default_completion_tokens
    )


def _configure(server: MockCerebrasServer, args: argparse.Namespace) -> None:
    timing = server.batch_timing
    for phase in ("validating", "in_progress", "finalizing", "cancelling"):
        setattr(timing, phase, getattr(args, "batch_" + phase))
    for tier, milliseconds in args.queue_times:
        server.set_queue_time(milliseconds, tier)
    if args.max_file_bytes is not None:
        server.max_file_bytes = args.max_file_bytes
    if args.allow_mixed_models:
        server.batch_rules.single_model = False


def _parse_args(argv: Optional[Sequence[str]]) -> Tuple[argparse.Namespace, List[Step]]:
    parser = argparse.ArgumentParser(
        prog="python -m cerebras.cloud.sdk.testing",
        description="Serve a local mock of the Cerebras inference API.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default: 0)")
    parser.add_argument("--api-key", default=None, help="require 'Authorization: Bearer KEY' on API requests")
    parser.add_argument(
        "--model",
        dest="models",
        action="append",
        default=None,
        metavar="ID",
        help="a model id the server knows (repeatable; replaces the default list)",
    )
    add_fault_options(parser)
    add_platform_options(parser)
    add_rate_limit_options(parser)
    args = parser.parse_args(argv)
    try:
        steps = steps_from_options(getattr(args, "faults", None) or [])
    except ScriptFileError as exc:
        parser.error(str(exc))
    return args, steps


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of ``python -m cerebras.cloud.sdk.testing``; returns the exit status."""
    args, steps = _parse_args(argv)
    models: Optional[List[str]] = args.models
    server = MockCerebrasServer(
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        models=models,
        time_scale=args.time_scale,
        rate_limits=rate_limits_from(args),
    )
    _configure(server, args)
    try:
        apply_steps(server, steps)
    except ScriptFileError as exc:
        sys.stderr.write(f"python -m cerebras.cloud.sdk.testing: error: {exc}\n")
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        sys.stdout.write(server.base_url + "\n")
        sys.stdout.flush()
        queued = f" with {len(steps)} scripted step{'s' if len(steps) != 1 else ''}" if steps else ""
        sys.stderr.write(f"Mock Cerebras API listening{queued}; press Ctrl+C to stop.\n")
        sys.stderr.flush()
        while not stop.wait(0.25):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())

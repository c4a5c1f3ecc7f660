"""Run the mock Cerebras server from a shell.

``python -m cerebras.cloud.sdk.testing [--host 127.0.0.1] [--port 0] [--api-key KEY] [--model ID ...]``

The first line written to stdout is the base URL (flushed at once, so a parent process can read
it); the server then runs until SIGINT or SIGTERM and exits with status 0.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import List, Optional, Sequence

from ._server import MockCerebrasServer


def _parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m cerebras.cloud.sdk.testing",
        description="Serve a local mock of the Cerebras inference API.",
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
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Entry point of ``python -m cerebras.cloud.sdk.testing``; returns the exit status."""
    args = _parse_args(argv)
    models: Optional[List[str]] = args.models
    server = MockCerebrasServer(host=args.host, port=args.port, api_key=args.api_key, models=models)
    stop = threading.Event()

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        sys.stdout.write(server.base_url + "\n")
        sys.stdout.flush()
        sys.stderr.write("Mock Cerebras API listening; press Ctrl+C to stop.\n")
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

"""Logging: see what the SDK does (requests, retries) through the standard `logging` module.

`CEREBRAS_LOG=info` (retries) or `CEREBRAS_LOG=debug` (every request and response) in the
environment turns this on without code; here the same is done in code, for the logger
`cerebras.cloud.sdk`. The API key never appears in a log line.

On the mock server a failure is scripted so that there is a retry to log.
"""

import io
import logging
import os

from _env import MODEL, setup

from cerebras.cloud.sdk import Cerebras


def main() -> None:
    mock = setup()

    # Collect the log lines in memory so that the example can print them and check them.
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    sdk_logger = logging.getLogger("cerebras.cloud.sdk")
    sdk_logger.addHandler(handler)
    sdk_logger.setLevel(logging.DEBUG)

    if mock is not None:
        mock.add_error(503, headers={"retry-after-ms": "20"})  # mock only: one failure, then a retry

    with Cerebras(warm_tcp_connection=False) as client:
        client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "Hello"}], max_completion_tokens=10
        )

    sdk_logger.removeHandler(handler)
    lines = captured.getvalue().splitlines()
    print(f"{len(lines)} log lines, for example:")
    for line in lines:
        if "Retrying" in line or "Sending HTTP Request" in line:
            print("  ", line[:120] + ("..." if len(line) > 120 else ""))

    api_key = os.environ["CEREBRAS_API_KEY"]
    print("The API key appears in the logs:", any(api_key in line for line in lines))


if __name__ == "__main__":
    main()

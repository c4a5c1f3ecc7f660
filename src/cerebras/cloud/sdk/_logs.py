"""Loggers, the `CEREBRAS_LOG` switch, and redaction of secrets in what gets logged."""

from __future__ import annotations

import logging
import os
from typing import Any, Iterable, Tuple

logger = logging.getLogger("cerebras.cloud.sdk")
httpx_logger = logging.getLogger("httpx")

_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "api-key", "x-api-key"})


def setup_logging() -> None:
    """Configure logging from `CEREBRAS_LOG` (`debug` or `info`, exactly); anything else does nothing."""
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(os.environ.get("CEREBRAS_LOG", ""))
    if level is None:
        return
    logging.basicConfig(
        format="[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
    logger.setLevel(level)
    httpx_logger.setLevel(level)


def redact_headers(headers: Any) -> dict[str, Any]:
    """A copy of `headers` (a mapping, or (name, value) pairs) fit for a log line: credentials are
    replaced by `<redacted>`."""
    items: Iterable[Tuple[Any, Any]] = headers.items() if hasattr(headers, "items") else headers
    return {k: ("<redacted>" if str(k).lower() in _SECRET_HEADERS else v) for k, v in items}

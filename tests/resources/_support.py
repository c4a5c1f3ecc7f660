"""Helpers shared by the resource tests (one test body drives the sync and the async client)."""

from __future__ import annotations

import inspect
import json
from typing import Any, Dict, List

import httpx

BASE_URL = "http://127.0.0.1:4010"
API_KEY = "csk-example"


async def resolve(value: Any) -> Any:
    """Await `value` if the async client produced a coroutine; return it as is otherwise."""
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(stream: Any) -> List[Any]:
    """All items of a `Stream` or an `AsyncStream`."""
    if hasattr(stream, "__aiter__"):
        return [item async for item in stream]
    return list(stream)


def body_of(request: httpx.Request) -> Dict[str, Any]:
    """The request's JSON body, keys in wire order."""
    decoded: Dict[str, Any] = json.loads(request.content)
    return decoded


def sse(*payloads: object) -> bytes:
    """`data: <json>` events, each closed by a blank line, then `data: [DONE]`."""
    out = b"".join(b"data: " + json.dumps(p, separators=(",", ":")).encode() + b"\n\n" for p in payloads)
    return out + b"data: [DONE]\n\n"

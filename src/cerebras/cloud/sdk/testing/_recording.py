"""What the mock server remembers about each request it received."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, cast

__all__ = ["JSONArray", "JSONObject", "RecordedHeaders", "RecordedRequest"]


class JSONObject(Dict[str, Any]):
    """A request body that is a JSON object: a plain ``dict`` that can also be called.

    ``request.json["model"]`` and ``request.json == {...}`` work as on any dict, and
    ``request.json()`` (the spelling of httpx's ``Response.json()``) returns a fresh copy.
    """

    __slots__ = ()

    def __call__(self) -> Dict[str, Any]:
        return copy.deepcopy(dict(self))


class JSONArray(List[Any]):
    """A request body that is a JSON array: a plain ``list`` that can also be called (see
    :class:`JSONObject`)."""

    __slots__ = ()

    def __call__(self) -> List[Any]:
        return copy.deepcopy(list(self))


class _JSONStr(str):
    __slots__ = ()

    def __call__(self) -> str:
        return str(self)


class _JSONInt(int):
    __slots__ = ()

    def __call__(self) -> int:
        return int(self)


class _JSONFloat(float):
    __slots__ = ()

    def __call__(self) -> float:
        return float(self)


def callable_json(value: Any) -> Any:
    """``value`` (a parsed JSON document) wrapped so that calling it returns it; ``None`` and booleans
    (which cannot be subclassed) are returned as they are."""
    if value is None or isinstance(value, (bool, JSONObject, JSONArray, _JSONStr, _JSONInt, _JSONFloat)):
        return value
    if isinstance(value, dict):
        return JSONObject(cast(Any, value))
    if isinstance(value, list):
        return JSONArray(cast(Any, value))
    if isinstance(value, str):
        return _JSONStr(value)
    if isinstance(value, int):
        return _JSONInt(value)
    if isinstance(value, float):
        return _JSONFloat(value)
    return value


class RecordedHeaders(Mapping[str, str]):
    """Request headers as received: looked up case-insensitively, iterated in arrival order.

    A header sent several times reads as its values joined by ``", "``; :meth:`get_list` returns
    them separately and :attr:`raw` gives every ``(name, value)`` line exactly as received.
    """

    __slots__ = ("_index", "_names", "_raw")

    def __init__(self, items: Iterable[Tuple[str, str]] = ()) -> None:
        self._raw: List[Tuple[str, str]] = list(items)
        self._index: Dict[str, List[str]] = {}
        self._names: List[str] = []
        for name, value in self._raw:
            key = name.lower()
            values = self._index.get(key)
            if values is None:
                self._index[key] = [value]
                self._names.append(name)
            else:
                values.append(value)

    def __getitem__(self, name: str) -> str:
        return ", ".join(self._index[name.lower()])

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def get_list(self, name: str) -> List[str]:
        """Every value sent for ``name`` (case-insensitive), in order; empty if absent."""
        return list(self._index.get(name.lower(), ()))

    @property
    def raw(self) -> List[Tuple[str, str]]:
        """All header lines as ``(name, value)`` pairs, original spelling and order."""
        return list(self._raw)

    def __repr__(self) -> str:
        return f"RecordedHeaders({self._raw!r})"


@dataclass(frozen=True)
class RecordedRequest:
    """One HTTP request as the mock server received it (over its socket or through a
    :class:`~cerebras.cloud.sdk.testing.MockTransport`).

    Holds the request line (:attr:`method`, :attr:`target`, :attr:`path`, :attr:`query`), the
    headers, the raw :attr:`body` and, when the body is JSON, its parsed form :attr:`json`, which
    reads both ways: ``request.json["messages"]`` and ``request.json()["messages"]``.
    :attr:`request_id` is the ``x-request-id`` the server answered with.

    Completion requests may arrive compressed (``Content-Encoding: gzip``) or as msgpack
    (``Content-Type: application/vnd.msgpack``): :attr:`body` keeps the bytes as they arrived,
    :attr:`decoded_body` has the gzip undone, and :attr:`json` is the decoded document either way.
    """

    method: str
    """Request method, e.g. ``"POST"``."""
    target: str
    """The raw request target from the request line (path plus query string)."""
    path: str
    """The path part of the target, without the query string (not percent-decoded)."""
    query: Dict[str, str]
    """Decoded query parameters; for a repeated key the last value wins (see :attr:`query_items`)."""
    query_items: List[Tuple[str, str]]
    """Every decoded query parameter, in order."""
    headers: RecordedHeaders
    """Request headers (case-insensitive lookup, arrival order kept)."""
    body: bytes
    """The raw request body as it arrived (de-chunked if it was sent with chunked transfer encoding,
    still compressed if it was sent with a ``Content-Encoding``)."""
    http_version: str = "HTTP/1.1"
    received_at: float = 0.0
    """``time.time()`` when the request was fully read."""
    json: Any = field(default=None)
    """The body parsed as JSON (or decoded from msgpack, after gunzipping), or ``None`` when it is
    empty or not valid.

    An object body is a :class:`JSONObject` (a ``dict``), an array a :class:`JSONArray` (a
    ``list``); strings and numbers are ``str``/``int``/``float`` subclasses. All of them can also be
    called, like httpx's ``Response.json()``: ``request.json()`` returns the same value, as a fresh
    plain copy."""
    request_id: Optional[str] = None
    """The ``x-request-id`` header of the server's answer (the scripted one when a scripted
    response set its own); ``None`` when no response headers were sent (a dropped connection)."""
    decoded_body: Optional[bytes] = None
    """The body with its ``Content-Encoding`` (gzip) undone: the same bytes as :attr:`body` when the
    request was not compressed (or could not be gunzipped). Still msgpack for a msgpack body."""
    decode_error: Optional[str] = None
    """Why the body could not be decoded (not valid gzip, not valid msgpack, msgpack not installed,
    an unsupported ``Content-Encoding``), or ``None``. Such requests got a 400 or 415."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "json", callable_json(self.json))
        if self.decoded_body is None:
            object.__setattr__(self, "decoded_body", self.body)

    @property
    def text(self) -> str:
        """The body (gunzipped when it arrived compressed) decoded as UTF-8 (undecodable bytes
        replaced)."""
        return (self.body if self.decoded_body is None else self.decoded_body).decode("utf-8", "replace")

    @staticmethod
    def parse_json(body: bytes) -> Any:
        """``body`` parsed as JSON (callable, see :attr:`json`), or ``None``."""
        if not body:
            return None
        try:
            return callable_json(json.loads(body))
        except ValueError:
            return None

    def __repr__(self) -> str:
        return f"<RecordedRequest {self.method} {self.target} ({len(self.body)} bytes)>"

"""Compressed request bodies: gzip, msgpack, or both (Cerebras's "payload optimization").

Off by default, so a request is byte-for-byte what the official SDK sends. Cerebras documents the
option for `POST /v1/chat/completions` and `POST /v1/completions` only, so a client-wide
`request_encoding` applies to those two paths; an encoding set on a single request (through the
low-level `options={"request_encoding": ...}`) applies wherever it is set. Responses stay JSON:
nothing in the docs says the server answers in kind.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
from typing import Any, Optional, Tuple, cast

from typing_extensions import Literal, get_args

__all__ = ["ENCODABLE_PATHS", "RequestEncoding", "check_request_encoding", "encode_body", "encode_json"]

RequestEncoding = Literal["gzip", "msgpack", "msgpack+gzip"]
"""How a JSON request body is put on the wire; `None` (the default) sends plain JSON."""

_ENCODINGS: Tuple[str, ...] = get_args(RequestEncoding)

ENCODABLE_PATHS = frozenset({"/v1/chat/completions", "/v1/completions"})
"""The paths a client-wide `request_encoding` applies to: those the docs list for it."""

MSGPACK_TYPE = "application/vnd.msgpack"
JSON_TYPE = "application/json"

# Level 1: on a 50k-token prompt it keeps 43% of the bytes in 1.9 ms, where zlib's default (6)
# keeps 37% in 10 ms and level 9 37% in 28 ms; the extra bytes cost less upload time than the extra
# CPU costs below ~50 Mbit/s of uplink (figures from benchmarks/bench_encodings.py's prose).
GZIP_LEVEL = 1


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray)):
        raise TypeError("bytes cannot be sent inside a JSON body; decode them to str first")
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode_json(value: object) -> bytes:
    """Compact UTF-8 JSON; NaN and infinities are refused before anything is sent."""
    return json.dumps(
        value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_default
    ).encode("utf-8")


def check_request_encoding(value: object, *, name: str = "request_encoding") -> Optional[RequestEncoding]:
    """`value` if it names an encoding (or is None); a clear error otherwise, including when the
    encoding needs msgpack and it is not installed."""
    if value is None:
        return None
    if not isinstance(value, str) or value not in _ENCODINGS:
        choices = ", ".join(repr(e) for e in _ENCODINGS)
        raise ValueError(f"{name} must be None or one of {choices}; got {value!r}")
    if value.startswith("msgpack") and importlib.util.find_spec("msgpack") is None:
        raise ImportError(
            f"{name}={value!r} needs the msgpack package, which is not installed; "
            "install it with: pip install 'cerebras_cloud_sdk[msgpack]'"
        )
    return value  # type: ignore[return-value]


def encode_body(body: Any, encoding: RequestEncoding) -> Tuple[bytes, str, Optional[str]]:
    """`(content, content_type, content_encoding)` for the JSON-ready `body`.

    gzip compresses the JSON the SDK would otherwise send (so it refuses the same bodies: NaN,
    bytes). msgpack packs the same object directly; it has a binary type and IEEE floats, so bytes
    and NaN pass through to the server, which decides.
    """
    if encoding == "gzip":
        return _gzip(encode_json(body)), JSON_TYPE, "gzip"
    # By name: msgpack is an optional extra without type information, and the type checkers run
    # in environments with and without it.
    msgpack: Any = importlib.import_module("msgpack")
    packed = cast(bytes, msgpack.packb(body, use_bin_type=True))
    if encoding == "msgpack":
        return packed, MSGPACK_TYPE, None
    return _gzip(packed), MSGPACK_TYPE, "gzip"


def _gzip(data: bytes) -> bytes:
    # mtime=0: the same body gives the same bytes on every attempt and in every test.
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)

"""Compressed and binary request bodies: ``Content-Encoding: gzip`` and ``application/vnd.msgpack``.

The API accepts both on ``POST /v1/chat/completions`` and ``POST /v1/completions``, alone or
combined (gzip of msgpack). The mock undoes them before anything reads the body; msgpack is an
optional dependency, imported only when a msgpack body arrives.
"""

from __future__ import annotations

import gzip
import importlib
import json
import zlib
from dataclasses import dataclass
from typing import Any, Mapping, Optional

__all__ = ["MSGPACK_TYPES", "BodyError", "DecodedBody", "decode_body"]

MSGPACK_TYPES = frozenset({"application/vnd.msgpack", "application/msgpack", "application/x-msgpack"})
_GZIP = frozenset({"gzip", "x-gzip"})


@dataclass(frozen=True)
class BodyError:
    """Why a body could not be read: the status and error code to answer with, and a message."""

    status: int
    code: str
    message: str


@dataclass(frozen=True)
class DecodedBody:
    """A request body with its encodings undone.

    ``content`` is the body after gunzipping (the bytes as received when there was no
    ``Content-Encoding``); ``value`` the parsed document (from JSON or msgpack), ``None`` when the
    body is empty or not parseable; ``error`` set when the encodings could not be undone.
    """

    content: bytes
    value: Any = None
    error: Optional[BodyError] = None


def _parse_json(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def media_type(headers: Mapping[str, str]) -> str:
    """The ``Content-Type`` without its parameters, lower-cased (``""`` when absent)."""
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _gunzip(body: bytes) -> bytes:
    try:
        return gzip.decompress(body)
    except (OSError, EOFError, zlib.error) as exc:
        raise _Failed(
            BodyError(400, "invalid_encoding", f"Request body is not valid gzip ({exc}).")
        ) from None


def _unpack(content: bytes) -> Any:
    try:
        msgpack: Any = importlib.import_module("msgpack")
    except ImportError:
        raise _Failed(
            BodyError(
                415,
                "unsupported_media_type",
                "msgpack is not installed on the mock server (pip install msgpack) "
                "so it cannot read an application/vnd.msgpack body.",
            )
        ) from None
    try:
        value = msgpack.unpackb(content, raw=False)
        json.dumps(value)  # only what JSON can express: no binary strings, no extension types
    except Exception as exc:
        raise _Failed(
            BodyError(
                400, "invalid_msgpack", f"Request body is not valid msgpack ({type(exc).__name__}: {exc})."
            )
        ) from None
    return value


class _Failed(Exception):
    def __init__(self, error: BodyError) -> None:
        super().__init__(error.message)
        self.error = error


def decode_body(headers: Mapping[str, str], body: bytes, *, encoded: bool = True) -> DecodedBody:
    """Undo ``Content-Encoding: gzip`` and parse msgpack (by ``Content-Type``) or JSON.

    With ``encoded=False`` (routes that take plain JSON only) the body is parsed as JSON as it is.
    Content encodings other than ``gzip`` and ``identity`` are refused with 415.
    """
    if not encoded:
        return DecodedBody(body, _parse_json(body))
    content = body
    try:
        codings = [c.strip().lower() for c in headers.get("content-encoding", "").split(",") if c.strip()]
        for coding in reversed(codings):  # applied in the order listed, so undone backwards
            if coding in _GZIP:
                content = _gunzip(content)
            elif coding != "identity":
                raise _Failed(
                    BodyError(
                        415,
                        "unsupported_content_encoding",
                        f"Content-Encoding {coding!r} is not supported; use 'gzip'.",
                    )
                )
        if media_type(headers) in MSGPACK_TYPES:
            return DecodedBody(content, _unpack(content))
    except _Failed as failed:
        return DecodedBody(content, None, failed.error)
    return DecodedBody(content, _parse_json(content))

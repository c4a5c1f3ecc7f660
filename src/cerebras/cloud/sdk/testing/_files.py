"""The Files API, kept in memory: multipart uploads, listing, retrieval, content and deletion.

Also the cursor pagination (``limit``/``after``) that the files and batches lists share.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import uuid
from dataclasses import dataclass
from email.message import Message
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, TypeVar, cast
from urllib.parse import unquote

from ._clock import MockClock
from ._encodings import media_type
from ._recording import RecordedRequest
from ._routes import HTTPError, Response, json_response

__all__ = [
    "DEFAULT_MAX_FILE_BYTES",
    "FILES_PATH",
    "FileStore",
    "StoredFile",
    "files_route",
    "list_page",
    "method_not_allowed",
    "split_path",
]

FILES_PATH = "/v1/files"
DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024
DEFAULT_RETENTION = 7 * 86400
EXPIRES_MIN, EXPIRES_MAX = 3600, 2592000
NDJSON_TYPE = "application/x-ndjson"
LIST_DEFAULT, LIST_MAX = 20, 100

_T = TypeVar("_T")


@dataclass
class StoredFile:
    """One uploaded (or batch output) file."""

    id: str
    filename: str
    purpose: str
    content: bytes
    created_at: float
    expires_at: float

    def to_json(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "object": "file",
            "filename": self.filename,
            "bytes": len(self.content),
            "purpose": self.purpose,
            "created_at": int(self.created_at),
            "expires_at": int(self.expires_at),
        }

    @property
    def content_type(self) -> str:
        name = self.filename.lower()
        if name.endswith((".jsonl", ".ndjson")):
            return NDJSON_TYPE
        if name.endswith(".json"):
            return "application/json"
        return "application/octet-stream"


def not_found(kind: str, item_id: str) -> HTTPError:
    return HTTPError(
        404,
        f"No {kind} with id {item_id!r}.",
        type="not_found_error",
        param=f"{kind}_id",
        code=f"{kind}_not_found",
    )


def bad_request(message: str, param: Optional[str] = None, code: str = "invalid_value") -> HTTPError:
    return HTTPError(400, message, param=param, code=code)


class FileStore:
    """Files by id, in creation order. Expired files disappear (lazily) when the mock clock passes
    their ``expires_at``."""

    def __init__(self, clock: MockClock) -> None:
        self.clock = clock
        self.max_bytes = DEFAULT_MAX_FILE_BYTES
        self._lock = threading.RLock()
        self._files: Dict[str, StoredFile] = {}
        self.order: Dict[str, int] = {}  # every id ever issued: a deleted file still works as a cursor

    def add(
        self,
        content: bytes,
        filename: str,
        purpose: str,
        expires_after: Optional[float] = None,
        created: Optional[float] = None,
    ) -> StoredFile:
        now = self.clock.now() if created is None else created
        life = DEFAULT_RETENTION if expires_after is None else expires_after
        stored = StoredFile(
            f"file-{uuid.uuid4().hex[:24]}", filename, purpose, bytes(content), now, now + life
        )
        with self._lock:
            self._files[stored.id] = stored
            self.order[stored.id] = len(self.order)
        return stored

    def _purge(self) -> None:
        now = self.clock.now()
        for file_id in [f.id for f in self._files.values() if f.expires_at <= now]:
            del self._files[file_id]

    def get(self, file_id: str) -> Optional[StoredFile]:
        with self._lock:
            self._purge()
            return self._files.get(file_id)

    def delete(self, file_id: str) -> bool:
        with self._lock:
            self._purge()
            return self._files.pop(file_id, None) is not None

    def all(self) -> List[StoredFile]:
        with self._lock:
            self._purge()
            return list(self._files.values())

    def clear(self) -> None:
        with self._lock:
            self._files.clear()
            self.order.clear()


# ---------------------------------------------------------------------------------------------
# pagination


def list_page(
    items: Sequence[_T],
    id_of: Callable[[_T], str],
    to_json: Callable[[_T], Dict[str, Any]],
    order: Mapping[str, int],
    query: Mapping[str, str],
) -> Dict[str, Any]:
    """``{"object": "list", "data", "has_more"}`` for ``limit`` (1..100, default 20) items created
    after the ``after`` cursor (an id), oldest first."""
    raw = query.get("limit", "")
    if raw == "":
        limit = LIST_DEFAULT
    else:
        try:
            limit = int(raw)
        except ValueError:
            raise bad_request(f"'limit' must be an integer, got {raw!r}.", "limit", "invalid_type") from None
        if not 1 <= limit <= LIST_MAX:
            raise bad_request(f"'limit' must be between 1 and {LIST_MAX}, got {limit}.", "limit")
    after = query.get("after")
    if after:
        position = order.get(after)
        if position is None:
            raise bad_request(f"Unknown 'after' cursor {after!r}: it must be an id from this list.", "after")
        items = [item for item in items if order.get(id_of(item), -1) > position]
    return {
        "object": "list",
        "data": [to_json(item) for item in items[:limit]],
        "has_more": len(items) > limit,
    }


# ---------------------------------------------------------------------------------------------
# multipart uploads


@dataclass
class Part:
    name: str
    filename: Optional[str]
    data: bytes


def parse_multipart(content_type: str, body: bytes) -> List[Part]:
    """The parts of a ``multipart/form-data`` body (standard library ``email`` parser)."""
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\nMIME-Version: 1.0\r\n\r\n"
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    payload = message.get_payload()
    if not message.is_multipart() or not isinstance(payload, list) or not message.get_boundary():
        raise bad_request("The multipart/form-data body could not be parsed.", code="invalid_multipart")
    parts: List[Part] = []
    for part in cast(List[Message], payload):
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(name, str):
            continue
        parts.append(Part(name, part.get_filename(), data if isinstance(data, bytes) else b""))
    return parts


def _text(part: Part) -> str:
    return part.data.decode("utf-8", "replace")


def _expires_after(fields: Mapping[str, str]) -> Optional[int]:
    """Seconds from ``expires_after`` (``expires_after[anchor]`` + ``expires_after[seconds]`` fields, or
    one ``expires_after`` field holding a JSON object); ``None`` when not given."""
    anchor: Any = fields.get("expires_after[anchor]")
    seconds: Any = fields.get("expires_after[seconds]")
    raw = fields.get("expires_after")
    if raw is not None:
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise bad_request(
                '\'expires_after\' must be a JSON object {"anchor": "created_at", "seconds": N}.',
                "expires_after",
            )
        found = cast(Dict[str, Any], value)
        anchor, seconds = found.get("anchor"), found.get("seconds")
    elif anchor is None and seconds is None:
        return None
    if anchor is None or seconds is None:
        raise bad_request("'expires_after' needs both 'anchor' and 'seconds'.", "expires_after")
    if anchor != "created_at":
        raise bad_request(
            f"'expires_after.anchor' must be 'created_at', got {anchor!r}.", "expires_after.anchor"
        )
    if isinstance(seconds, str) and seconds.strip().isdigit():
        seconds = int(seconds.strip())
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not EXPIRES_MIN <= seconds <= EXPIRES_MAX:
        raise bad_request(
            f"'expires_after.seconds' must be an integer between {EXPIRES_MIN} and {EXPIRES_MAX}, got {seconds!r}.",
            "expires_after.seconds",
        )
    return seconds


def _upload(store: FileStore, request: RecordedRequest) -> Response:
    content_type = request.headers.get("content-type", "")
    if media_type(request.headers) != "multipart/form-data":
        raise bad_request(
            "Expected a multipart/form-data body with a 'file' and a 'purpose'.", code="invalid_content_type"
        )
    limit = store.max_bytes
    if len(request.body) > limit + (1 << 20):  # far over the limit: no need to parse it
        raise _too_large(limit)
    fields: Dict[str, str] = {}
    upload: Optional[Part] = None
    for part in parse_multipart(content_type, request.body):
        if part.name == "file":
            upload = part
        else:
            fields[part.name] = _text(part)
    if upload is None:
        raise bad_request("Missing required field 'file'.", "file", "missing_required_parameter")
    purpose = fields.get("purpose")
    if purpose is None:
        raise bad_request("Missing required field 'purpose'.", "purpose", "missing_required_parameter")
    if purpose != "batch":
        raise bad_request(f"'purpose' must be 'batch', got {purpose!r}.", "purpose")
    expires_after = _expires_after(fields)
    if len(upload.data) > limit:
        raise _too_large(limit)
    stored = store.add(upload.data, upload.filename or "file", purpose, expires_after)
    return json_response(200, stored.to_json())


def _too_large(limit: int) -> HTTPError:
    return HTTPError(413, f"The file exceeds the {limit}-byte limit.", param="file", code="file_too_large")


def method_not_allowed(allowed: str) -> HTTPError:
    return HTTPError(405, "Method not allowed.", code="method_not_allowed", headers={"allow": allowed})


def split_path(path: str, prefix: str) -> Optional[Tuple[str, ...]]:
    """The percent-decoded segments after ``prefix`` (``()`` for the prefix itself), or ``None``."""
    if path == prefix or path == prefix + "/":
        return ()
    if not path.startswith(prefix + "/"):
        return None
    return tuple(unquote(segment) for segment in path[len(prefix) + 1 :].split("/"))


def files_route(store: FileStore, request: RecordedRequest) -> Optional[Response]:
    """Answer a request under ``/v1/files`` (``None`` for other paths)."""
    segments = split_path(request.path, FILES_PATH)
    if segments is None:
        return None
    method = request.method
    if segments == ():
        if method == "POST":
            return _upload(store, request)
        if method == "GET":
            page = list_page(store.all(), lambda f: f.id, StoredFile.to_json, store.order, request.query)
            return json_response(200, page)
        raise method_not_allowed("GET, POST")
    file_id = segments[0]
    if len(segments) == 1:
        if method not in ("GET", "DELETE"):
            raise method_not_allowed("GET, DELETE")
        if method == "DELETE":
            if not store.delete(file_id):
                raise not_found("file", file_id)
            return json_response(200, {"id": file_id, "object": "file", "deleted": True})
        found = store.get(file_id)
        if found is None:
            raise not_found("file", file_id)
        return json_response(200, found.to_json())
    if len(segments) == 2 and segments[1] == "content":
        if method != "GET":
            raise method_not_allowed("GET")
        found = store.get(file_id)
        if found is None:
            raise not_found("file", file_id)
        return Response(200, [("content-type", found.content_type)], body=found.content)
    raise HTTPError(404, f"Not found: {method} {request.path}", type="not_found_error", code="not_found")

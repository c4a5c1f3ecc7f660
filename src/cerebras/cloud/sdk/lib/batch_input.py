"""Write and check Batch API input files before they are uploaded.

A batch input file is JSONL: one request per line, each line a JSON object

```json
{"custom_id": "eval-001", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "...", "messages": [...]}}
```

Cerebras documents these rules, and everything here enforces them: `custom_id` is a non-empty
string, unique in the file; `method` is `"POST"`; `url` is `"/v1/chat/completions"` (the only
batch endpoint, `BATCH_ENDPOINTS`); `body` is a JSON object with a `"model"` (and, for chat, a
non-empty `"messages"` list); the file holds at least `MIN_REQUESTS` (10) and at most
`MAX_REQUESTS` (50,000) lines and at most `MAX_FILE_BYTES` (200 MB). Lines are also checked to be
plain JSON (no NaN or infinity) with no other top-level fields.

`BatchInputWriter` (and `write_batch_input`) checks each line before writing it, so a file it
finishes is valid; `check_batch_input` checks an existing file line by line. Both raise
`BatchInputError`, naming the line and its `custom_id`, at the first problem.

Whether a file may mix models is not documented by Cerebras (a batch whose model is not supported
for batch fails as a whole). Neither the writer nor the checker rejects mixed models by default,
but both report the models used (`BatchInputSummary.models`); pass `single_model=True` to make a
second model an error.
"""

from __future__ import annotations

import collections.abc as abc
import io
import json
import math
import os
import secrets
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any, Dict, Iterable, List, Mapping, Optional, Tuple, Type, Union, cast, overload

__all__ = [
    "BATCH_ENDPOINTS",
    "MAX_FILE_BYTES",
    "MAX_REQUESTS",
    "MIN_REQUESTS",
    "BatchInputError",
    "BatchInputSummary",
    "BatchInputWriter",
    "batch_request",
    "check_batch_input",
    "write_batch_input",
]

BATCH_ENDPOINTS: Tuple[str, ...] = ("/v1/chat/completions",)
"""The endpoints a batch may call; every line of one file calls the same one."""

MIN_REQUESTS = 10
"""The fewest lines a batch input file may hold."""

MAX_REQUESTS = 50_000
"""The most lines a batch input file may hold."""

MAX_FILE_BYTES = 200 * 1024 * 1024
"""The largest batch input file, in bytes (200 MB)."""

StrPath = Union[str, os.PathLike[str]]

_FIELDS = ("custom_id", "method", "url", "body")
_CHAT_ENDPOINT = "/v1/chat/completions"
_NON_FINITE = "contains NaN or infinity, which JSON does not allow"


class BatchInputError(ValueError):
    """A batch input line (or the file as a whole) breaks a rule of the Batch API.

    `line` is the 1-based line number, or `None` for a problem of the whole file (too few lines)
    or of a request not yet in a file (`batch_request`); `custom_id` is the line's id when it has
    a string one; `reason` says what is wrong. `str(err)` reads, for example,
    `line 7 (custom_id 'q-7'): duplicate custom_id, first used on line 3`.
    """

    line: Optional[int]
    custom_id: Optional[str]
    reason: str

    def __init__(self, reason: str, *, line: Optional[int] = None, custom_id: Optional[str] = None) -> None:
        where: List[str] = []
        if line is not None:
            where.append(f"line {line}")
        if custom_id is not None:
            where.append(f"(custom_id {custom_id!r})" if where else f"custom_id {custom_id!r}")
        super().__init__(f"{' '.join(where)}: {reason}" if where else reason)
        self.line = line
        self.custom_id = custom_id
        self.reason = reason


@dataclass(frozen=True)
class BatchInputSummary:
    """What a valid batch input file holds.

    `requests` is the number of lines (requests), `bytes` the size of the file, and `models` the
    distinct `body["model"]` values in the order they first appear. Cerebras does not document
    whether one file may mix models; `models` lets you see whether it does.
    """

    requests: int
    bytes: int
    models: Tuple[str, ...]


def _json_type(value: object) -> str:
    """The JSON name of `value`'s type, or its Python type name when it has none."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _check_request(
    request: object, endpoints: Tuple[str, ...], *, line: Optional[int] = None
) -> Tuple[str, str, Mapping[str, Any]]:
    """Check one line's shape; return its `custom_id`, model and body.

    Uniqueness, limits and serialisation are checked by the caller, which sees the whole file.
    """
    if not isinstance(request, abc.Mapping):  # not `typing.Mapping`: a slower isinstance, per line
        raise BatchInputError(f"a request must be a JSON object, got {_json_type(request)}", line=line)
    fields = cast(Mapping[str, Any], request)
    raw_id = fields.get("custom_id")
    custom_id = raw_id if isinstance(raw_id, str) and raw_id else None

    def fail(reason: str) -> BatchInputError:
        return BatchInputError(reason, line=line, custom_id=custom_id)

    missing = [name for name in _FIELDS if name not in fields]
    if missing:
        raise fail("missing field" + ("s " if len(missing) > 1 else " ") + ", ".join(map(repr, missing)))
    extra = [name for name in fields if name not in _FIELDS]
    if extra:
        names = ", ".join(repr(name) for name in extra)
        raise fail(f"unexpected field{'s' if len(extra) > 1 else ''} {names} (allowed: {', '.join(_FIELDS)})")
    if not isinstance(raw_id, str):
        raise fail(f"custom_id must be a string, got {_json_type(raw_id)}")
    if not raw_id:
        raise fail("custom_id must not be empty")
    method = fields["method"]
    if method != "POST":
        raise fail(f"method must be 'POST', got {method!r}")
    url = fields["url"]
    if url not in endpoints:
        expected = repr(endpoints[0]) if len(endpoints) == 1 else f"one of {', '.join(map(repr, endpoints))}"
        raise fail(f"url must be {expected}, got {url!r}")
    body = fields["body"]
    if not isinstance(body, abc.Mapping):
        raise fail(f"body must be a JSON object, got {_json_type(body)}")
    params = cast(Mapping[str, Any], body)
    if "model" not in params:
        raise fail("body has no 'model'")
    model = params["model"]
    if not isinstance(model, str) or not model:
        raise fail(f"body 'model' must be a non-empty string, got {model!r}")
    if url == _CHAT_ENDPOINT:
        if "messages" not in params:
            raise fail("body has no 'messages'")
        messages = params["messages"]
        if not isinstance(messages, (list, tuple)):
            raise fail(f"body 'messages' must be an array, got {_json_type(messages)}")
        if not messages:
            raise fail("body 'messages' must not be empty")
    return raw_id, model, params


def check_request(
    request: object, *, endpoints: Tuple[str, ...] = BATCH_ENDPOINTS, line: Optional[int] = None
) -> Tuple[str, str, Mapping[str, Any]]:
    """Check one request line's shape against these rules, with `endpoints` as the allowed `url`s;
    return its `custom_id`, model and body, or raise `BatchInputError` naming `line`.

    Uniqueness and the file limits need the whole file and are not checked here (the bulk runner,
    which also accepts `/v1/completions`, uses this for its lines).
    """
    return _check_request(request, endpoints, line=line)


def _check_limits(endpoint: str, min_requests: int, max_requests: int, max_bytes: int) -> None:
    if endpoint not in BATCH_ENDPOINTS:
        raise ValueError(f"endpoint must be one of {', '.join(map(repr, BATCH_ENDPOINTS))}, got {endpoint!r}")
    if min_requests < 0 or max_requests < 1 or min_requests > max_requests:
        raise ValueError(
            f"need 0 <= min_requests <= max_requests and max_requests >= 1, got {min_requests} and {max_requests}"
        )
    if max_bytes < 1:
        raise ValueError(f"max_bytes must be positive, got {max_bytes}")


class _Tally:
    """What the writer and the checker track across lines: ids, models, counts and the limits."""

    def __init__(
        self, endpoint: str, min_requests: int, max_requests: int, max_bytes: int, single_model: bool
    ) -> None:
        _check_limits(endpoint, min_requests, max_requests, max_bytes)
        self.endpoints = (endpoint,)
        self.min_requests = min_requests
        self.max_requests = max_requests
        self.max_bytes = max_bytes
        self.single_model = single_model
        self.first_line: Dict[str, int] = {}  # custom_id -> the line that used it
        self.models: Dict[str, int] = {}  # model -> the line that first used it, in insertion order
        self.count = 0
        self.bytes = 0

    def check_count(self, line: int) -> None:
        if line > self.max_requests:
            raise BatchInputError(f"more than {self.max_requests} requests (max_requests)", line=line)

    def check(self, request: object, line: int) -> Tuple[str, str, Mapping[str, Any]]:
        """Check one request as line `line` (without recording it)."""
        self.check_count(line)
        custom_id, model, body = _check_request(request, self.endpoints, line=line)
        first = self.first_line.get(custom_id)
        if first is not None:
            raise BatchInputError(
                f"duplicate custom_id, first used on line {first}", line=line, custom_id=custom_id
            )
        if self.single_model and self.models and model not in self.models:
            other, other_line = next(iter(self.models.items()))
            raise BatchInputError(
                f"model {model!r} differs from {other!r} used on line {other_line} (single_model=True)",
                line=line,
                custom_id=custom_id,
            )
        return custom_id, model, body

    def check_size(self, size: int, line: int, custom_id: Optional[str]) -> None:
        if self.bytes + size > self.max_bytes:
            raise BatchInputError(
                f"the file would exceed {self.max_bytes} bytes (max_bytes)", line=line, custom_id=custom_id
            )

    def record(self, custom_id: str, model: str, line: int, size: int) -> None:
        self.first_line[custom_id] = line
        self.models.setdefault(model, line)
        self.count += 1
        self.bytes += size

    def finish(self) -> BatchInputSummary:
        if self.count < self.min_requests:
            raise BatchInputError(
                f"only {self.count} request{'' if self.count == 1 else 's'}, "
                f"at least {self.min_requests} are required (min_requests)"
            )
        return BatchInputSummary(requests=self.count, bytes=self.bytes, models=tuple(self.models))


def batch_request(
    body: Mapping[str, Any], *, custom_id: str, url: str = "/v1/chat/completions", method: str = "POST"
) -> Dict[str, Any]:
    """One batch input line: `{"custom_id": ..., "method": ..., "url": ..., "body": {...}}`.

    `body` is the request a direct call would send, including `"model"` (and `"messages"` for
    chat); it is copied (shallowly) into the line. The line's shape is checked at once (raising
    `BatchInputError` with `line=None`); uniqueness, limits and JSON serialisation are checked when
    the line is added to a `BatchInputWriter`.
    """
    request: Dict[str, Any] = {"custom_id": custom_id, "method": method, "url": url, "body": dict(body)}
    _check_request(request, BATCH_ENDPOINTS)
    return request


def _encode(request: Mapping[str, Any]) -> bytes:
    """The request as one compact UTF-8 JSON line ending in a newline."""
    return (json.dumps(request, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n").encode()


class BatchInputWriter:
    """Writes a batch input file one request at a time, checking each line before writing it.

    ```py
    with BatchInputWriter("batch.jsonl") as writer:
        for i, question in enumerate(questions):
            writer.add(body={"model": "llama3.1-8b", "messages": [...]}, custom_id=f"q-{i}")
    ```

    `target` is a path or a binary file object. A path is written through a temporary file in the
    same directory, renamed into place only when `close()` succeeds: after an error (a
    `BatchInputError` that escapes the `with` block, too few requests at `close()`, any other
    exception in the block, or `abort()`) the destination is left as it was. A file object belongs
    to the caller: it is written to as lines are added, flushed on close, and never closed.

    `add()` checks each line against the rules (see the module docstring) and the limits
    `max_requests` and `max_bytes`, and raises `BatchInputError` naming the line *before* writing
    anything, so the writer stays usable: catch the error to skip a bad line. `close()` checks
    `min_requests`. Pass `single_model=True` to reject a model other than the first one used (a
    rule Cerebras does not document). Memory grows with the number of distinct `custom_id`s (kept
    to check uniqueness), not with the size of the lines.
    """

    def __init__(
        self,
        target: Union[StrPath, IO[bytes]],
        *,
        endpoint: str = "/v1/chat/completions",
        min_requests: int = MIN_REQUESTS,
        max_requests: int = MAX_REQUESTS,
        max_bytes: int = MAX_FILE_BYTES,
        single_model: bool = False,
    ) -> None:
        self._tally = _Tally(endpoint, min_requests, max_requests, max_bytes, single_model)
        self._endpoint = endpoint
        self._closed = False
        self._summary: Optional[BatchInputSummary] = None  # set by a successful close()
        self._path: Optional[str] = None
        self._temp_path: Optional[str] = None
        if isinstance(target, (str, os.PathLike)):
            self._path = os.fspath(target)
            self._file, self._temp_path = _open_temp_beside(self._path)
        else:
            if isinstance(target, io.TextIOBase):
                raise TypeError("BatchInputWriter needs a binary file object (open the file with 'wb')")
            self._file = target

    @property
    def count(self) -> int:
        """How many requests (lines) have been written."""
        return self._tally.count

    @property
    def bytes_written(self) -> int:
        """How many bytes have been written, newlines included."""
        return self._tally.bytes

    @property
    def models(self) -> Tuple[str, ...]:
        """The distinct models written so far, in the order they first appeared."""
        return tuple(self._tally.models)

    @property
    def closed(self) -> bool:
        """Whether `close()` or `abort()` has been called."""
        return self._closed

    @overload
    def add(self, request: Mapping[str, Any]) -> str: ...

    @overload
    def add(self, *, body: Mapping[str, Any], custom_id: Optional[str] = None) -> str: ...

    def add(
        self,
        request: Optional[Mapping[str, Any]] = None,
        *,
        body: Optional[Mapping[str, Any]] = None,
        custom_id: Optional[str] = None,
    ) -> str:
        """Check and write one request; return its `custom_id`.

        Either pass a whole line (`{"custom_id", "method", "url", "body"}`, as `batch_request`
        makes), or `body=` (and optionally `custom_id=`) to have the line built with this writer's
        endpoint and `POST`. Without a `custom_id`, the line is given `request-{n}`, where `n` is
        its 1-based line number.

        Raises `BatchInputError` (naming the line) when the line breaks a rule or a limit; nothing
        is written then, and the line number is not used up.
        """
        if self._closed:
            raise ValueError("this BatchInputWriter is closed")
        line = self._tally.count + 1
        if request is not None:
            if body is not None or custom_id is not None:
                raise TypeError("pass either a whole request or body= (and custom_id=), not both")
            full = request
        elif body is not None:
            full = {
                "custom_id": f"request-{line}" if custom_id is None else custom_id,
                "method": "POST",
                "url": self._endpoint,
                "body": body,
            }
        else:
            raise TypeError("add() needs a request or body=")
        checked_id, model, checked_body = self._tally.check(full, line)
        # json only writes dicts as objects: copy any other mapping into one, in the usual order.
        canonical = {name: full[name] for name in _FIELDS}
        if not isinstance(checked_body, dict):
            canonical["body"] = dict(checked_body)
        try:
            data = _encode(canonical)
        except (TypeError, ValueError) as exc:
            raise BatchInputError(_encode_failure(exc), line=line, custom_id=checked_id) from exc
        self._tally.check_size(len(data), line, checked_id)
        self._file.write(data)
        self._tally.record(checked_id, model, line, len(data))
        return checked_id

    def close(self) -> BatchInputSummary:
        """Finish the file: check `min_requests`, then move it into place (for a path).

        Raises `BatchInputError` (`line=None`) when there are too few requests; for a path the
        temporary file is then removed and the destination left as it was. Calling `close()` again
        returns the same summary; after `abort()` it raises `ValueError`.
        """
        if self._closed:
            if self._summary is None:
                raise ValueError("this BatchInputWriter was aborted")
            return self._summary
        try:
            summary = self._tally.finish()
        except BatchInputError:
            self.abort()
            raise
        self._closed = True
        if self._temp_path is None:
            self._file.flush()
            self._summary = summary
            return summary
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            assert self._path is not None
            os.replace(self._temp_path, self._path)
        except BaseException:
            self._discard_temp()
            raise
        self._temp_path = None
        self._summary = summary
        return summary

    def abort(self) -> None:
        """Stop without finishing: for a path, remove the temporary file and leave the destination
        as it was. A file object is left as it is (lines already written stay written)."""
        if self._closed:
            return
        self._closed = True
        self._discard_temp()

    def _discard_temp(self) -> None:
        if self._temp_path is None:
            return
        self._file.close()
        try:
            os.remove(self._temp_path)
        except FileNotFoundError:
            pass

    def __enter__(self) -> BatchInputWriter:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _open_temp_beside(path: str) -> Tuple[IO[bytes], str]:
    """A new file next to `path`, created exclusively (with the usual permissions)."""
    directory, name = os.path.split(path)
    for _ in range(100):
        temp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return open(temp, "xb"), temp  # closed by the writer
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file next to {path!r}")


def _encode_failure(exc: Exception) -> str:
    if isinstance(exc, UnicodeError):
        return f"cannot be encoded as UTF-8: {exc}"
    if isinstance(exc, ValueError) and "float" in str(exc):
        return _NON_FINITE
    return f"cannot be written as JSON: {exc}"


def write_batch_input(
    requests: Iterable[Mapping[str, Any]],
    path: Union[StrPath, IO[bytes]],
    *,
    endpoint: str = "/v1/chat/completions",
    min_requests: int = MIN_REQUESTS,
    max_requests: int = MAX_REQUESTS,
    max_bytes: int = MAX_FILE_BYTES,
    single_model: bool = False,
) -> BatchInputSummary:
    """Write `requests` (whole lines, as `batch_request` makes) to `path` with a `BatchInputWriter`.

    Stops at the first bad line with `BatchInputError`; a path is then left as it was. The keywords
    are the writer's limits; `single_model=True` rejects mixed models (a rule Cerebras does not
    document; the summary's `models` shows what the file uses).
    """
    with BatchInputWriter(
        path,
        endpoint=endpoint,
        min_requests=min_requests,
        max_requests=max_requests,
        max_bytes=max_bytes,
        single_model=single_model,
    ) as writer:
        for request in requests:
            writer.add(request)
    return writer.close()


class _NonFinite(ValueError):
    """Raised while parsing a line that holds NaN, Infinity or a number too large for a float."""


def _reject_constant(name: str) -> Any:
    raise _NonFinite(name)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # e.g. 1e999, which Python would read as infinity
        raise _NonFinite(text)
    return value


def check_batch_input(
    source: Union[StrPath, bytes, bytearray, IO[bytes]],
    *,
    endpoint: str = "/v1/chat/completions",
    min_requests: int = MIN_REQUESTS,
    max_requests: int = MAX_REQUESTS,
    max_bytes: int = MAX_FILE_BYTES,
    single_model: bool = False,
) -> BatchInputSummary:
    """Check a batch input file; return its summary or raise `BatchInputError` at the first problem.

    `source` is a path, the file's bytes, or a binary file object (read from its current position,
    not closed). The file is read one line at a time, never whole, and never more than `max_bytes`
    of it. The rules are those of `BatchInputWriter`; in addition each line must be UTF-8 JSON
    (`NaN` and `Infinity` are rejected) and blank lines may only come at the end. `single_model=True`
    rejects mixed models, a rule Cerebras does not document; the summary's `models` lists them.
    """
    tally = _Tally(endpoint, min_requests, max_requests, max_bytes, single_model)
    if isinstance(source, (bytes, bytearray)):
        return _check_stream(io.BytesIO(source), tally)
    if isinstance(source, (str, os.PathLike)):
        size = os.stat(source).st_size
        if size > max_bytes:
            raise BatchInputError(f"the file is {size} bytes, more than {max_bytes} (max_bytes)")
        with open(source, "rb") as file:
            return _check_stream(file, tally)
    if isinstance(source, io.TextIOBase):
        raise TypeError("check_batch_input needs a binary file object (open the file with 'rb')")
    return _check_stream(source, tally)


def _check_stream(file: IO[bytes], tally: _Tally) -> BatchInputSummary:
    blank_line: Optional[int] = None  # the first of the blank lines seen since the last request
    line = 0
    total = 0
    while True:
        raw = cast(object, file.readline(tally.max_bytes - total + 1))
        if not raw:
            break
        if not isinstance(raw, bytes):
            raise TypeError("check_batch_input needs a binary file object (open the file with 'rb')")
        line += 1
        total += len(raw)
        if total > tally.max_bytes:
            raise BatchInputError(f"the file exceeds {tally.max_bytes} bytes (max_bytes)", line=line)
        if not raw.strip():
            blank_line = blank_line or line
            tally.bytes += len(raw)
            continue
        if blank_line is not None:
            raise BatchInputError(
                "blank line (blank lines are only allowed at the end of the file)", line=blank_line
            )
        if line == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raise BatchInputError("the file starts with a UTF-8 byte order mark", line=line)
        try:
            request: object = json.loads(
                raw.decode("utf-8"), parse_constant=_reject_constant, parse_float=_parse_float
            )
        except _NonFinite as exc:
            raise BatchInputError(_NON_FINITE, line=line) from exc
        except UnicodeDecodeError as exc:
            raise BatchInputError(f"not valid UTF-8: {exc}", line=line) from exc
        except ValueError as exc:
            raise BatchInputError(f"not valid JSON: {exc}", line=line) from exc
        custom_id, model, _ = tally.check(request, line)
        tally.record(custom_id, model, line, len(raw))
    return tally.finish()

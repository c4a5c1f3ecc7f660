"""`client.files`: the exact wire of every method (multipart upload, list, retrieve, delete, content),
each input form of `file`, checks that fail before any request, retries that resend the whole file,
streamed line reading, and an upload whose memory stays flat.

Every test runs with the blocking client and the async one under asyncio and trio.
"""

from __future__ import annotations

import email.parser
import email.policy
import gc
import io
import os
import tracemalloc
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, NamedTuple, Optional

import httpx
import pytest
import respx

from cerebras.cloud.sdk import (
    APIConnectionError,
    APIResponse,
    AsyncAPIResponse,
    AsyncCerebras,
    Cerebras,
    LineDecodeError,
    NotFoundError,
)
from cerebras.cloud.sdk.resources import _file_input as file_input
from cerebras.cloud.sdk.resources._file_input import DEFAULT_FILENAME
from cerebras.cloud.sdk.resources._lines import LineSplitter
from cerebras.cloud.sdk.types import FileDeleted, FileObject

from ._support import resolve

pytestmark = pytest.mark.anyio

FILE = {
    "id": "file-abc123",
    "object": "file",
    "filename": "reqs.jsonl",
    "bytes": 4213,
    "purpose": "batch",
    "created_at": 1765172961,
    "expires_at": 1765777761,
}
CONTENT = b'{"custom_id":"eval-001","method":"POST","url":"/v1/chat/completions","body":{"model":"m"}}\n'


class Part(NamedTuple):
    filename: Optional[str]
    content_type: Optional[str]
    data: bytes


def parts_of(request: httpx.Request) -> Dict[str, Part]:
    """The multipart/form-data parts of `request`, by field name, in wire order."""
    body = request.read()
    head = f"Content-Type: {request.headers['content-type']}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    assert message.is_multipart(), body[:200]
    parts: Dict[str, Part] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        assert isinstance(name, str)
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        parts[name] = Part(part.get_filename(), part.get("content-type"), payload)
    return parts


async def create(client: Any, **params: Any) -> Any:
    return await resolve(client.files.create(**params))


# ------------------------------------------------------------------------------------------ create


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "reqs.jsonl"
    path.write_bytes(CONTENT)
    return path


FILE_FORMS: Dict[str, Callable[[Path], Any]] = {
    "str path": lambda p: str(p),
    "PathLike": lambda p: p,
    "bytes": lambda p: p.read_bytes(),
    "BytesIO": lambda p: io.BytesIO(p.read_bytes()),
    "open file": lambda p: p.open("rb"),
    "(name, bytes)": lambda p: ("named.jsonl", p.read_bytes()),
    "(name, file, type)": lambda p: ("typed.jsonl", p.open("rb"), "application/jsonl"),
    "(name, path)": lambda p: ("renamed.jsonl", p),
}
EXPECTED_NAME = {
    "str path": "reqs.jsonl",
    "PathLike": "reqs.jsonl",
    "bytes": DEFAULT_FILENAME,
    "BytesIO": DEFAULT_FILENAME,
    "open file": "reqs.jsonl",
    "(name, bytes)": "named.jsonl",
    "(name, file, type)": "typed.jsonl",
    "(name, path)": "renamed.jsonl",
}


@pytest.mark.parametrize("form", list(FILE_FORMS))
async def test_create_sends_each_form_of_file_as_one_multipart_part(
    any_client: Any, router: respx.MockRouter, jsonl: Path, form: str
) -> None:
    route = router.post("/v1/files").respond(200, json=FILE)
    value = FILE_FORMS[form](jsonl)

    result = await create(any_client, file=value, purpose="batch")

    assert isinstance(result, FileObject) and result.id == "file-abc123" and result.expires_at == 1765777761
    request = route.calls.last.request
    assert request.method == "POST" and request.url == "http://127.0.0.1:4010/v1/files"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    parts = parts_of(request)
    assert list(parts) == ["purpose", "file"]
    assert parts["purpose"] == Part(None, None, b"batch")
    assert parts["file"].filename == EXPECTED_NAME[form]
    assert parts["file"].data == CONTENT
    if form == "(name, file, type)":
        assert parts["file"].content_type == "application/jsonl"
    for candidate in value if isinstance(value, tuple) else (value,):
        if hasattr(candidate, "close"):
            candidate.close()


async def test_create_sends_expires_after_as_two_bracketed_form_fields(
    any_client: Any, router: respx.MockRouter
) -> None:
    route = router.post("/v1/files").respond(200, json=FILE)

    await create(
        any_client,
        file=("a.jsonl", CONTENT),
        purpose="batch",
        expires_after={"anchor": "created_at", "seconds": 86400},
        extra_body={"note": "x"},
        extra_headers={"X-Trace": "1"},
    )

    request = route.calls.last.request
    parts = parts_of(request)
    assert list(parts) == ["purpose", "expires_after[anchor]", "expires_after[seconds]", "note", "file"]
    assert parts["expires_after[anchor]"].data == b"created_at"
    assert parts["expires_after[seconds]"].data == b"86400"
    assert parts["note"].data == b"x"
    assert request.headers["X-Trace"] == "1"


async def test_create_closes_the_file_it_opened(
    any_client: Any, router: respx.MockRouter, jsonl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    router.post("/v1/files").respond(200, json=FILE)
    opened: List[Any] = []

    def spying_open(*args: Any, **kwargs: Any) -> Any:
        handle = open(*args, **kwargs)  # noqa: SIM115
        opened.append(handle)
        return handle

    monkeypatch.setattr(file_input, "open", spying_open, raising=False)
    await create(any_client, file=jsonl, purpose="batch")
    assert len(opened) == 1 and opened[0].closed


async def test_a_retry_sends_the_whole_file_again(
    make_client: Callable[..., Any], flavor: str, router: respx.MockRouter, jsonl: Path
) -> None:
    client = make_client(flavor, max_retries=1)
    route = router.post("/v1/files")
    failure = httpx.Response(500, json={"error": {"message": "boom"}}, headers={"retry-after-ms": "1"})
    route.side_effect = [failure, httpx.Response(200, json=FILE)] * 2
    with jsonl.open("rb") as user_file:
        for value in (jsonl, user_file):
            await create(client, file=value, purpose="batch")
    bodies = [parts_of(call.request)["file"].data for call in route.calls]
    assert bodies == [CONTENT] * 4


@pytest.mark.parametrize(
    ("expires_after", "error", "match"),
    [
        ({"anchor": "created_at", "seconds": 3599}, ValueError, "between 3600"),
        ({"anchor": "created_at", "seconds": 2_592_001}, ValueError, "between 3600"),
        ({"anchor": "last_active_at", "seconds": 3600}, ValueError, "anchor"),
        ({"seconds": 3600}, ValueError, "anchor"),
        ({"anchor": "created_at"}, ValueError, "seconds"),
        ({"anchor": "created_at", "seconds": "3600"}, ValueError, "seconds"),
        ({"anchor": "created_at", "seconds": 3600, "days": 1}, ValueError, "unknown keys"),
        (3600, TypeError, "mapping"),
    ],
)
async def test_a_bad_expires_after_fails_before_any_request(
    any_client: Any, router: respx.MockRouter, jsonl: Path, expires_after: Any, error: type, match: str
) -> None:
    route = router.post("/v1/files").respond(200, json=FILE)
    with pytest.raises(error, match=match):
        await create(any_client, file=jsonl, purpose="batch", expires_after=expires_after)
    assert route.call_count == 0


@pytest.mark.parametrize("seconds", [3600, 2_592_000])
async def test_expires_after_bounds_are_accepted(
    any_client: Any, router: respx.MockRouter, seconds: int
) -> None:
    route = router.post("/v1/files").respond(200, json=FILE)
    await create(
        any_client, file=b"{}", purpose="batch", expires_after={"anchor": "created_at", "seconds": seconds}
    )
    assert parts_of(route.calls.last.request)["expires_after[seconds]"].data == str(seconds).encode()


async def test_a_missing_path_is_named_before_any_request(
    any_client: Any, router: respx.MockRouter, tmp_path: Path
) -> None:
    route = router.post("/v1/files").respond(200, json=FILE)
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(FileNotFoundError) as caught:
        await create(any_client, file=missing, purpose="batch")
    assert str(missing) in str(caught.value) and caught.value.filename == str(missing)
    with pytest.raises(FileNotFoundError, match=r"nope\.jsonl"):
        await create(any_client, file=str(missing), purpose="batch")
    with pytest.raises(IsADirectoryError):
        await create(any_client, file=tmp_path, purpose="batch")
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (("a.jsonl", "text, not bytes"), "not str"),
        (("a.jsonl",), "tuple must be"),
        ((1, b"x"), "filename must be"),
        (12345, "expected a path"),
    ],
)
async def test_unusable_file_values_fail_before_any_request(
    any_client: Any, router: respx.MockRouter, value: Any, match: str
) -> None:
    route = router.post("/v1/files").respond(200, json=FILE)
    with pytest.raises(TypeError, match=match):
        await create(any_client, file=value, purpose="batch")
    assert route.call_count == 0


async def test_a_text_mode_file_is_refused(any_client: Any, router: respx.MockRouter, jsonl: Path) -> None:
    route = router.post("/v1/files").respond(200, json=FILE)
    with jsonl.open("r") as text_file, pytest.raises(TypeError, match="binary mode"):
        await create(any_client, file=text_file, purpose="batch")
    assert route.call_count == 0


# ------------------------------------------------------------------------------- the other methods


async def test_list_sends_after_and_limit(any_client: Any, router: respx.MockRouter) -> None:
    route = router.get("/v1/files").respond(200, json={"object": "list", "data": [FILE], "has_more": False})
    listing = any_client.files.list(after="file-0", limit=100)
    page = await listing if isinstance(any_client, AsyncCerebras) else listing
    assert route.calls.last.request.url.query == b"after=file-0&limit=100"
    assert route.calls.last.request.content == b""
    assert [f.id for f in page.data] == ["file-abc123"]


@pytest.mark.parametrize("limit", [0, 101, -1])
async def test_a_limit_out_of_range_fails_before_any_request(
    any_client: Any, router: respx.MockRouter, limit: int
) -> None:
    route = router.get("/v1/files").respond(200, json={"data": []})
    with pytest.raises(ValueError, match="between 1 and 100"):
        any_client.files.list(limit=limit)
    with pytest.raises(TypeError, match="int"):
        any_client.files.list(limit="5")
    assert route.call_count == 0


async def test_retrieve_delete_and_content_routes(any_client: Any, router: respx.MockRouter) -> None:
    got = router.get("/v1/files/file-abc123").respond(200, json=FILE)
    deleted = router.delete("/v1/files/file-abc123").respond(
        200, json={"id": "file-abc123", "object": "file", "deleted": True}
    )
    content = router.get("/v1/files/file-abc123/content").respond(
        200, content=CONTENT, headers={"content-type": "application/x-ndjson"}
    )

    assert (await resolve(any_client.files.retrieve("file-abc123"))).filename == "reqs.jsonl"
    result = await resolve(any_client.files.delete("file-abc123"))
    assert isinstance(result, FileDeleted) and result.deleted is True
    assert await resolve(any_client.files.content("file-abc123")) == CONTENT
    assert await resolve(any_client.files.retrieve_content("file-abc123")) == CONTENT

    assert got.calls.last.request.method == "GET"
    assert deleted.calls.last.request.method == "DELETE"
    assert content.call_count == 2


async def test_ids_are_one_encoded_path_segment(any_client: Any, router: respx.MockRouter) -> None:
    route = router.get(url__regex=r"/v1/files/.*").respond(200, json=FILE)
    await resolve(any_client.files.retrieve("file/../x y"))
    assert route.calls.last.request.url.raw_path == b"/v1/files/file%2F..%2Fx%20y"
    with pytest.raises(ValueError, match="non-empty"):
        await resolve(any_client.files.retrieve(""))
    with pytest.raises(ValueError, match="dot-segment"):
        await resolve(any_client.files.content(".."))


async def test_errors_raise_the_status_exception(any_client: Any, router: respx.MockRouter) -> None:
    router.get("/v1/files/file-x").respond(
        404, json={"error": {"message": "No file", "code": "file_not_found"}}
    )
    with pytest.raises(NotFoundError, match="No file"):
        await resolve(any_client.files.retrieve("file-x"))


async def test_raw_and_streaming_wrappers_return_responses(any_client: Any, router: respx.MockRouter) -> None:
    router.get("/v1/files/file-abc123").respond(200, json=FILE, headers={"x-request-id": "req-1"})
    router.get("/v1/files/file-abc123/content").respond(200, content=CONTENT)
    router.post("/v1/files").respond(200, json=FILE)
    files = any_client.files
    if isinstance(any_client, AsyncCerebras):
        raw = await files.with_raw_response.retrieve("file-abc123")
        assert isinstance(raw, AsyncAPIResponse) and raw.request_id == "req-1"
        assert (await raw.parse()).id == "file-abc123"
        raw_create = await files.with_raw_response.create(file=b"{}", purpose="batch")
        assert isinstance(raw_create, AsyncAPIResponse)
        async with files.with_streaming_response.content("file-abc123") as streamed:
            assert isinstance(streamed, AsyncAPIResponse)
            assert b"".join([chunk async for chunk in streamed.iter_bytes()]) == CONTENT
        lines_raw = await files.with_raw_response.content_lines("file-abc123")
        assert isinstance(lines_raw, AsyncAPIResponse)
        assert [line async for line in await lines_raw.parse()] == [CONTENT.decode().strip()]
    else:
        raw = files.with_raw_response.retrieve("file-abc123")
        assert isinstance(raw, APIResponse) and raw.request_id == "req-1"
        assert raw.parse().id == "file-abc123"
        assert isinstance(files.with_raw_response.create(file=b"{}", purpose="batch"), APIResponse)
        with files.with_streaming_response.content("file-abc123") as streamed:
            assert isinstance(streamed, APIResponse)
            assert b"".join(streamed.iter_bytes()) == CONTENT
        lines_raw = files.with_raw_response.content_lines("file-abc123")
        assert isinstance(lines_raw, APIResponse)
        assert list(lines_raw.parse()) == [CONTENT.decode().strip()]
    assert raw.http_request.headers["x-stainless-raw-response"] == "raw"
    assert await resolve(files.with_raw_response.retrieve_content("file-abc123")) is not None


# ------------------------------------------------------------------------------- content_lines


class Body:
    """A response body made of `chunks`, produced one at a time; counts how many were produced."""

    def __init__(self, chunks: List[bytes]) -> None:
        self.chunks = chunks
        self.produced = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.produced += 1
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.produced += 1
            yield chunk

    def response(self, is_async: bool) -> httpx.Response:
        return httpx.Response(200, content=self.__aiter__() if is_async else iter(self))


async def lines_of(stream: Any, limit: Optional[int] = None) -> List[Any]:
    out: List[Any] = []
    if hasattr(stream, "__anext__"):
        async for line in stream:
            out.append(line)
            if limit is not None and len(out) == limit:
                break
    else:
        for line in stream:
            out.append(line)
            if limit is not None and len(out) == limit:
                break
    return out


async def test_content_lines_streams_the_body(any_client: Any, router: respx.MockRouter) -> None:
    is_async = isinstance(any_client, AsyncCerebras)
    chunks = [b'{"n": %d}\n' % i * 100 for i in range(200)]  # 20,000 lines in 200 chunks
    body = Body(chunks)
    router.get("/v1/files/file-big/content").mock(side_effect=lambda request: body.response(is_async))

    stream = await resolve(any_client.files.content_lines("file-big"))
    first = await lines_of(stream, limit=1)
    assert first == ['{"n": 0}']
    assert body.produced < len(chunks)  # the first line came before the body was all read
    rest = await lines_of(stream)
    assert len(rest) == 20_000 - 1 and rest[-1] == '{"n": 199}'
    assert body.produced == len(chunks)
    assert stream.response.is_closed  # released at the end


async def test_content_lines_cuts_lines_anywhere_and_skips_blank_ones(
    any_client: Any, router: respx.MockRouter
) -> None:
    is_async = isinstance(any_client, AsyncCerebras)
    text = "first\r\n\n  \nsecond é\nthird".encode()
    chunks = [text[i : i + 3] for i in range(0, len(text), 3)]  # splits "é" and "\r\n"
    router.get("/v1/files/f/content").mock(side_effect=lambda request: Body(chunks).response(is_async))

    stream = await resolve(any_client.files.content_lines("f"))
    assert await lines_of(stream) == ["first", "second é", "third"]


async def test_content_lines_context_manager_closes_early(any_client: Any, router: respx.MockRouter) -> None:
    is_async = isinstance(any_client, AsyncCerebras)
    body = Body([b"a\n", b"b\n", b"c\n"] * 50)
    router.get("/v1/files/f/content").mock(side_effect=lambda request: body.response(is_async))

    stream = await resolve(any_client.files.content_lines("f"))
    if is_async:
        async with stream as lines:
            assert await lines.__anext__() == "a"
    else:
        with stream as lines:
            assert next(lines) == "a"
    assert stream.response.is_closed
    assert body.produced < 150


def test_a_dropped_half_read_line_stream_releases_its_connection(
    make_client: Callable[..., Any], router: respx.MockRouter
) -> None:
    client = make_client("sync")
    body = Body([b"a\n"] * 10)
    router.get("/v1/files/f/content").mock(side_effect=lambda request: body.response(False))
    stream = client.files.content_lines("f")
    assert next(stream) == "a"
    response = stream.response
    del stream
    gc.collect()
    assert response.is_closed


async def test_content_lines_reports_bad_utf8_with_its_line_number(
    any_client: Any, router: respx.MockRouter
) -> None:
    router.get("/v1/files/f/content").respond(200, content=b"ok\n\n\xff\xfe\nafter\n")
    stream = await resolve(any_client.files.content_lines("f"))
    assert await lines_of(stream, limit=1) == ["ok"]
    with pytest.raises(LineDecodeError, match="Line 3 ") as caught:
        await lines_of(stream)
    assert caught.value.line_number == 3
    assert await lines_of(stream) == ["after"]  # the stream goes on past the bad line


async def test_a_transport_error_while_reading_lines_is_a_connection_error(
    any_client: Any, router: respx.MockRouter
) -> None:
    is_async = isinstance(any_client, AsyncCerebras)

    def broken() -> Iterator[bytes]:
        yield b"one\n"
        raise httpx.ReadError("connection lost")

    async def abroken() -> AsyncIterator[bytes]:
        yield b"one\n"
        raise httpx.ReadError("connection lost")

    router.get("/v1/files/f/content").mock(
        side_effect=lambda request: httpx.Response(200, content=abroken() if is_async else broken())
    )
    stream = await resolve(any_client.files.content_lines("f"))
    with pytest.raises(APIConnectionError):
        await lines_of(stream)


async def test_content_lines_of_a_missing_file_raises_before_iteration(
    any_client: Any, router: respx.MockRouter
) -> None:
    router.get("/v1/files/nope/content").respond(404, json={"error": {"message": "No file"}})
    with pytest.raises(NotFoundError):
        await resolve(any_client.files.content_lines("nope"))


def test_the_line_splitter_gives_the_same_lines_however_the_body_is_cut() -> None:
    body = b'{"a": 1}\r\n\n{"b": "\xc3\xa9"}\n   \nlast'
    expected = [(1, b'{"a": 1}'), (3, b'{"b": "\xc3\xa9"}'), (5, b"last")]
    for size in range(1, len(body) + 1):
        for start in range(size):
            splitter = LineSplitter()
            cuts = [body[:start], *(body[i : i + size] for i in range(start, len(body), size))]
            lines = [line for chunk in cuts for line in splitter.feed(chunk)] + splitter.end()
            assert lines == expected, (size, start)


# ------------------------------------------------------------------------------- memory


class ConsumingTransport(httpx.BaseTransport):
    """Reads each request body chunk by chunk (as a socket would) and keeps only its size."""

    def __init__(self) -> None:
        self.sizes: List[int] = []
        self.largest_chunk = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        size = 0
        assert isinstance(request.stream, httpx.SyncByteStream)
        for chunk in request.stream:
            size += len(chunk)
            self.largest_chunk = max(self.largest_chunk, len(chunk))
        self.sizes.append(size)
        return httpx.Response(200, json=FILE)


def test_uploading_a_30_mb_file_keeps_memory_flat(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    line = b'{"custom_id":"x","method":"POST","url":"/v1/chat/completions","body":{}}\n'
    with path.open("wb") as out:
        for _ in range(30):
            out.write(line * (1024 * 1024 // len(line) + 1))
    size = os.path.getsize(path)
    assert size > 30 * 1024 * 1024
    transport = ConsumingTransport()
    client = Cerebras(
        api_key="k",
        base_url="http://127.0.0.1:4010",
        http_client=httpx.Client(transport=transport),
        warm_tcp_connection=False,
        max_retries=0,
    )
    client.files.create(file=b"{}", purpose="batch")  # load what the first call loads, outside the trace

    tracemalloc.start()
    try:
        client.files.create(file=path, purpose="batch")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        client.close()
    assert transport.sizes[-1] > size  # the whole file went out, with the multipart framing
    assert transport.largest_chunk <= 64 * 1024
    assert peak < 3 * 1024 * 1024, f"peak {peak:,} bytes for a {size:,}-byte upload"

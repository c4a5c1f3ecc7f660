"""Cursor pagination (`_pagination`): the page model, lazy page-by-page fetching with the first
call's options, and the async paginator (awaitable and async-iterable), on `files.list` and
`batches.list`, with the blocking client and the async one under asyncio and trio."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import httpx
import pytest
import respx

from cerebras.cloud.sdk import APIResponse, AsyncAPIResponse, AsyncCerebras
from cerebras.cloud.sdk._models import construct_type
from cerebras.cloud.sdk.pagination import AsyncCursorPage, AsyncPaginator, SyncCursorPage
from cerebras.cloud.sdk.types import Batch, FileObject

pytestmark = pytest.mark.anyio

AnyClient = Any


@pytest.fixture
def anyio_backend(flavor: str) -> str:
    return "asyncio" if flavor == "sync" else flavor


@pytest.fixture
def client(flavor: str, make_client: Callable[..., Any]) -> AnyClient:
    return make_client(flavor)


def file_json(n: int) -> Dict[str, Any]:
    return {
        "id": f"file-{n}",
        "object": "file",
        "filename": f"f{n}.jsonl",
        "bytes": 10 * n,
        "purpose": "batch",
        "created_at": 1765172961 + n,
        "expires_at": 1765777761 + n,
    }


def batch_json(n: int) -> Dict[str, Any]:
    return {
        "id": f"batch_{n}",
        "object": "batch",
        "endpoint": "/v1/chat/completions",
        "input_file_id": "file-1",
        "completion_window": "24h",
        "status": "completed",
        "created_at": 1765172961 + n,
    }


ITEMS = {"files": file_json, "batches": batch_json}


class ThreePages:
    """A list endpoint of 5 items served 2 per page: 3 pages, each asked for with `after`."""

    def __init__(self, kind: str) -> None:
        make = ITEMS[kind]
        self.items = [make(n) for n in range(1, 6)]
        self.requests: List[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        after = request.url.params.get("after")
        ids = [item["id"] for item in self.items]
        start = ids.index(after) + 1 if after else 0
        chunk = self.items[start : start + 2]
        more = start + 2 < len(self.items)
        return httpx.Response(200, json={"object": "list", "data": chunk, "has_more": more, "first_id": "x"})

    @property
    def cursors(self) -> List[Optional[str]]:
        return [r.url.params.get("after") for r in self.requests]


def list_method(client: AnyClient, kind: str) -> Any:
    return getattr(client, kind).list


async def all_items(listing: Any) -> List[Any]:
    if isinstance(listing, AsyncPaginator):
        return [item async for item in listing]
    return list(listing)


@pytest.mark.parametrize("kind", ["files", "batches"])
async def test_iterating_the_first_page_fetches_every_page_with_the_last_id_as_cursor(
    client: AnyClient, router: respx.MockRouter, kind: str
) -> None:
    server = ThreePages(kind)
    router.get(f"/v1/{kind}").mock(side_effect=server)

    items = await all_items(list_method(client, kind)(limit=2))

    assert [item.id for item in items] == [item["id"] for item in server.items]
    assert all(isinstance(item, FileObject if kind == "files" else Batch) for item in items)
    ids = [item["id"] for item in server.items]
    assert server.cursors == [None, ids[1], ids[3]]  # `after` is the last id of the page before
    assert [r.url.params.get("limit") for r in server.requests] == ["2", "2", "2"]
    assert all(r.method == "GET" and r.url.path == f"/v1/{kind}" for r in server.requests)


async def test_next_pages_reuse_the_first_calls_headers_timeout_and_query(
    client: AnyClient, router: respx.MockRouter
) -> None:
    server = ThreePages("files")
    router.get("/v1/files").mock(side_effect=server)

    listing = client.files.list(
        limit=2,
        extra_headers={"X-Team": "eval"},
        extra_query={"order": "asc", "after": "file-2"},  # wins on the first request, as for any call
        timeout=12.5,
    )
    items = await all_items(listing)

    assert [f.id for f in items] == ["file-3", "file-4", "file-5"]
    assert server.cursors == ["file-2", "file-4"]  # then the page's own cursor, not extra_query's
    for request in server.requests:
        assert request.headers["X-Team"] == "eval"
        assert request.url.params["order"] == "asc"
        assert request.url.params["limit"] == "2"
        assert request.headers["x-stainless-read-timeout"] == "12.5"
        assert request.extensions["timeout"]["read"] == 12.5


async def test_pages_are_fetched_lazily(client: AnyClient, router: respx.MockRouter) -> None:
    server = ThreePages("files")
    router.get("/v1/files").mock(side_effect=server)

    listing = client.files.list(limit=2)
    if isinstance(client, AsyncCerebras):
        assert server.requests == []  # nothing is sent until awaited or iterated
        iterator = listing.__aiter__()
        first = await iterator.__anext__()
        second = await iterator.__anext__()
        assert len(server.requests) == 1
        third = await iterator.__anext__()
    else:
        iterator = iter(listing)
        first, second = next(iterator), next(iterator)
        assert len(server.requests) == 1
        third = next(iterator)
    assert [first.id, second.id, third.id] == ["file-1", "file-2", "file-3"]
    assert len(server.requests) == 2


async def test_paging_by_hand(client: AnyClient, router: respx.MockRouter) -> None:
    server = ThreePages("files")
    router.get("/v1/files").mock(side_effect=server)

    page = await _first(client.files.list(limit=2))
    seen = [f.id for f in page.data]
    while page.has_next_page():
        assert page.next_page_params() == {"after": page.data[-1].id, "limit": 2}
        page = await _next(page)
        seen += [f.id for f in page.data]
    assert seen == ["file-1", "file-2", "file-3", "file-4", "file-5"]
    assert page.has_more is False and page.object == "list"
    assert page.next_page_params() is None
    with pytest.raises(RuntimeError, match="No next page"):
        await _next(page)
    # the hand-written equivalent: `after=` and `limit=`
    manual = await _first(client.files.list(after="file-2", limit=2))
    assert [f.id for f in manual.data] == ["file-3", "file-4"]


async def test_iter_pages(client: AnyClient, router: respx.MockRouter) -> None:
    server = ThreePages("batches")
    router.get("/v1/batches").mock(side_effect=server)

    page = await _first(client.batches.list(limit=2))
    if isinstance(page, AsyncCursorPage):
        pages = [p async for p in page.iter_pages()]
    else:
        pages = list(page.iter_pages())
    assert [[b.id for b in p.data] for p in pages] == [
        ["batch_1", "batch_2"],
        ["batch_3", "batch_4"],
        ["batch_5"],
    ]
    assert pages[0] is page


async def test_without_a_limit_the_next_page_params_carry_only_the_cursor(
    client: AnyClient, router: respx.MockRouter
) -> None:
    server = ThreePages("files")
    router.get("/v1/files").mock(side_effect=server)

    page = await _first(client.files.list())
    assert page.next_page_params() == {"after": "file-2"}
    await _next(page)
    assert server.requests[-1].url.query == b"after=file-2"


async def test_raw_and_streaming_lists_give_responses_whose_page_still_pages(
    client: AnyClient, router: respx.MockRouter
) -> None:
    server = ThreePages("files")
    router.get("/v1/files").mock(side_effect=server)

    if isinstance(client, AsyncCerebras):
        raw = await client.files.with_raw_response.list(limit=2)
        assert isinstance(raw, AsyncAPIResponse)
        page = await raw.parse()
        assert [f.id async for f in page] == [f"file-{n}" for n in range(1, 6)]
        async with client.files.with_streaming_response.list(limit=2) as response:
            assert isinstance(response, AsyncAPIResponse)
            streamed = await response.parse()
    else:
        raw = client.files.with_raw_response.list(limit=2)
        assert isinstance(raw, APIResponse)
        page = raw.parse()
        assert [f.id for f in page] == [f"file-{n}" for n in range(1, 6)]
        with client.files.with_streaming_response.list(limit=2) as response:
            assert isinstance(response, APIResponse)
            streamed = response.parse()
    assert raw.http_request.headers["x-stainless-raw-response"] == "raw"
    # the next pages are plain calls: no raw-response header
    assert "x-stainless-raw-response" not in server.requests[1].headers
    assert [f.id for f in streamed.data] == ["file-1", "file-2"]
    assert streamed.has_next_page()


async def test_an_empty_page_with_has_more_stops(client: AnyClient, router: respx.MockRouter) -> None:
    route = router.get("/v1/files").respond(200, json={"object": "list", "data": [], "has_more": True})

    assert await all_items(client.files.list()) == []
    assert route.call_count == 1


# ------------------------------------------------------------------------------------------ the model


def test_a_page_keeps_unknown_fields_and_needs_a_client_to_go_on() -> None:
    page: Any = construct_type(
        type_=SyncCursorPage[FileObject],
        value={"object": "list", "data": [file_json(1)], "has_more": True, "last_id": "file-1"},
    )
    assert isinstance(page, SyncCursorPage)
    assert page.data[0].filename == "f1.jsonl"
    assert page.model_extra == {"last_id": "file-1"}
    assert page.has_next_page() and page.next_page_params() == {"after": "file-1"}
    assert page.to_dict()["has_more"] is True
    with pytest.raises(RuntimeError, match="not fetched by a list method"):
        page.get_next_page()


def test_a_page_without_has_more_is_the_last() -> None:
    page: Any = construct_type(type_=AsyncCursorPage[FileObject], value={"data": [file_json(1)]})
    assert page.has_more is False and page.object == "list"
    assert not page.has_next_page()


def test_items_without_an_id_end_the_listing() -> None:
    page: Any = construct_type(
        type_=SyncCursorPage[Dict[str, Any]], value={"data": [{"x": 1}], "has_more": True}
    )
    assert not page.has_next_page()
    assert list(page) == [{"x": 1}]


def test_the_async_list_sends_nothing_until_awaited(
    router: respx.MockRouter, make_client: Callable[..., Any]
) -> None:
    route = router.get("/v1/files").respond(200, json={"data": []})
    client: AsyncCerebras = make_client("async")
    listing = client.files.list(limit=3)
    assert isinstance(listing, AsyncPaginator)
    assert route.call_count == 0
    with pytest.raises(ValueError, match="limit"):
        client.files.list(limit=101)  # bad arguments fail at the call, not at the await


async def _first(listing: Any) -> Any:
    if isinstance(listing, AsyncPaginator):
        return await listing
    return listing


async def _next(page: Any) -> Any:
    if isinstance(page, AsyncCursorPage):
        return await page.get_next_page()
    return page.get_next_page()

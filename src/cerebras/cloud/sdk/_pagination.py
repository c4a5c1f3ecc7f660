"""Cursor pages: `{"object": "list", "data": [...], "has_more": bool}`, continued with `after=<last id>`.

A list method returns its first page; the page knows how to ask for the next one, by calling the
same method again with the same arguments (so the same headers, timeout and query) and `after` set
to the id of its last item. Iterating a `SyncCursorPage` (or `async for` over an `AsyncCursorPage` or
over the `AsyncPaginator` the async list methods return) yields every item of every page, fetching
each next page only when the previous one is used up.
"""

from __future__ import annotations

from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generator,
    Generic,
    Iterator,
    List,
    Mapping,
    Optional,
    TypeVar,
    cast,
)

from pydantic import Field, PrivateAttr
from typing_extensions import TypeGuard

from ._models import BaseModel

__all__ = ["AsyncCursorPage", "AsyncPaginator", "CursorPage", "SyncCursorPage", "paginate"]

_T = TypeVar("_T")
_R = TypeVar("_R")
_PageT = TypeVar("_PageT", bound="AsyncCursorPage[Any]")

CURSOR = "after"
"""The query parameter that carries the cursor: the id of the last item already seen."""

PageParams = Dict[str, object]
"""Query parameters of a page request (named out here: in the page classes, `object` is a field)."""


class CursorPage(BaseModel, Generic[_T]):
    """One page of a cursor-paginated list; what `SyncCursorPage` and `AsyncCursorPage` share."""

    data: List[_T] = Field(default_factory=lambda: cast("List[_T]", []))
    """The items of this page."""

    has_more: bool = False
    """Whether the API has more items after this page."""

    object: str = "list"
    """Always `list`."""

    # How to fetch the page after this one (`cursor -> page`, or an awaitable of it), and the
    # `limit` the first page was asked with; set by the list method that fetched the page.
    _fetch: Optional[Callable[[str], Any]] = PrivateAttr(default=None)
    _limit: Optional[int] = PrivateAttr(default=None)

    def _bind(self, fetch: Callable[[str], Any], limit: Optional[int]) -> None:
        self._fetch = fetch
        self._limit = limit

    def _last_id(self) -> Optional[str]:
        if not self.data:
            return None
        last: object = self.data[-1]
        value: object = getattr(last, "id", None)
        if isinstance(last, dict):  # a page of plain JSON objects
            value = cast("Dict[str, object]", last).get("id")
        return value if isinstance(value, str) and value else None

    def has_next_page(self) -> bool:
        """Whether there is a page after this one (`has_more`, and an item id to continue from)."""
        return self.has_more and self._last_id() is not None

    def next_page_params(self) -> Optional[PageParams]:
        """The query of the next page's request (`after`, and `limit` if the first page had one),
        or None on the last page."""
        if not self.has_next_page():
            return None
        params: PageParams = {CURSOR: self._last_id()}
        if self._limit is not None:
            params["limit"] = self._limit
        return params

    def _next_fetch(self) -> Any:
        cursor = self._last_id()
        if not self.has_more or cursor is None:
            raise RuntimeError(
                "No next page expected; check `.has_next_page()` before calling `.get_next_page()`."
            )
        if self._fetch is None:
            raise RuntimeError(
                "This page was not fetched by a list method (such as `client.files.list()`), "
                "so it cannot fetch the next one."
            )
        return self._fetch(cursor)


class SyncCursorPage(CursorPage[_T], Generic[_T]):
    """A page of a list, from the blocking client. Iterate it for every item of every page."""

    def get_next_page(self) -> SyncCursorPage[_T]:
        """Fetch the page after this one (raises `RuntimeError` if there is none)."""
        page: SyncCursorPage[_T] = self._next_fetch()
        return page

    def iter_pages(self) -> Iterator[SyncCursorPage[_T]]:
        """This page, then each next page, fetched as the iteration reaches it."""
        page = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[_T]:  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        """Every item of this page and of the pages after it."""
        for page in self.iter_pages():
            yield from page.data


class AsyncCursorPage(CursorPage[_T], Generic[_T]):
    """A page of a list, from the async client. `async for` over it yields every item of every page."""

    async def get_next_page(self) -> AsyncCursorPage[_T]:
        """Fetch the page after this one (raises `RuntimeError` if there is none)."""
        page: AsyncCursorPage[_T] = await self._next_fetch()
        return page

    async def iter_pages(self) -> AsyncIterator[AsyncCursorPage[_T]]:
        """This page, then each next page, fetched as the iteration reaches it."""
        page = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[_T]:
        """Every item of this page and of the pages after it."""
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator(Generic[_T, _PageT]):
    """What an async list method returns: await it for the first page, or `async for` over it for
    every item of every page. Nothing is sent until then."""

    def __init__(
        self, request: Callable[[], Awaitable[Any]], method: Callable[..., Any], **call: Any
    ) -> None:
        self._request = request
        self._method = method
        self._call = call

    def __await__(self) -> Generator[Any, None, _PageT]:
        return self._first_page().__await__()

    async def _first_page(self) -> _PageT:
        result: _PageT = paginate(await self._request(), self._method, **self._call)
        return result

    async def __aiter__(self) -> AsyncIterator[_T]:
        page = await self
        async for item in page:
            yield cast(_T, item)


def paginate(result: _R, method: Callable[..., Any], **call: Any) -> _R:
    """Let `result`, a page (or the raw response that parses into one), fetch the pages after it.

    The next page comes from `method(**call)` with `after` set to the page's last id; an `after`
    in `extra_query` is dropped, since it would override the new cursor.
    """
    limit = call.get("limit")
    extra_query = call.get("extra_query")
    if isinstance(extra_query, Mapping) and CURSOR in extra_query:
        call["extra_query"] = {k: v for k, v in extra_query.items() if k != CURSOR}  # pyright: ignore[reportUnknownVariableType]

    def fetch(cursor: str) -> Any:
        return method(**{**call, CURSOR: cursor})

    page_limit = limit if isinstance(limit, int) and not isinstance(limit, bool) else None

    def bind(page: object, *_: object) -> object:
        if _is_page(page):
            page._bind(fetch, page_limit)
        return page

    if _is_page(result):
        bind(result)
    else:  # a `with_raw_response` / `with_streaming_response` call: bind the page `parse()` gives
        cast(Any, result).add_post_parser(bind)
    return result


def _is_page(value: object) -> TypeGuard[CursorPage[Any]]:
    return isinstance(value, CursorPage)

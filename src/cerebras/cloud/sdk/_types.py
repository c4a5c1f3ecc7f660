"""Sentinels, type aliases and option dictionaries shared by every layer."""

from __future__ import annotations

from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
)

import httpx
from typing_extensions import Literal, TypedDict, override

from ._encoding import RequestEncoding

__all__ = [
    "NOT_GIVEN",
    "Body",
    "FileTypes",
    "Headers",
    "NoneType",
    "NotGiven",
    "Omit",
    "ProxiesTypes",
    "Query",
    "RequestFiles",
    "RequestOptions",
    "Timeout",
    "Transport",
    "not_given",
    "omit",
]

Transport = httpx.BaseTransport
Timeout = httpx.Timeout
NoneType: Type[None] = type(None)

ProxiesDict = Dict["str | httpx.URL", Union[str, httpx.URL, httpx.Proxy, None]]
ProxiesTypes = Union[str, httpx.Proxy, ProxiesDict]

FileContent = Union[IO[bytes], bytes]
FileTypes = Union[
    FileContent,
    Tuple[Optional[str], FileContent],
    Tuple[Optional[str], FileContent, Optional[str]],
    Tuple[Optional[str], FileContent, Optional[str], Mapping[str, str]],
]
RequestFiles = Union[Mapping[str, FileTypes], Sequence[Tuple[str, FileTypes]]]

_T = TypeVar("_T")


class NotGiven:
    """Marks an argument the caller did not supply, so that `None` keeps its own meaning.

    ```py
    client.with_options(timeout=None)       # no timeout at all
    client.with_options(timeout=NOT_GIVEN)  # keep the client's timeout
    ```
    """

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    @override
    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
# A second, distinct instance: the one used as parameter defaults.
not_given = NotGiven()


class Omit:
    """Marks a value to remove: a header, a query parameter or a body key set to `omit` is not sent.

    ```py
    client.chat.completions.create(..., extra_headers={"User-Agent": omit})
    ```
    """

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    @override
    def __repr__(self) -> str:
        return "omit"


omit = Omit()

Headers = Mapping[str, Union[str, Omit]]
Query = Mapping[str, object]
Body = object
AnyMapping = Mapping[str, object]
PostParser = Callable[[Any], Any]

if TYPE_CHECKING:
    TimeoutTypes = Union[float, httpx.Timeout, None]
else:
    TimeoutTypes = Union[float, httpx.Timeout, None]


class RequestOptions(TypedDict, total=False):
    """Per-call options accepted by the low-level verbs (`client.get`, `client.post`, ...)."""

    headers: Headers
    max_retries: int
    timeout: Union[float, httpx.Timeout, None]
    params: Query
    extra_json: AnyMapping
    idempotency_key: str
    follow_redirects: bool
    request_encoding: Optional[RequestEncoding]
    """Compress this request's JSON body: `gzip`, `msgpack` or `msgpack+gzip` (`None`: plain JSON)."""


class Alias:
    """Annotation marker: the key travels under another name (`Annotated[str, Alias("CF-RAY")]`)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @override
    def __repr__(self) -> str:
        return f"Alias({self.name!r})"

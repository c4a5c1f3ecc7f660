"""`Cerebras` and `AsyncCerebras`: configuration, resources, copies and the TCP warm-up."""

from __future__ import annotations

import logging
import os
import sys
from functools import cached_property
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Union

import httpx
from typing_extensions import Self

from ._base_client import (
    AsyncAPIClient,
    BaseClient,
    OwnedAsyncHttpxClient,
    OwnedSyncHttpxClient,
    SyncAPIClient,
)
from ._constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, WARMUP_PATH, WARMUP_TIMEOUT
from ._exceptions import CerebrasError
from ._pipeline import check_max_retries, check_timeout, parse_custom_headers
from ._types import NotGiven, Omit, not_given

if TYPE_CHECKING:
    import asyncio

    from .resources.chat import AsyncChatResource, ChatResource
    from .resources.completions import AsyncCompletionsResource, CompletionsResource
    from .resources.models import AsyncModelsResource, ModelsResource
    from .resources.raw import (
        AsyncCerebrasWithRawResponse,
        AsyncCerebrasWithStreamedResponse,
        CerebrasWithRawResponse,
        CerebrasWithStreamedResponse,
    )

__all__ = ["AsyncCerebras", "AsyncClient", "Cerebras", "Client"]

log = logging.getLogger("cerebras.cloud.sdk._client")

DEFAULT_BASE_URL = "https://api.cerebras.ai"
_HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)

TimeoutArg = Union[float, httpx.Timeout, None, NotGiven]


def _resolve(
    client: BaseClient[Any],
    *,
    api_key: Optional[str],
    base_url: Union[str, httpx.URL, None],
    timeout: TimeoutArg,
    max_retries: int,
    default_headers: Optional[Mapping[str, str]],
    default_query: Optional[Mapping[str, object]],
    http_client: Optional[Union[httpx.Client, httpx.AsyncClient]],
    expected_client: type,
    strict: bool,
    merge_env_headers: bool,
) -> Union[float, httpx.Timeout, None]:
    """Apply the constructor arguments and environment variables shared by both clients."""
    if api_key is None:
        api_key = os.environ.get("CEREBRAS_API_KEY")
    if api_key is None:
        raise CerebrasError(
            "The api_key client option must be set either by passing api_key to the client "
            "or by setting the CEREBRAS_API_KEY environment variable"
        )
    if not isinstance(api_key, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"api_key must be a str, got {type(api_key).__name__}")
    client.api_key = api_key

    if base_url is None:
        base_url = os.environ.get("CEREBRAS_BASE_URL") or DEFAULT_BASE_URL

    if default_headers is not None and not isinstance(default_headers, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(
            f"default_headers must be a mapping of str to str, got {type(default_headers).__name__}"
        )
    for name, value in (default_headers or {}).items():
        if not isinstance(name, str) or not isinstance(value, (str, Omit, NotGiven)):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise TypeError(f"default_headers must map str to str; got {name!r}: {value!r}")
    if default_query is not None and not isinstance(default_query, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"default_query must be a mapping, got {type(default_query).__name__}")

    headers: Dict[str, Any] = {}
    env_headers = os.environ.get("CEREBRAS_CUSTOM_HEADERS")
    if merge_env_headers and env_headers is not None:
        headers.update(parse_custom_headers(env_headers))
    headers.update(default_headers or {})

    if http_client is not None and not isinstance(http_client, expected_client):
        raise TypeError(
            f"Invalid `http_client` argument; Expected an instance of `httpx.{expected_client.__name__}` "
            f"but got {type(http_client)}"
        )
    if isinstance(timeout, NotGiven):
        if http_client is not None and http_client.timeout != _HTTPX_DEFAULT_TIMEOUT:
            resolved: Union[float, httpx.Timeout, None] = http_client.timeout
        else:
            resolved = DEFAULT_TIMEOUT
    else:
        resolved = check_timeout(timeout)

    client._init_base(
        base_url=base_url,
        timeout=resolved,
        max_retries=check_max_retries(max_retries),
        custom_headers=headers,
        custom_query=default_query or {},
        strict=strict,
    )
    return resolved


def _copy_kwargs(
    client: BaseClient[Any],
    *,
    api_key: Optional[str],
    base_url: Union[str, httpx.URL, None],
    timeout: TimeoutArg,
    http_client: Any,
    max_retries: Union[int, NotGiven],
    default_headers: Optional[Mapping[str, str]],
    set_default_headers: Optional[Mapping[str, str]],
    default_query: Optional[Mapping[str, object]],
    set_default_query: Optional[Mapping[str, object]],
    warm_tcp_connection: bool,
    extra: Mapping[str, Any],
) -> Dict[str, Any]:
    if default_headers is not None and set_default_headers is not None:
        raise ValueError("The `default_headers` and `set_default_headers` arguments are mutually exclusive")
    if default_query is not None and set_default_query is not None:
        raise ValueError("The `default_query` and `set_default_query` arguments are mutually exclusive")

    headers: Mapping[str, Any] = client._custom_headers
    if default_headers is not None:
        headers = {**headers, **default_headers}
    elif set_default_headers is not None:
        headers = set_default_headers

    query: Mapping[str, object] = client._custom_query
    if default_query is not None:
        query = {**query, **default_query}
    elif set_default_query is not None:
        query = set_default_query

    new_http_client = http_client is not None and http_client is not client._client
    return {
        "api_key": api_key or client.api_key,
        "base_url": base_url or client.base_url,
        "timeout": client.timeout if isinstance(timeout, NotGiven) else timeout,
        "http_client": http_client or client._client,
        "max_retries": client.max_retries if isinstance(max_retries, NotGiven) else max_retries,
        "default_headers": headers,
        "default_query": query,
        # A copy shares the original's connection pool, which is already warm.
        "warm_tcp_connection": warm_tcp_connection and new_http_client,
        "_strict_response_validation": client._strict_response_validation,
        "_merge_env_headers": False,
        **extra,
    }


class Cerebras(SyncAPIClient):
    """Blocking client for the Cerebras inference API.

    ```py
    client = Cerebras()  # reads CEREBRAS_API_KEY
    reply = client.chat.completions.create(model="llama3.1-8b", messages=[{"role": "user", "content": "Hi"}])
    ```
    Build it once and reuse it: it holds a connection pool.
    """

    api_key: str

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Union[str, httpx.URL, None] = None,
        timeout: TimeoutArg = not_given,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        http_client: Optional[httpx.Client] = None,
        _strict_response_validation: bool = False,
        warm_tcp_connection: bool = True,
        _merge_env_headers: bool = True,
    ) -> None:
        """Create a client.

        Args:
            api_key: API key; defaults to the `CEREBRAS_API_KEY` environment variable.
            base_url: API root; defaults to `CEREBRAS_BASE_URL`, then `https://api.cerebras.ai`.
            timeout: seconds (or an `httpx.Timeout`) per attempt; `None` for no limit. Default 60 s, 5 s to connect.
            max_retries: retries after the first attempt for connection errors, 408, 409, 429 and 5xx.
            default_headers: headers for every request (over `CEREBRAS_CUSTOM_HEADERS`).
            default_query: query parameters for every request.
            http_client: your own `httpx.Client` (see `DefaultHttpxClient`).
            warm_tcp_connection: open the connection at construction (one quick request, at most 1 s).
        """
        self._client = None  # type: ignore[assignment]  # so close() is safe if we fail below
        resolved_timeout = _resolve(
            self,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            expected_client=httpx.Client,
            strict=_strict_response_validation,
            merge_env_headers=_merge_env_headers,
        )
        self._client = http_client or OwnedSyncHttpxClient(base_url=self.base_url, timeout=resolved_timeout)
        if warm_tcp_connection:
            self._warm_up()

    def _warm_up(self) -> None:
        try:
            self.get(WARMUP_PATH, cast_to=str, options={"timeout": WARMUP_TIMEOUT, "max_retries": 0})
        except Exception as exc:
            log.debug("TCP Warming had exception: %s", exc)

    @cached_property
    def chat(self) -> ChatResource:
        from .resources.chat import ChatResource

        return ChatResource(self)

    @cached_property
    def completions(self) -> CompletionsResource:
        from .resources.completions import CompletionsResource

        return CompletionsResource(self)

    @cached_property
    def models(self) -> ModelsResource:
        from .resources.models import ModelsResource

        return ModelsResource(self)

    @cached_property
    def with_raw_response(self) -> CerebrasWithRawResponse:
        """The same API, returning `APIResponse` objects (headers, status) instead of parsed values."""
        from .resources.raw import CerebrasWithRawResponse

        return CerebrasWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> CerebrasWithStreamedResponse:
        """The same API, returning context managers around unread responses."""
        from .resources.raw import CerebrasWithStreamedResponse

        return CerebrasWithStreamedResponse(self)

    def copy(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Union[str, httpx.URL, None] = None,
        timeout: TimeoutArg = not_given,
        http_client: Optional[httpx.Client] = None,
        max_retries: Union[int, NotGiven] = not_given,
        default_headers: Optional[Mapping[str, str]] = None,
        set_default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        set_default_query: Optional[Mapping[str, object]] = None,
        warm_tcp_connection: bool = False,
        _extra_kwargs: Mapping[str, Any] = {},
    ) -> Self:
        """A new client with some options changed; it shares this client's connection pool."""
        return type(self)(
            **_copy_kwargs(
                self,
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                http_client=http_client,
                max_retries=max_retries,
                default_headers=default_headers,
                set_default_headers=set_default_headers,
                default_query=default_query,
                set_default_query=set_default_query,
                warm_tcp_connection=warm_tcp_connection,
                extra=_extra_kwargs,
            )
        )

    with_options = copy

    def close(self) -> None:
        """Close the connection pool (shared with copies of this client)."""
        if self._client is not None:  # pyright: ignore[reportUnnecessaryComparison]
            try:
                self._client.close()
            except RuntimeError as exc:
                if not _closed_with_requests_in_flight(exc):
                    raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncCerebras(AsyncAPIClient):
    """Async client for the Cerebras inference API (asyncio or trio).

    ```py
    client = AsyncCerebras()  # reads CEREBRAS_API_KEY
    reply = await client.chat.completions.create(model="llama3.1-8b", messages=[{"role": "user", "content": "Hi"}])
    ```
    """

    api_key: str

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Union[str, httpx.URL, None] = None,
        timeout: TimeoutArg = not_given,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        http_client: Optional[httpx.AsyncClient] = None,
        _strict_response_validation: bool = False,
        warm_tcp_connection: bool = True,
        _merge_env_headers: bool = True,
    ) -> None:
        """Create a client; the arguments are those of `Cerebras`, with an `httpx.AsyncClient`.

        The warm-up never blocks: inside a running asyncio loop it runs as a background task,
        otherwise it happens just before the first request.
        """
        self._client = None  # type: ignore[assignment]
        self._warm_task: Optional[asyncio.Task[None]] = None
        self._warm_pending = False
        resolved_timeout = _resolve(
            self,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            expected_client=httpx.AsyncClient,
            strict=_strict_response_validation,
            merge_env_headers=_merge_env_headers,
        )
        self._client = http_client or OwnedAsyncHttpxClient(base_url=self.base_url, timeout=resolved_timeout)
        if warm_tcp_connection:
            self._schedule_warm_up()

    def _schedule_warm_up(self) -> None:
        asyncio_module = sys.modules.get("asyncio")
        if asyncio_module is not None:
            try:
                loop = asyncio_module.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None:
                self._warm_task = loop.create_task(self._warm_up())
                return
        self._warm_pending = True

    async def _warm_up(self) -> None:
        try:
            await self.get(WARMUP_PATH, cast_to=str, options={"timeout": WARMUP_TIMEOUT, "max_retries": 0})
        except Exception as exc:
            log.debug("TCP Warming had exception: %s", exc)

    async def _before_request(self) -> None:
        if self._warm_pending:
            self._warm_pending = False
            await self._warm_up()

    @cached_property
    def chat(self) -> AsyncChatResource:
        from .resources.chat import AsyncChatResource

        return AsyncChatResource(self)

    @cached_property
    def completions(self) -> AsyncCompletionsResource:
        from .resources.completions import AsyncCompletionsResource

        return AsyncCompletionsResource(self)

    @cached_property
    def models(self) -> AsyncModelsResource:
        from .resources.models import AsyncModelsResource

        return AsyncModelsResource(self)

    @cached_property
    def with_raw_response(self) -> AsyncCerebrasWithRawResponse:
        """The same API, returning `AsyncAPIResponse` objects instead of parsed values."""
        from .resources.raw import AsyncCerebrasWithRawResponse

        return AsyncCerebrasWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncCerebrasWithStreamedResponse:
        """The same API, returning async context managers around unread responses."""
        from .resources.raw import AsyncCerebrasWithStreamedResponse

        return AsyncCerebrasWithStreamedResponse(self)

    def copy(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Union[str, httpx.URL, None] = None,
        timeout: TimeoutArg = not_given,
        http_client: Optional[httpx.AsyncClient] = None,
        max_retries: Union[int, NotGiven] = not_given,
        default_headers: Optional[Mapping[str, str]] = None,
        set_default_headers: Optional[Mapping[str, str]] = None,
        default_query: Optional[Mapping[str, object]] = None,
        set_default_query: Optional[Mapping[str, object]] = None,
        _extra_kwargs: Mapping[str, Any] = {},
        warm_tcp_connection: bool = False,
    ) -> Self:
        """A new client with some options changed; it shares this client's connection pool."""
        return type(self)(
            **_copy_kwargs(
                self,
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                http_client=http_client,
                max_retries=max_retries,
                default_headers=default_headers,
                set_default_headers=set_default_headers,
                default_query=default_query,
                set_default_query=set_default_query,
                warm_tcp_connection=warm_tcp_connection,
                extra=_extra_kwargs,
            )
        )

    with_options = copy

    async def close(self) -> None:
        """Close the connection pool (shared with copies of this client)."""
        task = self._warm_task
        if task is not None and not task.done():
            task.cancel()
            # httpcore < 1.0 refuses to close a pool with a request in flight: let the cancel land.
            import asyncio  # already loaded: the task exists

            try:
                running: Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
            except RuntimeError:  # closed under another async library
                running = None
            if running is task.get_loop():
                await asyncio.wait([task])
        if self._client is not None:  # pyright: ignore[reportUnnecessaryComparison]
            try:
                await self._client.aclose()
            except RuntimeError as exc:
                if not _closed_with_requests_in_flight(exc):
                    raise

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _closed_with_requests_in_flight(exc: RuntimeError) -> bool:
    # httpcore < 1.0 raises this from `close()` when a response is still open (or when it lost track
    # of a request cancelled during its cleanup), after closing every connection; httpcore 1.x closes
    # the same pool without complaint, and so do we.
    return "in-flight" in str(exc)


Client = Cerebras
AsyncClient = AsyncCerebras

"""`Cerebras` and `AsyncCerebras`: configuration, resources, copies and the TCP warm-up."""

from __future__ import annotations

import logging
import sys
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, TypeVar, Union

import httpx
from typing_extensions import Self

from ._base_client import AsyncAPIClient, BaseClient, SyncAPIClient, run_async, run_sync
from ._config import ClientConfig, TimeoutValue, config_from_arguments, derive_config
from ._constants import DEFAULT_MAX_RETRIES, WARMUP_PATH, WARMUP_TIMEOUT
from ._encoding import RequestEncoding
from ._http_clients import OwnedAsyncHttpxClient, OwnedSyncHttpxClient
from ._pipeline import FinalRequestOptions, attempts
from ._types import NotGiven, not_given

if TYPE_CHECKING:
    import asyncio

    from ._observe import Observer
    from .resources.batches import AsyncBatchesResource, BatchesResource
    from .resources.chat import AsyncChatResource, ChatResource
    from .resources.completions import AsyncCompletionsResource, CompletionsResource
    from .resources.files import AsyncFilesResource, FilesResource
    from .resources.models import AsyncModelsResource, ModelsResource
    from .resources.raw import (
        AsyncCerebrasWithRawResponse,
        AsyncCerebrasWithStreamedResponse,
        CerebrasWithRawResponse,
        CerebrasWithStreamedResponse,
    )

__all__ = ["AsyncCerebras", "AsyncClient", "Cerebras", "Client"]

log = logging.getLogger("cerebras.cloud.sdk._client")

TimeoutArg = Union[float, httpx.Timeout, None, NotGiven]


def _warm_up_options() -> FinalRequestOptions:
    # One attempt, at most a second (decisions 3 and 4); the body is read and dropped.
    return FinalRequestOptions(method="get", url=WARMUP_PATH, timeout=WARMUP_TIMEOUT, max_retries=0)


def _new_sync_http_client(base_url: httpx.URL, timeout: TimeoutValue) -> httpx.Client:
    return OwnedSyncHttpxClient(base_url=base_url, timeout=timeout)


def _new_async_http_client(base_url: httpx.URL, timeout: TimeoutValue) -> httpx.AsyncClient:
    return OwnedAsyncHttpxClient(base_url=base_url, timeout=timeout)


_ClientT = TypeVar("_ClientT", bound="BaseClient[Any]")


def _copied(client: _ClientT, config: ClientConfig, extra_kwargs: Mapping[str, Any], warm: bool) -> _ClientT:
    """A client of `client`'s class holding `config`.

    The official client builds copies by calling the constructor, so a subclass's `__init__` (and
    any `_extra_kwargs` meant for it) still runs; it runs here too, and the derived configuration
    then replaces what the constructor resolved, because the constructor would read the
    environment again.
    """
    cls = type(client)
    new = cls.__new__(cls)
    init: Any = cls.__init__
    if extra_kwargs or init not in (Cerebras.__init__, AsyncCerebras.__init__):
        init(
            new,
            api_key=config.api_key,
            base_url=config.base_url,
            timeout=config.timeout,
            http_client=config.http_client,
            max_retries=config.max_retries,
            default_headers=dict(config.custom_headers),
            default_query=config.default_query,
            _strict_response_validation=config.strict,
            warm_tcp_connection=False,
            **extra_kwargs,
        )
    new._config = config
    new._setup(warm)
    return new


class Cerebras(SyncAPIClient):
    """Blocking client for the Cerebras inference API.

    ```py
    client = Cerebras()  # reads CEREBRAS_API_KEY
    reply = client.chat.completions.create(model="llama3.1-8b", messages=[{"role": "user", "content": "Hi"}])
    ```
    Build it once and reuse it: it holds a connection pool.
    """

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
        request_encoding: Optional[RequestEncoding] = None,
        observers: Optional[Iterable[Observer]] = None,
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
            request_encoding: send chat and text completion bodies as `gzip` (JSON), `msgpack` or
                `msgpack+gzip` (msgpack needs the `msgpack` extra); `None` sends plain JSON.
            observers: objects that watch this client's calls, such as
                `cerebras.cloud.sdk.lib.otel.OpenTelemetryObserver()` for traces and metrics.
        """
        self._config = config_from_arguments(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            expected_client=httpx.Client,
            strict=_strict_response_validation,
            client_name=type(self).__name__,
            make_http_client=_new_sync_http_client,
            request_encoding=request_encoding,
            observers=observers,
        )
        self._setup(warm_tcp_connection)

    def _setup(self, warm: bool) -> None:
        if warm:
            self._warm_up()

    def _warm_up(self) -> None:
        # Straight through the pipeline: the reply is not wanted, so the response layer (and the
        # pydantic import it brings) is not loaded just to construct a client.
        config = self._config
        try:
            response, _ = run_sync(config.http_client, attempts(config, _warm_up_options()))  # type: ignore[arg-type]
            response.close()
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
    def files(self) -> FilesResource:
        """The Files API (private preview): upload, list, download and delete JSONL files."""
        from .resources.files import FilesResource

        return FilesResource(self)

    @cached_property
    def batches(self) -> BatchesResource:
        """The Batch API (private preview): run many chat completions from an uploaded file."""
        from .resources.batches import BatchesResource

        return BatchesResource(self)

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
        _strict_response_validation: Union[bool, NotGiven] = not_given,
        warm_tcp_connection: bool = False,
        request_encoding: Union[RequestEncoding, NotGiven, None] = not_given,
        observers: Union[Iterable[Observer], NotGiven, None] = not_given,
        _extra_kwargs: Mapping[str, Any] = {},
    ) -> Self:
        """A new client with some options changed; it shares this client's connection pool.

        Arguments left out keep this client's values; `default_headers`/`default_query` are merged
        over the current ones, `set_default_headers`/`set_default_query` replace them; `observers`
        replaces the client's observers (`None` or `[]` removes them). As `with_options(...)`, it sets
        options for one call: `client.with_options(request_encoding="gzip")`.
        """
        extra = dict(_extra_kwargs)
        strict = extra.pop("_strict_response_validation", _strict_response_validation)
        config = derive_config(
            self._config,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            http_client=http_client,
            max_retries=max_retries,
            default_headers=default_headers,
            set_default_headers=set_default_headers,
            default_query=default_query,
            set_default_query=set_default_query,
            strict=strict,
            request_encoding=request_encoding,
            observers=observers,
        )
        # A copy shares the original's connection pool, which is already warm.
        warm = warm_tcp_connection and config.http_client is not self._config.http_client
        return _copied(self, config, extra, warm)

    with_options = copy

    def close(self) -> None:
        """Close the connection pool (shared with copies of this client)."""
        config: Optional[ClientConfig] = self.__dict__.get("_config")
        if config is not None:  # None when the constructor failed
            try:
                config.http_client.close()  # type: ignore[union-attr]
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
        request_encoding: Optional[RequestEncoding] = None,
        observers: Optional[Iterable[Observer]] = None,
    ) -> None:
        """Create a client; the arguments are those of `Cerebras`, with an `httpx.AsyncClient`.

        The warm-up never blocks: inside a running asyncio loop it runs as a background task,
        otherwise it happens just before the first request.
        """
        self._config = config_from_arguments(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            expected_client=httpx.AsyncClient,
            strict=_strict_response_validation,
            client_name=type(self).__name__,
            make_http_client=_new_async_http_client,
            request_encoding=request_encoding,
            observers=observers,
        )
        self._setup(warm_tcp_connection)

    def _setup(self, warm: bool) -> None:
        self._warm_task: Optional[asyncio.Task[None]] = None
        self._warm_pending = False
        if warm:
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
        config = self._config
        try:
            plan = attempts(config, _warm_up_options(), async_library=self._async_library())
            response, _ = await run_async(config.http_client, plan)  # type: ignore[arg-type]
            await response.aclose()
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
    def files(self) -> AsyncFilesResource:
        """The Files API (private preview): upload, list, download and delete JSONL files."""
        from .resources.files import AsyncFilesResource

        return AsyncFilesResource(self)

    @cached_property
    def batches(self) -> AsyncBatchesResource:
        """The Batch API (private preview): run many chat completions from an uploaded file."""
        from .resources.batches import AsyncBatchesResource

        return AsyncBatchesResource(self)

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
        _strict_response_validation: Union[bool, NotGiven] = not_given,
        warm_tcp_connection: bool = False,
        request_encoding: Union[RequestEncoding, NotGiven, None] = not_given,
        observers: Union[Iterable[Observer], NotGiven, None] = not_given,
        _extra_kwargs: Mapping[str, Any] = {},
    ) -> Self:
        """A new client with some options changed; it shares this client's connection pool.

        Arguments left out keep this client's values; `default_headers`/`default_query` are merged
        over the current ones, `set_default_headers`/`set_default_query` replace them; `observers`
        replaces the client's observers (`None` or `[]` removes them). As `with_options(...)`, it sets
        options for one call: `client.with_options(request_encoding="gzip")`.
        """
        extra = dict(_extra_kwargs)
        strict = extra.pop("_strict_response_validation", _strict_response_validation)
        config = derive_config(
            self._config,
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            http_client=http_client,
            max_retries=max_retries,
            default_headers=default_headers,
            set_default_headers=set_default_headers,
            default_query=default_query,
            set_default_query=set_default_query,
            strict=strict,
            request_encoding=request_encoding,
            observers=observers,
        )
        # A copy shares the original's connection pool, which is already warm.
        warm = warm_tcp_connection and config.http_client is not self._config.http_client
        return _copied(self, config, extra, warm)

    with_options = copy

    async def close(self) -> None:
        """Close the connection pool (shared with copies of this client)."""
        task: Optional[asyncio.Task[None]] = self.__dict__.get("_warm_task")
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
        config: Optional[ClientConfig] = self.__dict__.get("_config")
        if config is not None:  # None when the constructor failed
            try:
                await config.http_client.aclose()  # type: ignore[union-attr]
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

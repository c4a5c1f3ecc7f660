"""The I/O shells around the pipeline: a blocking client on `httpx.Client`, an async one on `httpx.AsyncClient`.

Each runs `_pipeline.attempts()` and performs what it asks for; neither holds request logic of its own.
"""

from __future__ import annotations

import os
import ssl
import threading
import time
import warnings
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Generator,
    Generic,
    Mapping,
    Optional,
    Set,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
)

import httpx

from ._constants import DEFAULT_CONNECTION_LIMITS, DEFAULT_TIMEOUT, RAW_RESPONSE_HEADER
from ._exceptions import APIConnectionError
from ._pipeline import (
    Action,
    Close,
    FinalRequestOptions,
    Outcome,
    Read,
    Send,
    Sleep,
    attempts,
    merge_headers,
    to_httpx_timeout,
)
from ._platform import platform_headers
from ._qs import Querystring, querystring
from ._types import Headers, NotGiven, Omit, RequestFiles, RequestOptions
from ._version import __version__

if TYPE_CHECKING:
    from ._response import APIResponse, AsyncAPIResponse
    from ._streaming import AsyncStream, Stream

ResponseT = TypeVar("ResponseT")
_HttpxClientT = TypeVar("_HttpxClientT", httpx.Client, httpx.AsyncClient)

_URL_CACHE_LIMIT = 256


# --------------------------------------------------------------------------- default httpx clients

_ssl_lock = threading.Lock()
_ssl_contexts: Dict[Tuple[bool, Optional[str], Optional[str]], ssl.SSLContext] = {}


def _shared_ssl_context(http2: bool) -> ssl.SSLContext:
    """One verified SSL context per setting, shared by every default client.

    Building a context and loading the CA bundle costs tens of milliseconds and most of a megabyte,
    so clients with the same settings reuse one. Keyed by `http2` because the connection layer
    writes ALPN protocols into the context, and by the env vars httpx reads for CA locations.
    """
    key = (http2, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    context = _ssl_contexts.get(key)
    if context is None:
        with _ssl_lock:
            context = _ssl_contexts.get(key)
            if context is None:
                context = _ssl_contexts[key] = _new_ssl_context(http2)
    return context


def _new_ssl_context(http2: bool) -> ssl.SSLContext:
    # Typed as Any: the function moved and changed signature across the httpx versions we support.
    create: Any = getattr(httpx, "create_ssl_context", None)
    if create is not None:  # httpx >= 0.28
        return cast(ssl.SSLContext, create(verify=True, trust_env=True))
    from httpx import _config  # httpx < 0.28: private, and it sets the ALPN protocols itself

    legacy: Any = vars(_config)["create_ssl_context"]
    return cast(ssl.SSLContext, legacy(verify=True, trust_env=True, http2=http2))


def _with_defaults(kwargs: Dict[str, Any], *, http2: bool) -> Dict[str, Any]:
    kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
    kwargs.setdefault("limits", DEFAULT_CONNECTION_LIMITS)
    kwargs.setdefault("follow_redirects", True)
    if http2:
        kwargs.setdefault("http2", True)
    if (
        "verify" not in kwargs
        and "cert" not in kwargs
        and "transport" not in kwargs
        and kwargs.get("trust_env", True)
    ):
        kwargs["verify"] = _shared_ssl_context(bool(kwargs.get("http2", False)))
    return kwargs


class DefaultHttpxClient(httpx.Client):
    """An `httpx.Client` with the SDK's defaults: 60 s timeout (5 s connect), 100/20 connections,
    redirects followed, HTTP/2 on. Pass it as `http_client` to customise proxies, transports, etc."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**_with_defaults(kwargs, http2=True))


class DefaultAsyncHttpxClient(httpx.AsyncClient):
    """The async twin of `DefaultHttpxClient`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**_with_defaults(kwargs, http2=True))


if TYPE_CHECKING:
    DefaultAioHttpClient = httpx.AsyncClient
    """An `httpx.AsyncClient` that sends through aiohttp (needs the `aiohttp` extra)."""
else:

    class DefaultAioHttpClient(httpx.AsyncClient):
        """An `httpx.AsyncClient` that sends through aiohttp (needs the `aiohttp` extra)."""

        def __new__(cls, **kwargs: Any) -> Any:
            if cls is DefaultAioHttpClient:
                cls = _aiohttp_client_class()
            return super().__new__(cls)

    _aiohttp_class: Optional[type] = None

    def _aiohttp_client_class() -> type:
        """The real class, built on first use so that importing the SDK never imports aiohttp.

        It derives from both `HttpxAiohttpClient` and `DefaultAioHttpClient`, so instances pass
        `isinstance(client, DefaultAioHttpClient)`.
        """
        global _aiohttp_class
        if _aiohttp_class is None:
            try:
                from httpx_aiohttp import HttpxAiohttpClient
            except ImportError:
                raise RuntimeError(
                    "To use the aiohttp client you must have installed the package with the "
                    "`aiohttp` extra, e.g. `pip install 'cerebras_cloud_sdk[aiohttp]'`"
                ) from None

            def __init__(self: Any, **kwargs: Any) -> None:
                HttpxAiohttpClient.__init__(self, **_with_defaults(kwargs, http2=False))

            _aiohttp_class = type(
                "DefaultAioHttpClient",
                (HttpxAiohttpClient, DefaultAioHttpClient),
                {
                    "__init__": __init__,
                    "__module__": DefaultAioHttpClient.__module__,
                    "__qualname__": "DefaultAioHttpClient",
                    "__doc__": DefaultAioHttpClient.__doc__,
                },
            )
        return _aiohttp_class


class OwnedSyncHttpxClient(DefaultHttpxClient):
    """The client we build ourselves: closed when it is garbage-collected."""

    def __del__(self) -> None:
        if self.is_closed:
            return
        try:
            self.close()
        except Exception:
            pass


class OwnedAsyncHttpxClient(DefaultAsyncHttpxClient):
    """The async client we build ourselves: closed on the running loop when garbage-collected."""

    def __del__(self) -> None:
        if self.is_closed:
            return
        try:
            import asyncio

            task = asyncio.get_running_loop().create_task(_aclose_quietly(self))
        except Exception:
            return
        _closing.add(task)  # the loop holds tasks weakly
        task.add_done_callback(_closing.discard)


_closing: Set[Any] = set()


async def _aclose_quietly(client: httpx.AsyncClient) -> None:
    # The collected client may belong to a loop that has ended (its connections cannot be closed
    # from here) or to another async library; clean-up at collection is best effort and silent.
    try:
        await client.aclose()
    except BaseException:  # including the cancellation of a loop that is shutting down
        pass


# --------------------------------------------------------------------------- shared configuration


class BaseClient(Generic[_HttpxClientT]):
    """Configuration and request helpers common to both clients; the pipeline reads these."""

    _client: _HttpxClientT
    _version = __version__
    max_retries: int
    timeout: Union[float, httpx.Timeout, None]
    _strict_response_validation: bool
    _custom_headers: Dict[str, Any]
    _custom_query: Dict[str, object]
    api_key: str

    def _init_base(
        self,
        *,
        base_url: Union[str, httpx.URL],
        timeout: Union[float, httpx.Timeout, None],
        max_retries: int,
        custom_headers: Mapping[str, Any],
        custom_query: Mapping[str, object],
        strict: bool,
    ) -> None:
        self.base_url = base_url  # the setter normalises
        self.timeout = timeout
        self.max_retries = max_retries
        self._custom_headers = dict(custom_headers)
        self._custom_query = dict(custom_query)
        self._strict_response_validation = strict
        self._header_cache: Optional[Tuple[object, Dict[str, Tuple[str, str]]]] = None
        self._timeout_cache: Optional[Tuple[object, Dict[str, Optional[float]]]] = None

    # ---- base URL

    @property
    def base_url(self) -> httpx.URL:
        return self._base_url

    @base_url.setter
    def base_url(self, url: Union[str, httpx.URL]) -> None:
        self._base_url = _normalise_base_url(url)
        self._url_cache: Dict[str, httpx.URL] = {}

    def url_for(self, path: str) -> httpx.URL:
        """The absolute URL for `path`: joined onto the base URL's path, or used as is if absolute."""
        url = self._url_cache.get(path)
        if url is None:
            if path.startswith(("http://", "https://")):
                url = httpx.URL(path)
            else:
                base = self._base_url
                relative = path.lstrip("/")
                try:
                    raw = relative.encode("ascii")
                except UnicodeEncodeError:  # let httpx percent-encode what is not ASCII
                    raw = httpx.URL("/" + relative).raw_path[1:]
                url = base.copy_with(raw_path=base.raw_path + raw)
            if len(self._url_cache) < _URL_CACHE_LIMIT:
                self._url_cache[path] = url
        return url

    # ---- headers and query

    @property
    def auth_headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    @property
    def custom_auth(self) -> None:
        return None

    @property
    def user_agent(self) -> str:
        return f"{type(self).__name__}/Python {self._version}"

    @property
    def qs(self) -> Querystring:
        return querystring

    def _async_library(self) -> str:
        return "false"

    @property
    def default_headers(self) -> Dict[str, Union[str, Omit]]:
        """Headers sent with every request, before per-request headers are applied."""
        return {name: value for name, value in self.base_header_layer().values()}

    @property
    def default_query(self) -> Dict[str, object]:
        return dict(self._custom_query)

    def default_query_layer(self) -> Mapping[str, object]:
        return self._custom_query

    def base_header_layer(self) -> Dict[str, Tuple[str, str]]:
        """Client-level headers, merged once and cached until the key or async library changes."""
        key = (self.api_key, self._async_library())
        cached = self._header_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        layer = merge_headers(
            {"Accept": "application/json", "Content-Type": "application/json", "User-Agent": self.user_agent},
            platform_headers(),
            self.auth_headers,
            self._custom_headers,
            {"X-Stainless-Async": key[1]},
            self._custom_headers,
        )
        self._header_cache = (key, layer)
        return layer

    def timeout_extension(self, timeout: Union[float, httpx.Timeout, None]) -> Dict[str, Optional[float]]:
        cached = self._timeout_cache
        if cached is not None and cached[0] is timeout:
            return cached[1]
        value = to_httpx_timeout(timeout).as_dict()
        if timeout is self.timeout:
            self._timeout_cache = (timeout, value)
        return value

    def http_client_defaults(self) -> Union[httpx.Client, httpx.AsyncClient]:
        """The httpx client whose own default headers and cookies go underneath ours."""
        return self._client

    # ---- state

    def is_closed(self) -> bool:
        """Whether the underlying HTTP client has been closed."""
        return self._client.is_closed

    def _check_open(self, options: FinalRequestOptions) -> None:
        if self._client.is_closed:
            raise APIConnectionError(
                message="The client has been closed; create a new client to send requests.",
                request=httpx.Request(options.method, self.url_for(options.url)),
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={str(self._base_url)!r} max_retries={self.max_retries}>"

    # ---- low-level option building

    @staticmethod
    def _options(
        method: str,
        path: str,
        *,
        body: object = None,
        content: Any = None,
        files: Optional[RequestFiles] = None,
        options: RequestOptions,
    ) -> FinalRequestOptions:
        if body is not None and content is not None:
            raise TypeError("Passing both `body` and `content` is not supported")
        if files is not None and content is not None:
            raise TypeError("Passing both `files` and `content` is not supported")
        if isinstance(body, (bytes, bytearray)):
            warnings.warn(
                "Passing raw bytes as `body` is deprecated; pass them as `content` instead.",
                DeprecationWarning,
                stacklevel=3,
            )
            content, body = body, None
        return FinalRequestOptions(
            method=method,
            url=path,
            json_data=body,
            content=content,
            files=files,
            headers=options.get("headers"),
            max_retries=options.get("max_retries", NotGiven()),
            timeout=options.get("timeout", NotGiven()),
            params=options.get("params"),
            extra_json=options.get("extra_json"),
            idempotency_key=options.get("idempotency_key"),
            follow_redirects=options.get("follow_redirects"),
        )

    def _raw_mode(self, options: FinalRequestOptions) -> Optional[str]:
        headers = options.headers
        if not headers:
            return None
        value = headers.get(RAW_RESPONSE_HEADER)
        return value if isinstance(value, str) else None


def _normalise_base_url(url: Union[str, httpx.URL]) -> httpx.URL:
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(str(url))
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"base_url must be an absolute http:// or https:// URL, got {str(url)!r}")
    if not parsed.raw_path.endswith(b"/"):
        parsed = parsed.copy_with(raw_path=parsed.raw_path + b"/")
    return parsed


def _send_kwargs(action: Send) -> Dict[str, Any]:
    if action.follow_redirects is None:
        return {"stream": action.stream}
    return {"stream": action.stream, "follow_redirects": action.follow_redirects}


# --------------------------------------------------------------------------- sync shell


class SyncAPIClient(BaseClient[httpx.Client]):
    """Runs the pipeline with blocking I/O."""

    def _run(
        self, plan: Generator[Action, Outcome, Tuple[httpx.Response, int]]
    ) -> Tuple[httpx.Response, int]:
        client = self._client
        outcome: Outcome = None
        while True:
            try:
                action = plan.send(outcome)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            outcome = None
            if isinstance(action, Send):
                try:
                    outcome = client.send(action.request, **_send_kwargs(action))
                except Exception as exc:
                    outcome = exc
            elif isinstance(action, Sleep):
                time.sleep(action.seconds)
            elif isinstance(action, Close):
                action.response.close()
            else:
                assert isinstance(action, Read)
                try:
                    action.response.read()
                except Exception as exc:
                    outcome = exc

    def request(
        self,
        cast_to: Type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: Optional[Type[Stream[Any]]] = None,
    ) -> Any:
        """Send `options` with retries and return the parsed result (or the raw response wrapper)."""
        from ._response import APIResponse

        self._check_open(options)
        raw_mode = self._raw_mode(options)
        response, retries_taken = self._run(attempts(self, options, stream=stream or raw_mode == "stream"))
        api_response: APIResponse[Any] = APIResponse(
            raw=response,
            cast_to=cast_to,
            client=self,
            stream=stream,
            stream_cls=stream_cls,
            options=options,
            retries_taken=retries_taken,
        )
        if raw_mode:
            return api_response
        return api_response.parse()

    # ---- low-level verbs

    def get(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        options: RequestOptions = {},  # noqa: B006
        stream: bool = False,
        stream_cls: Optional[Type[Stream[Any]]] = None,
    ) -> ResponseT:
        """Send a GET to `path` (relative to the base URL) and parse the answer as `cast_to`."""
        opts = self._options("get", path, options=options)
        return cast(ResponseT, self.request(cast_to, opts, stream=stream, stream_cls=stream_cls))

    def post(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: object = None,
        content: Any = None,
        options: RequestOptions = {},  # noqa: B006
        files: Optional[RequestFiles] = None,
        stream: bool = False,
        stream_cls: Optional[Type[Stream[Any]]] = None,
    ) -> ResponseT:
        """Send a POST with a JSON `body` (or raw `content`, or multipart `files`)."""
        opts = self._options("post", path, body=body, content=content, files=files, options=options)
        return cast(ResponseT, self.request(cast_to, opts, stream=stream, stream_cls=stream_cls))

    def patch(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: object = None,
        content: Any = None,
        files: Optional[RequestFiles] = None,
        options: RequestOptions = {},  # noqa: B006
    ) -> ResponseT:
        """Send a PATCH with a JSON `body` (or raw `content`)."""
        opts = self._options("patch", path, body=body, content=content, files=files, options=options)
        return cast(ResponseT, self.request(cast_to, opts))

    def put(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: object = None,
        content: Any = None,
        files: Optional[RequestFiles] = None,
        options: RequestOptions = {},  # noqa: B006
    ) -> ResponseT:
        """Send a PUT with a JSON `body` (or raw `content`)."""
        opts = self._options("put", path, body=body, content=content, files=files, options=options)
        return cast(ResponseT, self.request(cast_to, opts))

    def delete(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: object = None,
        content: Any = None,
        options: RequestOptions = {},  # noqa: B006
    ) -> ResponseT:
        """Send a DELETE, optionally with a JSON `body`."""
        opts = self._options("delete", path, body=body, content=content, options=options)
        return cast(ResponseT, self.request(cast_to, opts))


# --------------------------------------------------------------------------- async shell


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """Runs the pipeline with async I/O (asyncio or trio)."""

    def _async_library(self) -> str:
        try:
            import sniffio

            return f"async:{sniffio.current_async_library()}"
        except Exception:
            return "async:false"

    async def _run(
        self, plan: Generator[Action, Outcome, Tuple[httpx.Response, int]]
    ) -> Tuple[httpx.Response, int]:
        client = self._client
        outcome: Outcome = None
        while True:
            try:
                action = plan.send(outcome)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            outcome = None
            if isinstance(action, Send):
                try:
                    outcome = await client.send(action.request, **_send_kwargs(action))
                except Exception as exc:
                    outcome = exc
            elif isinstance(action, Sleep):
                import anyio

                await anyio.sleep(action.seconds)
            elif isinstance(action, Close):
                await action.response.aclose()
            else:
                assert isinstance(action, Read)
                try:
                    await action.response.aread()
                except Exception as exc:
                    outcome = exc

    async def _before_request(self) -> None:
        """Hook for work that must happen once, inside the event loop (the TCP warm-up)."""

    async def request(
        self,
        cast_to: Type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: Optional[Type[AsyncStream[Any]]] = None,
    ) -> Any:
        """Send `options` with retries and return the parsed result (or the raw response wrapper)."""
        from ._response import AsyncAPIResponse

        self._check_open(options)
        await self._before_request()
        raw_mode = self._raw_mode(options)
        response, retries_taken = await self._run(
            attempts(self, options, stream=stream or raw_mode == "stream")
        )
        api_response: AsyncAPIResponse[Any] = AsyncAPIResponse(
            raw=response,
            cast_to=cast_to,
            client=self,
            stream=stream,
            stream_cls=stream_cls,
            options=options,
            retries_taken=retries_taken,
        )
        if raw_mode:
            return api_response
        return await api_response.parse()

    async def get(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        options: RequestOptions = {},  # noqa: B006
        stream: bool = False,
        stream_cls: Optional[Type[AsyncStream[Any]]] = None,
    ) -> ResponseT:
        """Send a GET to `path` (relative to the base URL) and parse the answer as `cast_to`."""
        opts = self._options("get", path, options=options)
        return cast(ResponseT, await self.request(cast_to, opts, stream=stream, stream_cls=stream_cls))

    async def post(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: object = None,
        content: Any = None,
        options: RequestOptions = {},  # noqa: B006
        files: Optional[RequestFiles] = None,
        stream: bool = False,
        stream_cls: Optional[Type[AsyncStream[Any]]] = None,
    ) -> ResponseT:
        """Send a POST with a JSON `body` (or raw `content`, or multipart `files`)."""
        opts = self._options("post", path, body=body, content=content, files=files, options=options)
        return cast(ResponseT, await self.request(cast_to, opts, stream=stream, stream_cls=stream_cls))

    async def patch(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: object = None,
        content: Any = None,
        files: Optional[RequestFiles] = None,
        options: RequestOptions = {},  # noqa: B006
    ) -> ResponseT:
        """Send a PATCH with a JSON `body` (or raw `content`)."""
        opts = self._options("patch", path, body=body, content=content, files=files, options=options)
        return cast(ResponseT, await self.request(cast_to, opts))

    async def put(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: object = None,
        content: Any = None,
        files: Optional[RequestFiles] = None,
        options: RequestOptions = {},  # noqa: B006
    ) -> ResponseT:
        """Send a PUT with a JSON `body` (or raw `content`)."""
        opts = self._options("put", path, body=body, content=content, files=files, options=options)
        return cast(ResponseT, await self.request(cast_to, opts))

    async def delete(
        self,
        path: str,
        *,
        cast_to: Type[ResponseT],
        body: object = None,
        content: Any = None,
        options: RequestOptions = {},  # noqa: B006
    ) -> ResponseT:
        """Send a DELETE, optionally with a JSON `body`."""
        opts = self._options("delete", path, body=body, content=content, options=options)
        return cast(ResponseT, await self.request(cast_to, opts))


def make_request_options(
    *,
    extra_headers: Optional[Headers] = None,
    extra_query: Optional[Mapping[str, object]] = None,
    extra_body: Optional[Mapping[str, object]] = None,
    timeout: Union[float, httpx.Timeout, NotGiven, None] = NotGiven(),
    query: Optional[Mapping[str, object]] = None,
) -> RequestOptions:
    """Fold a resource method's per-call arguments into `RequestOptions`."""
    options: RequestOptions = {}
    if extra_headers is not None:
        options["headers"] = extra_headers
    if extra_body is not None:
        options["extra_json"] = cast(Any, extra_body)
    if query is not None or extra_query is not None:
        options["params"] = {**(query or {}), **(extra_query or {})}
    if not isinstance(timeout, NotGiven):
        options["timeout"] = timeout
    return options


__all__ = [
    "AsyncAPIClient",
    "BaseClient",
    "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "SyncAPIClient",
    "make_request_options",
]

if TYPE_CHECKING:
    _unused: Tuple[APIResponse[Any], AsyncAPIResponse[Any]]

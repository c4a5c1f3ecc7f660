"""The I/O shells around the pipeline: a blocking client on `httpx.Client`, an async one on `httpx.AsyncClient`.

A client holds one `ClientConfig`. Each request runs `_pipeline.attempts(config, options)` and
performs what it asks for (send, sleep, read, close); no request logic lives here.
"""

from __future__ import annotations

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
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
)

import httpx

from . import _observe
from ._config import ClientConfig, check_timeout, normalise_base_url
from ._exceptions import APIConnectionError
from ._http_clients import DefaultAioHttpClient, DefaultAsyncHttpxClient, DefaultHttpxClient
from ._observe import Observation, start_observation
from ._pipeline import (
    Action,
    Close,
    FinalRequestOptions,
    Outcome,
    ResponseMode,
    Send,
    Sleep,
    attempts,
    take_response_mode,
)
from ._qs import Querystring, querystring
from ._types import Headers, NotGiven, Omit, RequestFiles, RequestOptions
from ._version import __version__

if TYPE_CHECKING:
    from ._streaming import AsyncStream, Stream

__all__ = [
    "AsyncAPIClient",
    "BaseClient",
    "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "SyncAPIClient",
    "make_request_options",
]

ResponseT = TypeVar("ResponseT")
_HttpxClientT = TypeVar("_HttpxClientT", httpx.Client, httpx.AsyncClient)
Plan = Generator[Action, Outcome, Tuple[httpx.Response, int]]


class BaseClient(Generic[_HttpxClientT]):
    """What both clients share: the configuration value and the attributes the official client has.

    `api_key`, `base_url`, `timeout` and `max_retries` can be assigned, as on the official client;
    an assignment replaces the configuration value rather than changing it.
    """

    _config: ClientConfig
    _version = __version__

    def _setup(self, warm: bool) -> None:
        """What follows the configuration in the constructor (and in `copy()`): the warm-up."""

    # ---- configuration

    @property
    def _client(self) -> _HttpxClientT:
        """The httpx client requests go through."""
        return cast(_HttpxClientT, self._config.http_client)

    @property
    def api_key(self) -> str:
        return self._config.api_key

    @api_key.setter
    def api_key(self, value: str) -> None:
        self._config = self._config.replace(api_key=value)

    @property
    def base_url(self) -> httpx.URL:
        return self._config.base_url

    @base_url.setter
    def base_url(self, url: Union[str, httpx.URL]) -> None:
        self._config = self._config.replace(base_url=normalise_base_url(url))

    @property
    def timeout(self) -> Union[float, httpx.Timeout, None]:
        return self._config.timeout

    @timeout.setter
    def timeout(self, value: Union[float, httpx.Timeout, None]) -> None:
        self._config = self._config.replace(timeout=check_timeout(value))

    @property
    def max_retries(self) -> int:
        return self._config.max_retries

    @max_retries.setter
    def max_retries(self, value: int) -> None:
        from ._config import check_max_retries

        self._config = self._config.replace(max_retries=check_max_retries(value))

    @property
    def _strict_response_validation(self) -> bool:
        return self._config.strict

    # ---- headers and query

    @property
    def auth_headers(self) -> Dict[str, str]:
        return self._config.auth_headers

    @property
    def custom_auth(self) -> None:
        return None

    @property
    def user_agent(self) -> str:
        return self._config.user_agent

    @property
    def qs(self) -> Querystring:
        return querystring

    def _async_library(self) -> str:
        return "false"

    @property
    def default_headers(self) -> Dict[str, Union[str, Omit]]:
        """Headers sent with every request, before per-request headers are applied."""
        return {name: value for name, value in self._config.header_layer(self._async_library()).values()}

    @property
    def default_query(self) -> Dict[str, object]:
        return dict(self._config.default_query)

    # ---- state

    def is_closed(self) -> bool:
        """Whether the underlying HTTP client has been closed."""
        return self._config.http_client.is_closed

    def __repr__(self) -> str:
        config = self._config
        return f"<{type(self).__name__} base_url={str(config.base_url)!r} max_retries={config.max_retries}>"

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
                "Passing raw bytes as `body` is deprecated and will be removed in a future version. "
                "Please pass raw bytes via the `content` parameter instead.",
                DeprecationWarning,
                stacklevel=3,
            )
            content, body = body, None
        headers = options.get("headers")
        return FinalRequestOptions(
            method=method,
            url=path,
            json_data=body,
            content=content,
            files=files,
            headers=headers,
            max_retries=options.get("max_retries", NotGiven()),
            timeout=options.get("timeout", NotGiven()),
            params=options.get("params"),
            extra_json=options.get("extra_json"),
            idempotency_key=options.get("idempotency_key"),
            follow_redirects=options.get("follow_redirects"),
            mode=take_response_mode() or _mode_from_headers(headers),
            request_encoding=options.get("request_encoding", NotGiven()),
        )


def _mode_from_headers(headers: Optional[Headers]) -> Optional[ResponseMode]:
    # The official client switches to a raw or streamed response when a low-level call sets the
    # mode's header itself; code written that way keeps working. The SDK's own wrappers set the
    # mode directly and never go through a header.
    if headers:
        for name, value in headers.items():
            if name.lower() == "x-stainless-raw-response" and value in ("raw", "stream"):
                return cast(ResponseMode, value)
    return None


def _check_open(config: ClientConfig, options: FinalRequestOptions) -> None:
    if config.http_client.is_closed:
        raise APIConnectionError(
            message="The client has been closed; create a new client to send requests.",
            request=httpx.Request(options.method, config.url_for(options.url)),
        )


def _returned(observation: Observation, value: Any, options: FinalRequestOptions, stream: bool) -> None:
    """Tell the watchers what a call handed back, if that ends it: a parsed value, or a raw response
    whose body was read. A stream (or an unread response) reports its own end."""
    if options.mode is None:
        if not stream:
            observation.result(value)
    elif options.mode == "raw" and not stream:
        observation.end(False)


def _send_kwargs(action: Send) -> Dict[str, Any]:
    if action.follow_redirects is None:
        return {"stream": action.stream}
    return {"stream": action.stream, "follow_redirects": action.follow_redirects}


# --------------------------------------------------------------------------- sync shell


def run_sync(
    client: httpx.Client, plan: Plan, observation: Optional[Observation] = None
) -> Tuple[httpx.Response, int]:
    """Perform the pipeline's actions with blocking I/O until it returns (telling `observation`
    of each retry)."""
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
            if observation is not None:
                observation.retry(action.attempt, action.seconds, action.status_code, action.error)
            time.sleep(action.seconds)
        elif isinstance(action, Close):
            action.response.close()
        else:
            try:
                action.response.read()
            except Exception as exc:
                outcome = exc


class SyncAPIClient(BaseClient[httpx.Client]):
    """Runs the pipeline with blocking I/O."""

    def request(
        self,
        cast_to: Type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: Optional[Type[Stream[Any]]] = None,
    ) -> Any:
        """Send `options` with retries and return the parsed result (or the raw response wrapper)."""
        config = self._config
        _check_open(config, options)
        if not (_observe.observers or config.observers):
            return self._send(config, cast_to, options, stream, stream_cls, None)
        observation = options.observation = start_observation(config, options, stream)
        if observation is None:
            return self._send(config, cast_to, options, stream, stream_cls, None)
        try:
            value = self._send(config, cast_to, options, stream, stream_cls, observation)
        except BaseException as exc:
            observation.error(exc)
            raise
        _returned(observation, value, options, stream)
        return value

    def _send(
        self,
        config: ClientConfig,
        cast_to: Type[ResponseT],
        options: FinalRequestOptions,
        stream: bool,
        stream_cls: Optional[Type[Stream[Any]]],
        observation: Optional[Observation],
    ) -> Any:
        from ._response import APIResponse

        plan = attempts(config, options, stream=stream)
        response, retries_taken = run_sync(config.http_client, plan, observation)  # type: ignore[arg-type]
        if observation is not None:
            observation.response(response)
        api_response: APIResponse[Any] = APIResponse(
            raw=response,
            cast_to=cast_to,
            client=self,
            stream=stream,
            stream_cls=stream_cls,
            options=options,
            retries_taken=retries_taken,
            strict=config.strict,
        )
        if options.mode is not None:
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


async def run_async(
    client: httpx.AsyncClient, plan: Plan, observation: Optional[Observation] = None
) -> Tuple[httpx.Response, int]:
    """Perform the pipeline's actions with async I/O (asyncio or trio) until it returns (telling
    `observation` of each retry)."""
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
            if observation is not None:
                observation.retry(action.attempt, action.seconds, action.status_code, action.error)
            import anyio

            await anyio.sleep(action.seconds)
        elif isinstance(action, Close):
            await action.response.aclose()
        else:
            try:
                await action.response.aread()
            except Exception as exc:
                outcome = exc


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """Runs the pipeline with async I/O (asyncio or trio)."""

    def _async_library(self) -> str:
        try:
            import sniffio

            return f"async:{sniffio.current_async_library()}"
        except Exception:
            return "async:false"

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
        _check_open(self._config, options)
        await self._before_request()
        config = self._config
        if not (_observe.observers or config.observers):
            return await self._send(config, cast_to, options, stream, stream_cls, None)
        observation = options.observation = start_observation(config, options, stream)
        if observation is None:
            return await self._send(config, cast_to, options, stream, stream_cls, None)
        try:
            value = await self._send(config, cast_to, options, stream, stream_cls, observation)
        except BaseException as exc:
            observation.error(exc)
            raise
        _returned(observation, value, options, stream)
        return value

    async def _send(
        self,
        config: ClientConfig,
        cast_to: Type[ResponseT],
        options: FinalRequestOptions,
        stream: bool,
        stream_cls: Optional[Type[AsyncStream[Any]]],
        observation: Optional[Observation],
    ) -> Any:
        from ._response import AsyncAPIResponse

        plan = attempts(config, options, stream=stream, async_library=self._async_library())
        response, retries_taken = await run_async(config.http_client, plan, observation)  # type: ignore[arg-type]
        if observation is not None:
            observation.response(response)
        api_response: AsyncAPIResponse[Any] = AsyncAPIResponse(
            raw=response,
            cast_to=cast_to,
            client=self,
            stream=stream,
            stream_cls=stream_cls,
            options=options,
            retries_taken=retries_taken,
            strict=config.strict,
        )
        if options.mode is not None:
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

"""The httpx clients the SDK builds: its defaults (timeouts, pool limits, HTTP/2, a shared SSL
context), the aiohttp-backed client, and the owned clients that close themselves when collected."""

from __future__ import annotations

import os
import ssl
import threading
from typing import TYPE_CHECKING, Any, Dict, Optional, Set, Tuple, cast

import httpx

from ._constants import DEFAULT_CONNECTION_LIMITS, DEFAULT_TIMEOUT

__all__ = [
    "DefaultAioHttpClient",
    "DefaultAsyncHttpxClient",
    "DefaultHttpxClient",
    "OwnedAsyncHttpxClient",
    "OwnedSyncHttpxClient",
]

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


class _Cookies(httpx.Cookies):
    """The cookie jar of the clients the SDK builds.

    httpx hands every response to `extract_cookies`, which first copies the request's headers
    into a `urllib` request (one linear lookup per header) before the jar looks for `Set-Cookie`.
    With the SDK's ~17 request headers that is most of a client's per-response overhead, paid
    for nothing: the API sets no cookies. The jar's answer is the same without the copy when no
    header can set a cookie, so only those responses skip it.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        for name, _ in response.headers.raw:
            # `Set-Cookie` and the obsolete `Set-Cookie2`, the two headers the jar reads.
            if name[:10].lower() == b"set-cookie":
                super().extract_cookies(response)
                return


class _CookieJar:
    """The `cookies` of the clients the SDK builds: httpx's property, over a `_Cookies` jar."""

    _sdk_cookies: _Cookies

    @property
    def cookies(self) -> httpx.Cookies:
        return self._sdk_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._sdk_cookies = _Cookies(cookies)


class DefaultHttpxClient(_CookieJar, httpx.Client):
    """An `httpx.Client` with the SDK's defaults: 60 s timeout (5 s connect), 100/20 connections,
    redirects followed, HTTP/2 on. Pass it as `http_client` to customise proxies, transports, etc."""

    def __init__(self, **kwargs: Any) -> None:
        cookies = kwargs.pop("cookies", None)
        super().__init__(**_with_defaults(kwargs, http2=True))
        self.cookies = cookies


class DefaultAsyncHttpxClient(_CookieJar, httpx.AsyncClient):
    """The async twin of `DefaultHttpxClient`."""

    def __init__(self, **kwargs: Any) -> None:
        cookies = kwargs.pop("cookies", None)
        super().__init__(**_with_defaults(kwargs, http2=True))
        self.cookies = cookies


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

            async def send(self: Any, request: httpx.Request, **kwargs: Any) -> httpx.Response:
                try:
                    return await HttpxAiohttpClient.send(self, request, **kwargs)
                except httpx.TimeoutException as exc:
                    # httpx_aiohttp reports every aiohttp connection failure (refused, dropped) as
                    # ConnectTimeout; the aiohttp error it wraps tells the truth, and the SDK's
                    # error map should see a connection error for it, not a timeout.
                    cause = exc.__cause__
                    if cause is None or _is_aiohttp_timeout(cause):
                        raise
                    raise httpx.ConnectError(str(cause) or type(cause).__name__, request=request) from cause

            _aiohttp_class = type(
                "DefaultAioHttpClient",
                (HttpxAiohttpClient, DefaultAioHttpClient),
                {
                    "__init__": __init__,
                    "send": send,
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


def _is_aiohttp_timeout(exc: BaseException) -> bool:
    if not type(exc).__module__.startswith("aiohttp"):
        return True  # not aiohttp's: leave httpx's verdict alone
    return isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__

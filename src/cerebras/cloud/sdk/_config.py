"""A client's configuration: one immutable value, built once from arguments and the environment.

`copy()`/`with_options()` derive a new value (`derive_config`); the request pipeline reads nothing
else. What is computed from the configuration (the merged default headers, absolute URLs, the
timeout extension) is cached on the value, which is safe because the value never changes.
"""

from __future__ import annotations

import dataclasses
import math
import os
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Mapping, Optional, Tuple, Union

import httpx

from ._constants import DEFAULT_TIMEOUT
from ._encoding import RequestEncoding, check_request_encoding
from ._exceptions import CerebrasError
from ._platform import platform_headers
from ._types import NotGiven, Omit
from ._version import __version__

if TYPE_CHECKING:
    from ._observe import Observer

__all__ = ["ClientConfig", "config_from_arguments", "derive_config"]

DEFAULT_BASE_URL = "https://api.cerebras.ai"
_HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
_URL_CACHE_LIMIT = 256

TimeoutValue = Union[float, httpx.Timeout, None]
HttpClient = Union[httpx.Client, httpx.AsyncClient]
HeaderLayer = Dict[str, Tuple[str, str]]


class _Memo:
    """What is derived from one configuration value, filled in on first use."""

    __slots__ = ("headers", "httpx_headers", "timeout", "urls")

    def __init__(self) -> None:
        self.headers: Dict[str, HeaderLayer] = {}
        self.httpx_headers: Optional[Tuple[object, HeaderLayer]] = None
        self.urls: Dict[str, httpx.URL] = {}
        self.timeout: Optional[Dict[str, Optional[float]]] = None


@dataclasses.dataclass(frozen=True)
class ClientConfig:
    """Everything a client is configured with. Never mutated: `replace()` makes a new one."""

    api_key: str
    base_url: httpx.URL
    timeout: TimeoutValue
    max_retries: int
    custom_headers: Mapping[str, Union[str, Omit]]
    """`CEREBRAS_CUSTOM_HEADERS` (unless replaced) under the `default_headers` argument."""
    default_query: Mapping[str, object]
    strict: bool
    """`_strict_response_validation`: validate responses and raise on a mismatch."""
    http_client: HttpClient
    client_name: str
    """The client's class name, which starts its User-Agent."""
    request_encoding: Optional[RequestEncoding] = None
    """How chat and text completion bodies go on the wire (`None`: plain JSON, as the official SDK)."""
    observers: Tuple[Observer, ...] = ()
    """This client's own call observers (see `_observe`), next to the process-wide ones."""
    _memo: _Memo = dataclasses.field(default_factory=_Memo, compare=False, repr=False)

    def replace(self, **changes: Any) -> ClientConfig:
        """A new value with `changes` applied (and nothing derived carried over)."""
        return dataclasses.replace(self, _memo=_Memo(), **changes)

    @property
    def user_agent(self) -> str:
        return f"{self.client_name}/Python {__version__}"

    @property
    def auth_headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def header_layer(self, async_library: str) -> HeaderLayer:
        """The client-level headers for requests made under `async_library` ("false" for the sync
        client), merged case-insensitively: lower-cased name -> (spelling, value)."""
        layer = self._memo.headers.get(async_library)
        if layer is None:
            layer = merge_headers(
                {
                    "Accept": "application/json",
                    "Content-Type": "application/json",
                    "User-Agent": self.user_agent,
                },
                platform_headers(),
                self.auth_headers,
                self.custom_headers,
                {"X-Stainless-Async": async_library},
                self.custom_headers,
            )
            self._memo.headers[async_library] = layer
        return layer

    def httpx_headers(self) -> HeaderLayer:
        """The httpx client's own default headers, lower-cased name -> (spelling, value).

        Re-read when they change, since callers may edit `http_client.headers` at any time.
        """
        raw = self.http_client.headers.raw
        cached = self._memo.httpx_headers
        if cached is not None and cached[0] == raw:
            return cached[1]
        defaults: HeaderLayer = {
            name.lower(): (name, value) for name, value in self.http_client.headers.multi_items()
        }
        self._memo.httpx_headers = (raw, defaults)
        return defaults

    def url_for(self, path: str) -> httpx.URL:
        """The absolute URL for `path`: joined onto the base URL's path, or used as is if absolute."""
        urls = self._memo.urls
        url = urls.get(path)
        if url is None:
            if path.startswith(("http://", "https://")):
                url = httpx.URL(path)
            else:
                base = self.base_url
                relative = path.lstrip("/")
                try:
                    raw = relative.encode("ascii")
                except UnicodeEncodeError:  # let httpx percent-encode what is not ASCII
                    raw = httpx.URL("/" + relative).raw_path[1:]
                url = base.copy_with(raw_path=base.raw_path + raw)
            if len(urls) < _URL_CACHE_LIMIT:
                urls[path] = url
        return url

    def timeout_extension(self, timeout: TimeoutValue) -> Dict[str, Optional[float]]:
        """httpx's per-request `timeout` extension for `timeout` (cached for the configured one)."""
        if timeout is self.timeout:
            cached = self._memo.timeout
            if cached is None:
                cached = self._memo.timeout = to_httpx_timeout(timeout).as_dict()
            return cached
        return to_httpx_timeout(timeout).as_dict()


# --------------------------------------------------------------------------- building one


def config_from_arguments(
    *,
    api_key: Optional[str],
    base_url: Union[str, httpx.URL, None],
    timeout: Union[TimeoutValue, NotGiven],
    max_retries: object,
    default_headers: Optional[Mapping[str, str]],
    default_query: Optional[Mapping[str, object]],
    http_client: Optional[HttpClient],
    expected_client: type,
    strict: bool,
    client_name: str,
    make_http_client: Callable[[httpx.URL, TimeoutValue], HttpClient],
    request_encoding: object = None,
    observers: Optional[Iterable[object]] = None,
) -> ClientConfig:
    """A client constructor's arguments and the environment variables, checked and resolved."""
    if api_key is None:
        api_key = os.environ.get("CEREBRAS_API_KEY")
    if api_key is None:
        raise CerebrasError(
            "The api_key client option must be set either by passing api_key to the client "
            "or by setting the CEREBRAS_API_KEY environment variable"
        )
    if not isinstance(api_key, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise TypeError(f"api_key must be a str, got {type(api_key).__name__}")
    if base_url is None:
        base_url = os.environ.get("CEREBRAS_BASE_URL") or DEFAULT_BASE_URL

    _check_headers(default_headers)
    _check_query(default_query)
    headers: Dict[str, Any] = {}
    env_headers = os.environ.get("CEREBRAS_CUSTOM_HEADERS")
    if env_headers is not None:
        headers.update(parse_custom_headers(env_headers))
    headers.update(default_headers or {})

    _check_http_client(http_client, expected_client)
    if isinstance(timeout, NotGiven):
        if http_client is not None and http_client.timeout != _HTTPX_DEFAULT_TIMEOUT:
            resolved: TimeoutValue = http_client.timeout
        else:
            resolved = DEFAULT_TIMEOUT
    else:
        resolved = check_timeout(timeout)
    retries = check_max_retries(max_retries)
    encoding = check_request_encoding(request_encoding)
    url = normalise_base_url(base_url)
    return ClientConfig(
        api_key=api_key,
        base_url=url,
        timeout=resolved,
        max_retries=retries,
        custom_headers=MappingProxyType(headers),
        default_query=MappingProxyType(dict(default_query or {})),
        strict=strict,
        http_client=http_client if http_client is not None else make_http_client(url, resolved),
        client_name=client_name,
        request_encoding=encoding,
        observers=_checked_observers(observers),
    )


def derive_config(
    config: ClientConfig,
    *,
    api_key: Optional[str],
    base_url: Union[str, httpx.URL, None],
    timeout: Union[TimeoutValue, NotGiven],
    http_client: Optional[HttpClient],
    max_retries: Union[int, NotGiven],
    default_headers: Optional[Mapping[str, str]],
    set_default_headers: Optional[Mapping[str, str]],
    default_query: Optional[Mapping[str, object]],
    set_default_query: Optional[Mapping[str, object]],
    strict: Union[bool, NotGiven],
    request_encoding: object = NotGiven(),
    observers: Union[Iterable[object], NotGiven, None] = NotGiven(),
) -> ClientConfig:
    """The configuration of `copy()`/`with_options()`: `config` with the given arguments applied.

    Env headers are not read again, so `set_default_headers` replaces them too (decision 16), and
    strict validation is kept unless changed (decision 15).
    """
    if default_headers is not None and set_default_headers is not None:
        raise ValueError("The `default_headers` and `set_default_headers` arguments are mutually exclusive")
    if default_query is not None and set_default_query is not None:
        raise ValueError("The `default_query` and `set_default_query` arguments are mutually exclusive")
    _check_headers(default_headers if default_headers is not None else set_default_headers)
    _check_query(default_query if default_query is not None else set_default_query)
    _check_http_client(
        http_client, httpx.AsyncClient if isinstance(config.http_client, httpx.AsyncClient) else httpx.Client
    )

    headers: Mapping[str, Any] = config.custom_headers
    if default_headers is not None:
        headers = MappingProxyType({**headers, **default_headers})
    elif set_default_headers is not None:
        headers = MappingProxyType(dict(set_default_headers))
    query: Mapping[str, object] = config.default_query
    if default_query is not None:
        query = MappingProxyType({**query, **default_query})
    elif set_default_query is not None:
        query = MappingProxyType(dict(set_default_query))

    return config.replace(
        api_key=api_key or config.api_key,
        base_url=normalise_base_url(base_url) if base_url else config.base_url,
        timeout=config.timeout if isinstance(timeout, NotGiven) else check_timeout(timeout),
        http_client=http_client or config.http_client,
        max_retries=config.max_retries
        if isinstance(max_retries, NotGiven)
        else check_max_retries(max_retries),
        custom_headers=headers,
        default_query=query,
        strict=config.strict if isinstance(strict, NotGiven) else bool(strict),
        request_encoding=config.request_encoding
        if isinstance(request_encoding, NotGiven)
        else check_request_encoding(request_encoding),
        observers=config.observers if isinstance(observers, NotGiven) else _checked_observers(observers),
    )


# --------------------------------------------------------------------------- checks


def check_max_retries(value: object) -> int:
    """`max_retries` must be a non-negative int; say so clearly otherwise."""
    if value is None:
        raise TypeError(
            "max_retries cannot be None: pass 0 to disable retries, or a non-negative int "
            "(DEFAULT_MAX_RETRIES is 2)"
        )
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_retries must be a non-negative int, got {type(value).__name__}: {value!r}")
    if value < 0:
        raise ValueError(f"max_retries must be >= 0, got {value}")
    return value


def check_timeout(value: object) -> TimeoutValue:
    """A timeout is a non-negative number of seconds, an `httpx.Timeout`, or `None` for no limit."""
    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"timeout must be a number of seconds, an httpx.Timeout or None, got {type(value).__name__}"
        )
    if math.isnan(value) or value < 0:
        raise ValueError(f"timeout must be a non-negative number of seconds, got {value!r}")
    return value


def _check_headers(headers: object) -> None:
    if headers is None:
        return
    if not isinstance(headers, Mapping):
        raise TypeError(f"default_headers must be a mapping of str to str, got {type(headers).__name__}")
    for name, value in headers.items():  # pyright: ignore[reportUnknownVariableType]
        if not isinstance(name, str) or not isinstance(value, (str, Omit, NotGiven)):
            raise TypeError(f"default_headers must map str to str; got {name!r}: {value!r}")


def _checked_observers(observers: Optional[Iterable[object]]) -> Tuple[Observer, ...]:
    if observers is None:
        return ()
    from ._observe import check_observers  # loaded only by a client given observers

    return check_observers(observers)


def _check_query(query: object) -> None:
    if query is not None and not isinstance(query, Mapping):
        raise TypeError(f"default_query must be a mapping, got {type(query).__name__}")


def _check_http_client(http_client: object, expected: type) -> None:
    if http_client is not None and not isinstance(http_client, expected):
        name = "AsyncClient" if issubclass(expected, httpx.AsyncClient) else "Client"
        raise TypeError(
            f"Invalid `http_client` argument; Expected an instance of `httpx.{name}` "
            f"but got {type(http_client)}"
        )


def normalise_base_url(url: Union[str, httpx.URL]) -> httpx.URL:
    """An absolute http(s) URL whose path ends in `/`, so that paths join onto it."""
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(str(url))
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"base_url must be an absolute http:// or https:// URL, got {str(url)!r}")
    if not parsed.raw_path.endswith(b"/"):
        parsed = parsed.copy_with(raw_path=parsed.raw_path + b"/")
    return parsed


def parse_custom_headers(raw: str) -> Dict[str, str]:
    """Parse `CEREBRAS_CUSTOM_HEADERS`: one `Name: value` per line; lines without a colon are skipped."""
    headers: Dict[str, str] = {}
    for line in raw.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip()] = value.strip()
    return headers


def merge_headers(*layers: Optional[Mapping[str, Any]]) -> HeaderLayer:
    """Merge header layers case-insensitively: one entry per name, the later layer wins.

    Returns lower-cased name -> (spelling, value). `omit`/`not_given` values delete the header.
    """
    merged: HeaderLayer = {}
    for layer in layers:
        if not layer:
            continue
        for name, value in layer.items():
            key = name.lower()
            if isinstance(value, (Omit, NotGiven)):
                merged.pop(key, None)
            else:
                merged[key] = (name, value)
    return merged


def to_httpx_timeout(value: TimeoutValue) -> httpx.Timeout:
    return value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)

"""Client construction, copies, closing, the TCP warm-up, and the low-level HTTP verbs."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
import time
import warnings
from typing import Any, Dict, Iterator, List, Optional, Tuple

import anyio
import httpx
import pydantic
import pytest
import respx

from cerebras.cloud.sdk import (
    DEFAULT_CONNECTION_LIMITS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    APIConnectionError,
    APIStatusError,
    AsyncCerebras,
    AsyncClient,
    BaseModel,
    Cerebras,
    CerebrasError,
    Client,
    DefaultAsyncHttpxClient,
    DefaultHttpxClient,
    InternalServerError,
    NoneType,
    not_given,
    omit,
)
from cerebras.cloud.sdk.testing import MockCerebrasServer

BASE_URL = "http://127.0.0.1:4010"
API_KEY = "csk-client-key"
MISSING_KEY = (
    "The api_key client option must be set either by passing api_key to the client "
    "or by setting the CEREBRAS_API_KEY environment variable"
)


def sync_client(**kwargs: Any) -> Cerebras:
    kwargs.setdefault("api_key", API_KEY)
    kwargs.setdefault("base_url", BASE_URL)
    kwargs.setdefault("warm_tcp_connection", False)
    return Cerebras(**kwargs)


def async_client(**kwargs: Any) -> AsyncCerebras:
    kwargs.setdefault("api_key", API_KEY)
    kwargs.setdefault("base_url", BASE_URL)
    kwargs.setdefault("warm_tcp_connection", False)
    return AsyncCerebras(**kwargs)


CLIENT_CLASSES = [Cerebras, AsyncCerebras]


@pytest.fixture(params=CLIENT_CLASSES, ids=["sync", "async"])
def cls(request: pytest.FixtureRequest) -> type:
    return request.param  # type: ignore[no-any-return]


def build(cls: type, **kwargs: Any) -> Any:
    kwargs.setdefault("warm_tcp_connection", False)
    return cls(**kwargs)


# =========================================================================== construction


def test_client_aliases() -> None:
    assert Client is Cerebras
    assert AsyncClient is AsyncCerebras


def test_defaults(cls: type) -> None:
    client = build(cls, api_key=API_KEY)
    assert client.api_key == API_KEY
    assert (client.base_url.scheme, client.base_url.host, client.base_url.raw_path) == (
        "https",
        "api.cerebras.ai",
        b"/",
    )
    assert client.max_retries == DEFAULT_MAX_RETRIES == 2
    assert client.timeout == DEFAULT_TIMEOUT
    assert client.default_query == {}
    assert client.custom_auth is None
    assert client.is_closed() is False


def test_default_constants() -> None:
    assert DEFAULT_TIMEOUT.connect == 5.0
    assert (DEFAULT_TIMEOUT.read, DEFAULT_TIMEOUT.write, DEFAULT_TIMEOUT.pool) == (60, 60, 60)
    assert type(DEFAULT_TIMEOUT.read) is int
    assert DEFAULT_CONNECTION_LIMITS.max_connections == 100
    assert DEFAULT_CONNECTION_LIMITS.max_keepalive_connections == 20
    assert DEFAULT_CONNECTION_LIMITS.keepalive_expiry == 5.0


def test_default_httpx_clients_carry_sdk_defaults() -> None:
    with DefaultHttpxClient() as sync_http:
        assert sync_http.timeout == DEFAULT_TIMEOUT
        assert sync_http.follow_redirects is True
    with DefaultHttpxClient(timeout=3.0, follow_redirects=False) as custom:
        assert custom.timeout == httpx.Timeout(3.0)
        assert custom.follow_redirects is False
    async_http = DefaultAsyncHttpxClient()
    assert async_http.timeout == DEFAULT_TIMEOUT
    assert async_http.follow_redirects is True
    assert isinstance(async_http, httpx.AsyncClient)


def test_owned_http_client_is_a_default_client(cls: type) -> None:
    client = build(cls, api_key=API_KEY)
    expected = DefaultHttpxClient if cls is Cerebras else DefaultAsyncHttpxClient
    assert isinstance(client._client, expected)


def test_api_key_from_env(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEREBRAS_API_KEY", "csk-from-env")
    assert build(cls).api_key == "csk-from-env"
    assert build(cls, api_key="explicit").api_key == "explicit"


def test_empty_api_key_is_accepted(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEREBRAS_API_KEY", "csk-from-env")
    assert build(cls, api_key="").api_key == ""


def test_missing_api_key(cls: type) -> None:
    with pytest.raises(CerebrasError) as info:
        build(cls)
    assert str(info.value) == MISSING_KEY


def test_base_url_from_argument_env_and_default(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    assert build(cls, api_key="k").base_url.host == "api.cerebras.ai"
    monkeypatch.setenv("CEREBRAS_BASE_URL", "http://127.0.0.1:9/env")
    assert build(cls, api_key="k").base_url == "http://127.0.0.1:9/env/"
    assert build(cls, api_key="k", base_url="http://127.0.0.1:8").base_url.port == 8
    assert (
        build(cls, api_key="k", base_url=httpx.URL("http://127.0.0.1:7/p/")).base_url
        == "http://127.0.0.1:7/p/"
    )


def test_base_url_normalisation_and_setter(cls: type) -> None:
    client = build(cls, api_key="k", base_url="http://h.example/p")
    assert isinstance(client.base_url, httpx.URL)
    assert client.base_url == httpx.URL("http://h.example/p/")
    assert client.base_url.raw_path == b"/p/"
    client.base_url = "http://other.example/q/r"
    assert client.base_url == httpx.URL("http://other.example/q/r/")
    client.base_url = httpx.URL("http://third.example")
    assert client.base_url.raw_path == b"/"


def test_base_url_setter_changes_where_requests_go() -> None:
    with respx.mock() as mock, sync_client() as client:
        old = mock.get(f"{BASE_URL}/v1/x").respond(200, json={})
        new = mock.get("http://127.0.0.1:4011/new/v1/x").respond(200, json={})
        client.get("/v1/x", cast_to=dict)  # caches the URL for the old base...
        client.base_url = "http://127.0.0.1:4011/new"
        client.get("/v1/x", cast_to=dict)  # ...which must not be reused
    assert (old.call_count, new.call_count) == (1, 1)


@pytest.mark.parametrize("bad", ["api.cerebras.ai", "/just/a/path", "ftp://h.example", "http://"])
def test_base_url_without_http_scheme_is_rejected(cls: type, bad: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        build(cls, api_key="k", base_url=bad)


def test_custom_headers_env_parsing(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEREBRAS_CUSTOM_HEADERS", "X-Foo: bar\nX-Baz:  qux : z \nnocolon")
    client = build(cls, api_key="k")
    headers = client.default_headers
    assert headers["X-Foo"] == "bar"
    assert headers["X-Baz"] == "qux : z"
    assert "nocolon" not in headers
    client = build(cls, api_key="k", default_headers={"X-Foo": "arg"})
    assert client.default_headers["X-Foo"] == "arg"
    assert client.default_headers["X-Baz"] == "qux : z"


def test_empty_custom_headers_env_adds_nothing(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    baseline = build(cls, api_key="k").default_headers
    monkeypatch.setenv("CEREBRAS_CUSTOM_HEADERS", "")
    assert build(cls, api_key="k").default_headers == baseline


def test_default_query_is_a_copy(cls: type) -> None:
    source = {"a": "1"}
    client = build(cls, api_key="k", default_query=source)
    source["b"] = "2"
    assert client.default_query == {"a": "1"}
    client.default_query["c"] = "3"
    assert client.default_query == {"a": "1"}


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (20.0, 20.0),
        (None, None),
        (httpx.Timeout(10, read=3.5), httpx.Timeout(10, read=3.5)),
        (0, 0),
    ],
)
def test_timeout_given(cls: type, timeout: Any, expected: Any) -> None:
    assert build(cls, api_key="k", timeout=timeout).timeout == expected


def test_timeout_from_http_client(cls: type) -> None:
    http_cls = httpx.Client if cls is Cerebras else httpx.AsyncClient
    custom = http_cls(timeout=httpx.Timeout(12.0, connect=2.0))
    assert build(cls, api_key="k", http_client=custom).timeout == httpx.Timeout(12.0, connect=2.0)
    # httpx's own default (5 s) cannot be told from "not configured": the SDK default wins.
    plain = http_cls()
    assert build(cls, api_key="k", http_client=plain).timeout == DEFAULT_TIMEOUT
    explicit_five = http_cls(timeout=5.0)
    assert build(cls, api_key="k", http_client=explicit_five).timeout == DEFAULT_TIMEOUT
    # An explicit timeout argument always wins, even None.
    assert build(cls, api_key="k", http_client=custom, timeout=None).timeout is None
    assert build(cls, api_key="k", http_client=custom, timeout=3).timeout == 3


@pytest.mark.parametrize("bad", ["5", [1], object(), True])
def test_invalid_timeout_type(cls: type, bad: Any) -> None:
    with pytest.raises(TypeError, match="timeout"):
        build(cls, api_key="k", timeout=bad)


def test_negative_timeout(cls: type) -> None:
    with pytest.raises(ValueError, match="timeout"):
        build(cls, api_key="k", timeout=-1)


def test_max_retries_none_has_a_clear_message(cls: type) -> None:
    with pytest.raises(TypeError) as info:
        build(cls, api_key="k", max_retries=None)
    message = str(info.value)
    assert "max_retries" in message
    assert "0" in message
    assert "math.inf" not in message  # decision 25: do not recommend something that breaks


@pytest.mark.parametrize("bad", ["2", 2.0, 1.5, True, float("inf")])
def test_max_retries_must_be_an_int(cls: type, bad: Any) -> None:
    with pytest.raises(TypeError, match="max_retries"):
        build(cls, api_key="k", max_retries=bad)


def test_negative_max_retries(cls: type) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        build(cls, api_key="k", max_retries=-1)


def test_max_retries_accepts_zero_and_large(cls: type) -> None:
    assert build(cls, api_key="k", max_retries=0).max_retries == 0
    assert build(cls, api_key="k", max_retries=1000).max_retries == 1000


@pytest.mark.parametrize("bad", [[("X-A", "b")], "X-A: b", 3])
def test_non_mapping_default_headers(cls: type, bad: Any) -> None:
    with pytest.raises(TypeError, match="default_headers"):
        build(cls, api_key="k", default_headers=bad)


def test_non_string_default_header_value(cls: type) -> None:
    with pytest.raises(TypeError, match="default_headers"):
        build(cls, api_key="k", default_headers={"X-A": 1})


def test_non_mapping_default_query(cls: type) -> None:
    with pytest.raises(TypeError, match="default_query"):
        build(cls, api_key="k", default_query=["a"])


def test_http_client_of_the_wrong_kind_sync() -> None:
    wrong = httpx.AsyncClient()
    with pytest.raises(TypeError) as info:
        Cerebras(api_key="k", http_client=wrong, warm_tcp_connection=False)  # type: ignore[arg-type]
    assert str(info.value) == (
        "Invalid `http_client` argument; Expected an instance of `httpx.Client` "
        "but got <class 'httpx.AsyncClient'>"
    )


def test_http_client_of_the_wrong_kind_async() -> None:
    with httpx.Client() as wrong, pytest.raises(TypeError) as info:
        AsyncCerebras(api_key="k", http_client=wrong, warm_tcp_connection=False)  # type: ignore[arg-type]
    assert str(info.value) == (
        "Invalid `http_client` argument; Expected an instance of `httpx.AsyncClient` "
        "but got <class 'httpx.Client'>"
    )


def test_strict_response_validation_flag(cls: type) -> None:
    assert build(cls, api_key="k")._strict_response_validation is False
    assert build(cls, api_key="k", _strict_response_validation=True)._strict_response_validation is True


def test_resources_are_cached_properties() -> None:
    with sync_client() as client:
        assert client.chat is client.chat
        assert client.chat.completions is client.chat.completions
        assert client.completions is client.completions
        assert client.models is client.models
        assert client.with_raw_response is client.with_raw_response
        assert client.with_streaming_response is client.with_streaming_response
        assert client.completions is not client.chat.completions


def test_qs_uses_repeat_arrays() -> None:
    with sync_client() as client:
        assert client.qs.array_format == "repeat"
        assert client.qs.stringify({"a": [1, 2], "b": {"c": True}}) == "a=1&a=2&b%5Bc%5D=true"


def test_repr_mentions_base_url_not_key() -> None:
    with sync_client() as client:
        text = repr(client)
    assert BASE_URL in text
    assert API_KEY not in text


# =========================================================================== closing


def test_sync_close_and_context_manager() -> None:
    client = sync_client()
    with client as entered:
        assert entered is client
        assert client.is_closed() is False
    assert client.is_closed() is True
    client.close()  # closing twice is fine
    assert client.is_closed() is True


def test_sync_close_closes_an_external_http_client() -> None:
    http = httpx.Client()
    client = sync_client(http_client=http)
    assert client._client is http
    client.close()
    assert http.is_closed


@pytest.mark.anyio
async def test_async_close_and_context_manager() -> None:
    http = httpx.AsyncClient()
    client = async_client(http_client=http)
    async with client as entered:
        assert entered is client
        assert client.is_closed() is False
    assert client.is_closed() is True
    assert http.is_closed
    await client.close()


def test_sync_closed_client_refuses_requests_immediately(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: List[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        route = mock.get("/v1/x").respond(200, json={})
        client = sync_client(max_retries=5)
        client.close()
        started = time.monotonic()
        with pytest.raises(APIConnectionError) as info:
            client.get("/v1/x", cast_to=dict)
        elapsed = time.monotonic() - started
    assert route.call_count == 0
    assert slept == []
    assert elapsed < 0.2
    assert "closed" in info.value.message.lower()
    assert info.value.request.url == f"{BASE_URL}/v1/x"


@pytest.mark.anyio
async def test_async_closed_client_refuses_requests_immediately(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: List[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(anyio, "sleep", fake_sleep)
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        route = mock.post("/v1/x").respond(200, json={})
        client = async_client(max_retries=5)
        await client.close()
        with pytest.raises(APIConnectionError) as info:
            await client.post("/v1/x", cast_to=dict, body={})
    assert route.call_count == 0
    assert slept == []
    assert "closed" in info.value.message.lower()


def test_construction_failure_leaves_nothing_to_close() -> None:
    with pytest.raises(CerebrasError):
        Cerebras(base_url=BASE_URL)
    gc.collect()  # the half-built client must not blow up in a finaliser


# =========================================================================== copy / with_options


def test_with_options_is_copy() -> None:
    assert Cerebras.with_options is Cerebras.copy
    assert AsyncCerebras.with_options is AsyncCerebras.copy


def test_copy_keeps_everything_by_default(cls: type) -> None:
    original = build(
        cls,
        api_key="k1",
        base_url="http://127.0.0.1:1/p",
        timeout=7.0,
        max_retries=4,
        default_headers={"X-A": "a"},
        default_query={"q": "1"},
    )
    copy = original.copy()
    assert type(copy) is cls
    assert copy is not original
    assert copy.api_key == "k1"
    assert copy.base_url == "http://127.0.0.1:1/p/"
    assert copy.timeout == 7.0
    assert copy.max_retries == 4
    assert copy.default_headers == original.default_headers
    assert copy.default_query == {"q": "1"}
    assert copy._client is original._client


def test_copy_overrides(cls: type) -> None:
    original = build(cls, api_key="k1", timeout=7.0, max_retries=4)
    assert original.copy(api_key="k2").api_key == "k2"
    assert original.copy(api_key="").api_key == "k1"
    assert original.copy(base_url="http://127.0.0.1:2/x").base_url == "http://127.0.0.1:2/x/"
    assert original.copy(timeout=None).timeout is None
    assert original.copy(timeout=1.5).timeout == 1.5
    assert original.copy(timeout=not_given).timeout == 7.0
    assert original.copy(max_retries=0).max_retries == 0
    assert original.copy(max_retries=not_given).max_retries == 4
    with pytest.raises(TypeError, match="max_retries"):
        original.copy(max_retries=None)


def test_copy_with_another_http_client(cls: type) -> None:
    http = (httpx.Client if cls is Cerebras else httpx.AsyncClient)()
    original = build(cls, api_key="k")
    copy = original.with_options(http_client=http)
    assert copy._client is http
    assert original._client is not http


def test_copy_header_and_query_merging(cls: type) -> None:
    original = build(
        cls, api_key="k", default_headers={"X-A": "a", "X-B": "b"}, default_query={"a": "1", "b": "2"}
    )
    merged = original.copy(default_headers={"X-B": "B", "X-C": "c"}, default_query={"b": "B", "c": "3"})
    assert merged.default_headers["X-A"] == "a"
    assert merged.default_headers["X-B"] == "B"
    assert merged.default_headers["X-C"] == "c"
    assert merged.default_query == {"a": "1", "b": "B", "c": "3"}

    replaced = original.copy(set_default_headers={"X-C": "c"}, set_default_query={"c": "3"})
    assert "X-A" not in replaced.default_headers
    assert replaced.default_headers["X-C"] == "c"
    assert replaced.default_query == {"c": "3"}
    assert original.default_query == {"a": "1", "b": "2"}


def test_copy_mutually_exclusive_arguments(cls: type) -> None:
    original = build(cls, api_key="k")
    with pytest.raises(ValueError) as info:
        original.copy(default_headers={"a": "1"}, set_default_headers={"b": "2"})
    assert (
        str(info.value) == "The `default_headers` and `set_default_headers` arguments are mutually exclusive"
    )
    with pytest.raises(ValueError) as info:
        original.with_options(default_query={"a": "1"}, set_default_query={"b": "2"})
    assert str(info.value) == "The `default_query` and `set_default_query` arguments are mutually exclusive"


def test_copy_keeps_strict_validation(cls: type) -> None:  # decision 15
    strict = build(cls, api_key="k", _strict_response_validation=True)
    assert strict.copy()._strict_response_validation is True
    assert strict.with_options(max_retries=1)._strict_response_validation is True
    relaxed = strict.copy(_extra_kwargs={"_strict_response_validation": False})
    assert relaxed._strict_response_validation is False


def test_set_default_headers_replaces_env_headers(cls: type, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEREBRAS_CUSTOM_HEADERS", "X-Env: e")
    original = build(cls, api_key="k")
    assert original.default_headers["X-Env"] == "e"
    assert original.copy().default_headers["X-Env"] == "e"
    replaced = original.copy(set_default_headers={"X-New": "n"})
    assert "X-Env" not in replaced.default_headers
    assert replaced.default_headers["X-New"] == "n"


def test_set_default_headers_replaces_env_headers_on_the_wire(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEREBRAS_CUSTOM_HEADERS", "X-Env: e")
    with respx.mock(base_url=BASE_URL) as mock, sync_client() as client:
        route = mock.get("/v1/x").respond(200, json={})
        client.with_options(set_default_headers={}).get("/v1/x", cast_to=dict)
    assert "x-env" not in route.calls.last.request.headers


def test_copy_shares_the_pool_and_closing_either_closes_both() -> None:
    original = sync_client()
    copy = original.with_options(max_retries=0)
    del copy
    gc.collect()
    assert original.is_closed() is False
    copy = original.copy()
    copy.close()
    assert original.is_closed() is True


def test_subclass_copy_keeps_the_subclass() -> None:
    class Mine(Cerebras):
        pass

    client = Mine(api_key="k", base_url=BASE_URL, warm_tcp_connection=False)
    assert type(client.with_options(timeout=1)) is Mine


def test_copies_never_warm_up() -> None:  # decision 3
    with respx.mock(base_url=BASE_URL) as mock:
        warm = mock.get("/v1/tcp_warming").respond(200, text="ok")
        client = Cerebras(api_key="k", base_url=BASE_URL)
        assert warm.call_count == 1
        client.copy()
        client.with_options(max_retries=0, timeout=3)
        client.copy(warm_tcp_connection=True)
        assert warm.call_count == 1
        client.close()


@pytest.mark.anyio
async def test_async_copies_never_warm_up() -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        warm = mock.get("/v1/tcp_warming").respond(200, text="ok")
        other = mock.get("/v1/x").respond(200, json={})
        client = AsyncCerebras(api_key="k", base_url=BASE_URL)
        await client.get("/v1/x", cast_to=dict)
        await anyio.sleep(0.01)  # let a background warm-up (asyncio) finish
        copy = client.with_options(max_retries=0)
        await copy.get("/v1/x", cast_to=dict)
        await client.close()
    assert warm.call_count == 1
    assert other.call_count == 2


# =========================================================================== warm-up against a real server


class Loopback:
    """The suite's loopback `MockCerebrasServer` (the `mock_server` fixture), scripted to answer
    every path, the warm-up probe included, per `mode`: `{"ok": true}`, a 500, or nothing for
    five seconds ("hang"). Requests are seen in arrival order, warm-up probes included."""

    def __init__(self, mock: MockCerebrasServer) -> None:
        self.mock = mock
        self.mode = "ok"

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, mode: str) -> None:
        self._mode = mode
        self.mock.clear_script()
        if mode == "ok":
            self.mock.add_json({"ok": True}, route="*", times=None)
        elif mode == "fail":
            self.mock.add_json({"ok": True}, status=500, route="*", times=None)
        else:
            assert mode == "hang", mode
            self.mock.add_json({"ok": True}, route="*", times=None, delay=5.0)

    @property
    def base_url(self) -> str:
        return self.mock.base_url

    @property
    def requests(self) -> List[Tuple[str, str, Dict[str, str], bytes]]:
        received = self.mock.wait_for_requests(0, 0, include_warmup=True)
        return [(r.method, r.path, dict(r.headers.items()), r.body) for r in received]

    def paths(self) -> List[str]:
        return [path for _, path, _, _ in self.requests]

    def wait_for(self, count: int, timeout: float = 3.0) -> None:
        try:
            self.mock.wait_for_requests(count, timeout, include_warmup=True)
        except TimeoutError:
            pass

    def wait_for_arrival(self, timeout: float) -> None:
        self.wait_for(1, timeout)


@pytest.fixture
def server(mock_server: MockCerebrasServer) -> Loopback:
    return Loopback(mock_server)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sync_warm_up_sends_one_probe(server: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEREBRAS_CUSTOM_HEADERS", "X-Env: e")
    client = Cerebras(api_key=API_KEY, base_url=server.base_url, default_headers={"X-Arg": "a"})
    try:
        assert len(server.requests) == 1
        method, path, headers, body = server.requests[0]
        lower = {k.lower(): v for k, v in headers.items()}
        assert (method, path, body) == ("GET", "/v1/tcp_warming", b"")
        assert lower["x-stainless-read-timeout"] == "1"
        assert lower["x-stainless-retry-count"] == "0"
        assert lower["authorization"] == f"Bearer {API_KEY}"
        assert lower["user-agent"].startswith("Cerebras/Python ")
        assert lower["x-stainless-async"] == "false"
        assert lower["accept"] == "application/json"
        assert lower["x-env"] == "e"
        assert lower["x-arg"] == "a"
        assert "content-type" not in lower
        client.get("/v1/next", cast_to=dict)
        assert server.paths() == ["/v1/tcp_warming", "/v1/next"]
    finally:
        client.close()


def test_sync_warm_up_failure_is_swallowed_without_retries(
    server: Loopback, caplog: pytest.LogCaptureFixture
) -> None:
    server.mode = "fail"
    caplog.set_level(logging.DEBUG, logger="cerebras.cloud.sdk")
    started = time.monotonic()
    client = Cerebras(api_key=API_KEY, base_url=server.base_url, max_retries=5)
    elapsed = time.monotonic() - started
    client.close()
    assert elapsed < 1.5
    assert server.paths() == ["/v1/tcp_warming"]
    warm_logs = [r for r in caplog.records if r.getMessage().startswith("TCP Warming had exception")]
    assert warm_logs and warm_logs[0].name == "cerebras.cloud.sdk._client"
    assert warm_logs[0].levelno == logging.DEBUG


def test_sync_warm_up_against_an_unreachable_server_is_fast() -> None:
    started = time.monotonic()
    client = Cerebras(api_key=API_KEY, base_url=f"http://127.0.0.1:{free_port()}")
    elapsed = time.monotonic() - started
    client.close()
    assert elapsed < 1.5


@pytest.mark.slow  # over a second
def test_sync_warm_up_against_a_hanging_server_gives_up_after_a_second(server: Loopback) -> None:
    server.mode = "hang"
    started = time.monotonic()
    client = Cerebras(api_key=API_KEY, base_url=server.base_url)
    elapsed = time.monotonic() - started
    client.close()
    assert 0.9 <= elapsed <= 1.4
    assert server.paths() == ["/v1/tcp_warming"]


def test_no_warm_up_when_disabled(server: Loopback) -> None:
    Cerebras(api_key=API_KEY, base_url=server.base_url, warm_tcp_connection=False).close()
    asyncio.run(AsyncCerebras(api_key=API_KEY, base_url=server.base_url, warm_tcp_connection=False).close())

    async def inside() -> None:
        client = AsyncCerebras(api_key=API_KEY, base_url=server.base_url, warm_tcp_connection=False)
        await asyncio.sleep(0.05)
        await client.close()

    asyncio.run(inside())
    time.sleep(0.05)
    assert server.requests == []


@pytest.mark.anyio
async def test_async_warm_up_inside_a_running_loop_does_not_block(
    server: Loopback, anyio_backend: str
) -> None:
    server.mode = "hang"
    seen: List[str] = []

    async def hook(request: httpx.Request) -> None:
        seen.append(request.url.path)

    http = httpx.AsyncClient(event_hooks={"request": [hook]})
    started = time.monotonic()
    client = AsyncCerebras(api_key=API_KEY, base_url=server.base_url, http_client=http)
    assert time.monotonic() - started < 0.2
    try:
        if anyio_backend == "asyncio":
            # runs as a background task on the client's own pool
            await anyio.to_thread.run_sync(server.wait_for_arrival, 2.0)
            assert server.paths() == ["/v1/tcp_warming"]
            assert seen == ["/v1/tcp_warming"]
            headers = {k.lower(): v for k, v in server.requests[0][2].items()}
            assert headers["x-stainless-async"] == "async:asyncio"
            assert headers["x-stainless-read-timeout"] == "1"
        else:
            # no asyncio loop to schedule on: the warm-up waits for the first request
            await anyio.sleep(0.05)
            assert server.requests == []
    finally:
        await client.close()


@pytest.mark.anyio
async def test_async_warm_up_happens_once_inside_a_loop(server: Loopback, anyio_backend: str) -> None:
    client = AsyncCerebras(api_key=API_KEY, base_url=server.base_url)
    try:
        assert await client.get("/v1/first", cast_to=dict) == {"ok": True}
        await client.get("/v1/second", cast_to=dict)
        server.wait_for(3)
    finally:
        await client.close()
    paths = server.paths()
    assert sorted(paths) == ["/v1/first", "/v1/second", "/v1/tcp_warming"]
    assert paths.index("/v1/first") < paths.index("/v1/second")
    if anyio_backend == "trio":  # no background task: warmed just before the first request
        assert paths[0] == "/v1/tcp_warming"


@pytest.mark.parametrize("runner", ["asyncio", "trio"])
def test_async_constructed_outside_a_loop_warms_before_first_request(server: Loopback, runner: str) -> None:
    seen: List[str] = []

    async def hook(request: httpx.Request) -> None:
        seen.append(request.url.path)

    started = time.monotonic()
    client = AsyncCerebras(
        api_key=API_KEY,
        base_url=server.base_url,
        http_client=httpx.AsyncClient(event_hooks={"request": [hook]}),
    )
    assert time.monotonic() - started < 0.2
    assert server.requests == []

    async def main() -> Any:
        try:
            return await client.get("/v1/first", cast_to=dict)
        finally:
            await client.close()

    assert anyio.run(main, backend=runner) == {"ok": True}
    assert server.paths() == ["/v1/tcp_warming", "/v1/first"]
    assert seen == ["/v1/tcp_warming", "/v1/first"]
    headers = {k.lower(): v for k, v in server.requests[0][2].items()}
    assert headers["x-stainless-async"] == f"async:{runner}"
    assert headers["user-agent"].startswith("AsyncCerebras/Python ")


def test_async_warm_up_failure_does_not_break_the_first_request(server: Loopback) -> None:
    server.mode = "fail"
    client = AsyncCerebras(api_key=API_KEY, base_url=server.base_url, max_retries=0)

    async def main() -> None:
        try:
            with pytest.raises(InternalServerError):
                await client.get("/v1/first", cast_to=dict)
        finally:
            await client.close()

    asyncio.run(main())
    assert server.paths() == ["/v1/tcp_warming", "/v1/first"]


def test_async_warm_up_against_unreachable_server_is_quick() -> None:
    client = AsyncCerebras(api_key=API_KEY, base_url=f"http://127.0.0.1:{free_port()}", max_retries=0)

    async def main() -> None:
        try:
            with pytest.raises(APIConnectionError):
                await client.get("/v1/first", cast_to=dict)
        finally:
            await client.close()

    started = time.monotonic()
    asyncio.run(main())
    assert time.monotonic() - started < 1.5


# =========================================================================== low-level verbs


class Thing(BaseModel):
    id: str
    count: Optional[int] = None


class PlainThing(pydantic.BaseModel):
    id: str


class MyResponse(httpx.Response):
    pass


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete"])
def test_each_verb_sends_its_method(mock: respx.MockRouter, verb: str) -> None:
    route = mock.route(method=verb.upper(), path="/v1/thing").respond(200, json={"id": "t", "count": 2})
    with sync_client() as client:
        result = getattr(client, verb)("/v1/thing", cast_to=Thing)
    assert isinstance(result, Thing)
    assert (result.id, result.count) == ("t", 2)
    assert route.calls.last.request.method == verb.upper()


@pytest.mark.anyio
@pytest.mark.parametrize("verb", ["get", "post", "put", "patch", "delete"])
async def test_each_async_verb_sends_its_method(mock: respx.MockRouter, verb: str) -> None:
    route = mock.route(method=verb.upper(), path="/v1/thing").respond(200, json={"id": "t"})
    async with async_client() as client:
        result = await getattr(client, verb)("/v1/thing", cast_to=dict)
    assert result == {"id": "t"}
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("cast_to", "content", "ctype", "expected"),
    [
        (str, b"hello", "text/plain", "hello"),
        (bytes, b"\x00\x01", "application/octet-stream", b"\x00\x01"),
        (int, b"42", "text/plain", 42),
        (float, b"2.5", "text/plain", 2.5),
        (bool, b"true", "text/plain", True),
        (bool, b"TRUE", "text/plain", True),
        (bool, b"false", "text/plain", False),
        (bool, b"yes", "text/plain", False),
        (NoneType, b'{"a": 1}', "application/json", None),
        (dict, b'{"a": [1, 2]}', "application/json", {"a": [1, 2]}),
        (dict, b'{"a": 1}', "text/plain", '{"a": 1}'),  # non-JSON content type: raw text
    ],
)
def test_cast_to_simple_types(
    mock: respx.MockRouter, cast_to: Any, content: bytes, ctype: str, expected: Any
) -> None:
    mock.get("/v1/x").respond(200, content=content, headers={"content-type": ctype})
    with sync_client() as client:
        result = client.get("/v1/x", cast_to=cast_to)
    assert result == expected
    assert type(result) is type(expected)


def test_cast_to_httpx_response(mock: respx.MockRouter) -> None:
    mock.get("/v1/x").respond(201, text="raw body")
    with sync_client() as client:
        result = client.get("/v1/x", cast_to=httpx.Response)
    assert isinstance(result, httpx.Response)
    assert result.status_code == 201
    assert result.text == "raw body"


def test_cast_to_sdk_model_even_without_json_content_type(mock: respx.MockRouter) -> None:
    mock.get("/v1/x").respond(200, content=b'{"id": "z", "extra": 1}', headers={"content-type": "text/plain"})
    with sync_client() as client:
        result = client.get("/v1/x", cast_to=Thing)
    assert isinstance(result, Thing)
    assert result.id == "z"


def test_cast_to_plain_pydantic_model_is_a_type_error(mock: respx.MockRouter) -> None:
    mock.get("/v1/x").respond(200, json={"id": "a"})
    with sync_client() as client, pytest.raises(TypeError, match="BaseModel"):
        client.get("/v1/x", cast_to=PlainThing)


def test_cast_to_response_subclass_is_a_value_error(mock: respx.MockRouter) -> None:
    mock.get("/v1/x").respond(200, json={"id": "a"})
    with sync_client() as client, pytest.raises(ValueError, match=r"httpx\.Response"):
        client.get("/v1/x", cast_to=MyResponse)


@pytest.mark.anyio
async def test_async_cast_to(mock: respx.MockRouter) -> None:
    mock.get("/v1/text").respond(200, text="7")
    mock.get("/v1/model").respond(200, json={"id": "m"})
    async with async_client() as client:
        assert await client.get("/v1/text", cast_to=int) == 7
        assert await client.get("/v1/text", cast_to=str) == "7"
        raw = await client.get("/v1/text", cast_to=httpx.Response)
        assert raw.text == "7"
        model = await client.get("/v1/model", cast_to=Thing)
        assert isinstance(model, Thing) and model.id == "m"
        with pytest.raises(TypeError):
            await client.get("/v1/model", cast_to=PlainThing)


def test_options_headers_params_timeout_retries(
    mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "sleep", lambda s: None)
    route = mock.get("/v1/x").mock(side_effect=[httpx.Response(500), httpx.Response(200, json={})])
    with sync_client(max_retries=0) as client:
        client.get(
            "/v1/x",
            cast_to=dict,
            options={"max_retries": 1, "timeout": 4.0, "headers": {"X-Call": "1"}, "params": {"p": "v"}},
        )
    request = route.calls.last.request
    assert route.call_count == 2
    assert request.headers["x-call"] == "1"
    assert request.url.params["p"] == "v"
    assert request.extensions["timeout"] == httpx.Timeout(4.0).as_dict()
    assert request.headers["x-stainless-read-timeout"] == "4.0"


def test_redirects_followed_by_default_but_not_when_disabled(mock: respx.MockRouter) -> None:
    mock.get("/v1/old").respond(307, headers={"location": f"{BASE_URL}/v1/new"})
    mock.get("/v1/new").respond(200, json={"moved": True})
    with sync_client() as client:
        assert client.get("/v1/old", cast_to=dict) == {"moved": True}
        with pytest.raises(APIStatusError) as info:
            client.get("/v1/old", cast_to=dict, options={"follow_redirects": False})
    assert type(info.value) is APIStatusError
    assert info.value.status_code == 307


@pytest.mark.anyio
async def test_async_options(mock: respx.MockRouter) -> None:
    route = mock.post("/v1/x").respond(200, json={})
    mock.get("/v1/old").respond(302, headers={"location": f"{BASE_URL}/v1/x"})
    async with async_client() as client:
        await client.post(
            "/v1/x", cast_to=dict, body={"a": 1}, options={"headers": {"X-Call": "1"}, "params": {"p": "v"}}
        )
        with pytest.raises(APIStatusError) as info:
            await client.get("/v1/old", cast_to=dict, options={"follow_redirects": False})
    assert route.calls.last.request.headers["x-call"] == "1"
    assert route.calls.last.request.url.params["p"] == "v"
    assert info.value.status_code == 302


def test_body_and_content_together_is_a_type_error(mock: respx.MockRouter) -> None:
    route = mock.post("/v1/x").respond(200, json={})
    with sync_client() as client:
        with pytest.raises(TypeError, match="Passing both `body` and `content` is not supported"):
            client.post("/v1/x", cast_to=dict, body={"a": 1}, content=b"x")
        with pytest.raises(TypeError, match="content"):
            client.post("/v1/x", cast_to=dict, files={"f": b"x"}, content=b"x")
    assert route.call_count == 0


@pytest.mark.anyio
async def test_async_body_and_content_together_is_a_type_error(mock: respx.MockRouter) -> None:
    async with async_client() as client:
        with pytest.raises(TypeError, match="Passing both `body` and `content` is not supported"):
            await client.put("/v1/x", cast_to=dict, body={"a": 1}, content=b"x")


def test_bytes_body_is_deprecated_but_sent_raw(mock: respx.MockRouter) -> None:
    route = mock.post("/v1/x").respond(200, json={})
    with sync_client() as client, pytest.warns(DeprecationWarning) as caught:
        client.post("/v1/x", cast_to=dict, body=b"\x00raw bytes")
    assert route.calls.last.request.content == b"\x00raw bytes"
    # The official package's wording, word for word.
    assert [str(w.message) for w in caught] == [
        "Passing raw bytes as `body` is deprecated and will be removed in a future version. "
        "Please pass raw bytes via the `content` parameter instead."
    ]
    assert caught[0].filename == __file__  # reported at the caller's line


def test_content_is_sent_raw(mock: respx.MockRouter) -> None:
    route = mock.route(path="/v1/x").respond(200, json={})
    with sync_client() as client, warnings.catch_warnings():
        warnings.simplefilter("error")
        client.post("/v1/x", cast_to=dict, content=b'{"not": "re-encoded"}  ')
        client.put("/v1/x", cast_to=dict, content=bytearray(b"ba"))
        client.patch("/v1/x", cast_to=dict, content=iter([b"chunk1", b"chunk2"]))
    requests = [call.request for call in route.calls]
    assert requests[0].content == b'{"not": "re-encoded"}  '
    assert requests[1].content == b"ba"
    assert requests[2].read() == b"chunk1chunk2"


def test_files_are_sent_as_multipart(mock: respx.MockRouter) -> None:
    route = mock.post("/v1/upload").respond(200, json={})
    with sync_client() as client:
        client.post(
            "/v1/upload",
            cast_to=dict,
            body={"purpose": "test", "tags": ["a", "b"], "meta": {"k": "v"}},
            files={"file": ("data.txt", b"file-bytes", "text/plain")},
        )
    request = route.calls.last.request
    ctype = request.headers["content-type"]
    assert ctype.startswith("multipart/form-data; boundary=")
    assert request.headers.get_list("content-type") == [ctype]
    body = request.read()
    assert b'name="file"; filename="data.txt"' in body
    assert b"file-bytes" in body
    assert b'name="purpose"\r\n\r\ntest' in body
    assert b'name="tags[]"\r\n\r\na' in body
    assert b'name="tags[]"\r\n\r\nb' in body
    assert b'name="meta[k]"\r\n\r\nv' in body


@pytest.mark.anyio
async def test_async_files_and_content(mock: respx.MockRouter) -> None:
    route = mock.post("/v1/upload").respond(200, json={})
    async with async_client() as client:
        await client.post("/v1/upload", cast_to=dict, files={"file": ("a.bin", b"A")})
        await client.post("/v1/upload", cast_to=dict, content=b"raw")
    first, second = (call.request for call in route.calls)
    assert first.headers["content-type"].startswith("multipart/form-data")
    assert second.content == b"raw"


def test_stream_without_stream_class_is_a_type_error(mock: respx.MockRouter) -> None:
    mock.get("/v1/x").respond(200, text="data: {}\n\n", headers={"content-type": "text/event-stream"})
    with sync_client() as client, pytest.raises(TypeError):
        client.get("/v1/x", cast_to=dict, stream=True)


def test_omit_in_default_query_and_headers_through_copy(mock: respx.MockRouter) -> None:
    route = mock.get("/v1/x").respond(200, json={})
    with sync_client(default_query={"a": "1", "b": "2"}, default_headers={"X-A": "a"}) as client:
        copy = client.with_options(default_query={"b": omit}, default_headers={"X-A": omit})
        copy.get("/v1/x", cast_to=dict)
    request = route.calls.last.request
    assert request.url.query == b"a=1"
    assert "x-a" not in request.headers

"""The header set of client.md §8.2, merged case-insensitively (decision 13)."""

from __future__ import annotations

import platform
import sys
from typing import Any, Iterator, List, Tuple

import httpx
import pytest
import respx

from cerebras.cloud.sdk import AsyncCerebras, Cerebras, __version__, _platform, omit

BASE_URL = "http://127.0.0.1:4010"
API_KEY = "csk-header-key"
HTTPX_ADDED = {"host", "accept-encoding", "connection", "content-length"}


def ours(request: httpx.Request) -> List[Tuple[str, str]]:
    """The header lines we are responsible for, in wire order, with their original spelling."""
    return [
        (name.decode(), value.decode())
        for name, value in request.headers.raw
        if name.decode().lower() not in HTTPX_ADDED
    ]


def expected_os() -> str:
    if sys.platform.startswith("linux"):
        return "Linux"
    if sys.platform == "darwin":
        return "MacOS"
    if sys.platform in ("win32", "cygwin"):
        return "Windows"
    pytest.skip("expected OS name only written down for Linux, macOS and Windows")


def expected_arch() -> str:
    machine = platform.machine().lower()
    table = {
        "x86_64": "x64",
        "amd64": "x64",
        "arm64": "arm64",
        "aarch64": "arm64",
        "i386": "x32",
        "i686": "x32",
    }
    if machine not in table:
        pytest.skip(f"expected arch only written down for {sorted(table)}")
    return table[machine]


def telemetry() -> List[Tuple[str, str]]:
    return [
        ("X-Stainless-Lang", "python"),
        ("X-Stainless-Package-Version", __version__),
        ("X-Stainless-OS", expected_os()),
        ("X-Stainless-Arch", expected_arch()),
        ("X-Stainless-Runtime", platform.python_implementation()),
        ("X-Stainless-Runtime-Version", platform.python_version()),
    ]


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL) as router:
        router.route(url__startswith=BASE_URL).respond(200, json={})
        yield router


def last(mock: respx.MockRouter) -> httpx.Request:
    return mock.calls.last.request


def sync_client(**kwargs: Any) -> Cerebras:
    return Cerebras(api_key=API_KEY, base_url=BASE_URL, warm_tcp_connection=False, **kwargs)


def async_client(**kwargs: Any) -> AsyncCerebras:
    return AsyncCerebras(api_key=API_KEY, base_url=BASE_URL, warm_tcp_connection=False, **kwargs)


# --------------------------------------------------------------------------- the full set, in order


def test_sync_post_header_set_in_order(mock: respx.MockRouter) -> None:
    with sync_client() as client:
        client.post("/v1/x", cast_to=dict, body={"a": 1})
    assert ours(last(mock)) == [
        ("Accept", "application/json"),
        ("Content-Type", "application/json"),
        ("User-Agent", f"Cerebras/Python {__version__}"),
        *telemetry(),
        ("Authorization", f"Bearer {API_KEY}"),
        ("X-Stainless-Async", "false"),
        ("x-stainless-retry-count", "0"),
        ("x-stainless-read-timeout", "60"),
    ]


def test_sync_get_has_the_same_set_without_content_type(mock: respx.MockRouter) -> None:
    with sync_client() as client:
        client.get("/v1/x", cast_to=dict)
    names = [name for name, _ in ours(last(mock))]
    assert names == [
        "Accept",
        "User-Agent",
        *(name for name, _ in telemetry()),
        "Authorization",
        "X-Stainless-Async",
        "x-stainless-retry-count",
        "x-stainless-read-timeout",
    ]


def test_httpx_transport_headers_are_still_sent(mock: respx.MockRouter) -> None:
    with sync_client() as client:
        client.post("/v1/x", cast_to=dict, body={})
    headers = last(mock).headers
    assert headers["host"] == "127.0.0.1:4010"
    assert "gzip" in headers["accept-encoding"]
    assert headers["connection"] == "keep-alive"
    assert headers["content-length"] == "2"


def test_no_idempotency_header_is_sent(mock: respx.MockRouter) -> None:
    with sync_client() as client:
        client.post("/v1/x", cast_to=dict, body={}, options={"idempotency_key": "abc"})
    assert not [name for name in last(mock).headers if "idempotency" in name.lower()]


@pytest.mark.anyio
async def test_async_header_set_in_order(mock: respx.MockRouter, anyio_backend: str) -> None:
    async with async_client() as client:
        await client.post("/v1/x", cast_to=dict, body={"a": 1})
    assert ours(last(mock)) == [
        ("Accept", "application/json"),
        ("Content-Type", "application/json"),
        ("User-Agent", f"AsyncCerebras/Python {__version__}"),
        *telemetry(),
        ("Authorization", f"Bearer {API_KEY}"),
        ("X-Stainless-Async", f"async:{anyio_backend}"),
        ("x-stainless-retry-count", "0"),
        ("x-stainless-read-timeout", "60"),
    ]


# --------------------------------------------------------------------------- merging (decision 13)


def test_case_insensitive_merge_one_line_per_header(mock: respx.MockRouter) -> None:
    with sync_client(default_headers={"X-Foo": "a", "X-Keep": "k"}) as client:
        client.get(
            "/v1/x",
            cast_to=dict,
            options={"headers": {"x-foo": "b", "authorization": "Bearer other", "ACCEPT": "text/plain"}},
        )
    lines = ours(last(mock))
    lowered = [name.lower() for name, _ in lines]
    assert len(lowered) == len(set(lowered))
    as_dict = {name.lower(): value for name, value in lines}
    assert as_dict["x-foo"] == "b"
    assert as_dict["authorization"] == "Bearer other"
    assert as_dict["accept"] == "text/plain"
    assert as_dict["x-keep"] == "k"


def test_custom_headers_sit_after_authorization_and_can_override_async(mock: respx.MockRouter) -> None:
    with sync_client(default_headers={"X-Custom": "1", "x-stainless-async": "custom"}) as client:
        client.get("/v1/x", cast_to=dict)
    lines = ours(last(mock))
    names = [name.lower() for name, _ in lines]
    assert names.index("authorization") < names.index("x-custom")
    assert dict((n.lower(), v) for n, v in lines)["x-stainless-async"] == "custom"
    assert names.count("x-stainless-async") == 1


def test_default_headers_override_builtin_headers(mock: respx.MockRouter) -> None:
    with sync_client(default_headers={"user-agent": "mine/1", "AUTHORIZATION": "Token t"}) as client:
        client.get("/v1/x", cast_to=dict)
    headers = last(mock).headers
    assert headers.get_list("user-agent") == ["mine/1"]
    assert headers.get_list("authorization") == ["Token t"]


def test_env_custom_headers_are_sent_under_explicit_ones(
    mock: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CEREBRAS_CUSTOM_HEADERS", "X-Env: from-env\nX-Both: env\nbroken line")
    with sync_client(default_headers={"x-both": "arg"}) as client:
        client.get("/v1/x", cast_to=dict, options={"headers": {"X-Call": "c"}})
    headers = last(mock).headers
    assert headers["x-env"] == "from-env"
    assert headers.get_list("x-both") == ["arg"]
    assert headers["x-call"] == "c"


def test_omit_removes_headers(mock: respx.MockRouter) -> None:
    with sync_client(default_headers={"X-Stainless-Lang": omit}) as client:
        client.post(
            "/v1/x",
            cast_to=dict,
            body={},
            options={"headers": {"user-agent": omit, "Accept": omit, "X-Stainless-Arch": omit}},
        )
    headers = last(mock).headers
    assert headers["user-agent"] == f"python-httpx/{httpx.__version__}"
    assert headers["accept"] == "*/*"  # httpx's own default
    assert "x-stainless-lang" not in headers
    assert "x-stainless-arch" not in headers
    assert headers["x-stainless-os"]


def test_http_client_default_headers_are_kept_under_ours(mock: respx.MockRouter) -> None:
    http = httpx.Client(headers={"X-Proxy-Token": "p", "User-Agent": "theirs"})
    with sync_client(http_client=http) as client:
        client.get("/v1/x", cast_to=dict)
        client.get("/v1/x", cast_to=dict, options={"headers": {"User-Agent": omit}})
    first, second = (call.request.headers for call in mock.calls)
    assert first["x-proxy-token"] == "p"
    assert first["user-agent"] == f"Cerebras/Python {__version__}"
    assert second["user-agent"] == "theirs"


# --------------------------------------------------------------------------- retry-count and read-timeout


def test_client_level_retry_count_header_is_overwritten(mock: respx.MockRouter) -> None:
    with sync_client(default_headers={"X-Stainless-Retry-Count": "99", "x-stainless-read-timeout": "5"}) as c:
        c.get("/v1/x", cast_to=dict)
    headers = last(mock).headers
    assert headers.get_list("x-stainless-retry-count") == ["0"]
    assert headers.get_list("x-stainless-read-timeout") == ["60"]


def test_per_request_retry_count_and_read_timeout_are_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda s: None)
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").mock(side_effect=[httpx.Response(500), httpx.Response(200, json={})])
        with sync_client() as c:
            c.get(
                "/v1/x",
                cast_to=dict,
                options={"headers": {"X-Stainless-Retry-Count": "7", "X-STAINLESS-READ-TIMEOUT": "abc"}},
            )
    for call in route.calls:
        assert call.request.headers.get_list("x-stainless-retry-count") == ["7"]
        assert call.request.headers.get_list("x-stainless-read-timeout") == ["abc"]


def test_per_request_omit_removes_retry_count_and_read_timeout(mock: respx.MockRouter) -> None:
    with sync_client() as c:
        c.get(
            "/v1/x",
            cast_to=dict,
            options={"headers": {"x-stainless-retry-count": omit, "x-stainless-read-timeout": omit}},
        )
    headers = last(mock).headers
    assert "x-stainless-retry-count" not in headers
    assert "x-stainless-read-timeout" not in headers


@pytest.mark.parametrize(
    ("client_timeout", "request_timeout", "expected"),
    [
        ("default", "unset", "60"),
        (20.0, "unset", "20.0"),
        (httpx.Timeout(10, read=3.5), "unset", "3.5"),
        (None, "unset", None),
        ("default", 20.0, "20.0"),
        ("default", httpx.Timeout(10, read=3.5), "3.5"),
        ("default", None, None),
        (None, 5, "5"),
        (httpx.Timeout(10, read=None), "unset", None),
    ],
)
def test_read_timeout_header_values(
    mock: respx.MockRouter, client_timeout: Any, request_timeout: Any, expected: Any
) -> None:
    kwargs = {} if client_timeout == "default" else {"timeout": client_timeout}
    options = {} if request_timeout == "unset" else {"timeout": request_timeout}
    with sync_client(**kwargs) as c:
        c.get("/v1/x", cast_to=dict, options=options)  # type: ignore[arg-type]
    assert last(mock).headers.get("x-stainless-read-timeout") == expected


@pytest.mark.anyio
async def test_async_read_timeout_and_retry_count(mock: respx.MockRouter) -> None:
    async with async_client(timeout=httpx.Timeout(10, read=3.5)) as c:
        await c.get("/v1/x", cast_to=dict)
        assert last(mock).headers["x-stainless-read-timeout"] == "3.5"
        await c.get(
            "/v1/x", cast_to=dict, options={"timeout": None, "headers": {"x-stainless-retry-count": "4"}}
        )
        assert "x-stainless-read-timeout" not in last(mock).headers
        assert last(mock).headers["x-stainless-retry-count"] == "4"


@pytest.mark.anyio
async def test_async_merge_and_omit(mock: respx.MockRouter) -> None:
    async with async_client(default_headers={"X-Foo": "a"}) as c:
        await c.get("/v1/x", cast_to=dict, options={"headers": {"x-foo": "b", "User-Agent": omit}})
    headers = last(mock).headers
    assert headers.get_list("x-foo") == ["b"]
    assert headers["user-agent"].startswith("python-httpx/")


# --------------------------------------------------------------------------- client properties


def test_subclass_changes_user_agent(mock: respx.MockRouter) -> None:
    class MyClient(Cerebras):
        pass

    with MyClient(api_key=API_KEY, base_url=BASE_URL, warm_tcp_connection=False) as c:
        assert c.user_agent == f"MyClient/Python {__version__}"
        c.get("/v1/x", cast_to=dict)
    assert last(mock).headers["user-agent"] == f"MyClient/Python {__version__}"


def test_auth_headers_user_agent_and_custom_auth() -> None:
    with sync_client() as c:
        assert c.auth_headers == {"Authorization": f"Bearer {API_KEY}"}
        assert c.user_agent == f"Cerebras/Python {__version__}"
        assert c.custom_auth is None
    a = async_client()
    assert a.user_agent == f"AsyncCerebras/Python {__version__}"
    assert a.auth_headers == {"Authorization": f"Bearer {API_KEY}"}
    assert a.custom_auth is None


def test_default_headers_property_is_the_merged_client_layer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CEREBRAS_CUSTOM_HEADERS", "X-Env: e")
    with sync_client(default_headers={"X-Arg": "a", "accept": "text/x"}) as c:
        headers = c.default_headers
    assert headers["X-Env"] == "e"
    assert headers["X-Arg"] == "a"
    assert headers["accept"] == "text/x"
    assert "Accept" not in headers
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == f"Cerebras/Python {__version__}"
    assert headers["X-Stainless-Async"] == "false"
    assert headers["X-Stainless-Lang"] == "python"
    assert "x-stainless-retry-count" not in {k.lower() for k in headers}


def test_changing_api_key_changes_authorization(mock: respx.MockRouter) -> None:
    with sync_client() as c:
        c.get("/v1/x", cast_to=dict)
        c.api_key = "csk-rotated"
        c.get("/v1/x", cast_to=dict)
    first, second = (call.request.headers["authorization"] for call in mock.calls)
    assert first == f"Bearer {API_KEY}"
    assert second == "Bearer csk-rotated"


def test_raw_response_header_is_sent(mock: respx.MockRouter) -> None:
    with sync_client() as c:
        raw: Any = c.get("/v1/x", cast_to=dict, options={"headers": {"X-Stainless-Raw-Response": "raw"}})
    assert raw.status_code == 200
    assert last(mock).headers["x-stainless-raw-response"] == "raw"


# --------------------------------------------------------------------------- telemetry values


@pytest.mark.parametrize(
    ("plat", "expected"),
    [
        ("linux", "Linux"),
        ("darwin", "MacOS"),
        ("win32", "Windows"),
        ("cygwin", "Windows"),
        ("freebsd14", "FreeBSD"),
        ("openbsd7", "OpenBSD"),
        ("ios", "iOS"),
        ("android", "Android"),
    ],
)
def test_os_names(monkeypatch: pytest.MonkeyPatch, plat: str, expected: str) -> None:
    monkeypatch.setattr(sys, "platform", plat)
    assert _platform._os_name() == expected


def test_unknown_os_reports_platform(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "plan9")
    monkeypatch.setattr(platform, "platform", lambda: "Plan9-4th-Edition")
    assert _platform._os_name() == "Other:plan9-4th-edition"


@pytest.mark.parametrize(
    ("machine", "expected"),
    [
        ("x86_64", "x64"),
        ("AMD64", "x64"),
        ("arm64", "arm64"),
        ("aarch64", "arm64"),
        ("armv7l", "arm"),
        ("i686", "x32"),
        ("riscv64", "other:riscv64"),
        ("", "unknown"),
    ],
)
def test_arch_names(monkeypatch: pytest.MonkeyPatch, machine: str, expected: str) -> None:
    monkeypatch.setattr(platform, "machine", lambda: machine)
    assert _platform._arch_name() == expected


def test_telemetry_is_computed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _platform.platform_headers()
    monkeypatch.setattr(platform, "python_version", lambda: "9.9.9")
    assert _platform.platform_headers() is first
    assert first["X-Stainless-Runtime-Version"] == sys.version.split()[0]

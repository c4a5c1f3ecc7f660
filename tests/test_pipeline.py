"""The pure request pipeline, and the requests it builds as seen through the public API."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timezone
from typing import Any, Callable, List, Optional

import httpx
import pydantic
import pytest
import respx

from cerebras.cloud.sdk import (
    DEFAULT_MAX_RETRIES,
    APIConnectionError,
    APITimeoutError,
    AsyncCerebras,
    BaseModel,
    Cerebras,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    not_given,
    omit,
)
from cerebras.cloud.sdk._config import (
    ClientConfig,
    check_max_retries,
    check_timeout,
    merge_headers,
    normalise_base_url,
    parse_custom_headers,
)
from cerebras.cloud.sdk._constants import DEFAULT_TIMEOUT
from cerebras.cloud.sdk._exceptions import status_error_from_response as status_error
from cerebras.cloud.sdk._pipeline import (
    Close,
    FinalRequestOptions,
    Read,
    Send,
    Sleep,
    attempts,
    build_body,
    build_request,
    encode_json,
    should_retry,
    to_jsonable,
)

BASE_URL = "http://127.0.0.1:4010"
API_KEY = "csk-pipeline-key"


@pytest.fixture
def client(make_client: Callable[..., Any]) -> Cerebras:
    """The suite's client (closed at teardown), with the SDK's default retries."""
    return make_client("sync", api_key=API_KEY, base_url=BASE_URL, max_retries=DEFAULT_MAX_RETRIES)


def make_config(**changes: Any) -> ClientConfig:
    """A configuration value built directly: the pipeline needs nothing else."""
    config = ClientConfig(
        api_key=API_KEY,
        base_url=normalise_base_url(BASE_URL),
        timeout=DEFAULT_TIMEOUT,
        max_retries=2,
        custom_headers={},
        default_query={},
        strict=False,
        http_client=httpx.Client(),
        client_name="Cerebras",
    )
    return config.replace(**changes) if changes else config


@pytest.fixture
def config() -> ClientConfig:
    return make_config()


def make_async(**kwargs: Any) -> AsyncCerebras:
    kwargs.setdefault("base_url", BASE_URL)
    return AsyncCerebras(api_key=API_KEY, warm_tcp_connection=False, **kwargs)


# --------------------------------------------------------------------------- small pure helpers


def test_parse_custom_headers_example_from_the_spec() -> None:
    raw = "X-Foo: bar\nX-Baz:  qux : z \nnocolon"
    assert parse_custom_headers(raw) == {"X-Foo": "bar", "X-Baz": "qux : z"}
    assert parse_custom_headers("") == {}
    assert parse_custom_headers("A:\n:b") == {"A": "", "": "b"}


def test_merge_headers_is_case_insensitive_and_later_wins() -> None:
    merged = merge_headers({"X-Foo": "a", "Keep": "k"}, None, {"x-foo": "b"}, {"KEEP": omit})
    assert merged == {"x-foo": ("x-foo", "b")}
    merged = merge_headers({"A": "1"}, {"a": not_given}, {"B": "2"})
    assert merged == {"b": ("B", "2")}


@pytest.mark.parametrize("value", [0, 1, 2, 10**6])
def test_check_max_retries_accepts_non_negative_ints(value: int) -> None:
    assert check_max_retries(value) == value


def test_check_max_retries_messages() -> None:
    with pytest.raises(TypeError, match="max_retries") as none_info:
        check_max_retries(None)
    assert "0" in str(none_info.value)
    with pytest.raises(TypeError, match="max_retries"):
        check_max_retries("3")
    with pytest.raises(TypeError, match="max_retries"):
        check_max_retries(2.0)
    with pytest.raises(TypeError, match="max_retries"):
        check_max_retries(True)
    with pytest.raises(TypeError, match="max_retries"):
        check_max_retries(math.inf)
    with pytest.raises(ValueError, match="max_retries"):
        check_max_retries(-1)


def test_check_timeout() -> None:
    assert check_timeout(None) is None
    assert check_timeout(3) == 3
    t = httpx.Timeout(1.0)
    assert check_timeout(t) is t
    with pytest.raises(TypeError, match="timeout"):
        check_timeout("5")
    with pytest.raises(TypeError, match="timeout"):
        check_timeout(True)
    with pytest.raises(ValueError, match="timeout"):
        check_timeout(-1)
    with pytest.raises(ValueError, match="timeout"):
        check_timeout(float("nan"))


class Message(BaseModel):
    role: str
    content: Optional[str] = None
    tool_calls: Optional[list] = None  # type: ignore[type-arg]


class Plain(pydantic.BaseModel):
    name: str
    alias_field: int = pydantic.Field(default=0, alias="aliasField")
    when: Optional[datetime] = None


def test_to_jsonable_materialises_iterables_and_keeps_strings() -> None:
    value = {
        "tuple": (1, 2),
        "gen": (i * 2 for i in range(3)),
        "range": range(2),
        "set": frozenset({"only"}),
        "text": "abc",
        "nested": {"inner": ("x",), "drop": omit, "drop2": not_given},
        "none": None,
        "list": [(1,), "s"],
    }
    assert to_jsonable(value) == {
        "tuple": [1, 2],
        "gen": [0, 2, 4],
        "range": [0, 1],
        "set": ["only"],
        "text": "abc",
        "nested": {"inner": ["x"]},
        "none": None,
        "list": [[1], "s"],
    }


def test_to_jsonable_models_dates_and_unknown_keys() -> None:
    msg = Message.construct(role="assistant", content="hi")
    plain = Plain(name="n", aliasField=3)
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    out = to_jsonable({"m": msg, "p": plain, "when": when, "day": date(2024, 5, 6), "x-unknown": {"k": 1}})
    assert out == {
        "m": {"role": "assistant", "content": "hi"},
        "p": {"name": "n", "aliasField": 3},
        "when": "2024-01-02T03:04:05+00:00",
        "day": "2024-05-06",
        "x-unknown": {"k": 1},
    }


def test_encode_json_is_compact_utf8_and_refuses_nan() -> None:
    assert encode_json({"a": "é✓", "b": [1, 2.5]}) == '{"a":"é✓","b":[1,2.5]}'.encode()
    for bad in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
            encode_json({"x": bad})
    with pytest.raises(TypeError):
        encode_json({"x": b"raw"})


def test_build_body_merges_extra_json() -> None:
    opts = FinalRequestOptions(
        method="post",
        url="/x",
        json_data={"a": 1, "b": 2, "c": 3},
        extra_json={"b": 20, "d": 4, "c": omit, "a": None, "e": not_given},
    )
    body = build_body(opts)
    assert body == {"a": None, "b": 20, "d": 4}
    assert list(body) == ["a", "b", "d"]
    assert build_body(FinalRequestOptions(method="post", url="/x", extra_json={"k": (1, 2)})) == {"k": [1, 2]}
    assert build_body(FinalRequestOptions(method="post", url="/x")) is None
    with pytest.raises(TypeError, match="extra_body"):
        build_body(FinalRequestOptions(method="post", url="/x", json_data=[1], extra_json={"k": 1}))


def test_options_log_dict_redacts_credentials() -> None:
    opts = FinalRequestOptions(
        method="post",
        url="/x",
        headers={"Authorization": "Bearer secret-123", "X-Ok": "fine"},
        json_data={"a": 1},
        timeout=3.0,
    )
    text = repr(opts)
    assert "secret-123" not in text
    assert "fine" in text
    assert opts.to_log_dict()["timeout"] == 3.0
    assert "max_retries" not in opts.to_log_dict()


# --------------------------------------------------------------------------- should_retry / status_error


def resp(status: int, headers: Optional[dict[str, str]] = None, content: bytes = b"") -> httpx.Response:
    return httpx.Response(
        status, headers=headers, content=content, request=httpx.Request("GET", f"{BASE_URL}/x")
    )


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (405, False),
        (408, True),
        (409, True),
        (413, False),
        (418, False),
        (422, False),
        (429, True),
        (301, False),
        (500, True),
        (502, True),
        (503, True),
        (504, True),
        (599, True),
    ],
)
def test_should_retry_by_status(status: int, expected: bool) -> None:
    assert should_retry(resp(status)) is expected


@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [
        (400, "true", True),
        (404, "true", True),
        (503, "false", False),
        (429, "false", False),
        (400, "True", False),  # only the exact lowercase value counts
        (503, "TRUE", True),  # unrecognised -> status decides
        (503, "no", True),
    ],
)
def test_should_retry_header_overrides_status(status: int, header: str, expected: bool) -> None:
    assert should_retry(resp(status, {"x-should-retry": header})) is expected


def test_status_error_on_unread_body() -> None:
    response = httpx.Response(
        500, stream=httpx.ByteStream(b"never read"), request=httpx.Request("GET", f"{BASE_URL}/x")
    )
    err = status_error(response)
    assert isinstance(err, InternalServerError)
    assert err.message == "Error code: 500"
    assert err.body is None


def test_status_error_from_read_body() -> None:
    err = status_error(resp(404, content=b'{"error": {"message": "gone"}}'))
    assert isinstance(err, NotFoundError)
    assert err.body == {"message": "gone"}
    assert err.message == "Error code: 404 - {'error': {'message': 'gone'}}"


# --------------------------------------------------------------------------- the attempts() generator


def test_attempts_retries_a_server_error_then_returns(config: ClientConfig) -> None:
    plan = attempts(config, FinalRequestOptions(method="get", url="/v1/x"), stream=False)
    first = next(plan)
    assert isinstance(first, Send)
    assert first.request.headers["x-stainless-retry-count"] == "0"
    assert first.stream is False
    failed = resp(503, {"retry-after-ms": "5"})
    close = plan.send(failed)
    assert isinstance(close, Close) and close.response is failed
    sleep = plan.send(None)
    assert isinstance(sleep, Sleep) and sleep.seconds == pytest.approx(0.005)
    second = plan.send(None)
    assert isinstance(second, Send)
    assert second.request.headers["x-stainless-retry-count"] == "1"
    ok = resp(200)
    with pytest.raises(StopIteration) as done:
        plan.send(ok)
    assert done.value.value == (ok, 1)


def test_attempts_wraps_the_last_transport_error(config: ClientConfig) -> None:
    plan = attempts(config, FinalRequestOptions(method="get", url="/v1/x", max_retries=1), stream=False)
    next(plan)
    assert isinstance(plan.send(httpx.ConnectError("no")), Sleep)
    assert isinstance(plan.send(None), Send)
    boom = httpx.ReadTimeout("slow")
    with pytest.raises(APITimeoutError) as info:
        plan.send(boom)
    assert info.value.__cause__ is boom


def test_attempts_reads_an_unread_error_body_before_raising(config: ClientConfig) -> None:
    plan = attempts(config, FinalRequestOptions(method="get", url="/v1/x"), stream=True)
    send = next(plan)
    assert isinstance(send, Send) and send.stream is True
    streamed = httpx.Response(404, stream=httpx.ByteStream(b'{"error":"x"}'), request=send.request)
    read = plan.send(streamed)
    assert isinstance(read, Read) and read.response is streamed
    streamed.read()
    with pytest.raises(NotFoundError) as info:
        plan.send(None)
    assert info.value.body == "x"


def test_attempts_read_failure_becomes_connection_error(config: ClientConfig) -> None:
    plan = attempts(config, FinalRequestOptions(method="get", url="/v1/x"), stream=True)
    send = next(plan)
    streamed = httpx.Response(404, stream=httpx.ByteStream(b"x"), request=send.request)
    assert isinstance(plan.send(streamed), Read)
    broken = httpx.ReadError("reset")
    with pytest.raises(APIConnectionError) as info:
        plan.send(broken)
    assert info.value.__cause__ is broken


def test_attempts_never_retries_success_even_when_asked(config: ClientConfig) -> None:
    plan = attempts(config, FinalRequestOptions(method="get", url="/v1/x"), stream=False)
    next(plan)
    ok = resp(200, {"x-should-retry": "true"})
    with pytest.raises(StopIteration) as done:
        plan.send(ok)
    assert done.value.value == (ok, 0)


# --------------------------------------------------------------------------- build_request directly


def test_build_request_sets_timeout_extension_and_read_timeout_header(config: ClientConfig) -> None:
    req = build_request(config, FinalRequestOptions(method="post", url="/v1/x", json_data={"a": 1}), 2)
    assert req.extensions["timeout"] == {"connect": 5.0, "read": 60, "write": 60, "pool": 60}
    assert req.headers["x-stainless-retry-count"] == "2"
    assert req.headers["x-stainless-read-timeout"] == "60"
    assert req.headers["content-type"] == "application/json"
    assert req.read() == b'{"a":1}'

    no_timeout = build_request(config, FinalRequestOptions(method="get", url="/v1/x", timeout=None), 0)
    assert no_timeout.extensions["timeout"] == {"connect": None, "read": None, "write": None, "pool": None}
    assert "x-stainless-read-timeout" not in no_timeout.headers


def test_build_request_body_is_built_once_per_call(config: ClientConfig) -> None:
    opts = FinalRequestOptions(method="post", url="/v1/x", json_data={"g": (i for i in range(3))})
    first = build_request(config, opts, 0)
    second = build_request(config, opts, 1)
    assert first.read() == second.read() == b'{"g":[0,1,2]}'


# --------------------------------------------------------------------------- requests through the public API


def sent(route: respx.Route) -> httpx.Request:
    return route.calls.last.request


def test_url_joins_onto_a_base_path_prefix() -> None:
    with respx.mock(assert_all_called=True) as mock:
        route = mock.get("http://127.0.0.1:4010/prefix/v1/models").respond(200, json={})
        with Cerebras(api_key=API_KEY, base_url=f"{BASE_URL}/prefix", warm_tcp_connection=False) as c:
            c.get("/v1/models", cast_to=dict)
            c.get("v1/models", cast_to=dict)
        assert route.call_count == 2
        assert str(sent(route).url) == "http://127.0.0.1:4010/prefix/v1/models"


def test_absolute_urls_are_used_unchanged(client: Cerebras) -> None:
    with respx.mock() as mock:
        route = mock.get("http://127.0.0.2:9999/elsewhere?x=1").respond(200, json={})
        client.get("http://127.0.0.2:9999/elsewhere?x=1", cast_to=dict)
    assert str(sent(route).url) == "http://127.0.0.2:9999/elsewhere?x=1"


def test_path_is_percent_encoded_when_needed(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get(url__regex=r".*").respond(200, json={})
        client.get("/v1/a b/é", cast_to=dict)
    assert sent(route).url.raw_path == b"/v1/a%20b/%C3%A9"


def test_query_merging_and_serialisation() -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/q").respond(200, json={})
        with Cerebras(
            api_key=API_KEY,
            base_url=BASE_URL,
            default_query={"a": "default", "keep": "k", "gone": "g"},
            warm_tcp_connection=False,
        ) as c:
            c.get(
                "/v1/q",
                cast_to=dict,
                options={
                    "params": {
                        "a": "override",
                        "arr": ["x", "y"],
                        "tup": (1, 2),
                        "nested": {"k": "v", "deep": {"z": 1}},
                        "flag": True,
                        "off": False,
                        "none": None,
                        "gone": omit,
                        "num": 1.5,
                    }
                },
            )
    query = sent(route).url.query.decode()
    assert query == (
        "a=override&keep=k&arr=x&arr=y&tup=1&tup=2"
        "&nested%5Bk%5D=v&nested%5Bdeep%5D%5Bz%5D=1&flag=true&off=false&num=1.5"
    )


def test_query_already_in_the_path_is_kept_and_overridden_by_params(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/q").respond(200, json={})
        client.get("/v1/q?p=1&a=0", cast_to=dict, options={"params": {"a": "2", "b": "3"}})
    assert sent(route).url.params.multi_items() == [("p", "1"), ("a", "2"), ("b", "3")]


def test_default_query_without_per_request_params(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/q").respond(200, json={})
        c = client.with_options(default_query={"only": "me"})
        c.get("/v1/q", cast_to=dict)
    assert sent(route).url.query == b"only=me"


def test_sni_hostname_for_hosts_with_underscores() -> None:
    with respx.mock() as mock:
        route = mock.get("http://my_api.internal:8080/v1/x").respond(200, json={})
        plain = mock.get("http://127.0.0.1:4010/v1/x").respond(200, json={})
        with Cerebras(
            api_key=API_KEY, base_url="http://my_api.internal:8080", warm_tcp_connection=False
        ) as c:
            c.get("/v1/x", cast_to=dict)
        with Cerebras(api_key=API_KEY, base_url=BASE_URL, warm_tcp_connection=False) as c:
            c.get("/v1/x", cast_to=dict)
    assert sent(route).extensions["sni_hostname"] == "my-api.internal"
    assert "sni_hostname" not in sent(plain).extensions


def test_get_has_no_body_and_no_content_type(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/models").respond(200, json={})
        client.get("/v1/models", cast_to=dict, options={"extra_json": {"ignored": True}})
    request = sent(route)
    assert request.content == b""
    assert "content-type" not in request.headers
    assert "content-length" not in request.headers


def test_post_json_body_is_compact_and_keeps_non_ascii(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").respond(200, json={})
        client.post("/v1/x", cast_to=dict, body={"msg": "héllo ✓ 日本", "n": [1, 2], "f": 0.5, "z": None})
    request = sent(route)
    assert request.content == '{"msg":"héllo ✓ 日本","n":[1,2],"f":0.5,"z":null}'.encode()
    assert request.headers["content-type"] == "application/json"
    assert request.headers["content-length"] == str(len(request.content))


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_floats_fail_before_sending(client: Cerebras, bad: float) -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        route = mock.post("/v1/x").respond(200, json={})
        with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
            client.post("/v1/x", cast_to=dict, body={"temperature": bad})
    assert route.call_count == 0


def test_extra_body_merges_over_the_body(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").respond(200, json={})
        client.post(
            "/v1/x",
            cast_to=dict,
            body={"model": "m", "stream": False, "drop": 1, "last": "l"},
            options={"extra_json": {"stream": True, "new": [1], "drop": omit, "model": None}},
        )
    assert sent(route).content == b'{"model":null,"stream":true,"last":"l","new":[1]}'


def test_body_iterables_models_and_dates(client: Cerebras) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").respond(200, json={})
        client.post(
            "/v1/x",
            cast_to=dict,
            body={
                "messages": (
                    m for m in [{"role": "user", "content": "a"}, Message.construct(role="assistant")]
                ),
                "stop": ("x", "y"),
                "text": "not split",
                "when": datetime(2023, 9, 29, 16, 26, 57),
                "plain": Plain(name="p"),
            },
        )
    assert json.loads(sent(route).content) == {
        "messages": [{"role": "user", "content": "a"}, {"role": "assistant"}],
        "stop": ["x", "y"],
        "text": "not split",
        "when": "2023-09-29T16:26:57",
        "plain": {"name": "p"},
    }


def test_model_set_fields_keep_explicit_nulls_and_field_order(client: Cerebras) -> None:
    message = Message.construct(content=None, role="assistant")
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/x").respond(200, json={})
        client.post("/v1/x", cast_to=dict, body={"messages": [message]})
    assert sent(route).content == b'{"messages":[{"role":"assistant","content":null}]}'


def test_timeout_extension_follows_the_effective_timeout() -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.get("/v1/x").respond(200, json={})
        with Cerebras(api_key=API_KEY, base_url=BASE_URL, timeout=7.0, warm_tcp_connection=False) as c:
            c.get("/v1/x", cast_to=dict)
            assert sent(route).extensions["timeout"] == httpx.Timeout(7.0).as_dict()
            c.get("/v1/x", cast_to=dict, options={"timeout": httpx.Timeout(10, read=3.5)})
            assert sent(route).extensions["timeout"] == httpx.Timeout(10, read=3.5).as_dict()
            c.get("/v1/x", cast_to=dict, options={"timeout": None})
            assert sent(route).extensions["timeout"]["read"] is None


@pytest.mark.anyio
async def test_async_request_building_matches_sync() -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        post = mock.post("/prefix/v1/x").respond(200, json={})
        get = mock.get("/prefix/v1/x").respond(200, json={})
        async with make_async(base_url=f"{BASE_URL}/prefix", default_query={"d": "1"}) as c:
            await c.post(
                "/v1/x",
                cast_to=dict,
                body={"t": ("a",), "u": "é"},
                options={"extra_json": {"e": 1}, "params": {"arr": [1, 2]}},
            )
            await c.get("/v1/x", cast_to=dict, options={"extra_json": {"x": 1}})
    assert sent(post).content == '{"t":["a"],"u":"é","e":1}'.encode()
    assert sent(post).url.query == b"d=1&arr=1&arr=2"
    assert sent(get).content == b""
    assert "content-type" not in sent(get).headers


@pytest.mark.anyio
async def test_async_nan_fails_before_sending() -> None:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        route = mock.post("/v1/x").respond(200, json={})
        async with make_async() as c:
            with pytest.raises(ValueError, match="Out of range float"):
                await c.post("/v1/x", cast_to=dict, body={"x": float("nan")})
    assert route.call_count == 0


# --------------------------------------------------------------------------- the attempts() generator, table-driven
# Each row runs a whole call through the pipeline with no client, no network and no patched sleep:
# the generator asks for actions, the table answers each `Send`, and the test checks what it asked
# for and how it ended.

Reply = Any  # an int status, (status, headers, body), or an exception instance


def as_response(reply: Reply, request: httpx.Request, stream: bool) -> Any:
    if isinstance(reply, BaseException):
        return reply
    status, headers, body = reply if isinstance(reply, tuple) else (reply, {}, b"")
    if stream:
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body), request=request)
    return httpx.Response(status, headers=headers, content=body, request=request)


def drive(
    config: ClientConfig, options: FinalRequestOptions, replies: List[Reply], stream: bool = False
) -> Any:
    """Run `attempts()` to the end. Returns (action letters, sleeps, retry counts sent, result or exception)."""
    plan = attempts(config, options, stream=stream)
    letters: List[str] = []
    sleeps: List[float] = []
    counts: List[str] = []
    pending = iter(replies)
    answer: Any = None
    try:
        while True:
            action = plan.send(answer)
            answer = None
            if isinstance(action, Send):
                letters.append("S")
                counts.append(action.request.headers["x-stainless-retry-count"])
                answer = as_response(next(pending), action.request, action.stream)
            elif isinstance(action, Sleep):
                letters.append("Z")
                sleeps.append(action.seconds)
            elif isinstance(action, Close):
                letters.append("C")
            else:
                assert isinstance(action, Read)
                letters.append("R")
                action.response.read()
    except StopIteration as done:
        outcome: Any = done.value
    except Exception as exc:
        outcome = exc
    assert next(pending, None) is None, "the pipeline stopped before using every reply"
    return "".join(letters), sleeps, counts, outcome


FAST = {"retry-after-ms": "10"}


@pytest.mark.parametrize(
    ("config_retries", "option_retries", "replies", "stream", "letters", "expected"),
    [
        pytest.param(2, None, [200], False, "S", 0, id="success-first-time"),
        pytest.param(2, None, [(503, FAST, b""), 200], False, "SCZS", 1, id="5xx-then-success"),
        pytest.param(
            2, None, [(429, FAST, b"")] * 3, False, "SCZSCZS", RateLimitError, id="429-until-out-of-retries"
        ),
        pytest.param(
            2, None, [httpx.ConnectError("x")] * 3, False, "SZSZS", APIConnectionError, id="connect-errors"
        ),
        pytest.param(0, None, [httpx.ReadTimeout("x")], False, "S", APITimeoutError, id="timeout-no-retries"),
        pytest.param(
            2,
            None,
            [(400, {"x-should-retry": "true", **FAST}, b""), 200],
            False,
            "SCZS",
            1,
            id="server-asks-retry",
        ),
        pytest.param(
            2,
            None,
            [(500, {"x-should-retry": "false"}, b"")],
            False,
            "S",
            InternalServerError,
            id="server-forbids-retry",
        ),
        pytest.param(
            2,
            None,
            [(400, {}, b'{"status_code": 429}')],
            False,
            "S",
            RateLimitError,
            id="class-from-body-no-retry",
        ),
        pytest.param(0, 1, [(500, FAST, b""), 200], False, "SCZS", 1, id="per-request-retries-win"),
        pytest.param(
            2, None, [(404, {}, b'{"error": "gone"}')], True, "SR", NotFoundError, id="stream-error-body-read"
        ),
        pytest.param(1, None, [(409, FAST, b""), (200, {}, b"ok")], True, "SCZS", 1, id="stream-retry"),
    ],
)
def test_attempts_table(
    config_retries: int,
    option_retries: Optional[int],
    replies: List[Reply],
    stream: bool,
    letters: str,
    expected: Any,
) -> None:
    config = make_config(max_retries=config_retries)
    options = FinalRequestOptions(
        method="post",
        url="/v1/x",
        json_data={"a": 1},
        max_retries=not_given if option_retries is None else option_retries,
    )
    got, sleeps, counts, outcome = drive(config, options, replies, stream=stream)
    assert got == letters
    assert counts == [str(n) for n in range(len(counts))]  # one more on every attempt
    assert len(sleeps) == letters.count("Z")
    for n, seconds in enumerate(sleeps):
        hinted = isinstance(replies[n], tuple) and "retry-after-ms" in replies[n][1]
        if hinted:
            assert seconds == pytest.approx(0.01)
        else:  # no server hint: 0.5 s doubling, minus up to 25 % of jitter
            assert 0.375 * 2**n <= seconds <= 0.5 * 2**n
    if isinstance(expected, int):
        response, retries = outcome
        assert response.status_code == 200 and retries == expected
    else:
        assert type(outcome) is expected


def test_attempts_backoff_without_a_server_hint_is_exponential_with_jitter() -> None:
    config = make_config(max_retries=3)
    options = FinalRequestOptions(method="get", url="/v1/x")
    letters, sleeps, _, outcome = drive(config, options, [503, 503, 503, 200])
    assert letters == "SCZSCZSCZS" and outcome[1] == 3
    for n, seconds in enumerate(sleeps):
        base = 0.5 * 2**n
        assert base * 0.75 <= seconds <= base


def test_attempts_obeys_retry_after_seconds_and_ignores_huge_hints() -> None:
    config = make_config(max_retries=2)
    options = FinalRequestOptions(method="get", url="/v1/x")
    _, sleeps, _, _ = drive(
        config, options, [(429, {"retry-after": "2"}, b""), (429, {"retry-after": "3600"}, b""), 200]
    )
    assert sleeps[0] == 2.0
    assert 0.75 <= sleeps[1] <= 1.0  # an hour is not obeyed: backoff instead


def test_the_pipeline_reads_only_its_configuration() -> None:
    # Two configurations, one options value: each request follows its own configuration.
    options = FinalRequestOptions(method="get", url="/v1/x")
    first = build_request(make_config(api_key="one", default_query={"q": "1"}), options)
    second = build_request(
        make_config(api_key="two", base_url=normalise_base_url("http://127.0.0.1:4011/p")), options
    )
    assert first.headers["authorization"] == "Bearer one" and first.url.query == b"q=1"
    assert second.headers["authorization"] == "Bearer two"
    assert str(second.url) == "http://127.0.0.1:4011/p/v1/x"


def test_a_mode_is_announced_on_the_wire_unless_the_caller_set_the_header() -> None:
    config = make_config()
    raw = build_request(config, FinalRequestOptions(method="get", url="/v1/x", mode="raw"))
    assert raw.headers["x-stainless-raw-response"] == "raw"
    streamed = build_request(config, FinalRequestOptions(method="get", url="/v1/x", mode="stream"))
    assert streamed.headers["x-stainless-raw-response"] == "stream"
    plain = build_request(config, FinalRequestOptions(method="get", url="/v1/x"))
    assert "x-stainless-raw-response" not in plain.headers
    # `stream` mode sends without reading the body, whatever the call's own `stream` flag says.
    send = next(attempts(config, FinalRequestOptions(method="get", url="/v1/x", mode="stream")))
    assert isinstance(send, Send) and send.stream is True

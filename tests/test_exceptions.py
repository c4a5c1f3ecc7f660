"""The exception hierarchy, constructors, and how an error response becomes an exception."""

from __future__ import annotations

import inspect
import json
from typing import Any, Callable

import httpx
import pytest
import respx

import cerebras.cloud.sdk as sdk
from cerebras.cloud.sdk import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncCerebras,
    AuthenticationError,
    BadRequestError,
    CerebrasError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    UnprocessableEntityError,
    _exceptions,
)

BASE_URL = "http://127.0.0.1:4010"
API_KEY = "csk-exc-test-key"


def request() -> httpx.Request:
    return httpx.Request("POST", f"{BASE_URL}/v1/chat/completions")


def response(status: int, **kwargs: Any) -> httpx.Response:
    return httpx.Response(status, request=request(), **kwargs)


# --------------------------------------------------------------------------- hierarchy

HIERARCHY = [
    (CerebrasError, Exception),
    (APIError, CerebrasError),
    (APIResponseValidationError, APIError),
    (APIStatusError, APIError),
    (APIConnectionError, APIError),
    (APITimeoutError, APIConnectionError),
    (BadRequestError, APIStatusError),
    (AuthenticationError, APIStatusError),
    (PermissionDeniedError, APIStatusError),
    (NotFoundError, APIStatusError),
    (ConflictError, APIStatusError),
    (UnprocessableEntityError, APIStatusError),
    (RateLimitError, APIStatusError),
    (InternalServerError, APIStatusError),
]


@pytest.mark.parametrize(("cls", "parent"), HIERARCHY)
def test_hierarchy(cls: type, parent: type) -> None:
    assert cls.__bases__ == (parent,)


def test_siblings_are_not_related() -> None:
    assert not issubclass(APIStatusError, APIConnectionError)
    assert not issubclass(APIConnectionError, APIStatusError)
    assert not issubclass(APIResponseValidationError, APIStatusError)
    assert not issubclass(RateLimitError, InternalServerError)


def test_private_module_exports_only_the_status_classes() -> None:
    assert _exceptions.__all__ == [
        "BadRequestError",
        "AuthenticationError",
        "PermissionDeniedError",
        "NotFoundError",
        "ConflictError",
        "UnprocessableEntityError",
        "RateLimitError",
        "InternalServerError",
    ]


def test_stream_consumed_and_missing_stream_class_errors() -> None:
    from cerebras.cloud.sdk._exceptions import MissingStreamClassError, StreamAlreadyConsumed

    assert issubclass(StreamAlreadyConsumed, CerebrasError)
    assert "already been streamed" in str(StreamAlreadyConsumed())
    assert issubclass(MissingStreamClassError, TypeError)
    assert not issubclass(MissingStreamClassError, CerebrasError)


@pytest.mark.parametrize(
    ("cls", "code"),
    [
        (BadRequestError, 400),
        (AuthenticationError, 401),
        (PermissionDeniedError, 403),
        (NotFoundError, 404),
        (ConflictError, 409),
        (UnprocessableEntityError, 422),
        (RateLimitError, 429),
    ],
)
def test_status_class_attribute(cls: type[APIStatusError], code: int) -> None:
    assert cls.status_code == code


def test_internal_server_error_has_no_class_status() -> None:
    assert "status_code" not in InternalServerError.__dict__


# --------------------------------------------------------------------------- constructors


def test_api_error_constructor_and_attributes() -> None:
    params = list(inspect.signature(APIError).parameters.values())
    assert [(p.name, p.kind) for p in params] == [
        ("message", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("body", inspect.Parameter.KEYWORD_ONLY),
    ]
    req = request()
    err = APIError("boom", req, body={"x": 1})
    assert err.message == "boom"
    assert str(err) == "boom"
    assert err.request is req
    assert err.body == {"x": 1}
    with pytest.raises(TypeError):
        APIError("boom", req, {"x": 1})  # type: ignore[misc]


def test_validation_error_defaults() -> None:
    resp = response(200, json={"a": 1})
    err = APIResponseValidationError(resp, {"a": 1})
    assert err.message == "Data returned by API invalid for expected schema."
    assert str(err) == err.message
    assert err.response is resp
    assert err.request is resp.request
    assert err.status_code == 200
    assert err.body == {"a": 1}
    custom = APIResponseValidationError(resp, "text", message="nope")
    assert custom.message == "nope"
    assert custom.body == "text"


def test_status_error_constructor_requires_keywords() -> None:
    resp = response(418)
    with pytest.raises(TypeError):
        APIStatusError("m", resp, None)  # type: ignore[misc]
    err = APIStatusError("m", response=resp, body=None)
    assert err.response is resp
    assert err.request is resp.request
    assert err.status_code == 418
    assert err.body is None


def test_status_error_unwraps_error_member_and_prefers_body_status() -> None:
    resp = response(400)
    body = {"error": {"message": "x"}, "status_code": 429}
    err = RateLimitError("m", response=resp, body=body)
    assert err.body == {"message": "x"}
    assert err.status_code == 429
    assert RateLimitError.status_code == 429  # class attribute unchanged


def test_status_error_without_error_member_keeps_the_whole_body() -> None:
    resp = response(401)
    err = AuthenticationError("m", response=resp, body={"message": "Bad key"})
    assert err.body == {"message": "Bad key"}
    assert err.status_code == 401


def test_status_error_ignores_non_integer_body_status() -> None:
    resp = response(401)
    err = AuthenticationError("m", response=resp, body={"status_code": "401", "message": "x"})
    assert err.status_code == 401
    err2 = APIStatusError("m", response=response(500), body={"status_code": 4.5})
    assert err2.status_code == 500


def test_status_error_instance_status_shadows_class_attribute() -> None:
    err = BadRequestError("m", response=response(400), body={"status_code": 418})
    assert err.status_code == 418
    assert BadRequestError.status_code == 400


def test_status_error_with_list_or_text_body() -> None:
    assert APIStatusError("m", response=response(422), body=[1, 2]).body == [1, 2]
    assert APIStatusError("m", response=response(418), body="teapot").body == "teapot"


def test_connection_error_defaults() -> None:
    req = request()
    err = APIConnectionError(request=req)
    assert err.message == "Connection error."
    assert str(err) == "Connection error."
    assert err.body is None
    assert err.request is req
    custom = APIConnectionError(message="Closed.", request=req)
    assert custom.message == "Closed."
    with pytest.raises(TypeError):
        APIConnectionError(req)  # type: ignore[misc]


def test_timeout_error_defaults() -> None:
    req = request()
    err = APITimeoutError(req)
    assert err.message == "Request timed out."
    assert str(err) == "Request timed out."
    assert err.body is None
    assert err.request is req
    assert isinstance(err, APIConnectionError)


# --------------------------------------------------------------------------- from response to exception


# `make_client` (tests/conftest.py) builds this file's clients: warm-up off, no retries unless given.
MakeClient = Callable[..., Any]


# (status, body bytes, content-type, class, message, body, status_code)
CASES: list[tuple[int, bytes, str, type[APIStatusError], str, object, int]] = [
    (
        400,
        b'{"message":"Bad","type":"invalid_request_error"}',
        "application/json",
        BadRequestError,
        "Error code: 400 - {'message': 'Bad', 'type': 'invalid_request_error'}",
        {"message": "Bad", "type": "invalid_request_error"},
        400,
    ),
    (
        400,
        b'{"error":{"message":"x"},"status_code":429}',
        "application/json",
        RateLimitError,
        "Error code: 400 - {'error': {'message': 'x'}, 'status_code': 429}",
        {"message": "x"},
        429,
    ),
    (418, b"I'm a teapot", "text/plain", APIStatusError, "I'm a teapot", "I'm a teapot", 418),
    (418, b"", "text/plain", APIStatusError, "Error code: 418", "", 418),
    (422, b"[1,2]", "application/json", UnprocessableEntityError, "Error code: 422 - [1, 2]", [1, 2], 422),
    (
        401,
        b'{"status_code":"401","message":"m"}',
        "application/json",
        AuthenticationError,
        "Error code: 401 - {'status_code': '401', 'message': 'm'}",
        {"status_code": "401", "message": "m"},
        401,
    ),
    (
        404,
        b'{"error":{"message":"Model some-model does not exist.","type":"not_found_error",'
        b'"param":"model","code":"model_not_found"},"status_code":404}',
        "application/json",
        NotFoundError,
        "Error code: 404 - {'error': {'message': 'Model some-model does not exist.', "
        "'type': 'not_found_error', 'param': 'model', 'code': 'model_not_found'}, 'status_code': 404}",
        {
            "message": "Model some-model does not exist.",
            "type": "not_found_error",
            "param": "model",
            "code": "model_not_found",
        },
        404,
    ),
    (
        401,
        b'{"message":"Bad key","type":"invalid_request_error"}',
        "application/json",
        AuthenticationError,
        "Error code: 401 - {'message': 'Bad key', 'type': 'invalid_request_error'}",
        {"message": "Bad key", "type": "invalid_request_error"},
        401,
    ),
    (
        503,
        b"upstream timeout",
        "text/plain",
        ServiceUnavailableError,
        "upstream timeout",
        "upstream timeout",
        503,
    ),
    # JSON is parsed whatever the content type says; Python spelling of true/null in the message
    (
        500,
        b'  {"ok": true, "detail": null}  ',
        "text/plain",
        InternalServerError,
        "Error code: 500 - {'ok': True, 'detail': None}",
        {"ok": True, "detail": None},
        500,
    ),
    (
        403,
        b'"just a string"',
        "application/json",
        PermissionDeniedError,
        "Error code: 403 - just a string",
        "just a string",
        403,
    ),
    (409, b"{}", "application/json", ConflictError, "Error code: 409 - {}", {}, 409),
    (402, b"{}", "application/json", PaymentRequiredError, "Error code: 402 - {}", {}, 402),
    (405, b"", "", APIStatusError, "Error code: 405", "", 405),
    (
        502,
        b'{"error":"gateway"}',
        "application/json",
        InternalServerError,
        "Error code: 502 - {'error': 'gateway'}",
        "gateway",
        502,
    ),
    (
        500,
        b'{"status_code":404}',
        "application/json",
        NotFoundError,
        "Error code: 500 - {'status_code': 404}",
        {"status_code": 404},
        404,
    ),
    (
        400,
        b'{"status_code":503}',
        "application/json",
        ServiceUnavailableError,
        "Error code: 400 - {'status_code': 503}",
        {"status_code": 503},
        503,
    ),
]


@pytest.mark.parametrize(("status", "raw", "ctype", "cls", "message", "body", "code"), CASES)
def test_error_response_to_exception_sync(
    status: int,
    raw: bytes,
    ctype: str,
    cls: type,
    message: str,
    body: object,
    code: int,
    make_client: MakeClient,
) -> None:
    headers = {"content-type": ctype} if ctype else {}
    with respx.mock(base_url=BASE_URL) as mock, make_client(api_key=API_KEY, base_url=BASE_URL) as client:
        route = mock.post("/v1/thing").respond(status, content=raw, headers=headers)
        with pytest.raises(APIStatusError) as info:
            client.post("/v1/thing", cast_to=dict, body={"q": 1})
    err = info.value
    assert type(err) is cls
    assert err.message == message
    assert str(err) == message
    assert err.body == body
    assert err.status_code == code
    assert err.response.status_code == status
    assert err.request is route.calls.last.request or err.request.url == route.calls.last.request.url
    assert route.call_count == 1


@pytest.mark.anyio
@pytest.mark.parametrize(("status", "raw", "ctype", "cls", "message", "body", "code"), CASES[:9])
async def test_error_response_to_exception_async(
    status: int, raw: bytes, ctype: str, cls: type, message: str, body: object, code: int
) -> None:
    headers = {"content-type": ctype} if ctype else {}
    with respx.mock(base_url=BASE_URL) as mock:
        mock.post("/v1/thing").respond(status, content=raw, headers=headers)
        async with AsyncCerebras(
            api_key=API_KEY, base_url=BASE_URL, max_retries=0, warm_tcp_connection=False
        ) as client:
            with pytest.raises(APIStatusError) as info:
                await client.post("/v1/thing", cast_to=dict, body={"q": 1})
    err = info.value
    assert type(err) is cls
    assert err.message == message
    assert err.body == body
    assert err.status_code == code


def test_status_errors_are_raised_from_none(make_client: MakeClient) -> None:
    with respx.mock(base_url=BASE_URL) as mock, make_client(api_key=API_KEY, base_url=BASE_URL) as client:
        mock.get("/v1/x").respond(404, json={"error": {"message": "nope"}})
        with pytest.raises(NotFoundError) as info:
            client.get("/v1/x", cast_to=dict)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__ is True


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.RemoteProtocolError("eof"), APIConnectionError),
        (httpx.ReadError("reset"), APIConnectionError),
        (RuntimeError("weird transport"), APIConnectionError),
        (httpx.ConnectTimeout("slow connect"), APITimeoutError),
        (httpx.ReadTimeout("slow read"), APITimeoutError),
        (httpx.WriteTimeout("slow write"), APITimeoutError),
        (httpx.PoolTimeout("no slot"), APITimeoutError),
    ],
)
def test_transport_failures_are_wrapped_and_chained(
    exc: Exception, expected: type, make_client: MakeClient
) -> None:
    with respx.mock(base_url=BASE_URL) as mock, make_client(api_key=API_KEY, base_url=BASE_URL) as client:
        mock.get("/v1/x").mock(side_effect=exc)
        with pytest.raises(APIConnectionError) as info:
            client.get("/v1/x", cast_to=dict)
    assert type(info.value) is expected
    assert info.value.__cause__ is exc
    assert info.value.body is None
    assert info.value.request.url == f"{BASE_URL}/v1/x"
    assert info.value.message == (
        "Request timed out." if expected is APITimeoutError else "Connection error."
    )


@pytest.mark.anyio
async def test_async_transport_failures_are_wrapped_and_chained() -> None:
    exc = httpx.ReadTimeout("slow")
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/x").mock(side_effect=exc)
        async with AsyncCerebras(
            api_key=API_KEY, base_url=BASE_URL, max_retries=0, warm_tcp_connection=False
        ) as client:
            with pytest.raises(APITimeoutError) as info:
                await client.get("/v1/x", cast_to=dict)
    assert info.value.__cause__ is exc


def test_errors_while_building_the_request_are_not_wrapped(make_client: MakeClient) -> None:
    with (
        respx.mock(base_url=BASE_URL, assert_all_called=False) as mock,
        make_client(api_key=API_KEY, base_url=BASE_URL, max_retries=2) as client,
    ):
        route = mock.post("/v1/x").respond(200, json={})
        with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
            client.post("/v1/x", cast_to=dict, body={"t": float("nan")})
    assert route.call_count == 0


def test_exceptions_are_importable_from_the_package_root() -> None:
    for name in (
        "CerebrasError",
        "APIError",
        "APIStatusError",
        "APITimeoutError",
        "APIConnectionError",
        "APIResponseValidationError",
    ):
        assert getattr(sdk, name) is getattr(_exceptions, name)


def test_message_uses_python_repr_of_the_decoded_body(make_client: MakeClient) -> None:
    payload = {"a": [1, 2.5, None, False], "b": "é"}
    with respx.mock(base_url=BASE_URL) as mock, make_client(api_key=API_KEY, base_url=BASE_URL) as client:
        mock.get("/v1/x").respond(
            400, content=json.dumps(payload).encode(), headers={"content-type": "application/json"}
        )
        with pytest.raises(BadRequestError) as info:
            client.get("/v1/x", cast_to=dict)
    assert info.value.message == f"Error code: 400 - {payload}"


def test_a_doubled_v1_prefix_gets_a_hint_on_404() -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.post("/v1/v1/chat/completions").respond(404, json={"message": "Not found"})
        mock.post("/v1/chat/completions").respond(404, json={"message": "Not found"})
        doubled = sdk.Cerebras(api_key="k", base_url=f"{BASE_URL}/v1", warm_tcp_connection=False)
        with pytest.raises(sdk.NotFoundError) as info:
            doubled.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        plain = sdk.Cerebras(api_key="k", base_url=BASE_URL, warm_tcp_connection=False)
        with pytest.raises(sdk.NotFoundError) as plain_info:
            plain.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    message = info.value.message
    assert message.startswith("Error code: 404 - {'message': 'Not found'}")  # the official text first
    assert "/v1/v1/chat/completions" in message and "should not end in /v1" in message
    assert plain_info.value.message == "Error code: 404 - {'message': 'Not found'}"  # no hint otherwise

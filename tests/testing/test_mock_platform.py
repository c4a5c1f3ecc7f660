"""The mock's service tiers (``queue_threshold``, ``service_tier_used``), compressed and msgpack
request bodies, the newer error statuses, and the shell options for all of it."""

from __future__ import annotations

import gzip
import json
import sys
from typing import Any, Dict, Iterator, List, Optional, Union, cast

import httpx
import msgpack  # pyright: ignore[reportMissingTypeStubs]
import pytest

from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.testing.__main__ import _configure, _parse_args

CHAT = "/v1/chat/completions"
TEXT = "/v1/completions"
MODEL = "llama3.1-8b"
CHAT_BODY: Dict[str, Any] = {"model": MODEL, "messages": [{"role": "user", "content": "hello"}]}
TEXT_BODY: Dict[str, Any] = {"model": MODEL, "prompt": [1, 2, 3], "max_tokens": 5}
MSGPACK = "application/vnd.msgpack"


@pytest.fixture
def server() -> MockCerebrasServer:
    return MockCerebrasServer()


@pytest.fixture
def client(server: MockCerebrasServer) -> Iterator[httpx.Client]:
    with httpx.Client(transport=server.transport(), base_url="http://mock") as c:
        yield c


def ask(
    client: httpx.Client, tier: Optional[str] = None, threshold: Union[str, bytes, None] = None, **extra: Any
) -> httpx.Response:
    body = dict(CHAT_BODY, **extra)
    if tier is not None:
        body["service_tier"] = tier
    headers: Dict[str, Any] = {"queue_threshold": threshold} if threshold is not None else {}
    return client.post(CHAT, json=body, headers=cast(Any, headers))


def error_of(response: httpx.Response) -> Dict[str, Any]:
    return dict(response.json()["error"])


def packb(value: Any) -> bytes:
    packed = msgpack.packb(value)  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    assert isinstance(packed, bytes)
    return packed


# ---------------------------------------------------------------------------------------------
# service tiers


@pytest.mark.parametrize(
    ("tier", "used"), [(None, "default"), ("default", "default"), ("priority", "priority"), ("flex", "flex"), ("auto", "default")]
)  # fmt: skip
def test_service_tier_used_names_the_tier(client: httpx.Client, tier: Optional[str], used: str) -> None:
    response = ask(client, tier)
    assert response.status_code == 200
    body = response.json()
    assert body["service_tier_used"] == used
    assert "service_tier" not in body  # the key the API reference shows stays out, as before


def test_every_stream_chunk_carries_service_tier_used(client: httpx.Client) -> None:
    response = ask(client, "flex", stream=True)
    events = [line[6:] for line in response.text.split("\n") if line.startswith("data: ")]
    chunks = [json.loads(e) for e in events if e != "[DONE]"]
    assert len(chunks) > 2 and {c["service_tier_used"] for c in chunks} == {"flex"}


def test_text_completions_have_no_tier(client: httpx.Client) -> None:
    assert "service_tier_used" not in client.post(TEXT, json=TEXT_BODY).json()


def test_flex_is_rejected_when_the_queue_is_longer_than_the_threshold(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    assert server.queue_time("flex") == 0.0
    server.set_queue_time(800)  # the flex queue by default
    assert server.queue_time() == 800.0
    rejected = ask(client, "flex", "500")
    assert rejected.status_code == 429
    error = error_of(rejected)
    assert error["code"] == "queue_threshold_exceeded" and error["type"] == "queue_threshold_exceeded"
    assert "800 ms" in error["message"] and "500 ms" in error["message"]
    assert ask(client, "flex", "800").json()["service_tier_used"] == "flex"  # equal is fine
    assert ask(client, "flex").status_code == 200  # no threshold, no rejection
    assert ask(client, "default", "50").status_code == 200  # thresholds apply to flex and auto only
    assert ask(client, "priority", "50").status_code == 200


def test_auto_falls_back_to_flex_then_gets_rejected(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.set_queue_time(1000, tier="default")
    assert ask(client, "auto", "500").json()["service_tier_used"] == "flex"
    assert ask(client, "auto", "1000").json()["service_tier_used"] == "default"
    assert ask(client, "auto").json()["service_tier_used"] == "default"
    server.set_queue_time(600, tier="flex")
    rejected = ask(client, "auto", "500")
    assert rejected.status_code == 429 and "600 ms" in error_of(rejected)["message"]


def test_a_default_threshold_applies_without_the_header(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    server.set_queue_time(300)
    server.default_queue_threshold = 100
    assert ask(client, "flex").status_code == 429
    assert ask(client, "flex", "400").status_code == 200  # the header wins
    server.reset()  # queue times and the default threshold go back to 0 / None
    assert server.default_queue_threshold is None and server.queue_time() == 0.0
    assert ask(client, "flex").status_code == 200
    with pytest.raises(ValueError):
        server.default_queue_threshold = 10


@pytest.mark.parametrize("value", ["49", "20001", "abc", "1.5", "-100", "", "1e2", b"\xb2\xb2\xb2"])
def test_bad_queue_threshold_headers_get_400(client: httpx.Client, value: Union[str, bytes]) -> None:
    response = ask(client, "flex", value)
    assert response.status_code == 400
    error = error_of(response)
    assert error["param"] == "queue_threshold" and "queue_threshold" in error["message"]


def test_queue_threshold_bounds_are_accepted(client: httpx.Client) -> None:
    assert ask(client, "flex", "50").status_code == 200
    assert ask(client, "auto", " 20000 ").status_code == 200


def test_set_queue_time_checks_its_arguments(server: MockCerebrasServer) -> None:
    with pytest.raises(ValueError, match="tier"):
        server.set_queue_time(10, tier="auto")
    with pytest.raises(ValueError):
        server.set_queue_time(-1)
    server.set_queue_time(5, tier="priority")
    assert server.queue_time("priority") == 5.0


def test_scripted_replies_still_win_over_the_queue(server: MockCerebrasServer, client: httpx.Client) -> None:
    server.set_queue_time(10_000)
    server.add_reply("scripted")
    answered = ask(client, "flex", "100")
    assert answered.status_code == 200 and answered.json()["service_tier_used"] == "flex"


# ---------------------------------------------------------------------------------------------
# compressed and msgpack bodies


@pytest.mark.parametrize("path", [CHAT, TEXT])
@pytest.mark.parametrize("form", ["gzip-json", "msgpack", "gzip-msgpack"])
def test_encoded_bodies_are_decoded(
    server: MockCerebrasServer, client: httpx.Client, path: str, form: str
) -> None:
    document = CHAT_BODY if path == CHAT else TEXT_BODY
    raw = packb(document) if "msgpack" in form else json.dumps(document).encode()
    body = gzip.compress(raw) if form.startswith("gzip") else raw
    headers = {"content-type": MSGPACK if "msgpack" in form else "application/json"}
    if form.startswith("gzip"):
        headers["content-encoding"] = "gzip"
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"  # answers stay JSON
    reply = response.json()
    choice = reply["choices"][0]
    if path == CHAT:
        assert choice["message"]["content"] == "You said: hello"
    else:
        assert choice["text"] == "1 2 3"
    request = server.last_request
    assert request.body == body  # as it arrived
    assert request.decoded_body == raw and request.decode_error is None
    assert request.json == document and request.json() == document


def test_plain_json_records_as_before(server: MockCerebrasServer, client: httpx.Client) -> None:
    client.post(CHAT, json=CHAT_BODY)
    request = server.last_request
    assert request.decoded_body == request.body and request.json == CHAT_BODY
    assert json.loads(request.text) == CHAT_BODY


def test_gzip_is_undone_in_the_recorded_text(server: MockCerebrasServer, client: httpx.Client) -> None:
    client.post(
        CHAT, content=gzip.compress(json.dumps(CHAT_BODY).encode()), headers={"content-encoding": "gzip"}
    )
    assert json.loads(server.last_request.text) == CHAT_BODY


@pytest.mark.parametrize(
    ("content", "headers", "status", "code"),
    [
        (b"not gzip", {"content-encoding": "gzip"}, 400, "invalid_encoding"),
        (gzip.compress(b"x")[:-4], {"content-encoding": "gzip"}, 400, "invalid_encoding"),
        (b"\xc1", {"content-type": MSGPACK}, 400, "invalid_msgpack"),
        (b"\x92\x01", {"content-type": MSGPACK}, 400, "invalid_msgpack"),  # truncated array
        (b"\xc4\x01x", {"content-type": MSGPACK}, 400, "invalid_msgpack"),  # binary: not JSON
        (
            gzip.compress(b"\xc1"),
            {"content-type": MSGPACK, "content-encoding": "gzip"},
            400,
            "invalid_msgpack",
        ),
        (b"{}", {"content-encoding": "br"}, 415, "unsupported_content_encoding"),
    ],
    ids=[
        "not-gzip",
        "cut-gzip",
        "bad-msgpack",
        "short-msgpack",
        "binary-msgpack",
        "gzip-bad-msgpack",
        "brotli",
    ],
)
def test_bad_bodies_are_refused(
    server: MockCerebrasServer,
    client: httpx.Client,
    content: bytes,
    headers: Dict[str, str],
    status: int,
    code: str,
) -> None:
    server.add_reply("never used", route="chat")  # an unreadable body is refused before the script
    response = client.post(CHAT, content=content, headers=headers)
    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == code
    assert server.last_request.decode_error == error["message"] and server.last_request.json is None
    assert len(server.pending) == 1


def test_msgpack_without_msgpack_installed_is_415(
    server: MockCerebrasServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "msgpack", None)  # makes `import msgpack` fail
    response = client.post(CHAT, content=packb(CHAT_BODY), headers={"content-type": MSGPACK})
    assert response.status_code == 415
    assert "msgpack is not installed" in error_of(response)["message"]
    assert client.post(CHAT, json=CHAT_BODY).status_code == 200  # JSON needs no msgpack


def test_other_routes_take_plain_json_only(server: MockCerebrasServer, client: httpx.Client) -> None:
    response = client.post("/v1/batches", content=gzip.compress(b"{}"), headers={"content-encoding": "gzip"})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_json"
    assert server.last_request.decode_error is None


def test_auth_is_checked_before_the_body(server: MockCerebrasServer) -> None:
    server.api_key = "secret"
    with httpx.Client(transport=server.transport(), base_url="http://mock") as anonymous:
        response = anonymous.post(CHAT, content=b"junk", headers={"content-encoding": "gzip"})
    assert response.status_code == 401


def test_a_gzip_msgpack_request_over_a_real_socket(cerebras_mock: MockCerebrasServer) -> None:
    body = gzip.compress(packb(TEXT_BODY))
    with httpx.Client(base_url=cerebras_mock.base_url, timeout=5) as client:
        response = client.post(
            TEXT, content=body, headers={"content-type": MSGPACK, "content-encoding": "gzip"}
        )
    assert response.status_code == 200 and response.json()["choices"][0]["text"] == "1 2 3"
    assert cerebras_mock.last_request.json == TEXT_BODY


# ---------------------------------------------------------------------------------------------
# statuses 402 and 503, route aliases


@pytest.mark.parametrize(("status", "kind"), [(402, "payment_required_error"), (503, "server_error")])
def test_402_and_503_are_scriptable(
    server: MockCerebrasServer, client: httpx.Client, status: int, kind: str
) -> None:
    server.add_error(status, times=2, headers={"retry-after": "0"})
    for _ in range(2):
        response = ask(client)
        assert response.status_code == status and response.headers["retry-after"] == "0"
        body = response.json()
        assert body["status_code"] == status and body["error"]["type"] == kind
    assert ask(client).status_code == 200
    server.add_error(503, "Service Unavailable", route="batches")
    assert client.get("/v1/batches").status_code == 503
    server.assert_all_used()


def test_statuses_are_sent_with_their_reason_phrase(cerebras_mock: MockCerebrasServer) -> None:
    cerebras_mock.add_error(402)
    cerebras_mock.add_error(503)
    with httpx.Client(base_url=cerebras_mock.base_url, timeout=5) as client:
        first, second = client.post(CHAT, json=CHAT_BODY), client.post(CHAT, json=CHAT_BODY)
    assert (first.status_code, first.reason_phrase) == (402, "Payment Required")
    assert (second.status_code, second.reason_phrase) == (503, "Service Unavailable")


# ---------------------------------------------------------------------------------------------
# shell options


def test_shell_options_configure_the_platform() -> None:
    args, steps = _parse_args(
        [
            "--time-scale", "0", "--batch-validating", "1", "--batch-in-progress", "2",
            "--batch-finalizing", "3", "--batch-cancelling", "4", "--queue-time", "800",
            "--queue-time", "default=250", "--max-file-bytes", "1024", "--allow-mixed-models",
        ]
    )  # fmt: skip
    assert steps == []
    server = MockCerebrasServer(time_scale=args.time_scale)
    _configure(server, args)
    assert server.clock.time_scale == 0.0
    timing = server.batch_timing
    assert (timing.validating, timing.in_progress, timing.finalizing, timing.cancelling) == (1, 2, 3, 4)
    assert server.queue_time("flex") == 800.0 and server.queue_time("default") == 250.0
    assert server.max_file_bytes == 1024 and server.batch_rules.single_model is False


def test_shell_defaults_leave_the_platform_alone() -> None:
    args, _ = _parse_args([])
    server = MockCerebrasServer(time_scale=args.time_scale)
    _configure(server, args)
    fresh = MockCerebrasServer()
    assert server.batch_timing == fresh.batch_timing and server.batch_rules == fresh.batch_rules
    assert server.clock.time_scale == 1.0 and server.max_file_bytes == fresh.max_file_bytes


@pytest.mark.parametrize(
    "argv",
    [
        ["--time-scale", "-1"],
        ["--time-scale", "fast"],
        ["--queue-time", "auto=5"],
        ["--max-file-bytes", "1e3"],
    ],
)
def test_shell_rejects_bad_platform_options(argv: List[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _parse_args(argv)
    assert exit_info.value.code == 2
    assert argv[0] in capsys.readouterr().err

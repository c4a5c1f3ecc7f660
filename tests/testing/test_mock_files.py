"""The mock's Files API (``/v1/files``), driven with plain httpx through the in-process transport."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List, Optional

import httpx
import pytest

from cerebras.cloud.sdk.testing import MockCerebrasServer

FILES = "/v1/files"
JSONL = b'{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{}}\n'
WEEK = 7 * 86400


@pytest.fixture
def server() -> MockCerebrasServer:
    return MockCerebrasServer(time_scale=0)  # the mock clock only moves when a test advances it


@pytest.fixture
def client(server: MockCerebrasServer) -> Iterator[httpx.Client]:
    with httpx.Client(transport=server.transport(), base_url="http://mock") as c:
        yield c


def upload(
    client: httpx.Client,
    content: bytes = JSONL,
    *,
    filename: str = "reqs.jsonl",
    data: Optional[Dict[str, str]] = None,
) -> httpx.Response:
    fields = {"purpose": "batch"} if data is None else data
    return client.post(FILES, files={"file": (filename, content, "application/jsonl")}, data=fields)


def error_of(response: httpx.Response) -> Dict[str, Any]:
    body = response.json()
    assert body["status_code"] == response.status_code
    return dict(body["error"])


# ---------------------------------------------------------------------------------------------
# upload


def test_upload_returns_a_file_object(server: MockCerebrasServer, client: httpx.Client) -> None:
    now = int(server.clock.now())
    response = upload(client)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    file = response.json()
    assert list(file) == ["id", "object", "filename", "bytes", "purpose", "created_at", "expires_at"]
    assert file["id"].startswith("file-")
    assert file["object"] == "file" and file["filename"] == "reqs.jsonl" and file["purpose"] == "batch"
    assert file["bytes"] == len(JSONL)
    assert file["created_at"] == now
    assert file["expires_at"] == now + WEEK  # retained 7 days by default
    assert server.files == [file]
    assert server.file_content(file["id"]) == JSONL
    request = server.last_request
    assert request.path == FILES and request.headers["content-type"].startswith("multipart/form-data")


def test_upload_keeps_binary_content_byte_for_byte(server: MockCerebrasServer, client: httpx.Client) -> None:
    content = b"\x00\xff\r\n--not-a-boundary\r\n\r\n\xc3\xa9 end\n"
    file = upload(client, content, filename="blob.bin").json()
    assert file["bytes"] == len(content)
    downloaded = client.get(f"{FILES}/{file['id']}/content")
    assert downloaded.content == content
    assert downloaded.headers["content-type"] == "application/octet-stream"


@pytest.mark.parametrize(
    "fields",
    [
        {"purpose": "batch", "expires_after[anchor]": "created_at", "expires_after[seconds]": "3600"},
        {"purpose": "batch", "expires_after": json.dumps({"anchor": "created_at", "seconds": 3600})},
    ],
    ids=["bracket-fields", "json-field"],
)
def test_expires_after_in_either_multipart_form(
    server: MockCerebrasServer, client: httpx.Client, fields: Dict[str, str]
) -> None:
    file = upload(client, data=fields).json()
    assert file["expires_at"] - file["created_at"] == 3600
    server.clock.advance(3599)
    assert client.get(f"{FILES}/{file['id']}").status_code == 200
    server.clock.advance(1)  # expired files disappear
    assert client.get(f"{FILES}/{file['id']}").status_code == 404
    assert server.files == []


def test_expires_after_accepts_the_documented_bounds(client: httpx.Client) -> None:
    for seconds in (3600, 2592000):
        fields = {
            "purpose": "batch",
            "expires_after[anchor]": "created_at",
            "expires_after[seconds]": str(seconds),
        }
        file = upload(client, data=fields).json()
        assert file["expires_at"] - file["created_at"] == seconds


@pytest.mark.parametrize(
    ("fields", "param", "code"),
    [
        ({}, "purpose", "missing_required_parameter"),
        ({"purpose": "fine-tune"}, "purpose", "invalid_value"),
        ({"purpose": "batch", "expires_after[anchor]": "now", "expires_after[seconds]": "3600"}, "expires_after.anchor", "invalid_value"),
        ({"purpose": "batch", "expires_after[anchor]": "created_at", "expires_after[seconds]": "3599"}, "expires_after.seconds", "invalid_value"),
        ({"purpose": "batch", "expires_after[anchor]": "created_at", "expires_after[seconds]": "2592001"}, "expires_after.seconds", "invalid_value"),
        ({"purpose": "batch", "expires_after[anchor]": "created_at", "expires_after[seconds]": "1h"}, "expires_after.seconds", "invalid_value"),
        ({"purpose": "batch", "expires_after[seconds]": "3600"}, "expires_after", "invalid_value"),
        ({"purpose": "batch", "expires_after": "{not json"}, "expires_after", "invalid_value"),
        ({"purpose": "batch", "expires_after": '{"anchor": "created_at", "seconds": 60}'}, "expires_after.seconds", "invalid_value"),
    ],
)  # fmt: skip
def test_upload_validation(
    server: MockCerebrasServer, client: httpx.Client, fields: Dict[str, str], param: str, code: str
) -> None:
    response = upload(client, data=fields)
    assert response.status_code == 400
    error = error_of(response)
    assert (error["param"], error["code"], error["type"]) == (param, code, "invalid_request_error")
    assert server.files == []


def test_upload_needs_a_file_part_and_a_multipart_body(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    no_file = client.post(FILES, data={"purpose": "batch"}, files={"other": ("x.jsonl", b"{}")})
    assert no_file.status_code == 400 and error_of(no_file)["param"] == "file"
    as_json = client.post(FILES, json={"purpose": "batch", "file": "..."})
    assert as_json.status_code == 400 and error_of(as_json)["code"] == "invalid_content_type"
    broken = client.post(FILES, content=b"garbage", headers={"content-type": "multipart/form-data"})
    assert broken.status_code == 400 and error_of(broken)["code"] == "invalid_multipart"
    assert server.files == []


def test_files_over_the_size_limit_get_413(server: MockCerebrasServer, client: httpx.Client) -> None:
    assert server.max_file_bytes == 200 * 1024 * 1024
    server.max_file_bytes = 100
    assert upload(client, b"x" * 100).status_code == 200  # the limit itself is fine
    too_big = upload(client, b"x" * 101)
    assert too_big.status_code == 413
    assert error_of(too_big)["code"] == "file_too_large"
    far_too_big = upload(client, b"x" * (2 << 20))  # refused without parsing the multipart body
    assert far_too_big.status_code == 413
    assert len(server.files) == 1
    with pytest.raises(ValueError):
        server.max_file_bytes = -1


# ---------------------------------------------------------------------------------------------
# list, retrieve, content, delete


def make_files(client: httpx.Client, count: int) -> List[str]:
    return [upload(client, filename=f"f{n}.jsonl").json()["id"] for n in range(count)]


def test_list_pages_oldest_first(client: httpx.Client) -> None:
    ids = make_files(client, 25)
    first = client.get(FILES).json()
    assert first["object"] == "list" and first["has_more"] is True
    assert [f["id"] for f in first["data"]] == ids[:20]  # default limit 20
    rest = client.get(FILES, params={"after": ids[19]}).json()
    assert [f["id"] for f in rest["data"]] == ids[20:] and rest["has_more"] is False
    small = client.get(FILES, params={"limit": 2, "after": ids[0]}).json()
    assert [f["id"] for f in small["data"]] == ids[1:3] and small["has_more"] is True
    exact = client.get(FILES, params={"limit": 5, "after": ids[19]}).json()
    assert len(exact["data"]) == 5 and exact["has_more"] is False
    assert client.get(FILES, params={"limit": 100}).json()["has_more"] is False


def test_a_deleted_file_still_works_as_a_cursor(client: httpx.Client) -> None:
    ids = make_files(client, 3)
    assert client.delete(f"{FILES}/{ids[0]}").status_code == 200
    page = client.get(FILES, params={"after": ids[0]}).json()
    assert [f["id"] for f in page["data"]] == ids[1:]


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"after": "file-nope"}, "after"),
    ],
)
def test_list_rejects_bad_paging(client: httpx.Client, params: Dict[str, Any], param: str) -> None:
    make_files(client, 1)
    response = client.get(FILES, params=params)
    assert response.status_code == 400 and error_of(response)["param"] == param


def test_retrieve_content_and_delete(server: MockCerebrasServer, client: httpx.Client) -> None:
    file = upload(client).json()
    assert client.get(f"{FILES}/{file['id']}").json() == file
    content = client.get(f"{FILES}/{file['id']}/content")
    assert content.status_code == 200 and content.content == JSONL
    assert content.headers["content-type"] == "application/x-ndjson"
    deleted = client.delete(f"{FILES}/{file['id']}")
    assert deleted.status_code == 200
    assert deleted.json() == {"id": file["id"], "object": "file", "deleted": True}
    for method, path in (
        ("GET", f"{FILES}/{file['id']}"),
        ("GET", f"{FILES}/{file['id']}/content"),
        ("DELETE", f"{FILES}/{file['id']}"),
    ):
        gone = client.request(method, path)
        assert gone.status_code == 404
        error = error_of(gone)
        assert error["type"] == "not_found_error" and error["code"] == "file_not_found"
        assert file["id"] in error["message"]
    with pytest.raises(KeyError):
        server.file_content(file["id"])


def test_wrong_methods_and_unknown_subpaths(client: httpx.Client) -> None:
    file_id = make_files(client, 1)[0]
    assert client.put(FILES).status_code == 405
    assert client.post(f"{FILES}/{file_id}").headers["allow"] == "GET, DELETE"
    assert client.delete(f"{FILES}/{file_id}/content").status_code == 405
    assert client.get(f"{FILES}/{file_id}/other").status_code == 404


def test_create_file_reset_and_auth() -> None:
    server = MockCerebrasServer(api_key="secret", time_scale=0)
    seeded = server.create_file("line\n", filename="seed.jsonl", expires_after=3600)
    assert seeded["bytes"] == 5 and seeded["expires_at"] - seeded["created_at"] == 3600
    with httpx.Client(transport=server.transport(), base_url="http://mock") as anonymous:
        assert anonymous.get(FILES).status_code == 401
    headers = {"authorization": "Bearer secret"}
    with httpx.Client(transport=server.transport(), base_url="http://mock", headers=headers) as client:
        assert [f["id"] for f in client.get(FILES).json()["data"]] == [seeded["id"]]
        server.reset()
        assert client.get(FILES).json()["data"] == []


def test_files_over_a_real_socket(cerebras_mock: MockCerebrasServer) -> None:
    with httpx.Client(base_url=cerebras_mock.base_url, timeout=5) as client:
        file = upload(client, JSONL * 3).json()
        assert client.get(f"{FILES}/{file['id']}/content").content == JSONL * 3
        assert client.delete(f"{FILES}/{file['id']}").json()["deleted"] is True


def test_scripted_faults_can_target_the_files_routes(
    server: MockCerebrasServer, client: httpx.Client
) -> None:
    server.add_error(503, route="files")
    assert client.get(FILES).status_code == 503
    assert client.get(FILES).status_code == 200
    server.assert_all_used()

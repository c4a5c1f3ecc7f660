"""Batch input files: BatchInputWriter, write_batch_input and check_batch_input."""

from __future__ import annotations

import io
import json
import os
import pickle
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from cerebras.cloud.sdk.lib.batch_input import (
    BATCH_ENDPOINTS,
    MAX_FILE_BYTES,
    MAX_REQUESTS,
    MIN_REQUESTS,
    BatchInputError,
    BatchInputSummary,
    BatchInputWriter,
    batch_request,
    check_batch_input,
    write_batch_input,
)

MODEL = "llama3.1-8b"


def body(i: int, model: str = MODEL) -> Dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": f"question {i}"}], "max_tokens": 16}


def requests(n: int, prefix: str = "q-") -> List[Dict[str, Any]]:
    return [batch_request(body(i), custom_id=f"{prefix}{i}") for i in range(1, n + 1)]


def jsonl(lines: List[Any]) -> bytes:
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def test_limits_are_the_documented_ones() -> None:
    assert BATCH_ENDPOINTS == ("/v1/chat/completions",)
    assert (MIN_REQUESTS, MAX_REQUESTS, MAX_FILE_BYTES) == (10, 50_000, 200 * 1024 * 1024)


def test_round_trip_write_check_and_parse(tmp_path: Path) -> None:
    lines = requests(12)
    lines[5] = batch_request(body(6, model="llama-3.3-70b"), custom_id="q-6")
    path = tmp_path / "batch.jsonl"
    summary = write_batch_input(lines, path)
    size = path.stat().st_size
    assert summary == BatchInputSummary(requests=12, bytes=size, models=(MODEL, "llama-3.3-70b"))
    assert check_batch_input(path) == summary
    assert check_batch_input(str(path)) == summary
    assert check_batch_input(path.read_bytes()) == summary
    with path.open("rb") as file:
        assert check_batch_input(file) == summary
    parsed = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]
    assert parsed == lines
    assert [list(line) for line in parsed] == [["custom_id", "method", "url", "body"]] * 12
    assert not [p for p in tmp_path.iterdir() if p.name != "batch.jsonl"]  # no temporary file left


def test_batch_request_builds_one_line_and_checks_its_shape() -> None:
    params = body(1)
    line = batch_request(params, custom_id="eval-001")
    assert line == {"custom_id": "eval-001", "method": "POST", "url": "/v1/chat/completions", "body": params}
    assert line["body"] is not params  # copied
    with pytest.raises(BatchInputError) as info:
        batch_request(params, custom_id="eval-001", url="/v1/completions")
    assert (info.value.line, info.value.custom_id) == (None, "eval-001")
    assert (
        str(info.value) == "custom_id 'eval-001': url must be '/v1/chat/completions', got '/v1/completions'"
    )


def test_auto_custom_ids_and_body_keyword(tmp_path: Path) -> None:
    out = io.BytesIO()
    with BatchInputWriter(out, min_requests=3) as writer:
        assert writer.add(body=body(1)) == "request-1"
        assert writer.add(body=body(2), custom_id="mine") == "mine"
        assert writer.add(body=body(3)) == "request-3"
        assert writer.add(batch_request(body(4), custom_id="full")) == "full"
    ids = [json.loads(text)["custom_id"] for text in out.getvalue().splitlines()]
    assert ids == ["request-1", "mine", "request-3", "full"]
    assert writer.count == 4
    assert writer.bytes_written == len(out.getvalue())
    assert not out.closed  # the caller's file object stays open
    with pytest.raises(TypeError):
        BatchInputWriter(io.BytesIO()).add(batch_request(body(1), custom_id="x"), custom_id="y")  # type: ignore[call-overload]


def test_an_auto_id_that_collides_is_a_duplicate() -> None:
    writer = BatchInputWriter(io.BytesIO(), min_requests=1)
    writer.add(batch_request(body(1), custom_id="request-2"))
    with pytest.raises(BatchInputError, match="duplicate custom_id, first used on line 1"):
        writer.add(body=body(2))


def test_writing_to_a_file_object_is_checkable(tmp_path: Path) -> None:
    out = io.BytesIO()
    summary = write_batch_input(requests(10), out)
    assert summary.requests == 10
    assert summary.bytes == len(out.getvalue())
    assert check_batch_input(out.getvalue()) == summary
    with pytest.raises(TypeError, match="binary"):
        BatchInputWriter(io.StringIO())


def test_duplicate_custom_id_names_both_lines() -> None:
    lines = requests(12)
    lines[6]["custom_id"] = "q-3"
    with pytest.raises(BatchInputError) as info:
        write_batch_input(lines, io.BytesIO())
    assert (info.value.line, info.value.custom_id) == (7, "q-3")
    assert info.value.reason == "duplicate custom_id, first used on line 3"
    assert str(info.value) == "line 7 (custom_id 'q-3'): duplicate custom_id, first used on line 3"
    with pytest.raises(BatchInputError) as checked:
        check_batch_input(jsonl(lines))
    assert str(checked.value) == str(info.value)


@pytest.mark.parametrize("count", [0, 9])
def test_too_few_requests(tmp_path: Path, count: int) -> None:
    path = tmp_path / "batch.jsonl"
    with pytest.raises(BatchInputError) as info:
        write_batch_input(requests(count), path)
    assert info.value.line is None
    assert f"only {count} requests, at least 10 are required" in str(info.value)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(BatchInputError, match="at least 10"):
        check_batch_input(jsonl(requests(count)))
    assert check_batch_input(jsonl(requests(10))).requests == 10


def test_too_many_requests_with_a_small_limit() -> None:
    out = io.BytesIO()
    writer = BatchInputWriter(out, min_requests=1, max_requests=3)
    for line in requests(3):
        writer.add(line)
    with pytest.raises(BatchInputError) as info:
        writer.add(body=body(4))
    assert info.value.line == 4
    assert "more than 3 requests" in info.value.reason
    assert len(out.getvalue().splitlines()) == 3  # the fourth was never written
    with pytest.raises(BatchInputError, match="more than 3 requests") as checked:
        check_batch_input(jsonl(requests(4)), min_requests=1, max_requests=3)
    assert checked.value.line == 4


def test_the_default_limit_of_50000_lines() -> None:
    # Tiny lines, bypassing the helpers, so both checks together stay well under a second.
    template = '{"custom_id":"%d","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[1]}}\n'
    data = "".join(template % i for i in range(1, MAX_REQUESTS + 2)).encode()
    with pytest.raises(BatchInputError) as info:
        check_batch_input(data)
    # Named at line 50,001: the 50,000 lines before it were all accepted.
    assert info.value.line == 50_001
    assert "more than 50000 requests" in str(info.value)


def test_size_limit_in_the_writer(tmp_path: Path) -> None:
    one = len(json.dumps(requests(1)[0], separators=(",", ":")).encode()) + 1
    path = tmp_path / "batch.jsonl"
    writer = BatchInputWriter(path, min_requests=1, max_bytes=2 * one)
    with pytest.raises(BatchInputError) as info, writer:
        for line in requests(3):
            writer.add(line)
    assert (info.value.line, info.value.custom_id) == (3, "q-3")
    assert f"exceed {2 * one} bytes" in info.value.reason
    assert writer.bytes_written == 2 * one
    assert not path.exists()
    assert write_batch_input(requests(2), path, min_requests=1, max_bytes=2 * one).bytes == 2 * one
    out = io.BytesIO()
    writer = BatchInputWriter(out, min_requests=1, max_bytes=2 * one - 1)
    writer.add(requests(1)[0])
    with pytest.raises(BatchInputError, match="exceed"):
        writer.add(requests(2)[1])
    assert out.getvalue() == json.dumps(requests(1)[0], separators=(",", ":")).encode() + b"\n"
    assert (writer.count, writer.bytes_written) == (1, one)


def test_size_limit_in_the_checker(tmp_path: Path) -> None:
    data = jsonl(requests(12))
    with pytest.raises(BatchInputError) as info:
        check_batch_input(io.BytesIO(data), max_bytes=len(data) - 1)
    assert info.value.line == 12
    path = tmp_path / "batch.jsonl"
    path.write_bytes(data)
    with pytest.raises(BatchInputError, match=f"the file is {len(data)} bytes") as whole:
        check_batch_input(path, max_bytes=len(data) - 1)
    assert whole.value.line is None
    assert check_batch_input(path, max_bytes=len(data)).bytes == len(data)


def bad_line(change: str) -> Any:
    line: Any = batch_request(body(5), custom_id="q-5")
    if change == "url":
        line["url"] = "/v1/completions"
    elif change == "method":
        line["method"] = "GET"
    elif change == "body-list":
        line["body"] = [body(5)]
    elif change == "body-string":
        line["body"] = json.dumps(body(5))
    elif change == "no-model":
        del line["body"]["model"]
    elif change == "empty-model":
        line["body"]["model"] = ""
    elif change == "no-messages":
        del line["body"]["messages"]
    elif change == "empty-messages":
        line["body"]["messages"] = []
    elif change == "no-url":
        del line["url"]
    elif change == "extra-field":
        line["priority"] = 1
    elif change == "id-number":
        line["custom_id"] = 5
    elif change == "id-empty":
        line["custom_id"] = ""
    elif change == "not-object":
        line = ["q-5", body(5)]
    return line


BAD_LINES = {
    "url": "url must be '/v1/chat/completions', got '/v1/completions'",
    "method": "method must be 'POST', got 'GET'",
    "body-list": "body must be a JSON object, got array",
    "body-string": "body must be a JSON object, got string",
    "no-model": "body has no 'model'",
    "empty-model": "body 'model' must be a non-empty string, got ''",
    "no-messages": "body has no 'messages'",
    "empty-messages": "body 'messages' must not be empty",
    "no-url": "missing field 'url'",
    "extra-field": "unexpected field 'priority' (allowed: custom_id, method, url, body)",
    "id-number": "custom_id must be a string, got number",
    "id-empty": "custom_id must not be empty",
    "not-object": "a request must be a JSON object, got array",
}


@pytest.mark.parametrize("change", sorted(BAD_LINES))
def test_each_rule_in_writer_and_checker(change: str) -> None:
    lines: List[Any] = [*requests(12)]
    lines[4] = bad_line(change)
    named = "q-5" if change not in ("id-number", "id-empty", "not-object") else None
    with pytest.raises(BatchInputError) as written:
        write_batch_input(lines, io.BytesIO())
    with pytest.raises(BatchInputError) as checked:
        check_batch_input(jsonl(lines))
    for error in (written.value, checked.value):
        assert (error.line, error.custom_id, error.reason) == (5, named, BAD_LINES[change])


def test_writer_rejects_nan_infinity_and_unserialisable_values() -> None:
    writer = BatchInputWriter(io.BytesIO(), min_requests=1)
    for value, reason in [
        (float("nan"), "NaN or infinity"),
        (float("inf"), "NaN or infinity"),
        (object(), "cannot be written as JSON"),
        ("\ud800", "cannot be encoded as UTF-8"),
    ]:
        with pytest.raises(BatchInputError, match=reason) as info:
            writer.add(body={**body(1), "temperature": value}, custom_id="t")
        assert (info.value.line, info.value.custom_id) == (1, "t")
    assert (writer.count, writer.bytes_written) == (0, 0)
    writer.add(body=body(1), custom_id="t")  # the id was never used up by the rejected lines
    assert writer.count == 1


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_checker_rejects_non_finite_numbers(number: bytes) -> None:
    data = jsonl(requests(12)).splitlines(keepends=True)
    data[7] = data[7].replace(b'"max_tokens": 16', b'"temperature": ' + number)
    with pytest.raises(BatchInputError, match="NaN or infinity") as info:
        check_batch_input(b"".join(data))
    assert info.value.line == 8


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (b"not json\n", 4, "not valid JSON"),
        (b'{"custom_id": "x",\n', 4, "not valid JSON"),
        (b"\xff\xfe{}\n", 4, "not valid UTF-8"),
        (b"\n", 4, "blank line"),
    ],
)
def test_checker_rejects_lines_that_are_not_json(text: bytes, line: int, reason: str) -> None:
    data = jsonl(requests(3)) + text + jsonl(requests(10, prefix="r-"))
    with pytest.raises(BatchInputError, match=reason) as info:
        check_batch_input(data)
    assert info.value.line == line
    assert str(info.value).startswith(f"line {line}: ")


def test_checker_allows_blank_lines_at_the_end_and_crlf() -> None:
    data = jsonl(requests(10)).replace(b"\n", b"\r\n") + b"\n  \n"
    summary = check_batch_input(data)
    assert (summary.requests, summary.bytes) == (10, len(data))
    with pytest.raises(BatchInputError, match="byte order mark"):
        check_batch_input(b"\xef\xbb\xbf" + data)


def test_checker_streams_and_stops_at_the_first_bad_line() -> None:
    class LinesOnly(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("the checker must read line by line")

        def readlines(self, hint: int | None = -1) -> List[bytes]:
            raise AssertionError("the checker must read line by line")

    good = jsonl(requests(2))
    source = LinesOnly(good + b"oops\n" + jsonl(requests(20, prefix="r-")))
    with pytest.raises(BatchInputError) as info:
        check_batch_input(source)
    assert info.value.line == 3
    assert source.tell() == len(good) + len(b"oops\n")  # nothing after the bad line was read
    with pytest.raises(TypeError, match="binary"):
        check_batch_input(io.StringIO(jsonl(requests(10)).decode()))  # type: ignore[arg-type]


def test_atomic_write_leaves_an_existing_destination_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"previous contents\n")
    lines = requests(12)
    lines[10]["method"] = "PUT"
    with pytest.raises(BatchInputError):
        write_batch_input(lines, path)
    assert path.read_bytes() == b"previous contents\n"
    with pytest.raises(RuntimeError), BatchInputWriter(path) as writer:
        for line in requests(12):
            writer.add(line)
        raise RuntimeError("interrupted")
    assert path.read_bytes() == b"previous contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch.jsonl"]
    write_batch_input(requests(12), path)
    assert check_batch_input(path).requests == 12


def test_writer_does_not_touch_the_destination_until_close(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    writer = BatchInputWriter(os.fspath(path))
    for line in requests(10):
        writer.add(line)
    assert not path.exists()
    assert writer.close() == check_batch_input(path)
    assert writer.closed
    assert writer.close().requests == 10  # closing twice is harmless
    with pytest.raises(ValueError, match="closed"):
        writer.add(body=body(11))
    aborted = BatchInputWriter(tmp_path / "other.jsonl")
    aborted.add(body=body(1))
    aborted.abort()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batch.jsonl"]
    with pytest.raises(ValueError, match="aborted"):
        aborted.close()


def test_a_rejected_line_leaves_the_writer_usable() -> None:
    out = io.BytesIO()
    with BatchInputWriter(out, min_requests=2) as writer:
        writer.add(body=body(1))
        with pytest.raises(BatchInputError) as info:
            writer.add(body={"messages": body(2)["messages"]})
        assert info.value.line == 2
        writer.add(body=body(2))
    assert [json.loads(t)["custom_id"] for t in out.getvalue().splitlines()] == ["request-1", "request-2"]


def test_single_model_is_opt_in() -> None:
    lines = requests(12)
    lines[8] = batch_request(body(9, model="other"), custom_id="q-9")
    assert check_batch_input(jsonl(lines)).models == (MODEL, "other")
    assert write_batch_input(lines, io.BytesIO()).models == (MODEL, "other")
    for run in (
        lambda: check_batch_input(jsonl(lines), single_model=True),
        lambda: write_batch_input(lines, io.BytesIO(), single_model=True),
    ):
        with pytest.raises(BatchInputError) as info:
            run()
        assert (info.value.line, info.value.custom_id) == (9, "q-9")
        assert info.value.reason == f"model 'other' differs from '{MODEL}' used on line 1 (single_model=True)"


def test_write_batch_input_consumes_a_generator_lazily(tmp_path: Path) -> None:
    produced: List[int] = []

    def generate() -> Iterator[Dict[str, Any]]:
        for i in range(1, 30):
            produced.append(i)
            yield batch_request(body(i), custom_id="same" if i in (4, 5) else f"q-{i}")

    with pytest.raises(BatchInputError, match="line 5"):
        write_batch_input(generate(), tmp_path / "batch.jsonl")
    assert produced == [1, 2, 3, 4, 5]


def test_bad_settings_are_rejected_up_front(tmp_path: Path) -> None:
    for settings in (
        {"endpoint": "/v1/completions"},
        {"min_requests": 5, "max_requests": 4},
        {"max_requests": 0, "min_requests": 0},
        {"max_bytes": 0},
    ):
        with pytest.raises(ValueError):
            BatchInputWriter(io.BytesIO(), **settings)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            check_batch_input(b"", **settings)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        BatchInputWriter(io.BytesIO()).add()  # type: ignore[call-overload]
    assert list(tmp_path.iterdir()) == []


def test_error_keeps_its_fields_when_pickled() -> None:
    error = BatchInputError("duplicate custom_id, first used on line 3", line=7, custom_id="q-7")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.line, copy.custom_id, copy.reason, str(copy)) == (7, "q-7", error.reason, str(error))
    assert str(BatchInputError("only 9 requests")) == "only 9 requests"

"""Tests for the sans-IO server-sent events decoder (``cerebras.cloud.sdk._sse``)."""

from __future__ import annotations

import json
import pickle
import re
from typing import List, Optional, Sequence, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cerebras.cloud.sdk._sse import ServerSentEvent, SSEDecodeError, SSEDecoder

BOM = b"\xef\xbb\xbf"

EventTuple = Tuple[Optional[str], str, Optional[str], Optional[int]]


def as_tuple(event: ServerSentEvent) -> EventTuple:
    return (event.event, event.data, event.id, event.retry)


def decode(*chunks: bytes) -> List[EventTuple]:
    """Feed the chunks one by one, then close; return the events as plain tuples."""
    decoder = SSEDecoder()
    events: List[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    assert decoder.close() == []
    return [as_tuple(e) for e in events]


def bytewise(data: bytes) -> List[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def data_only(*values: str) -> List[EventTuple]:
    return [(None, v, None, None) for v in values]


# --- transcripts from endpoints.md ------------------------------------------------------------

CHAT_CHUNKS = [
    '{"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b",'
    '"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}',
    '{"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b",'
    '"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{"content":"Fast"}}]}',
    '{"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b",'
    '"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{"content":" answers."}}]}',
    '{"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b",'
    '"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],'
    '"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15},"time_info":{"queue_time":0.0001,'
    '"prompt_time":0.0005,"completion_time":0.002,"total_time":0.004,"created":1733000200.5}}',
]
CHAT_BODY = (
    f"data: {CHAT_CHUNKS[0]}\n\n"
    f"data: {CHAT_CHUNKS[1]}\n\n"
    ": keep-alive comment, ignored\n\n"
    f"data: {CHAT_CHUNKS[2]}\n\n"
    f"data: {CHAT_CHUNKS[3]}\n\n"
    "data: [DONE]\n\n"
).encode()

COMPLETION_CHUNKS = [
    '{"id":"cmpl-20","object":"text_completion","created":1733000400,"model":"llama3.1-8b",'
    '"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"text":" night"}]}',
    '{"id":"cmpl-20","object":"text_completion","created":1733000400,"model":"llama3.1-8b",'
    '"system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"text":";","finish_reason":"length"}],'
    '"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}',
]
COMPLETION_BODY = f"data: {COMPLETION_CHUNKS[0]}\n\ndata: {COMPLETION_CHUNKS[1]}\n\ndata: [DONE]\n\n".encode()

ERROR_CHUNKS = [
    '{"id":"chatcmpl-b2","object":"chat.completion.chunk","created":1733000500,"model":"llama3.1-8b",'
    '"system_fingerprint":"fp","choices":[{"index":0,"delta":{"content":"Hi"}}]}',
    '{"error":{"message":"Request exceeded token quota","type":"too_many_tokens_error",'
    '"code":"token_quota_exceeded"},"status_code":429}',
]
ERROR_BODY = f"data: {ERROR_CHUNKS[0]}\n\ndata: {ERROR_CHUNKS[1]}\n\n".encode()


@pytest.mark.parametrize("split", ["whole", "bytewise", "lines"])
def test_chat_stream_transcript(split: str) -> None:
    if split == "whole":
        chunks = [CHAT_BODY]
    elif split == "bytewise":
        chunks = bytewise(CHAT_BODY)
    else:
        chunks = CHAT_BODY.splitlines(keepends=True)
    assert decode(*chunks) == data_only(*CHAT_CHUNKS, "[DONE]")


def test_chat_stream_transcript_payloads() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(CHAT_BODY)
    payloads = [e.json() for e in events[:-1]]
    assert "".join(p["choices"][0]["delta"].get("content") or "" for p in payloads) == "Fast answers."
    assert ["usage" in p for p in payloads] == [False, False, False, True]
    # The decoder does not interpret the end marker; the stream layer does.
    assert events[-1].data == "[DONE]"


def test_completion_stream_transcript() -> None:
    assert decode(COMPLETION_BODY) == data_only(*COMPLETION_CHUNKS, "[DONE]")
    assert decode(*bytewise(COMPLETION_BODY)) == data_only(*COMPLETION_CHUNKS, "[DONE]")


def test_error_stream_transcript() -> None:
    events = SSEDecoder().feed(ERROR_BODY)
    assert [as_tuple(e) for e in events] == data_only(*ERROR_CHUNKS)
    assert events[1].json()["status_code"] == 429


def test_error_stream_transcript_with_event_name() -> None:
    body = f"data: {ERROR_CHUNKS[0]}\n\nevent: error\ndata: {ERROR_CHUNKS[1]}\n\n".encode()
    assert decode(body) == [(None, ERROR_CHUNKS[0], None, None), ("error", ERROR_CHUNKS[1], None, None)]


# --- line ends ----------------------------------------------------------------------------------


@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"])
def test_each_line_end_style(eol: bytes) -> None:
    body = eol.join([b"event: a", b"data: 1", b"data: 2", b"", b"data: 3", b"", b""])
    assert decode(body) == [("a", "1\n2", None, None), (None, "3", None, None)]
    assert decode(*bytewise(body)) == [("a", "1\n2", None, None), (None, "3", None, None)]


def test_mixed_line_ends() -> None:
    assert decode(b"data: a\rdata: b\r\ndata: c\n\r\n") == data_only("a\nb\nc")


def test_crlf_split_between_chunks_is_one_line_end() -> None:
    # If the "\n" counted again, "a" would be dispatched on its own.
    assert decode(b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n") == data_only("a\nb")


def test_crlf_split_with_empty_chunks_between() -> None:
    assert decode(b"data: a\r", b"", b"", b"\ndata: b\r\n", b"\r\n") == data_only("a\nb")


def test_cr_dispatches_without_waiting_for_more_input() -> None:
    decoder = SSEDecoder()
    assert [e.data for e in decoder.feed(b"data: a\r\r")] == ["a"]


def test_cr_cr_is_two_line_ends() -> None:
    assert decode(b"data: a\r", b"\r") == data_only("a")


def test_lf_after_cr_only_swallowed_once() -> None:
    # "\r" + "\n" is one line end; the next "\n" is a blank line again.
    assert decode(b"data: a\r", b"\n", b"\n") == data_only("a")


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"])
def test_only_cr_and_lf_break_lines(char: str) -> None:
    payload = json.dumps({"text": f"a{char}b"}, ensure_ascii=False)
    events = SSEDecoder().feed(f"data: {payload}\n\n".encode())
    assert [e.json() for e in events] == [{"text": f"a{char}b"}]


# --- fields ---------------------------------------------------------------------------------------


def test_comment_lines_are_ignored() -> None:
    assert decode(b": hello\n\n") == []
    assert decode(b":\n:\n\n") == []
    assert decode(b"data: a\n: in the middle\ndata: b\n\n") == data_only("a\nb")


def test_multi_line_data_is_joined_with_lf() -> None:
    assert decode(b"data: a\ndata: b\ndata: c\n\n") == data_only("a\nb\nc")
    assert decode(b"data: a\ndata:\ndata: c\n\n") == data_only("a\n\nc")
    assert decode(b"data:\ndata\n\n") == data_only("\n")


def test_one_leading_space_is_removed() -> None:
    assert decode(b"data:x\n\n") == data_only("x")
    assert decode(b"data: x\n\n") == data_only("x")
    assert decode(b"data:  x\n\n") == data_only(" x")
    assert decode(b"data:\tx\n\n") == data_only("\tx")
    assert decode(b"data: x \n\n") == data_only("x ")


def test_value_split_at_first_colon_only() -> None:
    assert decode(b"data: a: b:c\n\n") == data_only("a: b:c")
    assert decode(b"data::\n\n") == data_only(":")


def test_line_without_colon_is_a_field_with_empty_value() -> None:
    assert decode(b"data\ndata: x\n\n") == data_only("\nx")
    assert decode(b"event: a\nevent\ndata: x\n\n") == data_only("x")
    assert decode(b"id: 1\nid\ndata: x\n\n") == [(None, "x", "", None)]


def test_field_names_are_case_sensitive_and_exact() -> None:
    assert decode(b"Data: x\n\n") == []
    assert decode(b"data : x\n\n") == []
    assert decode(b" data: x\n\n") == []


def test_unknown_fields_are_ignored() -> None:
    assert decode(b"foo: bar\ndata: x\nbaz\n\n") == data_only("x")
    assert decode(b"foo: bar\n\n") == []


def test_event_type_is_reported_and_reset_after_dispatch() -> None:
    assert decode(b"event: error\ndata: {}\n\ndata: 2\n\n") == [
        ("error", "{}", None, None),
        (None, "2", None, None),
    ]
    # The last event line wins.
    assert decode(b"event: a\nevent: b\ndata: x\n\n") == [("b", "x", None, None)]


def test_empty_event_type_is_none() -> None:
    assert decode(b"event:\ndata: x\n\n") == data_only("x")
    assert decode(b"event: \ndata: x\n\n") == data_only("x")


def test_event_type_from_previous_chunk_applies_to_fast_path_chunk() -> None:
    assert decode(b"event: error\n", b"data: x\n\n") == [("error", "x", None, None)]
    assert decode(b"retry: 7\n", b"data: x\n\n", b"data: y\n\n") == [
        (None, "x", None, 7),
        (None, "y", None, None),
    ]


def test_id_persists_across_events() -> None:
    decoder = SSEDecoder()
    assert decoder.last_event_id is None
    events = decoder.feed(b"id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n")
    assert [(e.data, e.id) for e in events] == [("a", "1"), ("b", "1"), ("c", "2")]
    assert decoder.last_event_id == "2"


def test_id_set_by_an_undispatched_event_still_persists() -> None:
    assert decode(b"id: 5\n\ndata: a\n\n") == [(None, "a", "5", None)]


def test_id_can_be_reset_to_empty() -> None:
    assert decode(b"id: 5\ndata: a\n\nid\ndata: b\n\n") == [(None, "a", "5", None), (None, "b", "", None)]


def test_id_containing_nul_is_ignored() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n")
    assert [e.id for e in events] == ["1", "1"]
    assert decoder.last_event_id == "1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"1500", 1500),
        (b"0", 0),
        (b"007", 7),
        (b"15x", None),
        (b"-1", None),
        (b"+1", None),
        (b"1.5", None),
        (b" 1", None),  # only one space is stripped, the second one makes it invalid
        (b"", None),
        ("\u0661\u0662".encode(), None),  # Arabic-Indic digits are digits, but not ASCII ones
        ("\u00b2".encode(), None),
    ],
)
def test_retry_parsing(value: bytes, expected: Optional[int]) -> None:
    assert decode(b"retry: " + value + b"\ndata: x\n\n") == [(None, "x", None, expected)]


def _int_or_none(digits: str) -> Optional[int]:
    try:
        return int(digits)
    except ValueError:
        return None


def test_retry_too_long_for_int_is_ignored_without_crashing() -> None:
    # Since 3.11 (and some 3.9/3.10 patch releases) int() refuses more than 4300 digits.
    digits = "9" * 5000
    assert decode(f"retry: {digits}\ndata: x\n\n".encode()) == [(None, "x", None, _int_or_none(digits))]


def test_retry_applies_to_its_own_event_only() -> None:
    assert decode(b"retry: 10\ndata: a\n\ndata: b\n\n") == [(None, "a", None, 10), (None, "b", None, None)]
    assert decode(b"retry: 10\n\ndata: b\n\n") == data_only("b")
    assert decode(b"retry: 10\nretry: x\ndata: a\n\n") == [(None, "a", None, 10)]


# --- decisions 10 and 26 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"\n",
        b"\n\n\n",
        b"event: ping\n\n",
        b"id: 5\n\n",
        b"retry: 10\n\n",
        b"data:\n\n",
        b"data: \n\n",
        b"data\n\n",
        b"event: x\nid: 1\nretry: 3\ndata:\n\n",
    ],
)
def test_event_with_empty_data_is_not_dispatched(body: bytes) -> None:
    assert decode(body) == []
    assert decode(*bytewise(body)) == []


def test_undispatched_event_resets_type_and_retry() -> None:
    assert decode(b"event: ping\nretry: 9\n\ndata: x\n\n") == data_only("x")


def test_unterminated_final_event_is_dropped() -> None:
    assert decode(b"data: a\n\ndata: b") == data_only("a")
    assert decode(b"data: a\n\ndata: b\n") == data_only("a")
    assert decode(b"data: a\n\ndata: b\r\n") == data_only("a")
    assert decode(b"data: a\n\nevent: x\ndata: b\nid: 3\n") == data_only("a")


def test_close_returns_nothing_and_resets() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"id: 1\ndata: partial\ndata: more") == []
    assert decoder.close() == []
    assert decoder.feed(b"\n\n") == []
    assert decoder.last_event_id == "1"


def test_no_input() -> None:
    assert decode() == []
    assert decode(b"") == []
    assert decode(b"", b"") == []


# --- byte order mark ---------------------------------------------------------------------------------


def test_leading_bom_is_skipped() -> None:
    assert decode(BOM + b"data: x\n\n") == data_only("x")


@pytest.mark.parametrize("cut", [1, 2, 3])
def test_leading_bom_split_across_chunks(cut: int) -> None:
    assert decode(BOM[:cut], BOM[cut:] + b"data: x\n\n") == data_only("x")
    assert decode(*bytewise(BOM + b"data: x\n\n")) == data_only("x")


def test_only_one_bom_is_skipped() -> None:
    # The second BOM becomes part of the field name, so the field is unknown.
    assert decode(BOM + BOM + b"data: x\n\ndata: y\n\n") == data_only("y")


def test_bom_later_in_the_stream_is_not_skipped() -> None:
    assert decode(b"data: x\n\n", BOM + b"data: y\n\n") == data_only("x")
    assert decode(b"data: x\n\n" + BOM + b"data: y\n\n") == data_only("x")


def test_partial_bom_alone_is_an_unterminated_line() -> None:
    assert decode(BOM[:2]) == []
    assert decode(BOM) == []


# --- UTF-8 ------------------------------------------------------------------------------------------


def test_utf8_character_split_across_feeds() -> None:
    text = "h\u00e9llo \u20ac \U0001f600 \u4e2d\u6587"
    body = f"data: {text}\n\n".encode()
    assert decode(*bytewise(body)) == data_only(text)
    euro = "\u20ac".encode()
    assert decode(b"data: " + euro[:1], euro[1:2], euro[2:] + b"\n\n") == data_only("\u20ac")


def test_invalid_utf8_raises_sse_decode_error() -> None:
    decoder = SSEDecoder()
    with pytest.raises(SSEDecodeError) as info:
        decoder.feed(b"data: ok\n\ndata: bad \xff byte\n\n")
    error = info.value
    assert isinstance(error, ValueError)
    assert not isinstance(error, UnicodeDecodeError)
    assert error.raw == b"data: bad \xff byte"
    assert isinstance(error.__cause__, UnicodeDecodeError)
    # The event completed before the bad line travels with the error.
    assert [as_tuple(e) for e in error.events] == data_only("ok")
    assert "data: bad" in str(error)


@pytest.mark.parametrize(
    "line",
    [
        b"\xc3",  # truncated two-byte sequence at the end of the line
        b"data: \xe2\x82",  # truncated three-byte sequence
        b"data: \xed\xa0\x80",  # an encoded surrogate
        b"data: \xc0\xaf",  # overlong encoding
        b": comment \xfe",  # comments are decoded too
        b"\xef\xbb",  # not a BOM after all
    ],
)
@pytest.mark.parametrize("eol", [b"\n", b"\r", b"\r\n"])
def test_invalid_utf8_variants(line: bytes, eol: bytes) -> None:
    for chunks in ([line + eol + b"\n"], bytewise(line + eol + b"\n")):
        decoder = SSEDecoder()
        with pytest.raises(SSEDecodeError) as info:
            for chunk in chunks:
                decoder.feed(chunk)
        assert info.value.raw == line


def test_invalid_utf8_in_dropped_partial_line_is_harmless() -> None:
    assert decode(b"data: a\n\ndata: \xff") == data_only("a")


def test_sse_decode_error_pickles() -> None:
    error = SSEDecodeError(b"\xff", "invalid start byte", [ServerSentEvent(data="x")])
    clone = pickle.loads(pickle.dumps(error))
    assert isinstance(clone, SSEDecodeError)
    assert clone.raw == b"\xff"
    assert clone.events == [ServerSentEvent(data="x")]
    assert str(clone) == str(error)


# --- chunking -----------------------------------------------------------------------------------------


def test_events_returned_by_the_chunk_that_completes_them() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert [e.data for e in decoder.feed(b"\ndata: b\n\ndata: c")] == ["a", "b"]
    assert [e.data for e in decoder.feed(b"\n\n")] == ["c"]


def test_long_line_in_many_small_chunks() -> None:
    payload = "x" * 200_000
    body = f"data: {payload}\n\n".encode()
    decoder = SSEDecoder()
    events: List[ServerSentEvent] = []
    for i in range(0, len(body), 7):
        events.extend(decoder.feed(body[i : i + 7]))
    assert [e.data for e in events] == [payload]


# --- ServerSentEvent ---------------------------------------------------------------------------------


def test_server_sent_event_defaults() -> None:
    event = ServerSentEvent()
    assert (event.event, event.data, event.id, event.retry) == (None, "", None, None)


def test_server_sent_event_normalisation() -> None:
    assert ServerSentEvent(event="").event is None
    assert ServerSentEvent(event="x").event == "x"
    assert ServerSentEvent(data=None).data == ""
    assert ServerSentEvent(id="", retry=0).id == ""
    assert ServerSentEvent(retry=0).retry == 0


def test_server_sent_event_json() -> None:
    assert ServerSentEvent(data='{"a": [1, 2]}').json() == {"a": [1, 2]}
    with pytest.raises(json.JSONDecodeError):
        ServerSentEvent(data="[DONE]").json()


def test_server_sent_event_repr() -> None:
    event = ServerSentEvent(event="error", data='{"a":1}', id="7", retry=100)
    assert repr(event) == 'ServerSentEvent(event=error, data={"a":1}, id=7, retry=100)'
    assert repr(ServerSentEvent()) == "ServerSentEvent(event=None, data=, id=None, retry=None)"


def test_server_sent_event_is_keyword_only_and_read_only() -> None:
    with pytest.raises(TypeError):
        ServerSentEvent("x")  # type: ignore[misc]
    event = ServerSentEvent(data="x")
    with pytest.raises(AttributeError):
        event.data = "y"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        event.other = 1  # type: ignore[attr-defined]


def test_server_sent_event_equality() -> None:
    assert ServerSentEvent(data="x", id="1") == ServerSentEvent(data="x", id="1")
    assert ServerSentEvent(data="x", id="1") != ServerSentEvent(data="x", id="2")
    assert ServerSentEvent(event="", data="x") == ServerSentEvent(data="x")
    assert ServerSentEvent(data="x") != "x"
    assert len({ServerSentEvent(data="x"), ServerSentEvent(data="x")}) == 1


def test_decoded_event_is_an_ordinary_server_sent_event() -> None:
    (event,) = SSEDecoder().feed(b"event: e\nid: 1\nretry: 2\ndata: d\n\n")
    assert type(event) is ServerSentEvent
    assert event == ServerSentEvent(event="e", data="d", id="1", retry=2)
    assert repr(event) == "ServerSentEvent(event=e, data=d, id=1, retry=2)"


# --- property-based tests ---------------------------------------------------------------------------

# Text that may appear inside a line: anything encodable except the two line-end characters.
_line_text = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12)
# A few awkward characters mixed into the generated text more often than chance would.
_awkward = st.sampled_from(["", ":", " ", "  ", "\u2028", "\x85", "\ufeff", "\u20ac", "\U0001f600", "\t"])


def _concat(head: str, body: str, tail: str) -> str:
    return head + body + tail


def _has_no_nul(value: str) -> bool:
    return "\0" not in value


_value = st.builds(_concat, _awkward, _line_text, _awkward)


@st.composite
def _event_specs(draw: st.DrawFn) -> Tuple[Optional[str], List[str], Optional[str], Optional[int]]:
    name = draw(st.none() | _value)
    data_lines = draw(st.lists(_value, max_size=3))
    event_id = draw(st.none() | _value.filter(_has_no_nul))
    retry = draw(st.none() | st.integers(min_value=0, max_value=10**12))
    return name, data_lines, event_id, retry


@st.composite
def _rendered_streams(draw: st.DrawFn) -> Tuple[bytes, List[EventTuple]]:
    """A stream rendered with random line ends, plus the events it must decode to."""
    specs = draw(st.lists(_event_specs(), max_size=6))
    lines: List[str] = []
    expected: List[EventTuple] = []
    last_id: Optional[str] = None
    for name, data_lines, event_id, retry in specs:
        block: List[str] = []
        if name is not None:
            block.append(f"event: {name}")
        if event_id is not None:
            block.append(f"id: {event_id}")
            last_id = event_id
        if retry is not None:
            block.append(f"retry: {retry}")
        for value in data_lines:
            # "data:value" is only equivalent when the value does not start with the space.
            sep = draw(st.sampled_from([": ", ":"])) if not value.startswith(" ") else ": "
            block.append(f"data{sep}{value}")
        if draw(st.booleans()):
            block.append(f": {draw(_value)}")
        if draw(st.booleans()):
            block.append(f"x-unknown: {draw(_value)}")
        # Shuffle the lines, then put the data lines back into their slots in their own order.
        order = draw(st.permutations(range(len(block))))
        shuffled = [block[i] for i in order]
        data_slots = [i for i, line in enumerate(shuffled) if line.startswith("data")]
        for slot, line in zip(data_slots, [line for line in block if line.startswith("data")]):
            shuffled[slot] = line
        lines.extend(shuffled)
        lines.append("")
        joined = "\n".join(data_lines)
        if joined:
            expected.append((name or None, joined, last_id, retry))
    trailing = draw(st.none() | _value)
    if trailing is not None:
        # An event without its blank line: it must vanish (decision 26).
        lines.append(f"data: {trailing}")

    out = bytearray(BOM if draw(st.booleans()) else b"")
    previous_eol = b""
    for i, line in enumerate(lines):
        out += line.encode()
        if i == len(lines) - 1 and trailing is not None and draw(st.booleans()):
            break  # leave the final partial line without a line end
        choices = [b"\n", b"\r", b"\r\n"]
        if previous_eol == b"\r" and not line:
            # "\r" followed by an empty line ended with "\n" would read as one CRLF.
            choices = [b"\r", b"\r\n"]
        previous_eol = draw(st.sampled_from(choices))
        out += previous_eol
    return bytes(out), expected


def _split(data: bytes, cuts: Sequence[int]) -> List[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:])]


def _run(chunks: Sequence[bytes]) -> Tuple[List[EventTuple], Optional[bytes], Optional[str]]:
    """Feed chunks; return all events seen (including those carried by an error), the bad line
    if decoding failed, and the final last_event_id when it did not."""
    decoder = SSEDecoder()
    events: List[ServerSentEvent] = []
    try:
        for chunk in chunks:
            events.extend(decoder.feed(chunk))
    except SSEDecodeError as error:
        events.extend(error.events)
        return [as_tuple(e) for e in events], error.raw, None
    assert decoder.close() == []
    return [as_tuple(e) for e in events], None, decoder.last_event_id


@pytest.mark.slow  # over a second
@settings(max_examples=300, deadline=None)
@given(_rendered_streams(), st.lists(st.integers(min_value=0), max_size=12))
def test_rendered_events_round_trip_under_any_split(
    stream: Tuple[bytes, List[EventTuple]], cuts: List[int]
) -> None:
    body, expected = stream
    whole = _run([body])
    assert whole[0] == expected
    assert whole[1] is None
    assert _run(_split(body, cuts)) == whole


def _reference(data: bytes) -> Tuple[List[EventTuple], Optional[bytes], Optional[str]]:
    """A deliberately naive, whole-input implementation of the same rules, used as an oracle."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    *complete, _partial = re.split(rb"\r\n|\r|\n", data)
    events: List[EventTuple] = []
    event_type = ""
    data_lines: List[str] = []
    retry: Optional[int] = None
    last_id: Optional[str] = None
    for raw in complete:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            return events, raw, None
        if line == "":
            if "\n".join(data_lines) != "":
                events.append((event_type or None, "\n".join(data_lines), last_id, retry))
            event_type, data_lines, retry = "", [], None
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            event_type = value
        elif field == "data":
            data_lines.append(value)
        elif field == "id" and "\0" not in value:
            last_id = value
        elif field == "retry" and re.fullmatch(r"[0-9]+", value) and _int_or_none(value) is not None:
            retry = int(value)
    return events, None, last_id


_pieces = st.sampled_from(
    [
        b"data",
        b"data: ",
        b"data:",
        b"event: ",
        b"id: ",
        b"retry: ",
        b":",
        b" ",
        b"\n",
        b"\r",
        b"\r\n",
        b"\n\n",
        b"x",
        b"12",
        b"\x00",
        BOM,
        b"\xef",
        b"\xbb",
        b"\xff",
        b"\xe2\x82",
        b"\xac",
        "\u2028".encode(),
        "\U0001f600".encode(),
    ]
)
_messy_bytes = st.binary(max_size=64) | st.lists(_pieces, max_size=40).map(b"".join)


# The decoder has no unbounded loops; the deadline is there to flag anything pathological.
@settings(max_examples=400, deadline=1000)
@given(_messy_bytes, st.lists(st.integers(min_value=0), max_size=12))
def test_arbitrary_bytes_split_anywhere_match_whole_and_oracle(data: bytes, cuts: List[int]) -> None:
    whole = _run([data])
    assert whole == _reference(data)
    assert _run(_split(data, cuts)) == whole
    assert _run(bytewise(data)) == whole

"""Property: splitting a completion into chunks any which way and accumulating them gives it back."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cerebras.cloud.sdk._models import construct_type
from cerebras.cloud.sdk.lib import ChatCompletionAccumulator, TextCompletionAccumulator
from cerebras.cloud.sdk.types.chat.chat_completion import (
    ChatChunkResponse,
    ChatCompletion,
    ChatCompletionResponse,
)
from cerebras.cloud.sdk.types.completion import Completion, CompletionResponse

Json = Dict[str, Any]
T = TypeVar("T")
Draw = Callable[[st.SearchStrategy[T]], T]

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
maybe = st.booleans()
finish_reasons = st.sampled_from(["stop", "length", "content_filter", "tool_calls", None])


def logprob_entry() -> st.SearchStrategy[Json]:
    alternative = st.fixed_dictionaries({"token": text, "logprob": st.floats(-20, 0)})
    return st.fixed_dictionaries(
        {"token": text, "logprob": st.floats(-20, 0), "top_logprobs": st.lists(alternative, max_size=2)}
    )


@st.composite
def tool_call(draw: Draw[Any], index: int) -> Json:
    return {
        "index": index,
        "id": draw(st.text("abcdef0123456789", min_size=1, max_size=8)),
        "type": "function",
        "function": {"name": draw(st.sampled_from(["f", "get_weather", "lookup"])), "arguments": draw(text)},
    }


@st.composite
def chat_choice(draw: Draw[Any], index: int) -> Json:
    message: Json = {"role": "assistant"}
    if draw(maybe):
        message["content"] = draw(st.none() | text)
    if draw(maybe):
        message["reasoning"] = draw(text)
    if draw(maybe):
        count = draw(st.integers(0, 3))
        message["tool_calls"] = [draw(tool_call(k)) for k in range(count)]
    choice: Json = {"index": index, "message": message}
    if draw(maybe):
        choice["finish_reason"] = draw(finish_reasons)
    if draw(maybe):
        choice["logprobs"] = {"content": draw(st.lists(logprob_entry(), max_size=4))}
    return choice


@st.composite
def chat_completion(draw: Draw[Any]) -> Json:
    body: Json = {
        "id": draw(st.text("abc123", min_size=1, max_size=10)),
        "object": "chat.completion",
        "created": draw(st.integers(0, 2**31)),
        "model": draw(st.sampled_from(["llama3.1-8b", "gpt-oss-120b"])),
        "system_fingerprint": "fp_x",
    }
    body["choices"] = [draw(chat_choice(i)) for i in range(draw(st.integers(1, 3)))]
    if draw(maybe):
        body["service_tier"] = draw(st.sampled_from(["default", "priority"]))
    if draw(maybe):
        body["usage"] = {
            "prompt_tokens": draw(st.integers(0, 99)),
            "completion_tokens": draw(st.integers(0, 99)),
        }
    if draw(maybe):
        body["time_info"] = {"total_time": draw(st.floats(0, 10)), "queue_time": draw(st.floats(0, 1))}
    return body


@st.composite
def pieces(draw: Draw[Any], value: Optional[str]) -> List[Optional[str]]:
    """`value` cut at arbitrary places (at least one piece; `None` stays one null piece)."""
    if value is None:
        return [None]
    cuts = sorted(draw(st.sets(st.integers(1, max(len(value) - 1, 1)), max_size=4)))
    cuts = [c for c in cuts if 0 < c < len(value)]
    bounds = [0, *cuts, len(value)]
    return [value[a:b] for a, b in zip(bounds, bounds[1:])]


@st.composite
def choice_fragments(draw: Draw[Any], choice: Json) -> List[Json]:
    """The per-choice payloads of the chunks that stream `choice`, in order."""
    index = choice["index"]
    message = choice["message"]
    out: List[Json] = [{"index": index, "delta": {"role": message["role"]}}]
    for key in ("reasoning", "content"):
        if key in message:
            out += [{"index": index, "delta": {key: piece}} for piece in draw(pieces(message[key]))]
    for call in message.get("tool_calls", ()):
        args = draw(pieces(call["function"]["arguments"]))
        first = {**call, "function": {"name": call["function"]["name"], "arguments": args[0]}}
        out.append({"index": index, "delta": {"tool_calls": [first]}})
        out += [
            {
                "index": index,
                "delta": {
                    "tool_calls": [{"index": call["index"], "type": "function", "function": {"arguments": a}}]
                },
            }
            for a in args[1:]
        ]
    if "tool_calls" in message and not message["tool_calls"]:
        out.append({"index": index, "delta": {"tool_calls": []}})
    if "logprobs" in choice:
        entries = choice["logprobs"]["content"]
        split = draw(st.integers(0, len(entries)))
        out.append({"index": index, "delta": {}, "logprobs": {"content": entries[:split]}})
        out.append({"index": index, "delta": {}, "logprobs": {"content": entries[split:]}})
    if "finish_reason" in choice:
        out.append({"index": index, "delta": {}, "finish_reason": choice["finish_reason"]})
    return out


@st.composite
def interleave(draw: Draw[Any], sequences: List[List[Json]]) -> List[Json]:
    """Merge the sequences in an arbitrary order that keeps each one's own order."""
    queues = [list(s) for s in sequences if s]
    merged: List[Json] = []
    while queues:
        k = draw(st.integers(0, len(queues) - 1))
        merged.append(queues[k].pop(0))
        if not queues[k]:
            queues.pop(k)
    return merged


@st.composite
def chat_case(draw: Draw[Any]) -> Any:
    original = draw(chat_completion())
    per_choice = [draw(choice_fragments(c)) for c in original["choices"]]
    payloads = draw(interleave(per_choice))
    envelope = {k: original[k] for k in ("id", "created", "model", "system_fingerprint")}
    envelope["object"] = "chat.completion.chunk"
    if "service_tier" in original:
        envelope["service_tier"] = original["service_tier"]
    chunks = [{**envelope, "choices": [p]} for p in payloads]
    tail = {k: original[k] for k in ("usage", "time_info") if k in original}
    if tail:
        if draw(maybe):
            chunks[-1].update(tail)
        else:
            chunks.append({**envelope, "choices": [], **tail})
    return original, chunks


@pytest.mark.slow  # over a second
@settings(max_examples=300, deadline=None)
@given(chat_case())
def test_chat_chunks_accumulate_back_to_the_completion(case: Any) -> None:
    original, chunk_payloads = case
    acc = ChatCompletionAccumulator()
    for payload in chunk_payloads:
        parsed = construct_type(type_=ChatCompletion, value=payload)
        assert isinstance(parsed, ChatChunkResponse)
        acc.add(parsed)
    expected = construct_type(type_=ChatCompletion, value=original)
    assert isinstance(expected, ChatCompletionResponse)
    assert acc.result().to_dict() == expected.to_dict()


@st.composite
def text_case(draw: Draw[Any]) -> Any:
    n = draw(st.integers(1, 3))
    original: Json = {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": draw(st.integers(0, 2**31)),
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_t",
        "choices": [],
    }
    per_choice: List[List[Json]] = []
    for i in range(n):
        choice: Json = {"index": i, "text": draw(text)}
        if draw(maybe):
            choice["tokens"] = draw(st.lists(st.integers(0, 50000), max_size=6))
        if draw(maybe):
            choice["finish_reason"] = draw(finish_reasons)
        original["choices"].append(choice)
        fragments: List[Json] = [{"index": i, "text": piece} for piece in draw(pieces(choice["text"]))]
        if "tokens" in choice:
            # Token ids split in two, on the first and on a separate trailing fragment.
            cut = draw(st.integers(0, len(choice["tokens"])))
            fragments[0]["tokens"] = choice["tokens"][:cut]
            fragments.append({"index": i, "tokens": choice["tokens"][cut:]})
        if "finish_reason" in choice:
            fragments.append({"index": i, "finish_reason": choice["finish_reason"]})
        per_choice.append(fragments)
    if draw(maybe):
        original["usage"] = {"total_tokens": draw(st.integers(0, 99))}
    envelope = {k: v for k, v in original.items() if k not in ("choices", "usage")}
    chunks = [{**envelope, "choices": [p]} for p in draw(interleave(per_choice))]
    if "usage" in original:
        chunks[-1]["usage"] = original["usage"]
    return original, chunks


@settings(max_examples=200, deadline=None)
@given(text_case())
def test_text_chunks_accumulate_back_to_the_completion(case: Any) -> None:
    original, chunk_payloads = case
    acc = TextCompletionAccumulator()
    for payload in chunk_payloads:
        parsed = construct_type(type_=Completion, value=payload)
        assert isinstance(parsed, CompletionResponse)
        acc.add(parsed)
    expected = construct_type(type_=Completion, value=original)
    assert isinstance(expected, CompletionResponse)
    assert acc.result().to_dict() == expected.to_dict()

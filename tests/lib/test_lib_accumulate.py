"""ChatCompletionAccumulator / TextCompletionAccumulator on hand-written chunk sequences."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from cerebras.cloud.sdk import CerebrasError
from cerebras.cloud.sdk._models import construct_type
from cerebras.cloud.sdk.lib import (
    ChatCompletionAccumulator,
    TextCompletionAccumulator,
    accumulator_for,
)
from cerebras.cloud.sdk.types.chat.chat_completion import (
    ChatChunkResponse,
    ChatCompletion,
    ChatCompletionResponse,
    ChatCompletionResponseChoiceLogprobsContent,
    ChatCompletionResponseUsage,
)
from cerebras.cloud.sdk.types.completion import Completion, CompletionResponse

Json = Dict[str, Any]

ENVELOPE: Json = {
    "id": "chatcmpl-7",
    "object": "chat.completion.chunk",
    "created": 1700000000,
    "model": "gpt-oss-120b",
    "system_fingerprint": "fp_1",
}
USAGE: Json = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}
TIME_INFO: Json = {"queue_time": 0.001, "prompt_time": 0.002, "completion_time": 0.003, "total_time": 0.006}


def chunk(*choices: Json, **top: Any) -> ChatChunkResponse:
    """A chunk parsed the way a stream parses it."""
    value = construct_type(type_=ChatCompletion, value={**ENVELOPE, "choices": list(choices), **top})
    assert isinstance(value, ChatChunkResponse)
    return value


def delta(index: int = 0, **fields: Any) -> Json:
    return {"index": index, "delta": fields}


def accumulate(chunks: List[ChatChunkResponse]) -> ChatCompletionResponse:
    acc = ChatCompletionAccumulator()
    for item in chunks:
        acc.add(item)
    return acc.result()


def test_content_and_reasoning_are_concatenated_and_envelope_comes_from_chunks() -> None:
    result = accumulate(
        [
            chunk(delta(role="assistant", content="")),
            chunk(delta(reasoning="Let me ")),
            chunk(delta(reasoning="think.")),
            chunk(delta(content="Hello")),
            chunk(delta(content=", world")),
            chunk({"index": 0, "delta": {}, "finish_reason": "stop"}, usage=USAGE, time_info=TIME_INFO),
        ]
    )
    assert isinstance(result, ChatCompletionResponse)
    assert result.to_dict() == {
        "id": "chatcmpl-7",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-oss-120b",
        "system_fingerprint": "fp_1",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello, world", "reasoning": "Let me think."},
                "finish_reason": "stop",
            }
        ],
        "usage": USAGE,
        "time_info": TIME_INFO,
    }
    # Real model classes, not dicts.
    assert isinstance(result.usage, ChatCompletionResponseUsage)
    assert result.usage.total_tokens == 12
    assert result.time_info is not None and result.time_info.total_time == 0.006


def test_keys_that_never_arrived_stay_unset() -> None:
    result = accumulate([chunk(delta(content="hi"))])
    message = result.choices[0].message
    assert message.model_fields_set == {"role", "content"}
    assert "reasoning" not in result.choices[0].message.to_dict()
    assert "finish_reason" not in result.choices[0].to_dict()
    assert "usage" not in result.to_dict()
    assert "service_tier" not in result.to_dict()
    # The role is required by the response model: it defaults to "assistant".
    assert message.role == "assistant"


def test_null_fragments_mark_a_key_as_sent_without_adding_text() -> None:
    result = accumulate(
        [
            chunk({"index": 0, "delta": {"role": "assistant", "content": None}, "finish_reason": None}),
            chunk({"index": 0, "delta": {"content": "a"}, "finish_reason": None}),
            chunk({"index": 0, "delta": {"content": None}, "finish_reason": "length"}),
        ]
    )
    assert result.choices[0].message.content == "a"
    assert result.choices[0].finish_reason == "length"

    only_null = accumulate([chunk({"index": 0, "delta": {"content": None}, "finish_reason": None})])
    assert only_null.choices[0].message.to_dict() == {"role": "assistant", "content": None}
    assert only_null.choices[0].to_dict()["finish_reason"] is None


def test_finish_reason_is_the_last_non_null_value() -> None:
    result = accumulate(
        [
            chunk({"index": 0, "delta": {"content": "x"}, "finish_reason": None}),
            chunk({"index": 0, "delta": {}, "finish_reason": "tool_calls"}),
            chunk({"index": 0, "delta": {}, "finish_reason": None}),
        ]
    )
    assert result.choices[0].finish_reason == "tool_calls"


def test_tool_call_fragments_are_joined_by_index() -> None:
    result = accumulate(
        [
            chunk(delta(role="assistant")),
            chunk(
                delta(
                    tool_calls=[
                        {
                            "index": 0,
                            "id": "call_a",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": ""},
                        }
                    ]
                )
            ),
            chunk(delta(tool_calls=[{"index": 0, "type": "function", "function": {"arguments": '{"ci'}}])),
            # Two calls in one delta, the second one starting while the first continues.
            chunk(
                delta(
                    tool_calls=[
                        {"index": 0, "type": "function", "function": {"arguments": 'ty": "Oslo"}'}},
                        {
                            "index": 1,
                            "id": "call_b",
                            "type": "function",
                            "function": {"name": "get_time", "arguments": "{}"},
                        },
                    ]
                )
            ),
            # A repeated name or id in a later fragment is not appended.
            chunk(
                delta(
                    tool_calls=[
                        {"index": 1, "id": "call_b", "type": "function", "function": {"name": "get_time"}}
                    ]
                )
            ),
            chunk({"index": 0, "delta": {}, "finish_reason": "tool_calls"}),
        ]
    )
    message = result.choices[0].message
    assert message.tool_calls is not None
    assert [call.to_dict() for call in message.tool_calls] == [
        {
            "index": 0,
            "id": "call_a",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
        },
        {"index": 1, "id": "call_b", "type": "function", "function": {"name": "get_time", "arguments": "{}"}},
    ]
    assert "content" not in message.model_fields_set


def test_tool_calls_are_listed_in_index_order_whatever_the_arrival_order() -> None:
    result = accumulate(
        [
            chunk(delta(tool_calls=[{"index": 1, "id": "b", "type": "function", "function": {"name": "g"}}])),
            chunk(delta(tool_calls=[{"index": 0, "id": "a", "type": "function", "function": {"name": "f"}}])),
        ]
    )
    calls = result.choices[0].message.tool_calls
    assert calls is not None
    assert [c.id for c in calls] == ["a", "b"]


def test_tool_call_fragments_without_index_continue_the_previous_call_until_a_new_id() -> None:
    result = accumulate(
        [
            chunk(
                delta(
                    tool_calls=[{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{"}}]
                )
            ),
            chunk(delta(tool_calls=[{"type": "function", "function": {"arguments": "}"}}])),
            chunk(
                delta(
                    tool_calls=[{"id": "b", "type": "function", "function": {"name": "g", "arguments": "["}}]
                )
            ),
            chunk(delta(tool_calls=[{"id": "b", "type": "function", "function": {"arguments": "]"}}])),
        ]
    )
    calls = result.choices[0].message.tool_calls
    assert calls is not None
    assert [(c.id, c.function.name, c.function.arguments) for c in calls] == [
        ("a", "f", "{}"),
        ("b", "g", "[]"),
    ]
    assert all("index" not in c.model_fields_set for c in calls)


def test_two_choices_are_kept_apart_and_ordered_by_index() -> None:
    result = accumulate(
        [
            chunk(delta(1, role="assistant", content="B")),
            chunk(delta(0, role="assistant", content="A")),
            chunk(delta(0, content="a"), delta(1, content="b")),
            chunk({"index": 1, "delta": {}, "finish_reason": "length"}),
            chunk({"index": 0, "delta": {}, "finish_reason": "stop"}),
            chunk(choices=[], usage=USAGE),
        ]
    )
    assert [(c.index, c.message.content, c.finish_reason) for c in result.choices] == [
        (0, "Aa", "stop"),
        (1, "Bb", "length"),
    ]
    assert result.usage is not None and result.usage.prompt_tokens == 5


def test_logprobs_lists_are_concatenated() -> None:
    def entry(token: str, logprob: float) -> Json:
        return {"token": token, "logprob": logprob, "top_logprobs": [{"token": token, "logprob": logprob}]}

    result = accumulate(
        [
            chunk({"index": 0, "delta": {"content": "Hi"}, "logprobs": {"content": [entry("Hi", -0.1)]}}),
            chunk(
                {"index": 0, "delta": {"content": " there"}, "logprobs": {"content": [entry(" there", -0.2)]}}
            ),
            chunk({"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}),
            chunk(
                {
                    "index": 0,
                    "delta": {"reasoning": "r"},
                    "reasoning_logprobs": {"content": [entry("r", -0.3)], "refusal": []},
                }
            ),
        ]
    )
    choice = result.choices[0]
    assert choice.logprobs is not None and choice.logprobs.content is not None
    assert [(e.token, e.logprob) for e in choice.logprobs.content] == [("Hi", -0.1), (" there", -0.2)]
    assert isinstance(choice.logprobs.content[0], ChatCompletionResponseChoiceLogprobsContent)
    assert "refusal" not in choice.logprobs.model_fields_set
    assert choice.reasoning_logprobs is not None
    # An empty list that arrived is kept as an empty list.
    assert choice.reasoning_logprobs.to_dict() == {"content": [entry("r", -0.3)], "refusal": []}


def test_envelope_fields_keep_the_last_non_null_value_and_unknown_keys_survive() -> None:
    result = accumulate(
        [
            chunk(delta(content="a"), service_tier="default", x_region="eu"),
            chunk(delta(content="b"), service_tier=None),
            chunk(choices=[], usage=USAGE, time_info=TIME_INFO),
        ]
    )
    assert result.service_tier == "default"
    assert result.to_dict()["x_region"] == "eu"
    assert result.object == "chat.completion"


def test_unknown_json_values_are_not_shared_between_results() -> None:
    acc = ChatCompletionAccumulator()
    acc.add(chunk(delta(content="a"), x_meta={"tags": ["a"]}))
    first = acc.result()
    assert first.model_extra is not None
    first.model_extra["x_meta"]["tags"].append("changed")
    assert acc.result().to_dict()["x_meta"] == {"tags": ["a"]}


def test_result_is_a_fresh_snapshot_on_every_call() -> None:
    acc = ChatCompletionAccumulator()
    acc.add(chunk(delta(content="a")))
    first = acc.result()
    acc.add(chunk(delta(content="b")))
    second = acc.result()
    assert first.choices[0].message.content == "a"
    assert second.choices[0].message.content == "ab"
    assert acc.chunk_count == 2
    second.choices[0].message.content = "changed"
    assert acc.result().choices[0].message.content == "ab"


def test_accumulator_without_chunks_raises() -> None:
    with pytest.raises(CerebrasError, match="No chunk"):
        ChatCompletionAccumulator().result()
    with pytest.raises(CerebrasError, match="No chunk"):
        TextCompletionAccumulator().result()


def test_wrong_chunk_type_is_refused() -> None:
    text = construct_type(type_=Completion, value=_text_chunk(text="x"))
    with pytest.raises(TypeError, match="ChatChunkResponse"):
        ChatCompletionAccumulator().add(text)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="CompletionResponse"):
        TextCompletionAccumulator().add(chunk(delta(content="x")))  # type: ignore[arg-type]


def test_accumulator_for_picks_by_chunk_type() -> None:
    assert isinstance(accumulator_for(chunk(delta(content="x"))), ChatCompletionAccumulator)
    text = construct_type(type_=Completion, value=_text_chunk(text="x"))
    assert isinstance(accumulator_for(text), TextCompletionAccumulator)
    with pytest.raises(TypeError, match="dict"):
        accumulator_for({"choices": []})


# ---------------------------------------------------------------------------------------------
# text completions


def _text_chunk(index: int = 0, **choice: Any) -> Json:
    return {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1700000000,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_2",
        "choices": [{"index": index, **choice}],
    }


def _text(value: Json) -> CompletionResponse:
    parsed = construct_type(type_=Completion, value=value)
    assert isinstance(parsed, CompletionResponse)
    return parsed


def test_text_completion_chunks_are_assembled() -> None:
    acc = TextCompletionAccumulator()
    acc.add(
        _text(
            _text_chunk(
                text="Once",
                tokens=[1],
                logprobs={
                    "tokens": ["Once"],
                    "token_logprobs": [-0.5],
                    "text_offset": [0],
                    "top_logprobs": [{"Once": -0.5}],
                },
            )
        )
    )
    acc.add(_text(_text_chunk(1, text="Twice", finish_reason=None)))
    acc.add(
        _text(
            _text_chunk(
                text=" upon",
                tokens=[2, 3],
                logprobs={
                    "tokens": [" upon"],
                    "token_logprobs": [-0.25],
                    "text_offset": [4],
                    "top_logprobs": [{" upon": -0.25}],
                },
                finish_reason="length",
            )
        )
    )
    acc.add(_text({**_text_chunk(1, finish_reason="stop"), "usage": USAGE, "time_info": TIME_INFO}))
    result = acc.result()
    assert isinstance(result, CompletionResponse)
    assert result.to_dict() == {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1700000000,
        "model": "llama3.1-8b",
        "system_fingerprint": "fp_2",
        "choices": [
            {
                "index": 0,
                "text": "Once upon",
                "tokens": [1, 2, 3],
                "logprobs": {
                    "tokens": ["Once", " upon"],
                    "token_logprobs": [-0.5, -0.25],
                    "text_offset": [0, 4],
                    "top_logprobs": [{"Once": -0.5}, {" upon": -0.25}],
                },
                "finish_reason": "length",
            },
            {"index": 1, "text": "Twice", "finish_reason": "stop"},
        ],
        "usage": USAGE,
        "time_info": TIME_INFO,
    }

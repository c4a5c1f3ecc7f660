"""The JSON samples of endpoints.md §5 parse into the classes named there."""

from __future__ import annotations

import json
from typing import Any, List

from cerebras.cloud.sdk._models import construct_type, validate_type
from cerebras.cloud.sdk.types import Completion, ModelListResponse, ModelRetrieveResponse
from cerebras.cloud.sdk.types.chat import ChatCompletion
from cerebras.cloud.sdk.types.chat.chat_completion import (
    ChatChunkResponse,
    ChatCompletionResponse,
    ChatCompletionResponseChoiceMessageToolCall,
    ChatCompletionResponseTimeInfo,
)
from cerebras.cloud.sdk.types.chat.chat_completion import ErrorChunkResponse as ChatErrorChunk
from cerebras.cloud.sdk.types.completion import CompletionResponse, CompletionResponseChoiceLogprobs
from cerebras.cloud.sdk.types.model_list_response import (
    HuggingFaceModelsResponse,
    ModelMetadataList,
    ModelMetadataListData,
    OpenRouterModelsResponse,
    OpenRouterModelsResponseDataDatacenter,
)
from cerebras.cloud.sdk.types.model_retrieve_response import ModelMetadata

CHAT_5_1 = """
{
  "id": "chatcmpl-5d1c2a9e",
  "object": "chat.completion",
  "created": 1733000000,
  "model": "llama3.1-8b",
  "system_fingerprint": "fp_3f2a1b",
  "choices": [
    {"index": 0, "finish_reason": "stop",
     "message": {"role": "assistant", "content": "7"}}
  ],
  "usage": {"prompt_tokens": 24, "completion_tokens": 2, "total_tokens": 26,
            "prompt_tokens_details": {"cached_tokens": 0}},
  "time_info": {"queue_time": 0.00012, "prompt_time": 0.0009, "completion_time": 0.0011,
                "total_time": 0.0034, "created": 1733000000.123}
}
"""

CHAT_5_2 = r"""
{"id":"chatcmpl-77","object":"chat.completion","created":1733000100,"model":"gpt-oss-120b",
 "system_fingerprint":"fp_9","choices":[{"index":0,"finish_reason":"tool_calls",
 "message":{"role":"assistant","content":null,
   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}]}
"""

CHAT_5_3 = [
    '{"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b","system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}',
    '{"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b","system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{"content":"Fast"}}]}',
    '{"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b","system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{"content":" answers."}}]}',
    '{"id":"chatcmpl-a1","object":"chat.completion.chunk","created":1733000200,"model":"llama3.1-8b","system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15},"time_info":{"queue_time":0.0001,"prompt_time":0.0005,"completion_time":0.002,"total_time":0.004,"created":1733000200.5}}',
]

TEXT_5_4 = """
{"id":"cmpl-19","object":"text_completion","created":1733000300,"model":"llama3.1-8b",
 "system_fingerprint":"fp_3f2a1b",
 "choices":[{"index":0,"text":" night; the rain","finish_reason":"length"}],
 "usage":{"prompt_tokens":7,"completion_tokens":5,"total_tokens":12}}
"""

TEXT_LOGPROBS = '{"tokens":[" night"],"token_logprobs":[-0.2],"top_logprobs":[{" night":-0.2," day":-2.1}],"text_offset":[24]}'

TEXT_5_5 = [
    '{"id":"cmpl-20","object":"text_completion","created":1733000400,"model":"llama3.1-8b","system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"text":" night"}]}',
    '{"id":"cmpl-20","object":"text_completion","created":1733000400,"model":"llama3.1-8b","system_fingerprint":"fp_3f2a1b","choices":[{"index":0,"text":";","finish_reason":"length"}],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}',
]

MODELS_DEFAULT = """
{"object":"list","data":[
  {"id":"llama3.1-8b","object":"model","created":0,"owned_by":"Meta"},
  {"id":"gpt-oss-120b","object":"model","created":0,"owned_by":"OpenAI"}]}
"""

MODELS_OPENROUTER = """
{"data":[{"id":"cerebras/llama3.1-8b","name":"Llama 3.1 8B","created":1721692800,
  "context_length":8192,"max_output_length":8192,
  "pricing":{"prompt":"0.0000001","completion":"0.0000001"},
  "quantization":"fp16","input_modalities":["text"],"output_modalities":["text"],
  "datacenters":[{"country_code":"US"}],"openrouter":{"slug":"meta-llama/llama-3.1-8b-instruct"}}]}
"""

MODELS_HUGGINGFACE = (
    '{"object":"list","data":[{"id":"llama3.1-8b","object":"model","created":0,"owned_by":"Meta",'
    '"context_length":8192,"pricing":{"input":0.1,"output":0.1},'
    '"capabilities":{"streaming":true,"function_calling":true}}]}'
)

MODEL_RETRIEVE = '{"id":"llama3.1-8b","object":"model","created":0,"owned_by":"Meta"}'

STREAM_ERROR_5_8 = (
    '{"error":{"message":"Request exceeded token quota","type":"too_many_tokens_error",'
    '"code":"token_quota_exceeded"},"status_code":429}'
)


def both(type_: object, text: str) -> Any:
    """Parse with the lenient and the strict builder; both must agree."""
    lenient = construct_type(type_=type_, value=json.loads(text))
    strict = validate_type(type_=type_, value=json.loads(text))
    assert type(lenient) is type(strict)
    assert lenient == strict
    return lenient


def test_5_1_chat_completion() -> None:
    result = both(ChatCompletion, CHAT_5_1)
    assert type(result) is ChatCompletionResponse
    assert result.choices[0].message.content == "7"
    assert type(result.time_info) is ChatCompletionResponseTimeInfo
    assert result.time_info.total_time == 0.0034
    assert "service_tier" not in result.model_fields_set
    assert result.usage.prompt_tokens_details.cached_tokens == 0
    # with the defaults, to_dict gives back exactly what was sent
    assert result.to_dict() == json.loads(CHAT_5_1)


def test_5_2_tool_calls() -> None:
    result = both(ChatCompletion, CHAT_5_2)
    assert type(result) is ChatCompletionResponse
    message = result.choices[0].message
    assert message.content is None
    assert "content" in message.model_fields_set
    call = message.tool_calls[0]
    assert type(call) is ChatCompletionResponseChoiceMessageToolCall
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    # the message can be sent back with only the keys the server sent
    assert message.to_dict() == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
            }
        ],
    }


def test_5_3_chat_stream_chunks() -> None:
    chunks: List[Any] = [both(ChatCompletion, line) for line in CHAT_5_3]
    assert all(type(c) is ChatChunkResponse for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Fast answers."
    assert [c.usage is not None for c in chunks] == [False, False, False, True]
    assert [c.time_info is not None for c in chunks] == [False, False, False, True]
    assert chunks[3].choices[0].finish_reason == "stop"
    assert chunks[3].usage.total_tokens == 15
    # the streaming hot path's direct parser gives the same objects
    assert [ChatChunkResponse.model_validate_json(line) for line in CHAT_5_3] == chunks


def test_5_4_text_completion() -> None:
    result = both(Completion, TEXT_5_4)
    assert type(result) is CompletionResponse
    assert result.choices[0].text == " night; the rain"
    assert result.choices[0].finish_reason == "length"


def test_5_4_text_logprobs() -> None:
    data = json.loads(TEXT_5_4)
    data["choices"][0]["logprobs"] = json.loads(TEXT_LOGPROBS)
    result = construct_type(type_=Completion, value=data)
    assert type(result) is CompletionResponse
    logprobs = result.choices[0].logprobs
    assert type(logprobs) is CompletionResponseChoiceLogprobs
    assert logprobs.top_logprobs == [{" night": -0.2, " day": -2.1}]
    assert logprobs.text_offset == [24]


def test_5_5_text_stream() -> None:
    items: List[Any] = [both(Completion, line) for line in TEXT_5_5]
    assert all(type(i) is CompletionResponse for i in items)
    assert "".join(i.choices[0].text or "" for i in items) == " night;"


def test_5_6_models() -> None:
    listing = both(ModelListResponse, MODELS_DEFAULT)
    assert type(listing) is ModelMetadataList
    assert [type(d) for d in listing.data] == [ModelMetadataListData, ModelMetadataListData]
    assert [d.id for d in listing.data] == ["llama3.1-8b", "gpt-oss-120b"]

    openrouter = both(ModelListResponse, MODELS_OPENROUTER)
    assert type(openrouter) is OpenRouterModelsResponse
    item = openrouter.data[0]
    assert type(item.datacenters[0]) is OpenRouterModelsResponseDataDatacenter
    assert item.openrouter.slug == "meta-llama/llama-3.1-8b-instruct"

    huggingface = both(ModelListResponse, MODELS_HUGGINGFACE)
    assert type(huggingface) is HuggingFaceModelsResponse
    assert huggingface.data[0].capabilities.streaming is True
    assert huggingface.data[0].capabilities.vision is None

    model = both(ModelRetrieveResponse, MODEL_RETRIEVE)
    assert type(model) is ModelMetadata
    assert model.owned_by == "Meta"


def test_5_8_error_payload() -> None:
    result = both(ChatCompletion, STREAM_ERROR_5_8)
    assert type(result) is ChatErrorChunk
    assert result.status_code == 429
    assert result.error.message == "Request exceeded token quota"
    assert result.error.code == "token_quota_exceeded"
    assert result.error.param is None

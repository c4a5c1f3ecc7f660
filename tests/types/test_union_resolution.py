"""How a JSON payload becomes one member of a response union (types.md §6, decisions 2/22/23)."""

from __future__ import annotations

import copy
from typing import Any, Dict

import pytest

from cerebras.cloud.sdk._models import construct_type
from cerebras.cloud.sdk.types import Completion, ModelListResponse, ModelRetrieveResponse
from cerebras.cloud.sdk.types.chat import ChatCompletion
from cerebras.cloud.sdk.types.chat.chat_completion import (
    ChatChunkResponse,
    ChatChunkResponseChoice,
    ChatChunkResponseChoiceDelta,
    ChatCompletionResponse,
    ChatCompletionResponseChoiceMessage,
)
from cerebras.cloud.sdk.types.chat.chat_completion import ErrorChunkResponse as ChatErrorChunk
from cerebras.cloud.sdk.types.completion import CompletionResponse
from cerebras.cloud.sdk.types.completion import ErrorChunkResponse as TextErrorChunk
from cerebras.cloud.sdk.types.model_list_response import (
    HuggingFaceModelsResponse,
    HuggingFaceModelsResponseData,
    ModelMetadataList,
    OpenRouterModelsResponse,
)
from cerebras.cloud.sdk.types.model_retrieve_response import (
    HuggingFaceModel,
    ModelMetadata,
    OpenRouterModel,
    PublicModel,
    PublicModelArchitecture,
)

Json = Dict[str, Any]

COMPLETION: Json = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1733000000,
    "model": "llama3.1-8b",
    "system_fingerprint": "fp_1",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "7"}}],
}

CHUNK: Json = {
    "id": "chatcmpl-2",
    "object": "chat.completion.chunk",
    "created": 1733000200,
    "model": "llama3.1-8b",
    "system_fingerprint": "fp_1",
    "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Fast"}}],
}

OPENROUTER_ITEM: Json = {
    "id": "cerebras/llama3.1-8b",
    "name": "Llama 3.1 8B",
    "created": 1721692800,
    "context_length": 8192,
    "max_output_length": 8192,
    "pricing": {"prompt": "0.0000001", "completion": "0.0000001"},
}

HUGGINGFACE_ITEM: Json = {
    "id": "llama3.1-8b",
    "object": "model",
    "created": 0,
    "owned_by": "Meta",
    "context_length": 8192,
    "pricing": {"input": 0.1, "output": 0.1},
}

PUBLIC_MODEL: Json = {
    "id": "llama3.1-8b",
    "object": "model",
    "created": 0,
    "owned_by": "Meta",
    "name": "Llama 3.1 8B",
    "description": "A small fast model.",
    "architecture": {"modality": "text", "tokenizer": "llama3"},
    "capabilities": {"streaming": True, "tools": True},
    "limits": {"max_completion_tokens": 8192, "max_context_length": 8192},
    "pricing": {"prompt": "0.0000001", "completion": "0.0000001"},
    "supported_parameters": {"temperature": True, "top_p": True},
}


def chunk(**changes: Any) -> Json:
    data = copy.deepcopy(CHUNK)
    data.update(changes)
    return data


def without(data: Json, key: str) -> Json:
    data = copy.deepcopy(data)
    del data[key]
    return data


# ---------------------------------------------------------------------------------- chat


def test_complete_chat_completion_is_chat_completion_response() -> None:
    result = construct_type(type_=ChatCompletion, value=copy.deepcopy(COMPLETION))
    assert type(result) is ChatCompletionResponse
    assert isinstance(result.choices[0].message, ChatCompletionResponseChoiceMessage)
    assert result.choices[0].message.content == "7"


def test_complete_chunk_is_chat_chunk_response() -> None:
    result = construct_type(type_=ChatCompletion, value=chunk())
    assert type(result) is ChatChunkResponse
    assert result.choices is not None
    assert result.choices[0].delta is not None
    assert result.choices[0].delta.content == "Fast"


@pytest.mark.parametrize("missing", ["system_fingerprint", "id", "created", "model"])
def test_chunk_missing_a_required_key_is_still_a_chunk(missing: str) -> None:
    # Decision 2 overrides the official fallback to ChatCompletionResponse.
    result = construct_type(type_=ChatCompletion, value=without(chunk(), missing))
    assert type(result) is ChatChunkResponse
    assert getattr(result, missing) is None
    assert missing not in result.model_fields_set
    assert result.choices is not None
    delta = result.choices[0].delta
    assert type(delta) is ChatChunkResponseChoiceDelta
    assert delta.content == "Fast"
    assert delta.role == "assistant"


def test_chunk_with_unknown_finish_reason_keeps_it_and_stays_a_chunk() -> None:
    data = chunk(choices=[{"index": 0, "delta": {"content": "x"}, "finish_reason": "eos"}])
    result = construct_type(type_=ChatCompletion, value=data)
    assert type(result) is ChatChunkResponse
    assert result.choices is not None
    choice = result.choices[0]
    assert type(choice) is ChatChunkResponseChoice
    assert choice.finish_reason == "eos"
    assert type(choice.delta) is ChatChunkResponseChoiceDelta
    assert choice.delta.content == "x"
    assert result.created == 1733000200


def test_chunk_with_unknown_delta_role_stays_a_chunk() -> None:
    data = chunk(choices=[{"index": 0, "delta": {"role": "narrator", "content": "once"}}])
    result = construct_type(type_=ChatCompletion, value=data)
    assert type(result) is ChatChunkResponse
    assert result.choices is not None
    delta = result.choices[0].delta
    assert type(delta) is ChatChunkResponseChoiceDelta
    assert delta.role == "narrator"
    assert delta.content == "once"


def test_chunk_with_fractional_created_stays_a_chunk_with_value_kept() -> None:
    result = construct_type(type_=ChatCompletion, value=chunk(created=1.5))
    assert type(result) is ChatChunkResponse
    assert result.created == 1.5  # pyright: ignore[reportUnnecessaryComparison]
    assert result.choices is not None and result.choices[0].delta is not None
    assert result.choices[0].delta.content == "Fast"


def test_chunk_with_string_created_is_coerced() -> None:
    result = construct_type(type_=ChatCompletion, value=chunk(created="1"))
    assert type(result) is ChatChunkResponse
    assert result.created == 1


def test_lenient_chunk_coerces_like_the_validated_path() -> None:
    # Decision 23: a field is treated the same whichever path built the object.
    bad = chunk(created="7", choices=[{"index": "0", "delta": {"content": "a"}, "finish_reason": "eos"}])
    result = construct_type(type_=ChatCompletion, value=bad)
    assert type(result) is ChatChunkResponse
    assert result.created == 7
    assert result.choices is not None
    assert result.choices[0].index == 0


@pytest.mark.parametrize("choices", [[], None])
def test_usage_only_chunk_is_a_chunk(choices: Any) -> None:
    data = chunk(usage={"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3})
    if choices is None:
        del data["choices"]
    else:
        data["choices"] = choices
    result = construct_type(type_=ChatCompletion, value=data)
    assert type(result) is ChatChunkResponse
    assert result.usage is not None
    assert result.usage.total_tokens == 3


def test_complete_body_with_unknown_finish_reason_keeps_the_string() -> None:
    data = copy.deepcopy(COMPLETION)
    data["choices"][0]["finish_reason"] = "eos"
    result = construct_type(type_=ChatCompletion, value=data)
    assert type(result) is ChatCompletionResponse
    assert result.choices[0].finish_reason == "eos"
    assert type(result.choices[0].message) is ChatCompletionResponseChoiceMessage
    assert result.choices[0].message.content == "7"


def test_completion_missing_fingerprint_is_still_a_completion() -> None:
    result = construct_type(type_=ChatCompletion, value=without(COMPLETION, "system_fingerprint"))
    assert type(result) is ChatCompletionResponse
    assert result.system_fingerprint is None
    assert result.choices[0].message.content == "7"


def test_error_payload_with_status_code_is_error_chunk() -> None:
    body = {"error": {"message": "m", "type": "t"}, "status_code": 400}
    chat = construct_type(type_=ChatCompletion, value=copy.deepcopy(body))
    text = construct_type(type_=Completion, value=copy.deepcopy(body))
    assert type(chat) is ChatErrorChunk
    assert type(text) is TextErrorChunk
    assert chat.status_code == 400
    assert chat.error.message == "m"
    assert text.error.type == "t"


def test_error_payload_without_status_code_is_still_an_error_chunk() -> None:
    # The error-payload rule decides before validation: a truthy `error` and no `object` tag.
    body = {"error": {"message": "m"}}
    chat = construct_type(type_=ChatCompletion, value=copy.deepcopy(body))
    text = construct_type(type_=Completion, value=copy.deepcopy(body))
    assert type(chat) is ChatErrorChunk
    assert type(text) is TextErrorChunk
    assert chat.error.message == "m"
    assert chat.status_code is None  # required, but absent: kept as missing, not invented


def test_text_completion_union() -> None:
    data = {
        "id": "cmpl-1",
        "object": "text_completion",
        "created": 1,
        "model": "m",
        "system_fingerprint": "fp",
        "choices": [{"index": 0, "text": " night", "finish_reason": "length"}],
    }
    result = construct_type(type_=Completion, value=data)
    assert type(result) is CompletionResponse
    assert result.choices[0].text == " night"


def test_text_completion_with_unknown_finish_reason_stays_completion() -> None:
    data = {"id": "c", "object": "text_completion", "created": 1, "model": "m", "choices": [{"index": 0}]}
    data["choices"][0]["finish_reason"] = "eos"  # type: ignore[index]
    result = construct_type(type_=Completion, value=data)
    assert type(result) is CompletionResponse
    assert result.choices[0].finish_reason == "eos"


# ---------------------------------------------------------------------------------- models


def test_default_model_list() -> None:
    data = {
        "object": "list",
        "data": [{"id": "llama3.1-8b", "object": "model", "created": 0, "owned_by": "Meta"}],
    }
    result = construct_type(type_=ModelListResponse, value=data)
    assert type(result) is ModelMetadataList
    assert result.data[0].owned_by == "Meta"


@pytest.mark.parametrize("data", [{"data": []}, {}, {"data": [{"id": "a"}]}])
def test_sparse_model_lists_are_metadata_lists(data: Json) -> None:
    result = construct_type(type_=ModelListResponse, value=data)
    assert type(result) is ModelMetadataList


def test_openrouter_model_list() -> None:
    result = construct_type(type_=ModelListResponse, value={"data": [copy.deepcopy(OPENROUTER_ITEM)]})
    assert type(result) is OpenRouterModelsResponse
    assert result.data[0].pricing.prompt == "0.0000001"


def test_huggingface_model_list_wins_over_metadata_list() -> None:
    data = {"object": "list", "data": [copy.deepcopy(HUGGINGFACE_ITEM)]}
    result = construct_type(type_=ModelListResponse, value=data)
    assert type(result) is HuggingFaceModelsResponse
    assert type(result.data[0]) is HuggingFaceModelsResponseData
    assert result.data[0].pricing.input == 0.1


@pytest.mark.parametrize("data", [{"id": "x"}, {"id": "x", "context_length": 1}, {"nope": 1}])
def test_sparse_retrieves_are_model_metadata(data: Json) -> None:
    result = construct_type(type_=ModelRetrieveResponse, value=data)
    assert type(result) is ModelMetadata


def test_nope_payload_keeps_extra_and_missing_id_reads_none() -> None:
    result = construct_type(type_=ModelRetrieveResponse, value={"nope": 1})
    assert isinstance(result, ModelMetadata)
    assert result.id is None  # pyright: ignore[reportUnnecessaryComparison]
    assert result.model_extra == {"nope": 1}
    assert result.model_fields_set == {"nope"}


def test_openrouter_retrieve() -> None:
    result = construct_type(type_=ModelRetrieveResponse, value=copy.deepcopy(OPENROUTER_ITEM))
    assert type(result) is OpenRouterModel


def test_huggingface_retrieve() -> None:
    result = construct_type(type_=ModelRetrieveResponse, value=copy.deepcopy(HUGGINGFACE_ITEM))
    assert type(result) is HuggingFaceModel


def test_public_model_retrieve() -> None:
    result = construct_type(type_=ModelRetrieveResponse, value=copy.deepcopy(PUBLIC_MODEL))
    assert type(result) is PublicModel
    assert type(result.architecture) is PublicModelArchitecture
    assert result.limits.max_context_length == 8192


def test_public_model_with_unknown_modality_is_built_leniently() -> None:
    data = copy.deepcopy(PUBLIC_MODEL)
    data["architecture"]["modality"] = "audio"
    result = construct_type(type_=ModelRetrieveResponse, value=data)
    # PublicModel no longer validates; ModelMetadata does (the rich keys become extras).
    assert type(result) is ModelMetadata
    assert result.model_extra is not None
    assert result.model_extra["architecture"] == {"modality": "audio", "tokenizer": "llama3"}


# ---------------------------------------------------------------------------------- the `object` tag


def test_object_tag_must_name_exactly_one_member() -> None:
    # Both ModelMetadataList and HuggingFaceModelsResponse accept object="list" -> first member.
    result = construct_type(type_=ModelListResponse, value={"object": "list", "data": "oops"})
    assert type(result) is ModelMetadataList
    assert result.data == "oops"  # pyright: ignore[reportUnnecessaryComparison]


def test_unknown_object_tag_falls_back_to_first_member() -> None:
    result = construct_type(type_=ChatCompletion, value={"object": "something.else", "id": 3})
    assert type(result) is ChatCompletionResponse
    assert result.object == "something.else"  # pyright: ignore[reportUnnecessaryComparison]
    assert result.id == 3  # pyright: ignore[reportUnnecessaryComparison]


@pytest.mark.parametrize("value", ["plain text", 1, 2.5, True, ["a"], None])
def test_non_object_payloads_are_returned_as_is(value: Any) -> None:
    assert construct_type(type_=ChatCompletion, value=value) == value

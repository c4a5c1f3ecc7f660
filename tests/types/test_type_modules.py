"""Module layout of `cerebras.cloud.sdk.types`: names, `__all__`, fields and request keys (types.md §1-5)."""

from __future__ import annotations

import importlib
import typing
from typing import Any, Dict, List, Tuple, Union

import pydantic
import pytest
from typing_extensions import Literal, get_type_hints

from cerebras.cloud.sdk._models import BaseModel
from cerebras.cloud.sdk._types import Alias

PKG = "cerebras.cloud.sdk.types"

CHAT_COMPLETION_ALL = [
    "ChatCompletion",
    "ChatCompletionResponse",
    "ChatCompletionResponseChoice",
    "ChatCompletionResponseChoiceMessage",
    "ChatCompletionResponseChoiceMessageToolCall",
    "ChatCompletionResponseChoiceMessageToolCallFunction",
    "ChatCompletionResponseChoiceLogprobs",
    "ChatCompletionResponseChoiceLogprobsContent",
    "ChatCompletionResponseChoiceLogprobsContentTopLogprob",
    "ChatCompletionResponseChoiceLogprobsRefusal",
    "ChatCompletionResponseChoiceLogprobsRefusalTopLogprob",
    "ChatCompletionResponseChoiceReasoningLogprobs",
    "ChatCompletionResponseChoiceReasoningLogprobsContent",
    "ChatCompletionResponseChoiceReasoningLogprobsContentTopLogprob",
    "ChatCompletionResponseChoiceReasoningLogprobsRefusal",
    "ChatCompletionResponseChoiceReasoningLogprobsRefusalTopLogprob",
    "ChatCompletionResponseTimeInfo",
    "ChatCompletionResponseUsage",
    "ChatCompletionResponseUsageCompletionTokensDetails",
    "ChatCompletionResponseUsagePromptTokensDetails",
    "ChatChunkResponse",
    "ChatChunkResponseChoice",
    "ChatChunkResponseChoiceDelta",
    "ChatChunkResponseChoiceDeltaToolCall",
    "ChatChunkResponseChoiceDeltaToolCallFunction",
    "ChatChunkResponseChoiceLogprobs",
    "ChatChunkResponseChoiceLogprobsContent",
    "ChatChunkResponseChoiceLogprobsContentTopLogprob",
    "ChatChunkResponseChoiceLogprobsRefusal",
    "ChatChunkResponseChoiceLogprobsRefusalTopLogprob",
    "ChatChunkResponseChoiceReasoningLogprobs",
    "ChatChunkResponseChoiceReasoningLogprobsContent",
    "ChatChunkResponseChoiceReasoningLogprobsContentTopLogprob",
    "ChatChunkResponseChoiceReasoningLogprobsRefusal",
    "ChatChunkResponseChoiceReasoningLogprobsRefusalTopLogprob",
    "ChatChunkResponseTimeInfo",
    "ChatChunkResponseUsage",
    "ChatChunkResponseUsageCompletionTokensDetails",
    "ChatChunkResponseUsagePromptTokensDetails",
    "ErrorChunkResponse",
    "ErrorChunkResponseError",
]

CHAT_PARAMS_ALL = [
    "CompletionCreateParams",
    "Message",
    "MessageSystemMessageRequest",
    "MessageSystemMessageRequestContentUnionMember1",
    "MessageSystemMessageRequestContentUnionMember1TextContent",
    "MessageSystemMessageRequestContentUnionMember1ImageURLContent",
    "MessageSystemMessageRequestContentUnionMember1ImageURLContentImageURL",
    "MessageSystemMessageRequestContentUnionMember1ImageContent",
    "MessageDeveloperMessageRequest",
    "MessageDeveloperMessageRequestContentUnionMember1",
    "MessageDeveloperMessageRequestContentUnionMember1TextContent",
    "MessageDeveloperMessageRequestContentUnionMember1ImageURLContent",
    "MessageDeveloperMessageRequestContentUnionMember1ImageURLContentImageURL",
    "MessageDeveloperMessageRequestContentUnionMember1ImageContent",
    "MessageUserMessageRequest",
    "MessageUserMessageRequestContentUnionMember1",
    "MessageUserMessageRequestContentUnionMember1TextContent",
    "MessageUserMessageRequestContentUnionMember1ImageURLContent",
    "MessageUserMessageRequestContentUnionMember1ImageURLContentImageURL",
    "MessageUserMessageRequestContentUnionMember1ImageContent",
    "MessageAssistantMessageRequest",
    "MessageAssistantMessageRequestContentUnionMember1",
    "MessageAssistantMessageRequestReasoningUnionMember1",
    "MessageAssistantMessageRequestToolCall",
    "MessageAssistantMessageRequestToolCallFunction",
    "MessageToolMessageRequest",
    "MessageToolMessageRequestContentUnionMember1",
    "Prediction",
    "PredictionContentUnionMember1",
    "ResponseFormat",
    "ResponseFormatResponseFormatText",
    "ResponseFormatResponseFormatJsonObject",
    "ResponseFormatResponseFormatJsonSchema",
    "ResponseFormatResponseFormatJsonSchemaJsonSchema",
    "StreamOptions",
    "ToolChoice",
    "ToolChoiceChoiceObject",
    "ToolChoiceChoiceObjectFunction",
    "Tool",
    "ToolFunction",
]

COMPLETION_ALL = [
    "Completion",
    "CompletionResponse",
    "CompletionResponseChoice",
    "CompletionResponseChoiceLogprobs",
    "CompletionResponseTimeInfo",
    "CompletionResponseUsage",
    "CompletionResponseUsageCompletionTokensDetails",
    "CompletionResponseUsagePromptTokensDetails",
    "ErrorChunkResponse",
    "ErrorChunkResponseError",
]

MODEL_LIST_RESPONSE_ALL = [
    "ModelListResponse",
    "ModelMetadataList",
    "ModelMetadataListData",
    "OpenRouterModelsResponse",
    "OpenRouterModelsResponseData",
    "OpenRouterModelsResponseDataPricing",
    "OpenRouterModelsResponseDataDatacenter",
    "OpenRouterModelsResponseDataOpenrouter",
    "HuggingFaceModelsResponse",
    "HuggingFaceModelsResponseData",
    "HuggingFaceModelsResponseDataPricing",
    "HuggingFaceModelsResponseDataCapabilities",
]

MODEL_RETRIEVE_RESPONSE_ALL = [
    "ModelRetrieveResponse",
    "ModelMetadata",
    "OpenRouterModel",
    "OpenRouterModelPricing",
    "OpenRouterModelDatacenter",
    "OpenRouterModelOpenrouter",
    "HuggingFaceModel",
    "HuggingFaceModelPricing",
    "HuggingFaceModelCapabilities",
    "PublicModel",
    "PublicModelArchitecture",
    "PublicModelCapabilities",
    "PublicModelLimits",
    "PublicModelPricing",
    "PublicModelSupportedParameters",
]

MODULE_ALL: List[Tuple[str, List[str]]] = [
    ("chat.chat_completion", CHAT_COMPLETION_ALL),
    ("chat.completion_create_params", CHAT_PARAMS_ALL),
    ("completion", COMPLETION_ALL),
    ("completion_create_params", ["CompletionCreateParams", "StreamOptions"]),
    ("model_list_params", ["ModelListParams"]),
    ("model_list_response", MODEL_LIST_RESPONSE_ALL),
    ("model_retrieve_params", ["ModelRetrieveParams"]),
    ("model_retrieve_response", MODEL_RETRIEVE_RESPONSE_ALL),
]

UNION_ALIASES = {
    "Message",
    "MessageSystemMessageRequestContentUnionMember1",
    "MessageDeveloperMessageRequestContentUnionMember1",
    "MessageUserMessageRequestContentUnionMember1",
    "ResponseFormat",
    "ToolChoice",
    "ChatCompletion",
    "Completion",
    "ModelListResponse",
    "ModelRetrieveResponse",
}


def load(name: str) -> Any:
    return importlib.import_module(f"{PKG}.{name}")


@pytest.mark.parametrize(("module", "names"), MODULE_ALL, ids=[m for m, _ in MODULE_ALL])
def test_module_all_is_exact_and_in_order(module: str, names: List[str]) -> None:
    mod = load(module)
    assert mod.__all__ == names
    for name in names:
        obj = getattr(mod, name)
        if name in UNION_ALIASES:
            assert typing.get_origin(obj) is Union, name
        else:
            assert isinstance(obj, type), name
            assert obj.__doc__, f"{name} has no docstring"


def test_module_name_counts_match_the_spec() -> None:
    counts = {m: len(n) for m, n in MODULE_ALL}
    assert counts == {
        "chat.chat_completion": 41,
        "chat.completion_create_params": 40,
        "completion": 10,
        "completion_create_params": 2,
        "model_list_params": 1,
        "model_list_response": 12,
        "model_retrieve_params": 1,
        "model_retrieve_response": 15,
    }


def test_response_classes_are_sdk_models_and_params_are_typeddicts() -> None:
    for module, names in MODULE_ALL:
        mod = load(module)
        for name in names:
            obj = getattr(mod, name)
            if name in UNION_ALIASES:
                continue
            if module.endswith("_params"):
                assert typing_extensions_is_typeddict(obj), f"{module}.{name}"
                assert obj.__total__ is False
            else:
                assert issubclass(obj, BaseModel), f"{module}.{name}"


def typing_extensions_is_typeddict(obj: object) -> bool:
    from typing_extensions import is_typeddict

    return is_typeddict(obj)


def test_types_package_reexports() -> None:
    types = importlib.import_module(PKG)
    assert types.__all__ == [
        "Completion",
        "CompletionCreateParams",
        "ModelListParams",
        "ModelListResponse",
        "ModelRetrieveParams",
        "ModelRetrieveResponse",
        # the Files and Batch APIs (platform.md sections 1-2, beyond SDK 1.91)
        "Batch",
        "BatchCreateParams",
        "BatchListParams",
        "BatchRequestCounts",
        "BatchResult",
        "BatchResultError",
        "BatchStatus",
        "FileCreateParams",
        "FileDeleted",
        "FileListParams",
        "FileObject",
    ]
    for name in types.__all__[6:]:
        if name != "BatchStatus":  # a Literal alias
            assert getattr(types, name).__module__.startswith(PKG), name
    assert types.Completion is load("completion").Completion
    assert types.CompletionCreateParams is load("completion_create_params").CompletionCreateParams
    assert types.ModelListParams is load("model_list_params").ModelListParams
    assert types.ModelListResponse is load("model_list_response").ModelListResponse
    assert types.ModelRetrieveParams is load("model_retrieve_params").ModelRetrieveParams
    assert types.ModelRetrieveResponse is load("model_retrieve_response").ModelRetrieveResponse
    assert types.chat is load("chat")


def test_chat_package_reexports() -> None:
    chat = load("chat")
    cc = load("chat.chat_completion")
    assert set(chat.__all__) == {"ChatCompletion", "CompletionCreateResponse", "CompletionCreateParams"}
    assert chat.ChatCompletion is cc.ChatCompletion
    assert chat.CompletionCreateResponse is cc.ChatCompletion
    assert cc.CompletionCreateResponse is cc.ChatCompletion
    assert "CompletionCreateResponse" not in cc.__all__
    assert chat.CompletionCreateParams is load("chat.completion_create_params").CompletionCreateParams
    # the chat params class is not the text-completion one
    assert chat.CompletionCreateParams is not load("completion_create_params").CompletionCreateParams


def test_union_members_in_declared_order() -> None:
    cc = load("chat.chat_completion")
    comp = load("completion")
    ml = load("model_list_response")
    mr = load("model_retrieve_response")
    assert typing.get_args(cc.ChatCompletion) == (
        cc.ChatCompletionResponse,
        cc.ChatChunkResponse,
        cc.ErrorChunkResponse,
    )
    assert typing.get_args(comp.Completion) == (comp.CompletionResponse, comp.ErrorChunkResponse)
    assert typing.get_args(ml.ModelListResponse) == (
        ml.ModelMetadataList,
        ml.OpenRouterModelsResponse,
        ml.HuggingFaceModelsResponse,
    )
    assert typing.get_args(mr.ModelRetrieveResponse) == (
        mr.ModelMetadata,
        mr.OpenRouterModel,
        mr.HuggingFaceModel,
        mr.PublicModel,
    )
    # the two ErrorChunkResponse classes are distinct
    assert cc.ErrorChunkResponse is not comp.ErrorChunkResponse
    assert cc.ErrorChunkResponseError is not comp.ErrorChunkResponseError


# ------------------------------------------------------------------------------- response fields

# (module, class) -> [(field, required)] in declaration order
FIELD_ORDER: Dict[Tuple[str, str], List[Tuple[str, bool]]] = {
    ("chat.chat_completion", "ChatCompletionResponse"): [
        ("id", True),
        ("choices", True),
        ("created", True),
        ("model", True),
        ("object", True),
        ("system_fingerprint", True),
        ("service_tier", False),
        ("service_tier_used", False),  # platform.md section 3, beyond SDK 1.91
        ("time_info", False),
        ("usage", False),
    ],
    ("chat.chat_completion", "ChatCompletionResponseChoice"): [
        ("index", True),
        ("message", True),
        ("finish_reason", False),
        ("logprobs", False),
        ("reasoning_logprobs", False),
    ],
    ("chat.chat_completion", "ChatCompletionResponseChoiceMessage"): [
        ("role", True),
        ("content", False),
        ("reasoning", False),
        ("tool_calls", False),
    ],
    ("chat.chat_completion", "ChatCompletionResponseChoiceMessageToolCall"): [
        ("function", True),
        ("type", True),
        ("id", False),
        ("index", False),
    ],
    ("chat.chat_completion", "ChatCompletionResponseChoiceLogprobsContent"): [
        ("token", True),
        ("logprob", True),
        ("top_logprobs", True),
        ("bytes", False),
    ],
    ("chat.chat_completion", "ChatChunkResponseChoiceReasoningLogprobsRefusalTopLogprob"): [
        ("token", True),
        ("logprob", True),
        ("bytes", False),
    ],
    ("chat.chat_completion", "ChatChunkResponse"): [
        ("id", True),
        ("created", True),
        ("model", True),
        ("object", True),
        ("system_fingerprint", True),
        ("choices", False),
        ("service_tier", False),
        ("service_tier_used", False),  # platform.md section 3, beyond SDK 1.91
        ("time_info", False),
        ("usage", False),
    ],
    ("chat.chat_completion", "ChatChunkResponseChoice"): [
        ("index", True),
        ("delta", False),
        ("finish_reason", False),
        ("logprobs", False),
        ("reasoning_logprobs", False),
        ("text", False),
        ("tokens", False),
    ],
    ("chat.chat_completion", "ChatChunkResponseChoiceDelta"): [
        ("content", False),
        ("reasoning", False),
        ("role", False),
        ("tokens", False),
        ("tool_calls", False),
    ],
    ("chat.chat_completion", "ChatChunkResponseUsage"): [
        ("completion_tokens", False),
        ("completion_tokens_details", False),
        ("image_tokens", False),
        ("prompt_tokens", False),
        ("prompt_tokens_details", False),
        ("total_tokens", False),
    ],
    ("chat.chat_completion", "ChatCompletionResponseTimeInfo"): [
        ("completion_time", False),
        ("created", False),
        ("prompt_time", False),
        ("queue_time", False),
        ("total_time", False),
    ],
    ("chat.chat_completion", "ErrorChunkResponse"): [("error", True), ("status_code", True)],
    ("chat.chat_completion", "ErrorChunkResponseError"): [
        ("id", False),
        ("code", False),
        ("message", False),
        ("param", False),
        ("type", False),
    ],
    ("completion", "CompletionResponse"): [
        ("id", True),
        ("choices", True),
        ("created", True),
        ("model", True),
        ("object", True),
        ("system_fingerprint", True),
        ("service_tier_used", False),
        ("time_info", False),
        ("usage", False),
    ],
    ("completion", "CompletionResponseChoice"): [
        ("index", True),
        ("finish_reason", False),
        ("logprobs", False),
        ("text", False),
        ("tokens", False),
    ],
    ("completion", "CompletionResponseChoiceLogprobs"): [
        ("text_offset", False),
        ("token_logprobs", False),
        ("tokens", False),
        ("top_logprobs", False),
    ],
    ("model_list_response", "OpenRouterModelsResponseData"): [
        ("id", True),
        ("context_length", True),
        ("created", True),
        ("max_output_length", True),
        ("name", True),
        ("pricing", True),
        ("datacenters", False),
        ("description", False),
        ("hugging_face_id", False),
        ("input_modalities", False),
        ("openrouter", False),
        ("output_modalities", False),
        ("quantization", False),
        ("supported_features", False),
        ("supported_sampling_parameters", False),
    ],
    ("model_list_response", "HuggingFaceModelsResponseData"): [
        ("id", True),
        ("context_length", True),
        ("created", True),
        ("owned_by", True),
        ("pricing", True),
        ("capabilities", False),
        ("hugging_face_id", False),
        ("object", False),
    ],
    ("model_list_response", "ModelMetadataList"): [("data", True), ("object", False)],
    ("model_list_response", "OpenRouterModelsResponse"): [("data", True)],
    ("model_retrieve_response", "ModelMetadata"): [
        ("id", True),
        ("created", False),
        ("object", False),
        ("owned_by", False),
    ],
    ("model_retrieve_response", "OpenRouterModelPricing"): [
        ("completion", True),
        ("prompt", True),
        ("image", False),
        ("input_cache_read", False),
        ("input_cache_write", False),
        ("request", False),
    ],
    ("model_retrieve_response", "PublicModel"): [
        ("id", True),
        ("architecture", True),
        ("capabilities", True),
        ("created", True),
        ("description", True),
        ("limits", True),
        ("name", True),
        ("owned_by", True),
        ("pricing", True),
        ("supported_parameters", True),
        ("datacenter_locations", False),
        ("deprecated", False),
        ("hugging_face_id", False),
        ("object", False),
        ("preview", False),
        ("quantization", False),
    ],
    ("model_retrieve_response", "PublicModelArchitecture"): [
        ("modality", True),
        ("tokenizer", True),
        ("instruct_type", False),
    ],
    ("model_retrieve_response", "PublicModelLimits"): [
        ("max_completion_tokens", True),
        ("max_context_length", True),
        ("requests_per_minute", False),
        ("tokens_per_minute", False),
    ],
}


@pytest.mark.parametrize("key", list(FIELD_ORDER), ids=[f"{m}.{c}" for m, c in FIELD_ORDER])
def test_field_order_and_requiredness(key: Tuple[str, str]) -> None:
    module, cls_name = key
    cls = getattr(load(module), cls_name)
    fields = cls.model_fields
    assert [(name, f.is_required()) for name, f in fields.items()] == FIELD_ORDER[key]
    for f in fields.values():
        if not f.is_required():
            assert f.default is None


def test_every_optional_response_field_defaults_to_none_and_accepts_none() -> None:
    for module, names in MODULE_ALL:
        if module.endswith("_params"):
            continue
        mod = load(module)
        for name in names:
            cls = getattr(mod, name)
            if name in UNION_ALIASES:
                continue
            for field_name, field in cls.model_fields.items():
                if not field.is_required():
                    assert field.default is None, f"{name}.{field_name}"
                    assert type(None) in typing.get_args(field.annotation), f"{name}.{field_name}"


def test_enum_literals() -> None:
    cc = load("chat.chat_completion")
    finish = Literal["stop", "length", "content_filter", "tool_calls"]
    role = Literal["assistant", "user", "system", "tool"]
    assert cc.ChatCompletionResponseChoice.model_fields["finish_reason"].annotation == typing.Optional[finish]
    assert cc.ChatChunkResponseChoice.model_fields["finish_reason"].annotation == typing.Optional[finish]
    assert (
        load("completion").CompletionResponseChoice.model_fields["finish_reason"].annotation
        == (typing.Optional[finish])
    )
    assert cc.ChatCompletionResponseChoiceMessage.model_fields["role"].annotation == role
    assert cc.ChatChunkResponseChoiceDelta.model_fields["role"].annotation == typing.Optional[role]
    assert cc.ChatCompletionResponse.model_fields["object"].annotation == Literal["chat.completion"]
    assert cc.ChatChunkResponse.model_fields["object"].annotation == Literal["chat.completion.chunk"]
    assert (
        load("completion").CompletionResponse.model_fields["object"].annotation == Literal["text_completion"]
    )
    modality = load("model_retrieve_response").PublicModelArchitecture.model_fields["modality"].annotation
    assert modality == Literal["text", "text+vision", "multimodal"]


def test_completion_response_has_no_service_tier() -> None:
    assert "service_tier" not in load("completion").CompletionResponse.model_fields


# ------------------------------------------------------------------------------- request keys


def keys(td: Any) -> Tuple[List[str], frozenset[str]]:
    return list(td.__annotations__), td.__required_keys__


def test_chat_params_keys() -> None:
    params = load("chat.completion_create_params").CompletionCreateParams
    names, required = keys(params)
    assert names == [
        "messages",
        "model",
        "clear_thinking",
        "disable_reasoning",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "max_completion_tokens",
        "max_tokens",
        "min_completion_tokens",
        "min_tokens",
        "model_parameters",
        "n",
        "parallel_tool_calls",
        "prediction",
        "presence_penalty",
        "prompt_cache_key",
        "reasoning_effort",
        "reasoning_format",
        "response_format",
        "seed",
        "service_tier",
        "stop",
        "stream",
        "stream_options",
        "temperature",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "user",
        "cf_ray",
        "x_amz_cf_id",
        "x_delay_time",
        "queue_threshold",  # service tiers (platform.md section 3), beyond SDK 1.91
    ]
    assert required == {"messages", "model"}


def test_text_params_keys() -> None:
    params = load("completion_create_params").CompletionCreateParams
    names, required = keys(params)
    assert names == [
        "model",
        "prompt",
        "best_of",
        "echo",
        "frequency_penalty",
        "grammar_root",
        "logit_bias",
        "logprobs",
        "max_tokens",
        "min_tokens",
        "n",
        "presence_penalty",
        "prompt_cache_key",
        "reasoning_format",
        "return_raw_tokens",
        "seed",
        "stop",
        "stream",
        "stream_options",
        "suffix",
        "temperature",
        "top_p",
        "user",
        "cf_ray",
        "x_amz_cf_id",
        "x_delay_time",
        "queue_threshold",  # service tiers (platform.md section 3), beyond SDK 1.91
    ]
    assert required == {"model", "prompt"}
    hints = get_type_hints(params)
    assert hints["logprobs"] == typing.Optional[int]
    assert load("completion_create_params").StreamOptions is not (
        load("chat.completion_create_params").StreamOptions
    )


def header_aliases(td: Any) -> Dict[str, str]:
    hints = get_type_hints(td, include_extras=True)
    found: Dict[str, str] = {}
    for key, hint in hints.items():
        for meta in getattr(hint, "__metadata__", ()):
            if isinstance(meta, Alias):
                found[key] = meta.name
    return found


def test_header_keys_carry_wire_aliases() -> None:
    full = {
        "cf_ray": "CF-RAY",
        "x_amz_cf_id": "X-Amz-Cf-Id",
        "x_delay_time": "X-delay-time",
        "queue_threshold": "queue_threshold",
    }
    assert header_aliases(load("chat.completion_create_params").CompletionCreateParams) == full
    assert header_aliases(load("completion_create_params").CompletionCreateParams) == full
    models_only = {"cf_ray": "CF-RAY", "x_amz_cf_id": "X-Amz-Cf-Id"}
    for module, cls in (
        ("model_list_params", "ModelListParams"),
        ("model_retrieve_params", "ModelRetrieveParams"),
    ):
        td = getattr(load(module), cls)
        assert header_aliases(td) == models_only
        assert list(td.__annotations__) == ["format", "cf_ray", "x_amz_cf_id"]
        assert td.__required_keys__ == frozenset()
        assert get_type_hints(td)["format"] == Literal["default", "openrouter", "huggingface"]


def test_reasoning_format_accepts_none_on_both_endpoints() -> None:
    # Decision 19.
    for module in ("chat.completion_create_params", "completion_create_params"):
        hint = get_type_hints(load(module).CompletionCreateParams)["reasoning_format"]
        assert type(None) in typing.get_args(hint)


REQUIRED_KEYS = {
    "MessageSystemMessageRequest": {"content"},
    "MessageDeveloperMessageRequest": {"content"},
    "MessageUserMessageRequest": {"content"},
    "MessageAssistantMessageRequest": set(),
    "MessageToolMessageRequest": {"content", "tool_call_id"},
    "MessageUserMessageRequestContentUnionMember1TextContent": {"text", "type"},
    "MessageUserMessageRequestContentUnionMember1ImageURLContent": {"image_url", "type"},
    "MessageUserMessageRequestContentUnionMember1ImageURLContentImageURL": {"url"},
    "MessageUserMessageRequestContentUnionMember1ImageContent": {"image", "type"},
    "MessageAssistantMessageRequestToolCall": {"id", "function", "type"},
    "MessageAssistantMessageRequestToolCallFunction": {"arguments", "name"},
    "Prediction": {"content", "type"},
    "PredictionContentUnionMember1": {"text", "type"},
    "ResponseFormatResponseFormatJsonSchema": {"json_schema", "type"},
    "ResponseFormatResponseFormatJsonSchemaJsonSchema": {"name"},
    "StreamOptions": set(),
    "ToolChoiceChoiceObject": {"function", "type"},
    "ToolChoiceChoiceObjectFunction": {"name"},
    "Tool": {"function", "type"},
    "ToolFunction": {"name"},
}


@pytest.mark.parametrize("name", sorted(REQUIRED_KEYS))
def test_chat_request_shapes_required_keys(name: str) -> None:
    td = getattr(load("chat.completion_create_params"), name)
    assert set(td.__required_keys__) == REQUIRED_KEYS[name]


def test_message_union_and_role_literals() -> None:
    mod = load("chat.completion_create_params")
    assert typing.get_args(mod.Message) == (
        mod.MessageSystemMessageRequest,
        mod.MessageDeveloperMessageRequest,
        mod.MessageUserMessageRequest,
        mod.MessageAssistantMessageRequest,
        mod.MessageToolMessageRequest,
    )
    roles = [get_type_hints(m)["role"] for m in typing.get_args(mod.Message)]
    assert roles == [
        Literal["system"],
        Literal["developer"],
        Literal["user"],
        Literal["assistant"],
        Literal["tool"],
    ]
    tool_choice_args = typing.get_args(mod.ToolChoice)
    assert tool_choice_args == (Literal["none", "auto", "required"], mod.ToolChoiceChoiceObject)
    assert get_type_hints(mod.ToolFunction)["strict"] is bool
    assert list(mod.ResponseFormatResponseFormatJsonSchemaJsonSchema.__annotations__) == [
        "name",
        "description",
        "schema",
        "strict",
    ]


def test_models_accept_unknown_fields() -> None:
    cc = load("chat.chat_completion")
    m = cc.ErrorChunkResponseError.model_validate({"message": "m", "extra_thing": [1]})
    assert m.model_extra == {"extra_thing": [1]}
    with pytest.raises(pydantic.ValidationError):
        cc.ErrorChunkResponse.model_validate({"error": {}})

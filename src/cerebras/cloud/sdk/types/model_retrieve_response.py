"""Response models of `GET /v1/models/{model_id}`."""

from typing import List, Optional, Union

from typing_extensions import Literal, TypeAlias

from .._models import BaseModel

__all__ = [
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


class ModelMetadata(BaseModel):
    """A model in the default (OpenAI-compatible) format."""

    id: str
    """Model identifier to pass as `model`."""

    created: Optional[int] = None
    """Unix time (seconds) the model was created."""

    object: Optional[Literal["model"]] = None
    """Always `model` when present."""

    owned_by: Optional[str] = None
    """Organisation that owns the model."""


class OpenRouterModelPricing(BaseModel):
    """Prices of an OpenRouter-format model, in US dollars per token, as strings."""

    completion: str
    """Price of one output token."""

    prompt: str
    """Price of one input token."""

    image: Optional[str] = None
    """Price of one input image."""

    input_cache_read: Optional[str] = None
    """Price of one input token read from the cache."""

    input_cache_write: Optional[str] = None
    """Price of one input token written to the cache."""

    request: Optional[str] = None
    """Fixed price per request."""


class OpenRouterModelDatacenter(BaseModel):
    """A data centre the model is served from."""

    country_code: str
    """ISO 3166-1 alpha-2 country code."""


class OpenRouterModelOpenrouter(BaseModel):
    """OpenRouter-specific details of a model."""

    slug: str
    """The model's identifier on OpenRouter."""


class OpenRouterModel(BaseModel):
    """A model described in OpenRouter's catalogue format."""

    id: str
    """Provider-prefixed identifier, e.g. `cerebras/llama3.1-8b`."""

    context_length: int
    """Maximum context length in tokens."""

    created: int
    """Unix time (seconds) the model was published."""

    max_output_length: int
    """Maximum number of output tokens."""

    name: str
    """Display name."""

    pricing: OpenRouterModelPricing
    """Token prices."""

    datacenters: Optional[List[OpenRouterModelDatacenter]] = None
    """Where the model is served."""

    description: Optional[str] = None

    hugging_face_id: Optional[str] = None
    """Matching Hugging Face repository id."""

    input_modalities: Optional[List[str]] = None
    """Accepted input kinds, e.g. `text`."""

    openrouter: Optional[OpenRouterModelOpenrouter] = None

    output_modalities: Optional[List[str]] = None
    """Produced output kinds."""

    quantization: Optional[str] = None
    """Numeric precision of the weights, e.g. `fp16`."""

    supported_features: Optional[List[str]] = None

    supported_sampling_parameters: Optional[List[str]] = None


class HuggingFaceModelPricing(BaseModel):
    """Prices of a Hugging Face-format model, in US dollars per million tokens."""

    input: float
    """Price per million input tokens."""

    output: float
    """Price per million output tokens."""


class HuggingFaceModelCapabilities(BaseModel):
    """What a Hugging Face-format model supports."""

    function_calling: Optional[bool] = None

    streaming: Optional[bool] = None

    structured_outputs: Optional[bool] = None

    vision: Optional[bool] = None


class HuggingFaceModel(BaseModel):
    """A model described in Hugging Face's catalogue format."""

    id: str
    """Model identifier."""

    context_length: int
    """Maximum context length in tokens."""

    created: int
    """Unix time (seconds) the model was published."""

    owned_by: str
    """Organisation that owns the model."""

    pricing: HuggingFaceModelPricing
    """Token prices."""

    capabilities: Optional[HuggingFaceModelCapabilities] = None

    hugging_face_id: Optional[str] = None
    """Matching Hugging Face repository id."""

    object: Optional[Literal["model"]] = None
    """Always `model` when present."""


class PublicModelArchitecture(BaseModel):
    """How the model is built."""

    modality: Literal["text", "text+vision", "multimodal"]
    """Kinds of input the model reads."""

    tokenizer: str
    """Tokenizer family."""

    instruct_type: Optional[str] = None
    """Chat template family."""


class PublicModelCapabilities(BaseModel):
    """Features the model supports."""

    function_calling: Optional[bool] = None

    json_mode: Optional[bool] = None

    parallel_tool_calls: Optional[bool] = None

    reasoning: Optional[bool] = None

    response_format: Optional[bool] = None

    streaming: Optional[bool] = None

    structured_outputs: Optional[bool] = None

    tool_choice: Optional[bool] = None

    tools: Optional[bool] = None

    vision: Optional[bool] = None


class PublicModelLimits(BaseModel):
    """Size and rate limits of the model."""

    max_completion_tokens: int
    """Maximum number of output tokens."""

    max_context_length: int
    """Maximum context length in tokens."""

    requests_per_minute: Optional[int] = None

    tokens_per_minute: Optional[int] = None


class PublicModelPricing(BaseModel):
    """Prices in US dollars per token, as strings."""

    completion: str
    """Price of one output token."""

    prompt: str
    """Price of one input token."""


class PublicModelSupportedParameters(BaseModel):
    """Which request parameters the model honours."""

    frequency_penalty: Optional[bool] = None

    logit_bias: Optional[bool] = None

    logprobs: Optional[bool] = None

    max_completion_tokens: Optional[bool] = None

    presence_penalty: Optional[bool] = None

    repetition_penalty: Optional[bool] = None

    seed: Optional[bool] = None

    stop: Optional[bool] = None

    temperature: Optional[bool] = None

    top_logprobs: Optional[bool] = None

    top_p: Optional[bool] = None


class PublicModel(BaseModel):
    """A full model card."""

    id: str
    """Model identifier to pass as `model`."""

    architecture: PublicModelArchitecture

    capabilities: PublicModelCapabilities

    created: int
    """Unix time (seconds) the model was published."""

    description: str

    limits: PublicModelLimits

    name: str
    """Display name."""

    owned_by: str
    """Organisation that owns the model."""

    pricing: PublicModelPricing

    supported_parameters: PublicModelSupportedParameters

    datacenter_locations: Optional[List[str]] = None
    """Where the model is served."""

    deprecated: Optional[bool] = None

    hugging_face_id: Optional[str] = None
    """Matching Hugging Face repository id."""

    object: Optional[Literal["model"]] = None
    """Always `model` when present."""

    preview: Optional[bool] = None
    """Whether the model is a preview release."""

    quantization: Optional[str] = None
    """Numeric precision of the weights."""


ModelRetrieveResponse: TypeAlias = Union[ModelMetadata, OpenRouterModel, HuggingFaceModel, PublicModel]
"""What `GET /v1/models/{model_id}` returns, depending on the requested `format`."""

"""Response models of `GET /v1/models` (one class family per `format`)."""

from typing import List, Optional, Union

from typing_extensions import Literal, TypeAlias

from .._models import BaseModel

__all__ = [
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


class ModelMetadataListData(BaseModel):
    """A model in the default (OpenAI-compatible) format."""

    id: str
    """Model identifier to pass as `model`."""

    created: Optional[int] = None
    """Unix time (seconds) the model was created."""

    object: Optional[Literal["model"]] = None
    """Always `model` when present."""

    owned_by: Optional[str] = None
    """Organisation that owns the model."""


class ModelMetadataList(BaseModel):
    """The model list in the default (OpenAI-compatible) format."""

    data: List[ModelMetadataListData]
    """The available models."""

    object: Optional[Literal["list"]] = None
    """Always `list` when present."""


class OpenRouterModelsResponseDataPricing(BaseModel):
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


class OpenRouterModelsResponseDataDatacenter(BaseModel):
    """A data centre the model is served from."""

    country_code: str
    """ISO 3166-1 alpha-2 country code."""


class OpenRouterModelsResponseDataOpenrouter(BaseModel):
    """OpenRouter-specific details of a model."""

    slug: str
    """The model's identifier on OpenRouter."""


class OpenRouterModelsResponseData(BaseModel):
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

    pricing: OpenRouterModelsResponseDataPricing
    """Token prices."""

    datacenters: Optional[List[OpenRouterModelsResponseDataDatacenter]] = None
    """Where the model is served."""

    description: Optional[str] = None

    hugging_face_id: Optional[str] = None
    """Matching Hugging Face repository id."""

    input_modalities: Optional[List[str]] = None
    """Accepted input kinds, e.g. `text`."""

    openrouter: Optional[OpenRouterModelsResponseDataOpenrouter] = None

    output_modalities: Optional[List[str]] = None
    """Produced output kinds."""

    quantization: Optional[str] = None
    """Numeric precision of the weights, e.g. `fp16`."""

    supported_features: Optional[List[str]] = None

    supported_sampling_parameters: Optional[List[str]] = None


class HuggingFaceModelsResponseDataPricing(BaseModel):
    """Prices of a Hugging Face-format model, in US dollars per million tokens."""

    input: float
    """Price per million input tokens."""

    output: float
    """Price per million output tokens."""


class HuggingFaceModelsResponseDataCapabilities(BaseModel):
    """What a Hugging Face-format model supports."""

    function_calling: Optional[bool] = None

    streaming: Optional[bool] = None

    structured_outputs: Optional[bool] = None

    vision: Optional[bool] = None


class HuggingFaceModelsResponseData(BaseModel):
    """A model described in Hugging Face's catalogue format."""

    id: str
    """Model identifier."""

    context_length: int
    """Maximum context length in tokens."""

    created: int
    """Unix time (seconds) the model was published."""

    owned_by: str
    """Organisation that owns the model."""

    pricing: HuggingFaceModelsResponseDataPricing
    """Token prices."""

    capabilities: Optional[HuggingFaceModelsResponseDataCapabilities] = None

    hugging_face_id: Optional[str] = None
    """Matching Hugging Face repository id."""

    object: Optional[Literal["model"]] = None
    """Always `model` when present."""


class OpenRouterModelsResponse(BaseModel):
    """The model list in OpenRouter's catalogue format (`format="openrouter"`)."""

    data: List[OpenRouterModelsResponseData]
    """The available models."""


class HuggingFaceModelsResponse(BaseModel):
    """The model list in Hugging Face's catalogue format (`format="huggingface"`)."""

    data: List[HuggingFaceModelsResponseData]
    """The available models."""

    object: Optional[Literal["list"]] = None
    """Always `list` when present."""


ModelListResponse: TypeAlias = Union[ModelMetadataList, OpenRouterModelsResponse, HuggingFaceModelsResponse]
"""What `GET /v1/models` returns, depending on the requested `format`."""

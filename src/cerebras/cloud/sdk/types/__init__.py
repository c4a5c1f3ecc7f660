"""Request (TypedDict) and response (model) types of the Cerebras Cloud API."""

from . import chat as chat
from .completion import Completion as Completion
from .completion_create_params import CompletionCreateParams as CompletionCreateParams
from .model_list_params import ModelListParams as ModelListParams
from .model_list_response import ModelListResponse as ModelListResponse
from .model_retrieve_params import ModelRetrieveParams as ModelRetrieveParams
from .model_retrieve_response import ModelRetrieveResponse as ModelRetrieveResponse

__all__ = [
    "Completion",
    "CompletionCreateParams",
    "ModelListParams",
    "ModelListResponse",
    "ModelRetrieveParams",
    "ModelRetrieveResponse",
]

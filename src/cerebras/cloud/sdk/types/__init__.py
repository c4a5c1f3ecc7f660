"""Request (TypedDict) and response (model) types of the Cerebras Cloud API."""

from . import chat as chat
from .batch import Batch as Batch
from .batch import BatchRequestCounts as BatchRequestCounts
from .batch import BatchStatus as BatchStatus
from .batch_create_params import BatchCreateParams as BatchCreateParams
from .batch_list_params import BatchListParams as BatchListParams
from .batch_result import BatchResult as BatchResult
from .batch_result import BatchResultError as BatchResultError
from .completion import Completion as Completion
from .completion_create_params import CompletionCreateParams as CompletionCreateParams
from .file_create_params import FileCreateParams as FileCreateParams
from .file_deleted import FileDeleted as FileDeleted
from .file_list_params import FileListParams as FileListParams
from .file_object import FileObject as FileObject
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

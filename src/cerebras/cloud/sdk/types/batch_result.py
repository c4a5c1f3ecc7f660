"""One line of `GET /v1/batches/{batch_id}/results`."""

from typing import Optional

from typing_extensions import Literal

from .._models import BaseModel
from .chat.chat_completion import ChatCompletionResponse

__all__ = ["BatchResult", "BatchResultError"]


class BatchResultError(BaseModel):
    """Why one request of a batch failed or expired."""

    code: str
    """A machine-readable error code, e.g. `invalid_request`."""

    message: str
    """What went wrong, for people."""


class BatchResult(BaseModel):
    """The outcome of one request of a batch (one line of the results)."""

    custom_id: str
    """The `custom_id` the request had in the input file."""

    status: Literal["succeeded", "failed", "expired"]
    """`succeeded` (see `response`), or `failed` / `expired` (see `error`)."""

    error: Optional[BatchResultError] = None
    """Why the request failed or expired; None when it succeeded."""

    response: Optional[ChatCompletionResponse] = None
    """The chat completion the request produced; None unless it succeeded."""

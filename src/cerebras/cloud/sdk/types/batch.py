"""Response model of the Batch API (`/v1/batches`)."""

from typing import Dict, Optional, Union

from typing_extensions import Literal, TypeAlias

from .._models import BaseModel

__all__ = ["Batch", "BatchRequestCounts", "BatchStatus"]

JSONObject: TypeAlias = Dict[str, object]
"""A JSON object (named here because `Batch.object`, a field, hides the builtin in the class body)."""

BatchStatus: TypeAlias = Literal[
    "validating",
    "queued",
    "in_progress",
    "finalizing",
    "completed",
    "expired",
    "failed",
    "cancelling",
    "cancelled",
]
"""The documented batch statuses; `completed`, `failed`, `expired` and `cancelled` are final."""


class BatchRequestCounts(BaseModel):
    """How many of a batch's requests are done."""

    completed: int
    """Requests that succeeded."""

    failed: int
    """Requests that failed."""

    total: int
    """Requests in the batch."""


class Batch(BaseModel):
    """A batch job (Batch API, private preview).

    `status` is typed with the documented values but any string loads, even with strict
    validation: the API is in preview and its examples show others (`"calling"`)."""

    id: str
    """The batch's id."""

    completion_window: str
    """How long the batch may take; `24h` is the only documented window."""

    created_at: int
    """Unix time (seconds) the batch was created."""

    endpoint: str
    """The endpoint the batch's requests go to (`/v1/chat/completions`)."""

    input_file_id: str
    """The id of the uploaded JSONL input file."""

    object: Literal["batch"]
    """Always `batch`."""

    status: Union[BatchStatus, str]
    """Where the batch is: `validating`, `queued`, `in_progress`, `finalizing`, then `completed`, `failed`, `expired` or (after `cancelling`) `cancelled`."""

    cancelled_at: Optional[int] = None
    """Unix time (seconds) the batch was cancelled."""

    cancelling_at: Optional[int] = None
    """Unix time (seconds) the cancellation started."""

    completed_at: Optional[int] = None
    """Unix time (seconds) the batch completed."""

    error_file_id: Optional[str] = None
    """The id of the file holding the failed requests' errors (its format is not documented)."""

    errors: Union[JSONObject, str, None] = None
    """Why the batch failed: documented as an object, but the docs' examples carry a plain string; both load."""

    expired_at: Optional[int] = None
    """Unix time (seconds) the batch expired."""

    expires_at: Optional[int] = None
    """Unix time (seconds) the completion window ends (`created_at` + 24 h; null at creation)."""

    failed_at: Optional[int] = None
    """Unix time (seconds) the batch failed (e.g. its input did not validate)."""

    finalizing_at: Optional[int] = None
    """Unix time (seconds) the batch started finalizing."""

    in_progress_at: Optional[int] = None
    """Unix time (seconds) the batch started running."""

    metadata: Optional[JSONObject] = None
    """The JSON object given at creation."""

    output_file_id: Optional[str] = None
    """The id of the file holding the results."""

    request_counts: Optional[BatchRequestCounts] = None
    """How many requests are done (may be null)."""

"""Response models of `POST /v1/completions`."""

from typing import Dict, List, Optional, Union

from typing_extensions import Literal, TypeAlias

from .._models import BaseModel

__all__ = [
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


class CompletionResponseChoiceLogprobs(BaseModel):
    """Per-token log-probabilities of a text completion, one list entry per position."""

    text_offset: Optional[List[int]] = None
    """Character offset of each token in the text."""

    token_logprobs: Optional[List[float]] = None
    """Log-probability of each sampled token."""

    tokens: Optional[List[str]] = None
    """The sampled tokens."""

    top_logprobs: Optional[List[Dict[str, float]]] = None
    """For each position, candidate token -> log-probability."""


class CompletionResponseChoice(BaseModel):
    """One alternative of a text completion (or its piece, in a stream)."""

    index: int
    """Position of this choice in `choices`."""

    finish_reason: Optional[Literal["stop", "length", "content_filter", "tool_calls"]] = None
    """Why generation stopped: `stop`, `length`, `content_filter` or `tool_calls`."""

    logprobs: Optional[CompletionResponseChoiceLogprobs] = None
    """Log-probabilities, if requested."""

    text: Optional[str] = None
    """The generated text."""

    tokens: Optional[List[int]] = None
    """Raw token ids, with `return_raw_tokens`."""


class CompletionResponseTimeInfo(BaseModel):
    """Server-side timings of the completion; durations in seconds."""

    completion_time: Optional[float] = None
    """Time spent generating the output."""

    created: Optional[float] = None
    """Unix time (fractional seconds) the timings were recorded."""

    prompt_time: Optional[float] = None
    """Time spent processing the prompt."""

    queue_time: Optional[float] = None
    """Time the request waited before processing started."""

    total_time: Optional[float] = None
    """Total time on the server."""


class CompletionResponseUsageCompletionTokensDetails(BaseModel):
    """Breakdown of the output tokens."""

    accepted_prediction_tokens: Optional[int] = None
    """Predicted tokens that were used."""

    reasoning_tokens: Optional[int] = None
    """Tokens spent on reasoning."""

    rejected_prediction_tokens: Optional[int] = None
    """Predicted tokens that were discarded."""


class CompletionResponseUsagePromptTokensDetails(BaseModel):
    """Breakdown of the prompt tokens."""

    cached_tokens: Optional[int] = None
    """Prompt tokens served from the prompt cache."""


class CompletionResponseUsage(BaseModel):
    """Token counts of the completion."""

    completion_tokens: Optional[int] = None
    """Tokens generated."""

    completion_tokens_details: Optional[CompletionResponseUsageCompletionTokensDetails] = None

    image_tokens: Optional[int] = None
    """Tokens used by images in the prompt."""

    prompt_tokens: Optional[int] = None
    """Tokens in the prompt."""

    prompt_tokens_details: Optional[CompletionResponseUsagePromptTokensDetails] = None

    total_tokens: Optional[int] = None
    """Prompt plus generated tokens."""


class CompletionResponse(BaseModel):
    """A text completion; streamed chunks have the same shape."""

    id: str
    """Unique identifier of the completion."""

    choices: List[CompletionResponseChoice]
    """The generated alternatives."""

    created: int
    """Unix time (seconds) the completion was created."""

    model: str
    """Model that produced the completion."""

    object: Literal["text_completion"]
    """Always `text_completion`."""

    system_fingerprint: str
    """Identifies the backend configuration that served the request."""

    service_tier_used: Optional[str] = None
    """The service tier that served the request, when the API reports it."""

    time_info: Optional[CompletionResponseTimeInfo] = None
    """Server-side timings."""

    usage: Optional[CompletionResponseUsage] = None
    """Token counts."""


class ErrorChunkResponseError(BaseModel):
    """What went wrong, as described by the server."""

    id: Optional[str] = None

    code: Optional[str] = None
    """Machine-readable error code."""

    message: Optional[str] = None
    """Human-readable description."""

    param: Optional[str] = None
    """The request parameter at fault, if any."""

    type: Optional[str] = None
    """Error category, e.g. `invalid_request_error`."""


class ErrorChunkResponse(BaseModel):
    """An error reported in a successful response body or in a stream."""

    error: ErrorChunkResponseError
    """Details of the error."""

    status_code: int
    """HTTP-style status code of the error."""


Completion: TypeAlias = Union[CompletionResponse, ErrorChunkResponse]
"""What the text completion endpoint returns: a completion (or chunk) or an error payload."""

"""The exception hierarchy and the mapping from an error response to its class."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any, Mapping, Optional, Type

import httpx
from typing_extensions import Literal

from ._request_meta import RateLimitInfo, request_id_from_headers

if TYPE_CHECKING:
    from .types.batch import Batch

log = logging.getLogger("cerebras.cloud.sdk._base_client")

__all__ = [
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
]
# The official module's list, kept as is; PaymentRequiredError, ServiceUnavailableError and
# QueueThresholdExceededError (beyond SDK 1.91) are imported by name, from here or the package.


class CerebrasError(Exception):
    """Root of every exception this SDK raises on purpose."""


class APIError(CerebrasError):
    """A request reached the point of talking to the API and failed."""

    message: str
    request: httpx.Request
    body: object | None
    """The decoded error body (JSON when it parsed, else text); `None` when there was none."""

    def __init__(self, message: str, request: httpx.Request, *, body: object | None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIResponseValidationError(APIError):
    """The API answered, but its data does not fit the expected schema (strict mode only)."""

    response: httpx.Response
    status_code: int

    def __init__(self, response: httpx.Response, body: object | None, *, message: str | None = None) -> None:
        super().__init__(
            message or "Data returned by API invalid for expected schema.", response.request, body=body
        )
        self.response = response
        self.status_code = response.status_code


class APIStatusError(APIError):
    """The API answered with an error status (or sent an error event inside a stream)."""

    response: httpx.Response
    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, body: object | None) -> None:
        # The API wraps details in {"error": {...}, "status_code": n}: expose the inner part.
        status: object = None
        unwrapped: object = body
        if isinstance(body, Mapping):
            inner: Mapping[str, object] = body  # pyright: ignore[reportUnknownVariableType]
            status = inner.get("status_code")
            unwrapped = inner.get("error", inner)
        super().__init__(message, response.request, body=unwrapped)
        self.response = response
        self.request_id: Optional[str] = request_id_from_headers(response.headers)
        """The API's id for the failed request (`x-request-id`, else `cf-ray`), or None."""
        self.status_code = (
            status if isinstance(status, int) and not isinstance(status, bool) else response.status_code
        )


class APIConnectionError(APIError):
    """The request could not be sent or its response could not be read."""

    def __init__(self, *, message: str = "Connection error.", request: httpx.Request) -> None:
        super().__init__(message, request, body=None)


class APITimeoutError(APIConnectionError):
    """The request (or the wait for its response) took longer than the timeout."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__(message="Request timed out.", request=request)


class BadRequestError(APIStatusError):
    status_code: Literal[400] = 400  # pyright: ignore[reportIncompatibleVariableOverride]


class AuthenticationError(APIStatusError):
    status_code: Literal[401] = 401  # pyright: ignore[reportIncompatibleVariableOverride]


class PermissionDeniedError(APIStatusError):
    status_code: Literal[403] = 403  # pyright: ignore[reportIncompatibleVariableOverride]


class NotFoundError(APIStatusError):
    status_code: Literal[404] = 404  # pyright: ignore[reportIncompatibleVariableOverride]


class ConflictError(APIStatusError):
    status_code: Literal[409] = 409  # pyright: ignore[reportIncompatibleVariableOverride]


class UnprocessableEntityError(APIStatusError):
    status_code: Literal[422] = 422  # pyright: ignore[reportIncompatibleVariableOverride]


class RateLimitError(APIStatusError):
    status_code: Literal[429] = 429  # pyright: ignore[reportIncompatibleVariableOverride]

    @property
    def rate_limits(self) -> RateLimitInfo:
        """Rate-limit figures from the response's `x-ratelimit-*` headers (None where absent)."""
        return RateLimitInfo.from_headers(self.response.headers)


class PaymentRequiredError(APIStatusError):
    """402: the account cannot pay for the request (Cerebras documents only the name).

    The official SDK 1.91 has no class for 402 and raises a plain `APIStatusError`; this one is a
    subclass of it, so `except APIStatusError` code still catches it. Not retried."""

    status_code: Literal[402] = 402  # pyright: ignore[reportIncompatibleVariableOverride]


class QueueThresholdExceededError(RateLimitError):
    """A `flex`/`auto` request was turned away because the expected queue time exceeded the
    `queue_threshold` it carried.

    Cerebras does not document the status of this rejection; this SDK expects 429 with the error
    code `queue_threshold_exceeded` (what the bundled mock server sends) and, as the threshold asks
    for an answer without waiting, does not retry it. Being a `RateLimitError`, it is caught by
    code that handles rate limits."""


class InternalServerError(APIStatusError):
    pass


class ServiceUnavailableError(InternalServerError):
    """503: the service is temporarily unavailable. A subclass of `InternalServerError`, which the
    official SDK 1.91 raises for it, so existing handlers still catch it; retried like any 5xx."""

    status_code: Literal[503] = 503  # pyright: ignore[reportIncompatibleVariableOverride]


class StreamAlreadyConsumed(CerebrasError):
    """The body was already read by iteration, so it can no longer be read whole."""

    def __init__(self) -> None:
        super().__init__(
            "Attempted to read or stream content, but the content has already been streamed. "
            "Either keep the chunks you iterated over, or call `.read()` before iterating."
        )


class LineDecodeError(APIResponseValidationError):
    """One line of a line-by-line body (batch results, `files.content_lines`) could not be read.

    `line_number` counts from 1 over every line of the body, blank ones included; `line` is the
    line as received. The lines before it were delivered already, and the iterator stays usable:
    going on skips this line."""

    line_number: int
    line: str

    def __init__(self, response: httpx.Response, *, line_number: int, line: str, reason: str) -> None:
        super().__init__(
            response, line, message=f"Line {line_number} of the response body {reason}: {line[:200]!r}"
        )
        self.line_number = line_number
        self.line = line


class BatchWaitTimeout(CerebrasError, TimeoutError):
    """`batches.wait()` gave up before the batch reached a final status; the batch goes on running.

    `batch` is the last state seen (its `status`, `request_counts`); `timeout` the time waited, in seconds."""

    batch: Batch
    timeout: float

    def __init__(self, batch: Batch, timeout: float) -> None:
        super().__init__(
            f"Batch {batch.id} is still {batch.status!r} after {timeout:g} s; it goes on running on the server"
        )
        self.batch = batch
        self.timeout = timeout


class MissingStreamClassError(TypeError):
    """`stream=True` was asked of a low-level call without a `stream_cls`."""

    def __init__(self) -> None:
        super().__init__(
            "The `stream` argument was set to `True` but the `stream_cls` argument was not given"
        )


_STATUS_CLASSES: dict[int, Type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(body: object, http_status: int) -> Type[APIStatusError]:
    """Pick the exception class: the body's integer `status_code` wins over the HTTP status."""
    code = http_status
    payload: object = body
    if isinstance(body, Mapping):
        candidate: object = body.get("status_code")  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if isinstance(candidate, int) and not isinstance(candidate, bool):
            code = candidate
    if code >= 500:
        return ServiceUnavailableError if code == 503 else InternalServerError
    if code == 429 and error_code(payload) == QUEUE_THRESHOLD_CODE:
        return QueueThresholdExceededError
    return _STATUS_CLASSES.get(code, APIStatusError)


QUEUE_THRESHOLD_CODE = "queue_threshold_exceeded"


def error_code(body: object) -> Optional[str]:
    """The `code` (else `type`) of an error body, whether wrapped in `{"error": {...}}` or not."""
    if not isinstance(body, Mapping):
        return None
    outer: Mapping[str, object] = body  # pyright: ignore[reportUnknownVariableType]
    inner = outer.get("error", outer)
    if not isinstance(inner, Mapping):
        return None
    fields: Mapping[str, object] = inner  # pyright: ignore[reportUnknownVariableType]
    for key in ("code", "type"):
        value = fields.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def make_status_error(message: str, *, body: object, response: httpx.Response) -> APIStatusError:
    """Build the exception for an error response or an error event, per the status mapping."""
    return status_error_class(body, response.status_code)(message, response=response, body=body)


# --------------------------------------------------------------------------- the error map
# Every exception the SDK raises for a failed exchange is built below, so that a request, a
# stream and lib all report the same failure the same way.


def transport_error(
    exc: BaseException, request: httpx.Request, message: Optional[str] = None
) -> APIConnectionError:
    """The SDK exception for an httpx transport failure: `APITimeoutError` for timeouts,
    `APIConnectionError` for everything else. Raise it `from exc` to keep the cause."""
    if isinstance(exc, httpx.TimeoutException):
        log.debug("Raising timeout error")
        return APITimeoutError(request=request)
    log.debug("Raising connection error")
    if message is None:
        return APIConnectionError(request=request)
    return APIConnectionError(message=message, request=request)


def status_error_from_response(response: httpx.Response) -> APIStatusError:
    """The exception for a final error response (its body read, or `Error code: N` if it was not)."""
    status = response.status_code
    try:
        text = response.text.strip()
    except httpx.ResponseNotRead:
        return make_status_error(f"Error code: {status}", body=None, response=response)
    try:
        body: object = json.loads(text)
    except ValueError:
        return make_status_error(
            (text or f"Error code: {status}") + _hint(response), body=text, response=response
        )
    return make_status_error(f"Error code: {status} - {body}{_hint(response)}", body=body, response=response)


def _hint(response: httpx.Response) -> str:
    # A base URL ending in /v1 (a habit from other SDKs) doubles the prefix the SDK adds itself.
    if response.status_code == 404 and "/v1/v1/" in response.request.url.path:
        return (
            f" (the request went to {response.request.url.path}: the base URL should not end in /v1, "
            "since the SDK adds /v1 itself)"
        )
    return ""


def status_error_from_payload(
    payload: Mapping[str, Any],
    response: httpx.Response,
    *,
    default_message: str = "An error occurred during streaming",
) -> APIStatusError:
    """The exception for an error payload that arrived with a 2xx status (a stream's error event,
    or an error body where the caller asked for a completion): the message is the server's."""
    error = payload.get("error")
    message = default_message
    if isinstance(error, Mapping):
        inner = error.get("message")  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
        if isinstance(inner, str) and inner:
            message = inner
    return make_status_error(message, body=payload, response=response)

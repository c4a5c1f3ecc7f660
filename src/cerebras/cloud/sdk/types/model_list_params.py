"""Request parameters of `GET /v1/models`."""

from typing_extensions import Annotated, Literal, TypedDict

from .._types import Alias

__all__ = ["ModelListParams"]


class ModelListParams(TypedDict, total=False):
    """Keyword arguments of `client.models.list`."""

    format: Literal["default", "openrouter", "huggingface"]
    """Response format: OpenAI-compatible (`default`) or an aggregator's catalogue format."""

    cf_ray: Annotated[str, Alias("CF-RAY")]
    """Sent as the `CF-RAY` header."""

    x_amz_cf_id: Annotated[str, Alias("X-Amz-Cf-Id")]
    """Sent as the `X-Amz-Cf-Id` header."""

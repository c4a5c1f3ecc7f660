"""`client.models`: list the available models and look one up (`GET /v1/models[/{id}]`)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

import httpx
from typing_extensions import Literal

from .._resource import AsyncAPIResource, SyncAPIResource, call_options, checked_path, path_segment
from .._types import Body, Headers, NotGiven, Omit, Query, not_given, omit

if TYPE_CHECKING:
    from .._response import (
        async_to_raw_response_wrapper,
        async_to_streamed_response_wrapper,
        to_raw_response_wrapper,
        to_streamed_response_wrapper,
    )
    from ..types.model_list_response import ModelListResponse
    from ..types.model_retrieve_response import ModelRetrieveResponse

__all__ = [
    "AsyncModelsResource",
    "AsyncModelsResourceWithRawResponse",
    "AsyncModelsResourceWithStreamingResponse",
    "ModelsResource",
    "ModelsResourceWithRawResponse",
    "ModelsResourceWithStreamingResponse",
]

FormatArg = Literal["default", "openrouter", "huggingface"]


def _list_type() -> Any:
    from ..types.model_list_response import ModelListResponse

    return ModelListResponse


def _retrieve_type() -> Any:
    from ..types.model_retrieve_response import ModelRetrieveResponse

    return ModelRetrieveResponse


def _retrieve_path(model_id: str) -> str:
    return checked_path(f"/v1/models/{path_segment('model_id', model_id)}")


class ModelsResource(SyncAPIResource):
    """The model catalogue."""

    @cached_property
    def with_raw_response(self) -> ModelsResourceWithRawResponse:
        return ModelsResourceWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> ModelsResourceWithStreamingResponse:
        return ModelsResourceWithStreamingResponse(self)

    def list(
        self,
        *,
        format: FormatArg | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> ModelListResponse:
        """List the models available to your key.

        Args:
          format: the listing format: `default` (OpenAI-compatible), `openrouter` or `huggingface`.
          cf_ray: sent as the `CF-RAY` header.
          x_amz_cf_id: sent as the `X-Amz-Cf-Id` header.
          extra_headers: headers to add to (or, with `omit`, remove from) this request.
          extra_query: query parameters to add to this request.
          extra_body: ignored: a GET request has no body.
          timeout: this request's timeout, overriding the client's.
        """
        result: ModelListResponse = self._client.get(
            "/v1/models",
            options=call_options(
                header_params={"CF-RAY": cf_ray, "X-Amz-Cf-Id": x_amz_cf_id},
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                query={"format": format},
            ),
            cast_to=_list_type(),
        )
        return result

    def retrieve(
        self,
        model_id: str,
        *,
        format: FormatArg | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> ModelRetrieveResponse:
        """Look up one model by id.

        Args:
          model_id: the model id, e.g. `llama3.1-8b` (sent percent-encoded as one path segment).
          format: the card format: `default`, `openrouter` or `huggingface`.
          cf_ray: sent as the `CF-RAY` header.
          x_amz_cf_id: sent as the `X-Amz-Cf-Id` header.
          extra_headers: headers to add to (or, with `omit`, remove from) this request.
          extra_query: query parameters to add to this request.
          extra_body: ignored: a GET request has no body.
          timeout: this request's timeout, overriding the client's.
        """
        result: ModelRetrieveResponse = self._client.get(
            _retrieve_path(model_id),
            options=call_options(
                header_params={"CF-RAY": cf_ray, "X-Amz-Cf-Id": x_amz_cf_id},
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                query={"format": format},
            ),
            cast_to=_retrieve_type(),
        )
        return result


class AsyncModelsResource(AsyncAPIResource):
    """The model catalogue, async."""

    @cached_property
    def with_raw_response(self) -> AsyncModelsResourceWithRawResponse:
        return AsyncModelsResourceWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncModelsResourceWithStreamingResponse:
        return AsyncModelsResourceWithStreamingResponse(self)

    async def list(
        self,
        *,
        format: FormatArg | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> ModelListResponse:
        """List the models available to your key (see `ModelsResource.list`)."""
        return await self._client.get(
            "/v1/models",
            options=call_options(
                header_params={"CF-RAY": cf_ray, "X-Amz-Cf-Id": x_amz_cf_id},
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                query={"format": format},
            ),
            cast_to=_list_type(),
        )

    async def retrieve(
        self,
        model_id: str,
        *,
        format: FormatArg | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> ModelRetrieveResponse:
        """Look up one model by id (see `ModelsResource.retrieve`)."""
        return await self._client.get(
            _retrieve_path(model_id),
            options=call_options(
                header_params={"CF-RAY": cf_ray, "X-Amz-Cf-Id": x_amz_cf_id},
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
                query={"format": format},
            ),
            cast_to=_retrieve_type(),
        )


# The wrapped methods are looked up on the resource at every access, so a method patched on the
# class (as tracing tools do) is the one that runs.


class ModelsResourceWithRawResponse:
    def __init__(self, resource: ModelsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.list = to_raw_response_wrapper(resource.list)
            self.retrieve = to_raw_response_wrapper(resource.retrieve)

    if not TYPE_CHECKING:

        @property
        def list(self):
            from .._response import to_raw_response_wrapper

            return to_raw_response_wrapper(self._resource.list)

        @property
        def retrieve(self):
            from .._response import to_raw_response_wrapper

            return to_raw_response_wrapper(self._resource.retrieve)


class AsyncModelsResourceWithRawResponse:
    def __init__(self, resource: AsyncModelsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.list = async_to_raw_response_wrapper(resource.list)
            self.retrieve = async_to_raw_response_wrapper(resource.retrieve)

    if not TYPE_CHECKING:

        @property
        def list(self):
            from .._response import async_to_raw_response_wrapper

            return async_to_raw_response_wrapper(self._resource.list)

        @property
        def retrieve(self):
            from .._response import async_to_raw_response_wrapper

            return async_to_raw_response_wrapper(self._resource.retrieve)


class ModelsResourceWithStreamingResponse:
    def __init__(self, resource: ModelsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.list = to_streamed_response_wrapper(resource.list)
            self.retrieve = to_streamed_response_wrapper(resource.retrieve)

    if not TYPE_CHECKING:

        @property
        def list(self):
            from .._response import to_streamed_response_wrapper

            return to_streamed_response_wrapper(self._resource.list)

        @property
        def retrieve(self):
            from .._response import to_streamed_response_wrapper

            return to_streamed_response_wrapper(self._resource.retrieve)


class AsyncModelsResourceWithStreamingResponse:
    def __init__(self, resource: AsyncModelsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.list = async_to_streamed_response_wrapper(resource.list)
            self.retrieve = async_to_streamed_response_wrapper(resource.retrieve)

    if not TYPE_CHECKING:

        @property
        def list(self):
            from .._response import async_to_streamed_response_wrapper

            return async_to_streamed_response_wrapper(self._resource.list)

        @property
        def retrieve(self):
            from .._response import async_to_streamed_response_wrapper

            return async_to_streamed_response_wrapper(self._resource.retrieve)

"""`client.completions`: continue a text prompt (`POST /v1/completions`)."""

from __future__ import annotations

from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, Dict, Iterable, Optional, Sequence, Tuple, Union, overload

import httpx
from typing_extensions import Literal

from .._resource import AsyncAPIResource, SyncAPIResource, call_options, compact
from .._types import Body, Headers, NotGiven, Omit, Query, not_given, omit

if TYPE_CHECKING:
    from .._response import (
        async_to_raw_response_wrapper,
        async_to_streamed_response_wrapper,
        to_raw_response_wrapper,
        to_streamed_response_wrapper,
    )
    from .._streaming import AsyncStream, Stream
    from ..types import completion_create_params
    from ..types.completion import Completion, CompletionResponse

__all__ = [
    "AsyncCompletionsResource",
    "AsyncCompletionsResourceWithRawResponse",
    "AsyncCompletionsResourceWithStreamingResponse",
    "CompletionsResource",
    "CompletionsResourceWithRawResponse",
    "CompletionsResourceWithStreamingResponse",
]


@cache
def _result_types() -> Tuple[Any, Any, Any]:
    """The result type and stream classes, imported on the first call rather than with the module."""
    from .._streaming import AsyncStream, Stream
    from ..types.completion import Completion

    return Completion, Stream[Completion], AsyncStream[Completion]


class CompletionsResource(SyncAPIResource):
    """Text completions."""

    @cached_property
    def with_raw_response(self) -> CompletionsResourceWithRawResponse:
        """Methods that return the `APIResponse` (headers, status) instead of the parsed reply."""
        return CompletionsResourceWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> CompletionsResourceWithStreamingResponse:
        """Methods that return a context manager around the unread response."""
        return CompletionsResourceWithStreamingResponse(self)

    @overload
    def create(
        self,
        *,
        model: str,
        prompt: Union[str, Sequence[str], Iterable[int], Iterable[Iterable[int]]],
        best_of: Optional[int] | Omit = omit,
        echo: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        grammar_root: Optional[str] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        n: Optional[int] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        return_raw_tokens: Optional[bool] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream: Literal[False] | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        suffix: Optional[str] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> Completion: ...

    @overload
    def create(
        self,
        *,
        model: str,
        prompt: Union[str, Sequence[str], Iterable[int], Iterable[Iterable[int]]],
        stream: Literal[True],
        best_of: Optional[int] | Omit = omit,
        echo: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        grammar_root: Optional[str] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        n: Optional[int] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        return_raw_tokens: Optional[bool] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        suffix: Optional[str] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> Stream[CompletionResponse]: ...

    @overload
    def create(
        self,
        *,
        model: str,
        prompt: Union[str, Sequence[str], Iterable[int], Iterable[Iterable[int]]],
        stream: bool | None,
        best_of: Optional[int] | Omit = omit,
        echo: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        grammar_root: Optional[str] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        n: Optional[int] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        return_raw_tokens: Optional[bool] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        suffix: Optional[str] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> Completion | Stream[CompletionResponse]: ...

    def create(
        self,
        *,
        model: str,
        prompt: Union[str, Sequence[str], Iterable[int], Iterable[Iterable[int]]],
        best_of: Optional[int] | Omit = omit,
        echo: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        grammar_root: Optional[str] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        n: Optional[int] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        return_raw_tokens: Optional[bool] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream: bool | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        suffix: Optional[str] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> Completion | Stream[CompletionResponse]:
        """Continue a text prompt.

        With `stream=True` the reply arrives as a `Stream` of chunks; otherwise as one object.

        Args:
          model: Model id, e.g. `llama3.1-8b`.
          prompt: Text, list of texts, token ids, or lists of token ids.
          best_of: Generate this many candidates server-side and return the best.
          echo: Prepend the prompt to the returned text.
          frequency_penalty: -2.0 to 2.0; positive values penalise tokens by how often they already appeared.
          grammar_root: Root rule of the grammar for structured generation.
          logit_bias: Token id (as a string) to a bias from -100 to 100.
          logprobs: Return log-probabilities of the top N candidates per position.
          max_tokens: Upper bound on generated tokens.
          min_tokens: Minimum tokens to generate (-1: up to the maximum sequence length).
          n: How many completions to generate.
          presence_penalty: -2.0 to 2.0; positive values penalise any token already present.
          prompt_cache_key: Requests sharing this key likely share a prompt prefix.
          reasoning_format: How reasoning is surfaced.
          return_raw_tokens: Return token ids instead of text.
          seed: Best-effort deterministic sampling.
          stop: Up to 4 sequences where generation stops.
          stream: Stream the reply as server-sent events.
          stream_options: Streaming options, e.g. `{"include_usage": True}`.
          suffix: Text after the insertion point (accepted for compatibility).
          temperature: Sampling temperature, 0 to 2.
          top_p: Nucleus sampling probability mass.
          user: An id for your end user, for abuse monitoring.
          cf_ray: sent as the `CF-RAY` header.
          x_amz_cf_id: sent as the `X-Amz-Cf-Id` header.
          x_delay_time: sent as the `X-delay-time` header.
          extra_headers: headers to add to (or, with `omit`, remove from) this request.
          extra_query: query parameters to add to this request.
          extra_body: JSON keys to add to (or, with `omit`, remove from) the body.
          timeout: this request's timeout, overriding the client's.
        """
        cast_to, sync_stream, _ = _result_types()
        result: Completion | Stream[CompletionResponse] = self._client.post(
            "/v1/completions",
            body=compact(
                {
                    "model": model,
                    "prompt": prompt,
                    "best_of": best_of,
                    "echo": echo,
                    "frequency_penalty": frequency_penalty,
                    "grammar_root": grammar_root,
                    "logit_bias": logit_bias,
                    "logprobs": logprobs,
                    "max_tokens": max_tokens,
                    "min_tokens": min_tokens,
                    "n": n,
                    "presence_penalty": presence_penalty,
                    "prompt_cache_key": prompt_cache_key,
                    "reasoning_format": reasoning_format,
                    "return_raw_tokens": return_raw_tokens,
                    "seed": seed,
                    "stop": stop,
                    "stream": stream,
                    "stream_options": stream_options,
                    "suffix": suffix,
                    "temperature": temperature,
                    "top_p": top_p,
                    "user": user,
                }
            ),
            options=call_options(
                header_params={"CF-RAY": cf_ray, "X-Amz-Cf-Id": x_amz_cf_id, "X-delay-time": x_delay_time},
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
            ),
            cast_to=cast_to,
            stream=bool(stream),
            stream_cls=sync_stream,
        )
        return result


class AsyncCompletionsResource(AsyncAPIResource):
    """Text completions, async."""

    @cached_property
    def with_raw_response(self) -> AsyncCompletionsResourceWithRawResponse:
        """Methods that return the `AsyncAPIResponse` (headers, status) instead of the parsed reply."""
        return AsyncCompletionsResourceWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncCompletionsResourceWithStreamingResponse:
        """Methods that return an async context manager around the unread response."""
        return AsyncCompletionsResourceWithStreamingResponse(self)

    @overload
    async def create(
        self,
        *,
        model: str,
        prompt: Union[str, Sequence[str], Iterable[int], Iterable[Iterable[int]]],
        best_of: Optional[int] | Omit = omit,
        echo: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        grammar_root: Optional[str] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        n: Optional[int] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        return_raw_tokens: Optional[bool] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream: Literal[False] | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        suffix: Optional[str] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> Completion: ...

    @overload
    async def create(
        self,
        *,
        model: str,
        prompt: Union[str, Sequence[str], Iterable[int], Iterable[Iterable[int]]],
        stream: Literal[True],
        best_of: Optional[int] | Omit = omit,
        echo: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        grammar_root: Optional[str] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        n: Optional[int] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        return_raw_tokens: Optional[bool] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        suffix: Optional[str] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> AsyncStream[CompletionResponse]: ...

    @overload
    async def create(
        self,
        *,
        model: str,
        prompt: Union[str, Sequence[str], Iterable[int], Iterable[Iterable[int]]],
        stream: bool | None,
        best_of: Optional[int] | Omit = omit,
        echo: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        grammar_root: Optional[str] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        n: Optional[int] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        return_raw_tokens: Optional[bool] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        suffix: Optional[str] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> Completion | AsyncStream[CompletionResponse]: ...

    async def create(
        self,
        *,
        model: str,
        prompt: Union[str, Sequence[str], Iterable[int], Iterable[Iterable[int]]],
        best_of: Optional[int] | Omit = omit,
        echo: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        grammar_root: Optional[str] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        n: Optional[int] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        return_raw_tokens: Optional[bool] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream: bool | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        suffix: Optional[str] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> Completion | AsyncStream[CompletionResponse]:
        """Continue a text prompt.

        With `stream=True` the reply arrives as a `AsyncStream` of chunks; otherwise as one object.

        Args:
          model: Model id, e.g. `llama3.1-8b`.
          prompt: Text, list of texts, token ids, or lists of token ids.
          best_of: Generate this many candidates server-side and return the best.
          echo: Prepend the prompt to the returned text.
          frequency_penalty: -2.0 to 2.0; positive values penalise tokens by how often they already appeared.
          grammar_root: Root rule of the grammar for structured generation.
          logit_bias: Token id (as a string) to a bias from -100 to 100.
          logprobs: Return log-probabilities of the top N candidates per position.
          max_tokens: Upper bound on generated tokens.
          min_tokens: Minimum tokens to generate (-1: up to the maximum sequence length).
          n: How many completions to generate.
          presence_penalty: -2.0 to 2.0; positive values penalise any token already present.
          prompt_cache_key: Requests sharing this key likely share a prompt prefix.
          reasoning_format: How reasoning is surfaced.
          return_raw_tokens: Return token ids instead of text.
          seed: Best-effort deterministic sampling.
          stop: Up to 4 sequences where generation stops.
          stream: Stream the reply as server-sent events.
          stream_options: Streaming options, e.g. `{"include_usage": True}`.
          suffix: Text after the insertion point (accepted for compatibility).
          temperature: Sampling temperature, 0 to 2.
          top_p: Nucleus sampling probability mass.
          user: An id for your end user, for abuse monitoring.
          cf_ray: sent as the `CF-RAY` header.
          x_amz_cf_id: sent as the `X-Amz-Cf-Id` header.
          x_delay_time: sent as the `X-delay-time` header.
          extra_headers: headers to add to (or, with `omit`, remove from) this request.
          extra_query: query parameters to add to this request.
          extra_body: JSON keys to add to (or, with `omit`, remove from) the body.
          timeout: this request's timeout, overriding the client's.
        """
        cast_to, _, async_stream = _result_types()
        return await self._client.post(
            "/v1/completions",
            body=compact(
                {
                    "model": model,
                    "prompt": prompt,
                    "best_of": best_of,
                    "echo": echo,
                    "frequency_penalty": frequency_penalty,
                    "grammar_root": grammar_root,
                    "logit_bias": logit_bias,
                    "logprobs": logprobs,
                    "max_tokens": max_tokens,
                    "min_tokens": min_tokens,
                    "n": n,
                    "presence_penalty": presence_penalty,
                    "prompt_cache_key": prompt_cache_key,
                    "reasoning_format": reasoning_format,
                    "return_raw_tokens": return_raw_tokens,
                    "seed": seed,
                    "stop": stop,
                    "stream": stream,
                    "stream_options": stream_options,
                    "suffix": suffix,
                    "temperature": temperature,
                    "top_p": top_p,
                    "user": user,
                }
            ),
            options=call_options(
                header_params={"CF-RAY": cf_ray, "X-Amz-Cf-Id": x_amz_cf_id, "X-delay-time": x_delay_time},
                extra_headers=extra_headers,
                extra_query=extra_query,
                extra_body=extra_body,
                timeout=timeout,
            ),
            cast_to=cast_to,
            stream=bool(stream),
            stream_cls=async_stream,
        )


class CompletionsResourceWithRawResponse:
    def __init__(self, resource: CompletionsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.create = to_raw_response_wrapper(resource.create)

    if not TYPE_CHECKING:

        @property
        def create(self):
            from .._response import to_raw_response_wrapper

            return to_raw_response_wrapper(self._resource.create)


class AsyncCompletionsResourceWithRawResponse:
    def __init__(self, resource: AsyncCompletionsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.create = async_to_raw_response_wrapper(resource.create)

    if not TYPE_CHECKING:

        @property
        def create(self):
            from .._response import async_to_raw_response_wrapper

            return async_to_raw_response_wrapper(self._resource.create)


class CompletionsResourceWithStreamingResponse:
    def __init__(self, resource: CompletionsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.create = to_streamed_response_wrapper(resource.create)

    if not TYPE_CHECKING:

        @property
        def create(self):
            from .._response import to_streamed_response_wrapper

            return to_streamed_response_wrapper(self._resource.create)


class AsyncCompletionsResourceWithStreamingResponse:
    def __init__(self, resource: AsyncCompletionsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.create = async_to_streamed_response_wrapper(resource.create)

    if not TYPE_CHECKING:

        @property
        def create(self):
            from .._response import async_to_streamed_response_wrapper

            return async_to_streamed_response_wrapper(self._resource.create)

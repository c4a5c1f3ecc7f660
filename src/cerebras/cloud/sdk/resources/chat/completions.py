"""`client.chat.completions`: generate chat replies (`POST /v1/chat/completions`).

The blocking resource lives here and the async one in `_async_completions`; both are importable
from this module, the official path.
"""

from __future__ import annotations

from functools import cache, cached_property
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterable,
    Optional,
    Sequence,
    Tuple,
    Type,
    cast,
    overload,
)

import httpx
from typing_extensions import Literal, TypeVar

from ..._resource import SyncAPIResource, call_options, compact
from ..._types import Body, Headers, NotGiven, Omit, Query, not_given, omit

if TYPE_CHECKING:
    import pydantic

    from ..._response import (
        to_raw_response_wrapper,
        to_streamed_response_wrapper,
    )
    from ..._streaming import Stream
    from ...lib._parsed_types import ParsedChatCompletion
    from ...types.chat import completion_create_params
    from ...types.chat.chat_completion import ChatChunkResponse, ChatCompletion
    from ._async_completions import (
        AsyncCompletionsResource,
        AsyncCompletionsResourceWithRawResponse,
        AsyncCompletionsResourceWithStreamingResponse,
    )

# A dict `response_format` (or none) leaves nothing to infer: the parsed content is then plain JSON.
_ParsedT = TypeVar("_ParsedT", default=object)

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
    from ..._streaming import AsyncStream, Stream
    from ...types.chat.chat_completion import ChatCompletion

    return ChatCompletion, Stream[ChatCompletion], AsyncStream[ChatCompletion]


class CompletionsResource(SyncAPIResource):
    """Chat completions."""

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
        messages: Iterable[completion_create_params.Message],
        model: str,
        clear_thinking: Optional[bool] | Omit = omit,
        disable_reasoning: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[bool] | Omit = omit,
        max_completion_tokens: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_completion_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        model_parameters: Optional[Dict[str, object]] | Omit = omit,
        n: Optional[int] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        prediction: Optional[completion_create_params.Prediction] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_effort: Optional[Literal["none", "low", "medium", "high"]] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        response_format: Optional[completion_create_params.ResponseFormat] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        service_tier: Optional[Literal["auto", "default", "flex", "priority"]] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream: Literal[False] | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        tool_choice: Optional[completion_create_params.ToolChoice] | Omit = omit,
        tools: Optional[Iterable[completion_create_params.Tool]] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> ChatCompletion: ...

    @overload
    def create(
        self,
        *,
        messages: Iterable[completion_create_params.Message],
        model: str,
        stream: Literal[True],
        clear_thinking: Optional[bool] | Omit = omit,
        disable_reasoning: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[bool] | Omit = omit,
        max_completion_tokens: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_completion_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        model_parameters: Optional[Dict[str, object]] | Omit = omit,
        n: Optional[int] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        prediction: Optional[completion_create_params.Prediction] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_effort: Optional[Literal["none", "low", "medium", "high"]] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        response_format: Optional[completion_create_params.ResponseFormat] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        service_tier: Optional[Literal["auto", "default", "flex", "priority"]] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        tool_choice: Optional[completion_create_params.ToolChoice] | Omit = omit,
        tools: Optional[Iterable[completion_create_params.Tool]] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> Stream[ChatChunkResponse]: ...

    @overload
    def create(
        self,
        *,
        messages: Iterable[completion_create_params.Message],
        model: str,
        stream: bool | None,
        clear_thinking: Optional[bool] | Omit = omit,
        disable_reasoning: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[bool] | Omit = omit,
        max_completion_tokens: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_completion_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        model_parameters: Optional[Dict[str, object]] | Omit = omit,
        n: Optional[int] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        prediction: Optional[completion_create_params.Prediction] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_effort: Optional[Literal["none", "low", "medium", "high"]] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        response_format: Optional[completion_create_params.ResponseFormat] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        service_tier: Optional[Literal["auto", "default", "flex", "priority"]] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        tool_choice: Optional[completion_create_params.ToolChoice] | Omit = omit,
        tools: Optional[Iterable[completion_create_params.Tool]] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> ChatCompletion | Stream[ChatChunkResponse]: ...

    def create(
        self,
        *,
        messages: Iterable[completion_create_params.Message],
        model: str,
        clear_thinking: Optional[bool] | Omit = omit,
        disable_reasoning: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[bool] | Omit = omit,
        max_completion_tokens: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_completion_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        model_parameters: Optional[Dict[str, object]] | Omit = omit,
        n: Optional[int] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        prediction: Optional[completion_create_params.Prediction] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_effort: Optional[Literal["none", "low", "medium", "high"]] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        response_format: Optional[completion_create_params.ResponseFormat] | Omit = omit,
        seed: Optional[int] | Omit = omit,
        service_tier: Optional[Literal["auto", "default", "flex", "priority"]] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        stream: bool | Omit | None = omit,
        stream_options: Optional[completion_create_params.StreamOptions] | Omit = omit,
        temperature: Optional[float] | Omit = omit,
        tool_choice: Optional[completion_create_params.ToolChoice] | Omit = omit,
        tools: Optional[Iterable[completion_create_params.Tool]] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> ChatCompletion | Stream[ChatChunkResponse]:
        """Generate the next message of a conversation.

        With `stream=True` the reply arrives as a `Stream` of chunks; otherwise as one object.

        Args:
          messages: The conversation so far: system, developer, user, assistant and tool messages.
          model: Model id, e.g. `llama3.1-8b` or `gpt-oss-120b`.
          clear_thinking: Strip reasoning from messages older than the latest user message.
          disable_reasoning: Turn reasoning off on reasoning-capable models.
          frequency_penalty: -2.0 to 2.0; positive values penalise tokens by how often they already appeared.
          logit_bias: Token id (as a string) to a bias from -100 to 100 added to its logit.
          logprobs: Return the log-probability of each generated token.
          max_completion_tokens: Upper bound on generated tokens, reasoning included.
          max_tokens: Older upper bound on generated tokens; prefer `max_completion_tokens`.
          min_completion_tokens: Minimum tokens to generate (-1: up to the maximum sequence length).
          min_tokens: Older name of `min_completion_tokens`.
          model_parameters: Model-specific settings, checked by the server against the model's schema.
          n: How many alternative choices to generate.
          parallel_tool_calls: Whether the model may call several tools in one turn.
          prediction: Text the output is expected to contain, to speed up generation.
          presence_penalty: -2.0 to 2.0; positive values penalise any token already present.
          prompt_cache_key: Requests sharing this key likely share a prompt prefix (helps caching).
          reasoning_effort: Reasoning budget of reasoning models.
          reasoning_format: Where reasoning goes: `parsed` puts it in `message.reasoning`, `raw` inline, `hidden` drops it.
          response_format: `text`, `json_object`, or `json_schema` with a schema the reply must follow.
          seed: Best-effort deterministic sampling.
          service_tier: Requested service tier.
          stop: Up to 4 sequences where generation stops (not included in the output).
          stream: Stream the reply as server-sent events.
          stream_options: Streaming options, e.g. `{"include_usage": True}`.
          temperature: Sampling temperature, 0 to 2; lower is more deterministic.
          tool_choice: `none`, `auto`, `required`, or a specific function.
          tools: Functions the model may call.
          top_logprobs: 0 to 20 most likely alternatives per position (needs `logprobs`).
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
        result: ChatCompletion | Stream[ChatChunkResponse] = self._client.post(
            "/v1/chat/completions",
            body=compact(
                {
                    "messages": messages,
                    "model": model,
                    "clear_thinking": clear_thinking,
                    "disable_reasoning": disable_reasoning,
                    "frequency_penalty": frequency_penalty,
                    "logit_bias": logit_bias,
                    "logprobs": logprobs,
                    "max_completion_tokens": max_completion_tokens,
                    "max_tokens": max_tokens,
                    "min_completion_tokens": min_completion_tokens,
                    "min_tokens": min_tokens,
                    "model_parameters": model_parameters,
                    "n": n,
                    "parallel_tool_calls": parallel_tool_calls,
                    "prediction": prediction,
                    "presence_penalty": presence_penalty,
                    "prompt_cache_key": prompt_cache_key,
                    "reasoning_effort": reasoning_effort,
                    "reasoning_format": reasoning_format,
                    "response_format": response_format,
                    "seed": seed,
                    "service_tier": service_tier,
                    "stop": stop,
                    "stream": stream,
                    "stream_options": stream_options,
                    "temperature": temperature,
                    "tool_choice": tool_choice,
                    "tools": tools,
                    "top_logprobs": top_logprobs,
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

    def parse(
        self,
        *,
        messages: Iterable[completion_create_params.Message],
        model: str,
        clear_thinking: Optional[bool] | Omit = omit,
        disable_reasoning: Optional[bool] | Omit = omit,
        frequency_penalty: Optional[float] | Omit = omit,
        logit_bias: Optional[Dict[str, float]] | Omit = omit,
        logprobs: Optional[bool] | Omit = omit,
        max_completion_tokens: Optional[int] | Omit = omit,
        max_tokens: Optional[int] | Omit = omit,
        min_completion_tokens: Optional[int] | Omit = omit,
        min_tokens: Optional[int] | Omit = omit,
        model_parameters: Optional[Dict[str, object]] | Omit = omit,
        n: Optional[int] | Omit = omit,
        parallel_tool_calls: Optional[bool] | Omit = omit,
        prediction: Optional[completion_create_params.Prediction] | Omit = omit,
        presence_penalty: Optional[float] | Omit = omit,
        prompt_cache_key: Optional[str] | Omit = omit,
        reasoning_effort: Optional[Literal["none", "low", "medium", "high"]] | Omit = omit,
        reasoning_format: Optional[Literal["none", "parsed", "text_parsed", "raw", "hidden"]] | Omit = omit,
        response_format: Type[_ParsedT] | completion_create_params.ResponseFormat | Omit = omit,
        seed: Optional[int] | Omit = omit,
        service_tier: Optional[Literal["auto", "default", "flex", "priority"]] | Omit = omit,
        stop: str | Sequence[str] | Omit | None = omit,
        temperature: Optional[float] | Omit = omit,
        tool_choice: Optional[completion_create_params.ToolChoice] | Omit = omit,
        tools: Optional[Iterable[completion_create_params.Tool]] | Omit = omit,
        top_logprobs: Optional[int] | Omit = omit,
        top_p: Optional[float] | Omit = omit,
        user: Optional[str] | Omit = omit,
        cf_ray: str | Omit = omit,
        x_amz_cf_id: str | Omit = omit,
        x_delay_time: float | Omit = omit,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: float | httpx.Timeout | NotGiven | None = not_given,
    ) -> ParsedChatCompletion[_ParsedT]:
        """Like `create()`, but `response_format` may be a pydantic model class, and the reply is parsed.

        The class is sent as a strict `json_schema` response format, and each choice's
        `message.parsed` is an instance of it. Tools made with `pydantic_function_tool()` come back
        with `tool_calls[i].function.parsed_arguments` as instances of their model. Raises
        `LengthFinishReasonError` when the reply was cut short and `ContentValidationError` when it
        does not fit the model; both keep the completion.

        Args:
          messages: The conversation so far: system, developer, user, assistant and tool messages.
          model: Model id, e.g. `llama3.1-8b` or `gpt-oss-120b`.
          clear_thinking: Strip reasoning from messages older than the latest user message.
          disable_reasoning: Turn reasoning off on reasoning-capable models.
          frequency_penalty: -2.0 to 2.0; positive values penalise tokens by how often they already appeared.
          logit_bias: Token id (as a string) to a bias from -100 to 100 added to its logit.
          logprobs: Return the log-probability of each generated token.
          max_completion_tokens: Upper bound on generated tokens, reasoning included.
          max_tokens: Older upper bound on generated tokens; prefer `max_completion_tokens`.
          min_completion_tokens: Minimum tokens to generate (-1: up to the maximum sequence length).
          min_tokens: Older name of `min_completion_tokens`.
          model_parameters: Model-specific settings, checked by the server against the model's schema.
          n: How many alternative choices to generate.
          parallel_tool_calls: Whether the model may call several tools in one turn.
          prediction: Text the output is expected to contain, to speed up generation.
          presence_penalty: -2.0 to 2.0; positive values penalise any token already present.
          prompt_cache_key: Requests sharing this key likely share a prompt prefix (helps caching).
          reasoning_effort: Reasoning budget of reasoning models.
          reasoning_format: Where reasoning goes: `parsed` puts it in `message.reasoning`, `raw` inline, `hidden` drops it.
          response_format: `text`, `json_object`, or `json_schema` with a schema the reply must follow.
          seed: Best-effort deterministic sampling.
          service_tier: Requested service tier.
          stop: Up to 4 sequences where generation stops (not included in the output).
          temperature: Sampling temperature, 0 to 2; lower is more deterministic.
          tool_choice: `none`, `auto`, `required`, or a specific function.
          tools: Functions the model may call.
          top_logprobs: 0 to 20 most likely alternatives per position (needs `logprobs`).
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
        from ...lib.parsing import parse_chat_completion, prepare_tools, to_response_format_param

        prepared_tools = prepare_tools(tools)
        # `_ParsedT` has no bound (a dict format gives `ParsedChatCompletion[object]`); a class that is
        # not a pydantic model is refused at run time by `to_response_format_param`.
        format_arg = cast(
            "Type[pydantic.BaseModel] | completion_create_params.ResponseFormat | Omit", response_format
        )
        raw = self.with_raw_response.create(
            messages=messages,
            model=model,
            clear_thinking=clear_thinking,
            disable_reasoning=disable_reasoning,
            frequency_penalty=frequency_penalty,
            logit_bias=logit_bias,
            logprobs=logprobs,
            max_completion_tokens=max_completion_tokens,
            max_tokens=max_tokens,
            min_completion_tokens=min_completion_tokens,
            min_tokens=min_tokens,
            model_parameters=model_parameters,
            n=n,
            parallel_tool_calls=parallel_tool_calls,
            prediction=prediction,
            presence_penalty=presence_penalty,
            prompt_cache_key=prompt_cache_key,
            reasoning_effort=reasoning_effort,
            reasoning_format=reasoning_format,
            seed=seed,
            service_tier=service_tier,
            stop=stop,
            temperature=temperature,
            tool_choice=tool_choice,
            top_logprobs=top_logprobs,
            top_p=top_p,
            user=user,
            cf_ray=cf_ray,
            x_amz_cf_id=x_amz_cf_id,
            x_delay_time=x_delay_time,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            response_format=to_response_format_param(format_arg),
            tools=prepared_tools,
            stream=False,
        )
        # A dict (or no) `response_format` leaves `_ParsedT` unsolved: `parsed` holds decoded JSON or None.
        parsed = cast(
            "ParsedChatCompletion[_ParsedT]",
            parse_chat_completion(
                completion=raw.parse(),
                response_format=format_arg,
                tools=prepared_tools,
                response=raw.http_response,
            ),
        )
        return raw._tag(parsed)  # pyright: ignore[reportPrivateUsage]


class CompletionsResourceWithRawResponse:
    def __init__(self, resource: CompletionsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.create = to_raw_response_wrapper(resource.create)

    if not TYPE_CHECKING:

        @property
        def create(self):
            from ..._response import to_raw_response_wrapper

            return to_raw_response_wrapper(self._resource.create)


class CompletionsResourceWithStreamingResponse:
    def __init__(self, resource: CompletionsResource) -> None:
        self._resource = resource
        if TYPE_CHECKING:  # what type checkers see; at run time the properties below wrap on each access
            self.create = to_streamed_response_wrapper(resource.create)

    if not TYPE_CHECKING:

        @property
        def create(self):
            from ..._response import to_streamed_response_wrapper

            return to_streamed_response_wrapper(self._resource.create)


_ASYNC_NAMES = frozenset(
    {
        "AsyncCompletionsResource",
        "AsyncCompletionsResourceWithRawResponse",
        "AsyncCompletionsResourceWithStreamingResponse",
    }
)


def __getattr__(name: str) -> Any:
    # The async classes import this module's helpers; loading them on first access keeps the two
    # modules free of an import cycle.
    if name in _ASYNC_NAMES:
        from . import _async_completions

        return getattr(_async_completions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

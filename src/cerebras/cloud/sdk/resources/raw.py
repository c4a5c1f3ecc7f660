"""Client-level `with_raw_response` / `with_streaming_response`: every resource, wrapped."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._client import AsyncCerebras, Cerebras
    from .batches import (
        AsyncBatchesResourceWithRawResponse,
        AsyncBatchesResourceWithStreamingResponse,
        BatchesResourceWithRawResponse,
        BatchesResourceWithStreamingResponse,
    )
    from .chat import (
        AsyncChatResourceWithRawResponse,
        AsyncChatResourceWithStreamingResponse,
        ChatResourceWithRawResponse,
        ChatResourceWithStreamingResponse,
    )
    from .completions import (
        AsyncCompletionsResourceWithRawResponse,
        AsyncCompletionsResourceWithStreamingResponse,
        CompletionsResourceWithRawResponse,
        CompletionsResourceWithStreamingResponse,
    )
    from .files import (
        AsyncFilesResourceWithRawResponse,
        AsyncFilesResourceWithStreamingResponse,
        FilesResourceWithRawResponse,
        FilesResourceWithStreamingResponse,
    )
    from .models import (
        AsyncModelsResourceWithRawResponse,
        AsyncModelsResourceWithStreamingResponse,
        ModelsResourceWithRawResponse,
        ModelsResourceWithStreamingResponse,
    )

__all__ = [
    "AsyncCerebrasWithRawResponse",
    "AsyncCerebrasWithStreamedResponse",
    "CerebrasWithRawResponse",
    "CerebrasWithStreamedResponse",
]


class CerebrasWithRawResponse:
    """`client.with_raw_response`: `.chat.completions.create(...)` etc. return `APIResponse`."""

    def __init__(self, client: Cerebras) -> None:
        self._client = client

    @cached_property
    def chat(self) -> ChatResourceWithRawResponse:
        return self._client.chat.with_raw_response

    @cached_property
    def completions(self) -> CompletionsResourceWithRawResponse:
        return self._client.completions.with_raw_response

    @cached_property
    def models(self) -> ModelsResourceWithRawResponse:
        return self._client.models.with_raw_response

    @cached_property
    def files(self) -> FilesResourceWithRawResponse:
        return self._client.files.with_raw_response

    @cached_property
    def batches(self) -> BatchesResourceWithRawResponse:
        return self._client.batches.with_raw_response


class AsyncCerebrasWithRawResponse:
    """`client.with_raw_response` on the async client."""

    def __init__(self, client: AsyncCerebras) -> None:
        self._client = client

    @cached_property
    def chat(self) -> AsyncChatResourceWithRawResponse:
        return self._client.chat.with_raw_response

    @cached_property
    def completions(self) -> AsyncCompletionsResourceWithRawResponse:
        return self._client.completions.with_raw_response

    @cached_property
    def models(self) -> AsyncModelsResourceWithRawResponse:
        return self._client.models.with_raw_response

    @cached_property
    def files(self) -> AsyncFilesResourceWithRawResponse:
        return self._client.files.with_raw_response

    @cached_property
    def batches(self) -> AsyncBatchesResourceWithRawResponse:
        return self._client.batches.with_raw_response


class CerebrasWithStreamedResponse:
    """`client.with_streaming_response`: calls return context managers around unread responses."""

    def __init__(self, client: Cerebras) -> None:
        self._client = client

    @cached_property
    def chat(self) -> ChatResourceWithStreamingResponse:
        return self._client.chat.with_streaming_response

    @cached_property
    def completions(self) -> CompletionsResourceWithStreamingResponse:
        return self._client.completions.with_streaming_response

    @cached_property
    def models(self) -> ModelsResourceWithStreamingResponse:
        return self._client.models.with_streaming_response

    @cached_property
    def files(self) -> FilesResourceWithStreamingResponse:
        return self._client.files.with_streaming_response

    @cached_property
    def batches(self) -> BatchesResourceWithStreamingResponse:
        return self._client.batches.with_streaming_response


class AsyncCerebrasWithStreamedResponse:
    """`client.with_streaming_response` on the async client."""

    def __init__(self, client: AsyncCerebras) -> None:
        self._client = client

    @cached_property
    def chat(self) -> AsyncChatResourceWithStreamingResponse:
        return self._client.chat.with_streaming_response

    @cached_property
    def completions(self) -> AsyncCompletionsResourceWithStreamingResponse:
        return self._client.completions.with_streaming_response

    @cached_property
    def models(self) -> AsyncModelsResourceWithStreamingResponse:
        return self._client.models.with_streaming_response

    @cached_property
    def files(self) -> AsyncFilesResourceWithStreamingResponse:
        return self._client.files.with_streaming_response

    @cached_property
    def batches(self) -> AsyncBatchesResourceWithStreamingResponse:
        return self._client.batches.with_streaming_response

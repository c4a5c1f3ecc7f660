"""Chat resources; `CompletionsResource` here is the *chat* completions resource."""

from ._async_completions import (
    AsyncCompletionsResource,
    AsyncCompletionsResourceWithRawResponse,
    AsyncCompletionsResourceWithStreamingResponse,
)
from .chat import (
    AsyncChatResource,
    AsyncChatResourceWithRawResponse,
    AsyncChatResourceWithStreamingResponse,
    ChatResource,
    ChatResourceWithRawResponse,
    ChatResourceWithStreamingResponse,
)
from .completions import (
    CompletionsResource,
    CompletionsResourceWithRawResponse,
    CompletionsResourceWithStreamingResponse,
)

__all__ = [
    "AsyncChatResource",
    "AsyncChatResourceWithRawResponse",
    "AsyncChatResourceWithStreamingResponse",
    "AsyncCompletionsResource",
    "AsyncCompletionsResourceWithRawResponse",
    "AsyncCompletionsResourceWithStreamingResponse",
    "ChatResource",
    "ChatResourceWithRawResponse",
    "ChatResourceWithStreamingResponse",
    "CompletionsResource",
    "CompletionsResourceWithRawResponse",
    "CompletionsResourceWithStreamingResponse",
]

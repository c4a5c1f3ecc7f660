"""Resource classes under their public names; `CompletionsResource` here is *text* completions.

Each name is imported from its module on first access, so using `client.chat` does not load the
models, text-completion, files or batches resources.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .batches import (
        AsyncBatchesResource,
        AsyncBatchesResourceWithRawResponse,
        AsyncBatchesResourceWithStreamingResponse,
        BatchesResource,
        BatchesResourceWithRawResponse,
        BatchesResourceWithStreamingResponse,
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
        AsyncCompletionsResource,
        AsyncCompletionsResourceWithRawResponse,
        AsyncCompletionsResourceWithStreamingResponse,
        CompletionsResource,
        CompletionsResourceWithRawResponse,
        CompletionsResourceWithStreamingResponse,
    )
    from .files import (
        AsyncFilesResource,
        AsyncFilesResourceWithRawResponse,
        AsyncFilesResourceWithStreamingResponse,
        FilesResource,
        FilesResourceWithRawResponse,
        FilesResourceWithStreamingResponse,
    )
    from .models import (
        AsyncModelsResource,
        AsyncModelsResourceWithRawResponse,
        AsyncModelsResourceWithStreamingResponse,
        ModelsResource,
        ModelsResourceWithRawResponse,
        ModelsResourceWithStreamingResponse,
    )

__all__ = [
    "ChatResource",
    "AsyncChatResource",
    "ChatResourceWithRawResponse",
    "AsyncChatResourceWithRawResponse",
    "ChatResourceWithStreamingResponse",
    "AsyncChatResourceWithStreamingResponse",
    "CompletionsResource",
    "AsyncCompletionsResource",
    "CompletionsResourceWithRawResponse",
    "AsyncCompletionsResourceWithRawResponse",
    "CompletionsResourceWithStreamingResponse",
    "AsyncCompletionsResourceWithStreamingResponse",
    "ModelsResource",
    "AsyncModelsResource",
    "ModelsResourceWithRawResponse",
    "AsyncModelsResourceWithRawResponse",
    "ModelsResourceWithStreamingResponse",
    "AsyncModelsResourceWithStreamingResponse",
    "FilesResource",
    "AsyncFilesResource",
    "FilesResourceWithRawResponse",
    "AsyncFilesResourceWithRawResponse",
    "FilesResourceWithStreamingResponse",
    "AsyncFilesResourceWithStreamingResponse",
    "BatchesResource",
    "AsyncBatchesResource",
    "BatchesResourceWithRawResponse",
    "AsyncBatchesResourceWithRawResponse",
    "BatchesResourceWithStreamingResponse",
    "AsyncBatchesResourceWithStreamingResponse",
]


def _module_of(name: str) -> str:
    if "Chat" in name:
        return ".chat"
    if "Models" in name:
        return ".models"
    if "Files" in name:
        return ".files"
    if "Batches" in name:
        return ".batches"
    return ".completions"


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_module_of(name), __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

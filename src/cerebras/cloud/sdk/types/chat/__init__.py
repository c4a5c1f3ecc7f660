"""Request and response types of the chat completions endpoint."""

from .chat_completion import ChatCompletion as ChatCompletion
from .chat_completion import CompletionCreateResponse as CompletionCreateResponse
from .completion_create_params import CompletionCreateParams as CompletionCreateParams

__all__ = ["ChatCompletion", "CompletionCreateParams", "CompletionCreateResponse"]

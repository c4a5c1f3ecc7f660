"""Python client for the Cerebras Cloud inference API.

```py
from cerebras.cloud.sdk import Cerebras

client = Cerebras()  # reads CEREBRAS_API_KEY
reply = client.chat.completions.create(model="llama3.1-8b", messages=[{"role": "user", "content": "Hi"}])
print(reply.choices[0].message.content)
```

Only what every program needs is imported eagerly; the clients, streams, models, types and
resources load on first use, so `import cerebras.cloud.sdk` stays close to importing httpx alone.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any

from ._logs import setup_logging as _setup_logging
from ._version import __title__, __version__

if TYPE_CHECKING:
    from . import resources as resources
    from . import types as types
    from ._base_client import DefaultAioHttpClient, DefaultAsyncHttpxClient, DefaultHttpxClient
    from ._client import AsyncCerebras, AsyncClient, Cerebras, Client
    from ._constants import DEFAULT_CONNECTION_LIMITS, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
    from ._exceptions import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        CerebrasError,
        ConflictError,
        InternalServerError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        UnprocessableEntityError,
    )
    from ._exceptions import BatchWaitTimeout as BatchWaitTimeout
    from ._exceptions import LineDecodeError as LineDecodeError
    from ._exceptions import PaymentRequiredError as PaymentRequiredError
    from ._exceptions import QueueThresholdExceededError as QueueThresholdExceededError
    from ._exceptions import ServiceUnavailableError as ServiceUnavailableError
    from ._files import file_from_path
    from ._models import BaseModel
    from ._request_meta import RateLimitInfo as RateLimitInfo
    from ._response import APIResponse as APIResponse
    from ._response import AsyncAPIResponse as AsyncAPIResponse
    from ._streaming import AsyncStream, Stream
    from ._types import (
        NOT_GIVEN,
        NoneType,
        NotGiven,
        Omit,
        ProxiesTypes,
        RequestOptions,
        Timeout,
        Transport,
        not_given,
        omit,
    )
    from .lib.tools import pydantic_function_tool as pydantic_function_tool
    from .resources._batch_wait import TERMINAL_BATCH_STATUSES as TERMINAL_BATCH_STATUSES

__all__ = [
    "types",
    "__version__",
    "__title__",
    "NoneType",
    "Transport",
    "ProxiesTypes",
    "NotGiven",
    "NOT_GIVEN",
    "not_given",
    "Omit",
    "omit",
    "CerebrasError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "APIConnectionError",
    "APIResponseValidationError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "Timeout",
    "RequestOptions",
    "Client",
    "AsyncClient",
    "Stream",
    "AsyncStream",
    "Cerebras",
    "AsyncCerebras",
    "file_from_path",
    "BaseModel",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_CONNECTION_LIMITS",
    "DefaultHttpxClient",
    "DefaultAsyncHttpxClient",
    "DefaultAioHttpClient",
]

# name -> module that defines it; loaded on first attribute access.
_LAZY = {
    "DEFAULT_TIMEOUT": "._constants",
    "DEFAULT_MAX_RETRIES": "._constants",
    "DEFAULT_CONNECTION_LIMITS": "._constants",
    "APIConnectionError": "._exceptions",
    "APIError": "._exceptions",
    "APIResponseValidationError": "._exceptions",
    "APIStatusError": "._exceptions",
    "APITimeoutError": "._exceptions",
    "AuthenticationError": "._exceptions",
    "BadRequestError": "._exceptions",
    "CerebrasError": "._exceptions",
    "ConflictError": "._exceptions",
    "InternalServerError": "._exceptions",
    "NotFoundError": "._exceptions",
    "PermissionDeniedError": "._exceptions",
    "RateLimitError": "._exceptions",
    "UnprocessableEntityError": "._exceptions",
    "PaymentRequiredError": "._exceptions",
    "ServiceUnavailableError": "._exceptions",
    "QueueThresholdExceededError": "._exceptions",
    "BatchWaitTimeout": "._exceptions",
    "LineDecodeError": "._exceptions",
    "TERMINAL_BATCH_STATUSES": ".resources._batch_wait",
    "NOT_GIVEN": "._types",
    "NoneType": "._types",
    "NotGiven": "._types",
    "Omit": "._types",
    "ProxiesTypes": "._types",
    "RequestOptions": "._types",
    "Timeout": "._types",
    "Transport": "._types",
    "not_given": "._types",
    "omit": "._types",
    "Cerebras": "._client",
    "AsyncCerebras": "._client",
    "Client": "._client",
    "AsyncClient": "._client",
    "DefaultHttpxClient": "._base_client",
    "DefaultAsyncHttpxClient": "._base_client",
    "DefaultAioHttpClient": "._base_client",
    "Stream": "._streaming",
    "AsyncStream": "._streaming",
    "APIResponse": "._response",
    "AsyncAPIResponse": "._response",
    "BaseModel": "._models",
    "file_from_path": "._files",
    "pydantic_function_tool": ".lib.tools",
    "RateLimitInfo": "._request_meta",
}
_SUBMODULES = frozenset({"types", "resources", "lib", "testing"})
_lazy_lock = threading.RLock()


def _own(obj: Any) -> Any:
    # Our public classes report the package as their module; third-party classes are left alone.
    module = getattr(obj, "__module__", "") or ""
    if module.startswith(__name__ + "."):
        try:
            obj.__module__ = __name__
        except (AttributeError, TypeError):
            pass
    return obj


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        with _lazy_lock:
            return importlib.import_module(f".{name}", __name__)
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _lazy_lock:
        value = _own(getattr(importlib.import_module(module_name, __name__), name))
        globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)


def _own_eager_names() -> None:
    for name in __all__:
        if not name.startswith("__") and name in globals():
            _own(globals()[name])


_own_eager_names()

_setup_logging()

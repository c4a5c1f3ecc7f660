"""From a successful response body to the value a method returns.

Pure functions over already-read data, shared by the plain calls and `APIResponse.parse()`; the
type-specific work is the `Decoder`'s.
"""

from __future__ import annotations

import inspect
import json
from typing import Any, Set, TypeVar, get_args, get_origin

import httpx
import pydantic

from ._decoder import decoder_for
from ._exceptions import APIResponseValidationError
from ._models import BaseModel
from ._types import NoneType


def _is_model_class(type_: object) -> bool:
    return inspect.isclass(type_) and issubclass(type_, BaseModel)


# Types `parse_body` has already checked (every call of an endpoint asks for the same one).
_accepted: Set[Any] = set()


def _check_cast_to(cast_to: Any) -> None:
    origin = get_origin(cast_to) or cast_to
    if inspect.isclass(origin):
        if issubclass(origin, httpx.Response):
            raise ValueError(f"Subclasses of httpx.Response cannot be passed to `cast_to`: {origin}")
        if issubclass(origin, pydantic.BaseModel) and not issubclass(origin, BaseModel):
            raise TypeError(
                "Pydantic models must subclass cerebras.cloud.sdk.BaseModel to be used as `cast_to`"
            )
    elif get_origin(cast_to) is None:
        raise RuntimeError(f"Unsupported type for `cast_to`: {cast_to!r}")


def parse_body(cast_to: Any, response: httpx.Response, *, strict: bool) -> Any:
    """The value a non-streaming call returns for `cast_to`, from a response whose body is read."""
    if cast_to is NoneType or cast_to is None:
        return None
    if cast_to is httpx.Response:
        return response
    if cast_to is str:
        return response.text
    if cast_to is bytes:
        return response.content
    if cast_to is int:
        return int(response.text)
    if cast_to is float:
        return float(response.text)
    if cast_to is bool:
        return response.text.lower() == "true"

    try:
        accepted = cast_to in _accepted
    except TypeError:  # unhashable type expression
        accepted = False
    if not accepted:
        _check_cast_to(cast_to)
        try:
            _accepted.add(cast_to)
        except TypeError:
            pass

    content_type = response.headers.get("content-type", "*").split(";")[0].strip()
    if not content_type.endswith("json"):
        if _is_model_class(cast_to):
            try:
                data = json.loads(response.content)
            except ValueError:
                pass
            else:
                return decoder_for(cast_to).from_data(data, strict=strict, response=response)
        if strict:
            raise APIResponseValidationError(
                response=response,
                body=response.text,
                message="Expected Content-Type response header to be `application/json` "
                f"but received `{content_type}` instead.",
            )
        return response.text

    return decoder_for(cast_to).from_json(response.content, strict=strict, response=response)


def stream_item_type(stream_cls: Any) -> Any:
    """The item type of `Stream[T]` or of `class S(Stream[T])` (a bare `Stream` has none)."""
    args = get_args(stream_cls)
    if args and not isinstance(args[0], TypeVar):
        return args[0]
    # A subclass names its item type in a generic base; the library's own bases only carry the
    # type variable, which is not an item type.
    for klass in getattr(stream_cls, "__mro__", ()):
        for base in klass.__dict__.get("__orig_bases__", ()):
            args = get_args(base)
            if args and not isinstance(args[0], TypeVar):
                return args[0]
    raise RuntimeError(
        "Expected custom stream type to be passed with a type argument, e.g. Stream[ChunkType]"
    )


__all__ = ["parse_body", "stream_item_type"]

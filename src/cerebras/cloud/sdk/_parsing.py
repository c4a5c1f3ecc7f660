"""From a successful response body to the value a method returns.

Pure functions over already-read data, shared by the plain calls, `APIResponse.parse()` and streams.
"""

from __future__ import annotations

import inspect
import json
import threading
from typing import Any, Callable, Dict, Optional, TypeVar, Union, cast, get_args, get_origin

import httpx
import pydantic

from ._exceptions import APIResponseValidationError
from ._models import BaseModel, construct_type, validate_type
from ._types import NoneType

_adapters: Dict[object, Optional[Callable[[Union[str, bytes]], Any]]] = {}
_adapters_lock = threading.Lock()


def json_validator(type_: object) -> Optional[Callable[[Union[str, bytes]], Any]]:
    """pydantic's JSON validator for `type_` (parses and validates in one pass), or None if unusable."""
    try:
        return _adapters[type_]
    except KeyError:
        pass
    except TypeError:  # unhashable type expression
        return None
    with _adapters_lock:
        if type_ in _adapters:
            return _adapters[type_]
        validator: Optional[Callable[[Union[str, bytes]], Any]]
        try:
            if inspect.isclass(type_) and issubclass(type_, pydantic.BaseModel):
                validator = type_.model_validate_json
            else:
                validator = pydantic.TypeAdapter[Any](cast(Any, type_)).validate_json
        except Exception:
            validator = None
        _adapters[type_] = validator
        return validator


def build_value(type_: object, data: object, *, strict: bool, response: httpx.Response) -> Any:
    """Turn decoded JSON into `type_`: leniently, or (strict) validated with a clear error."""
    if strict:
        try:
            return validate_type(type_=type_, value=data)
        except pydantic.ValidationError as exc:
            raise APIResponseValidationError(response=response, body=data) from exc
    return construct_type(type_=type_, value=data)


_ERROR_KEY: Dict[type, Any] = {bytes: b'"error"', str: '"error"'}


def parse_json_value(type_: object, raw: Union[str, bytes], *, strict: bool, response: httpx.Response) -> Any:
    """Parse and build JSON text in one go where pydantic can, falling back to the lenient path."""
    validator = json_validator(type_)
    # A body with an "error" member could validate as an error payload although its `object`
    # names another class; the lenient path decides those by the tag (decision 2).
    if validator is not None and (strict or _ERROR_KEY[type(raw)] not in raw):
        try:
            return validator(raw)
        except pydantic.ValidationError as exc:
            if strict:
                data = _loads_or_raise(raw, response)
                raise APIResponseValidationError(response=response, body=data) from exc
    data = _loads_or_raise(raw, response)
    if data is None:
        return None
    return build_value(type_, data, strict=strict, response=response)


def _loads_or_raise(raw: Union[str, bytes], response: httpx.Response) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        raise APIResponseValidationError(
            response=response,
            body=text,
            message=f"The API returned a body that is not valid JSON ({exc}): {text[:200]!r}",
        ) from exc


def _is_model_class(type_: object) -> bool:
    return inspect.isclass(type_) and issubclass(type_, BaseModel)


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

    content_type = response.headers.get("content-type", "*").split(";")[0].strip()
    if not content_type.endswith("json"):
        if _is_model_class(cast_to):
            try:
                data = json.loads(response.content)
            except ValueError:
                pass
            else:
                return build_value(cast_to, data, strict=strict, response=response)
        if strict:
            raise APIResponseValidationError(
                response=response,
                body=response.text,
                message="Expected Content-Type response header to be `application/json` "
                f"but received `{content_type}` instead.",
            )
        return response.text

    return parse_json_value(cast_to, response.content, strict=strict, response=response)


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


__all__ = ["build_value", "json_validator", "parse_body", "parse_json_value", "stream_item_type"]

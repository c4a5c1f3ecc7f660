"""From API data to response types: one `Decoder` per type, built on first use and shared.

Every path that turns API data into objects comes here: plain calls and `APIResponse.parse()`
(`Decoder.from_json`), stream events (`Decoder.stream_item`), and lib (`construct_type`). The rules
that decide what a payload is are written once, below:

* the error-payload rule (`is_error_payload`): a JSON object with a truthy `error` member;
* the union rule (`Decoder._member_for`): a payload whose `object` names exactly one member is that
  member (spec decision 2); otherwise an error payload is the union's error member; otherwise
  pydantic's smart union validation picks the member;
* leniency (`construct_type`): data that does not validate is kept as received, field by field,
  so one odd value never costs the caller the rest of the object. Strict mode validates instead.
"""

from __future__ import annotations

import collections.abc
import inspect
import json
import sys
import threading
import typing
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Set, Tuple, Type, TypeVar, Union

import httpx
import pydantic
import typing_extensions
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from typing_extensions import Annotated, TypeGuard, get_args, get_origin

from ._exceptions import APIResponseValidationError, status_error_from_payload

__all__ = ["Decoder", "construct_type", "decoder_for", "is_error_payload", "validate_type"]

_ModelT = TypeVar("_ModelT", bound=pydantic.BaseModel)

if sys.version_info >= (3, 10):
    import types as _stdlib_types

    _UNION_ORIGINS: Tuple[object, ...] = (typing.Union, _stdlib_types.UnionType)
else:  # pragma: no cover - exercised only on 3.9
    _UNION_ORIGINS = (typing.Union,)

_NONE_TYPE = type(None)
_LITERAL_ORIGINS: Tuple[object, ...] = (typing.Literal, typing_extensions.Literal)
LIST_ORIGINS: Tuple[object, ...] = (
    list,
    tuple,
    set,
    frozenset,
    collections.abc.Sequence,
    collections.abc.MutableSequence,
    collections.abc.Iterable,
    collections.abc.Collection,
)
DICT_ORIGINS: Tuple[object, ...] = (dict, collections.abc.Mapping, collections.abc.MutableMapping)
_object_setattr = object.__setattr__
_ERROR_KEY: Dict[type, Any] = {bytes: b'"error"', str: '"error"'}


# --------------------------------------------------------------------------- type inspection


def strip_annotated(type_: object) -> object:
    while get_origin(type_) is Annotated:
        type_ = get_args(type_)[0]
    return type_


def is_model_class(type_: object) -> TypeGuard[Type[pydantic.BaseModel]]:
    return isinstance(type_, type) and issubclass(type_, pydantic.BaseModel)


def is_union(type_: object) -> bool:
    return get_origin(type_) in _UNION_ORIGINS


def _is_json_object(value: object) -> TypeGuard[Dict[str, object]]:
    return isinstance(value, dict)


def _is_json_array(value: object) -> TypeGuard[List[object]]:
    return isinstance(value, list)


def mentions_model(type_: object) -> bool:
    """Whether a model class appears anywhere inside `type_`."""
    type_ = strip_annotated(type_)
    return is_model_class(type_) or any(mentions_model(arg) for arg in get_args(type_))


def _literal_values(type_: object) -> FrozenSet[object]:
    """All `Literal[...]` values found in `type_`, looking through Optional/Union."""
    type_ = strip_annotated(type_)
    if get_origin(type_) in _LITERAL_ORIGINS:
        return frozenset(get_args(type_))
    found: Set[object] = set()
    if is_union(type_):
        for arg in get_args(type_):
            found |= _literal_values(arg)
    return frozenset(found)


def _object_tags(model: Type[pydantic.BaseModel]) -> FrozenSet[object]:
    """The values of `object` that identify `model` (its field's Literal type or string default)."""
    field = model.model_fields.get("object")
    if field is None:
        return frozenset()
    tags = set(_literal_values(field.annotation))
    if isinstance(field.default, str):
        tags.add(field.default)
    return frozenset(tags)


def _container_kind(type_: object) -> Optional[str]:
    """`"array"` / `"object"` when `type_` holds a JSON array / object."""
    if is_model_class(type_):
        return "object"
    origin = get_origin(type_)
    if origin in LIST_ORIGINS:
        return "array"
    if origin in DICT_ORIGINS:
        return "object"
    return None


def _requires_own_tag(
    model: Type[pydantic.BaseModel], by_tag: Dict[object, Type[pydantic.BaseModel]]
) -> bool:
    """Whether validation of `model` demands an `object` value that names `model` alone."""
    field = model.model_fields.get("object")
    if field is None or not field.is_required():
        return False
    tags = _literal_values(field.annotation)
    return bool(tags) and all(by_tag.get(tag) is model for tag in tags)


def is_error_payload(data: object) -> bool:
    """The error-payload rule: a JSON object whose `error` member is truthy."""
    return isinstance(data, dict) and bool(data.get("error"))  # pyright: ignore[reportUnknownMemberType, reportUnknownArgumentType]


# --------------------------------------------------------------------------- decoders

_decoders: Dict[object, Decoder] = {}
_lock = threading.RLock()


def decoder_for(type_: object) -> Decoder:
    """The decoder of `type_`, built once per process however many threads ask for it first."""
    try:
        return _decoders[type_]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation cannot be cached: build a throw-away decoder
        return Decoder(type_)
    with _lock:
        decoder = _decoders.get(type_)
        if decoder is None:
            decoder = _decoders[type_] = Decoder(type_)
        return decoder


class Decoder:
    """Everything needed to turn API data into one type: its pydantic validator (built lazily), its
    union members, and the member a stream's chunks last turned out to be."""

    def __init__(self, type_: object) -> None:
        self.type: Any = type_
        self._adapter: Optional[TypeAdapter[Any]] = None
        self._usable = True  # False once pydantic failed to build a validator for the type
        bare = strip_annotated(type_)
        self.has_model = mentions_model(type_)
        self.members: Tuple[object, ...] = (
            tuple(strip_annotated(m) for m in get_args(bare) if m is not _NONE_TYPE) if is_union(bare) else ()
        )
        models = [m for m in self.members if is_model_class(m)]
        tags: Dict[object, List[Type[pydantic.BaseModel]]] = {}
        for model in models:
            for tag in _object_tags(model):
                tags.setdefault(tag, []).append(model)
        # A tag names a member only when exactly one member carries it.
        self._by_tag: Dict[object, Type[pydantic.BaseModel]] = {
            t: ms[0] for t, ms in tags.items() if len(ms) == 1
        }
        error_members = [m for m in models if "error" in m.model_fields and not _object_tags(m)]
        self.error_member: Optional[Type[pydantic.BaseModel]] = error_members[0] if error_members else None
        # Streams: validate the next chunk against the member the last one was (a chat stream's
        # chunks are all one member), before trying the whole union. Only where that cannot change
        # the answer: when every member but the error one requires its own `object` literal, no
        # payload validates as two members, so the member that validates is the union's answer too.
        self._members_exclusive = bool(models) and all(
            _requires_own_tag(m, self._by_tag) for m in models if m is not self.error_member
        )
        self._last_member: Optional[Callable[[str], Any]] = None
        # Bodies: with exclusive members, the `object` value found in the text names the one member
        # that can validate, which is checked alone instead of trying the whole union (half the
        # cost). Validation still requires the literal, so a false find only costs the long way.
        self._tag_probes: List[Tuple[Tuple[bytes, ...], Callable[[Union[str, bytes]], Any]]] = []
        if self._members_exclusive:
            for tag, model in self._by_tag.items():
                if isinstance(tag, str):
                    probes = tuple(f'"object":{sep}"{tag}"'.encode() for sep in ("", " "))
                    self._tag_probes.append((probes, model.model_validate_json))

    # ---- validators

    @property
    def adapter(self) -> TypeAdapter[Any]:
        """pydantic's validator for the type, built on first use (raises if pydantic cannot)."""
        adapter = self._adapter
        if adapter is None:
            with _lock:
                adapter = self._adapter
                if adapter is None:
                    adapter = TypeAdapter[Any](self.type)
                    adapter.core_schema  # noqa: B018  # force a deferred build while holding the lock
                    self._adapter = adapter
        return adapter

    def validate_python(self, value: object) -> Any:
        """Plain pydantic validation (lax coercions apply); raises `pydantic.ValidationError`."""
        return self.adapter.validate_python(value)

    def _validate_json(self, raw: Union[str, bytes]) -> Any:
        if inspect.isclass(self.type) and issubclass(self.type, pydantic.BaseModel):
            return self.type.model_validate_json(raw)
        return self.adapter.validate_json(raw)

    def _json_fast_path(self) -> bool:
        if not self._usable:
            return False
        try:
            self.adapter  # noqa: B018
        except Exception:  # a type pydantic cannot describe: decode leniently instead
            self._usable = False
        return self._usable

    def _probe(self, raw: Union[str, bytes]) -> Optional[Callable[[Union[str, bytes]], Any]]:
        text = raw.encode() if isinstance(raw, str) else raw
        for probes, validate in self._tag_probes:
            for probe in probes:
                if probe in text:
                    return validate
        return None

    # ---- the union rule

    def member_for(self, data: Dict[str, object]) -> Optional[object]:
        """The union member a JSON object is by rule (its `object` tag, or the error rule), if any."""
        tag = data.get("object")
        if isinstance(tag, str):
            member = self._by_tag.get(tag)
            if member is not None:
                return member
        if self.error_member is not None and is_error_payload(data):
            return self.error_member
        return None

    # ---- decoding

    def from_data(self, data: object, *, strict: bool, response: httpx.Response) -> Any:
        """Decoded JSON to the type: validated (strict) or built leniently."""
        if strict:
            try:
                return self.validate_python(data)
            except ValidationError as exc:
                raise APIResponseValidationError(response=response, body=data) from exc
        return self.construct(data)

    def from_json(self, raw: Union[str, bytes], *, strict: bool, response: httpx.Response) -> Any:
        """JSON text to the type, parsed and validated in one pass where pydantic can."""
        # A body with an "error" member may be an error payload or carry a tag that decides the
        # member; both rules need the decoded mapping, so those bodies take the slower path.
        if self._json_fast_path() and (strict or _ERROR_KEY[type(raw)] not in raw):
            if self._tag_probes:
                member = self._probe(raw)
                if member is not None:
                    try:
                        return member(raw)
                    except ValidationError:
                        pass  # the union decides below
            try:
                return self._validate_json(raw)
            except ValidationError as exc:
                if strict:
                    raise APIResponseValidationError(response=response, body=_loads(raw, response)) from exc
        data = _loads(raw, response)
        if data is None:
            return None
        return self.from_data(data, strict=strict, response=response)

    def stream_item(self, data: str, strict: bool, response: httpx.Response) -> Any:
        """One stream event's data to an item; an error payload raises the matching status error."""
        if '"error"' not in data:
            last = self._last_member
            if last is not None:
                try:
                    return last(data)
                except ValueError:
                    pass
            if self._json_fast_path():
                try:
                    item = self._validate_json(data)
                except ValueError:
                    pass
                else:
                    kind: Any = item.__class__
                    # An error payload spelled so that the text check above missed it (an escaped
                    # key) still goes to the error rule below.
                    if kind is not self.error_member:
                        if self._members_exclusive and kind is not self.type and is_model_class(kind):
                            # The model's own validator, without `model_validate_json`'s wrapper:
                            # this runs once per stream chunk.
                            self._last_member = kind.__pydantic_validator__.validate_json
                        return item
        try:
            decoded = json.loads(data)
        except ValueError as exc:
            raise APIResponseValidationError(
                response=response,
                body=data,
                message=f"A stream event did not contain valid JSON ({exc}): {data[:200]!r}",
            ) from exc
        if is_error_payload(decoded):
            raise status_error_from_payload(decoded, response)
        return self.from_data(decoded, strict=strict, response=response)

    def construct(self, value: object) -> Any:
        """The forgiving build: see `construct_type`."""
        if not self.has_model:
            return value
        return _construct(self, value)


def _loads(raw: Union[str, bytes], response: httpx.Response) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        raise APIResponseValidationError(
            response=response,
            body=text,
            message=f"The API returned a body that is not valid JSON ({exc}): {text[:200]!r}",
        ) from exc


def validate_type(*, type_: object, value: object) -> object:
    """Strictly validate `value` as `type_` with pydantic (lax coercions still apply).

    Raises `pydantic.ValidationError` when the value does not fit.
    """
    return decoder_for(type_).validate_python(value)


def construct_type(*, type_: object, value: object) -> object:
    """Turn decoded JSON into `type_` the forgiving way; never raises for JSON data.

    * Types that contain no model (`str`, `int`, `dict`, `object`, ...) get the value unchanged.
    * A union member is chosen by rule (the `object` tag, then the error-payload rule), else by
      validating the whole union; when nothing validates, the first member that can hold the value.
    * A model, `List[Model]` or `Dict[str, Model]` that does not validate is built leniently: every
      field is validated on its own, and a field that does not fit keeps the value as received.
    """
    return decoder_for(type_).construct(value)


# --------------------------------------------------------------------------- lenient construction


def _construct(decoder: Decoder, value: object) -> object:
    """Validate `value` as the decoder's type if possible, else build it piece by piece."""
    if value is None:
        return None
    type_ = strip_annotated(decoder.type)
    if is_model_class(type_) and not _is_json_object(value):
        return value
    if decoder.members and _is_json_object(value):
        member = decoder.member_for(value)
        if member is not None:
            return construct_type(type_=member, value=value)
    try:
        # The normal case for well-formed API data: the whole value validates.
        return decoder.validate_python(value)
    except ValidationError:
        pass
    except Exception:  # a type pydantic cannot build a validator for: keep the data as it is
        return value
    return _construct_fallback(decoder, type_, value)


def _construct_fallback(decoder: Decoder, type_: object, value: object) -> object:
    """Build `value` for a type it did not validate against, keeping whatever does not fit."""
    if decoder.members:
        member = _pick_union_member(decoder.members, value)
        if member is None:
            return value
        type_ = member

    if is_model_class(type_):
        return build_leniently(type_, value) if _is_json_object(value) else value

    origin = get_origin(type_)
    args = get_args(type_)
    if _is_json_array(value) and origin in LIST_ORIGINS and args:
        item = decoder_for(args[0])
        if item.has_model:
            return [_construct(item, v) for v in value]
    if _is_json_object(value) and origin in DICT_ORIGINS and len(args) == 2:
        item = decoder_for(args[1])
        if item.has_model:
            return {key: _construct(item, v) for key, v in value.items()}
    return value


def _pick_union_member(members: Tuple[object, ...], value: object) -> Optional[object]:
    """The union member to build `value` as, after no member validated it."""
    if _is_json_object(value):
        wanted = "object"
    elif _is_json_array(value):
        wanted = "array"
    else:
        return None
    for member in members:
        if is_union(member):
            inner = _pick_union_member(decoder_for(member).members, value)
            if inner is not None:
                return inner
        elif _container_kind(member) == wanted:
            return member
    return None


def build_leniently(model: Type[_ModelT], data: Dict[str, object]) -> _ModelT:
    """Create a `model` instance from `data` field by field, without ever raising."""
    return build_model(model, data, _lenient_value)


def _lenient_value(field: FieldInfo, raw: object) -> object:
    if raw is None:
        # JSON null: the field's default (None for a required field), but it counts as set.
        return None if field.is_required() else field.get_default(call_default_factory=True)
    # Scalars too are validated on their own (lax), so that a field is the same whichever path
    # built the object (decision 23).
    return _construct(decoder_for(field.annotation), raw)


def build_model(
    model: Type[_ModelT], data: Dict[str, object], value_of: Callable[[FieldInfo, object], object]
) -> _ModelT:
    """A `model` instance from `data`, each received field's value given by `value_of(field, raw)`.

    Fields not received take their default (`None` when required); keys that are no field are kept
    as extras. Nothing is validated here: `value_of` decides how much each value is converted.
    """
    values: Dict[str, object] = {}
    fields_set: Set[str] = set()
    used_keys: Set[str] = set()
    for name, field in model.model_fields.items():
        key = field.alias if field.alias is not None and field.alias in data else name
        if key in data:
            used_keys.add(key)
            fields_set.add(name)
            values[name] = value_of(field, data[key])
        elif field.is_required():
            values[name] = None
        else:
            values[name] = field.get_default(call_default_factory=True)
    return new_instance(model, values, fields_set, data, used_keys)


def new_instance(
    model: Type[_ModelT],
    values: Dict[str, object],
    fields_set: Set[str],
    data: Dict[str, object],
    used_keys: Set[str],
) -> _ModelT:
    """An instance holding `values`, with the keys of `data` not in `used_keys` kept as extras."""
    extra: Optional[Dict[str, object]] = None
    if model.model_config.get("extra") == "allow":
        extra = {}
        for key, raw in data.items():
            if key not in used_keys:
                extra[key] = raw
                fields_set.add(key)  # as pydantic's validation does for extra keys
    instance = model.__new__(model)
    _object_setattr(instance, "__dict__", values)
    _object_setattr(instance, "__pydantic_fields_set__", fields_set)
    _object_setattr(instance, "__pydantic_extra__", extra)
    _object_setattr(instance, "__pydantic_private__", None)
    if model.__pydantic_post_init__:
        instance.model_post_init(None)  # sets up private attributes, as pydantic's own builder does
    return instance

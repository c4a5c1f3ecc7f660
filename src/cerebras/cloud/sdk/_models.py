"""Response models: the SDK `BaseModel` and the two ways API data becomes typed objects.

* `construct_type` is the forgiving path used for every API result. It never raises for data
  that came from JSON: whatever validates is validated (lax pydantic rules), whatever does not is
  kept as received, field by field, so one odd value never costs the caller the rest of the object.
* `validate_type` is the strict path (`_strict_response_validation=True`): plain pydantic
  validation, raising `pydantic.ValidationError` on any mismatch.

Both share one cache of `pydantic.TypeAdapter`s keyed by type, so a type's validator is built
once per process, however many threads ask for it first.
"""

from __future__ import annotations

import collections.abc
import os
import sys
import threading
import typing
from functools import cache
from typing import Any, ClassVar, Dict, FrozenSet, List, Optional, Set, Tuple, Type, TypeVar

import pydantic
import typing_extensions
from pydantic import ConfigDict, TypeAdapter, ValidationError
from typing_extensions import Annotated, Literal, Self, TypeGuard, get_args, get_origin, override

__all__ = ["BaseModel", "construct_type", "validate_type"]

_ModelT = TypeVar("_ModelT", bound=pydantic.BaseModel)

if sys.version_info >= (3, 10):
    import types as _stdlib_types

    _UNION_ORIGINS: Tuple[object, ...] = (typing.Union, _stdlib_types.UnionType)
else:  # pragma: no cover - exercised only on 3.9
    _UNION_ORIGINS = (typing.Union,)

_NONE_TYPE = type(None)
_LITERAL_ORIGINS: Tuple[object, ...] = (typing.Literal, typing_extensions.Literal)
_LIST_ORIGINS: Tuple[object, ...] = (
    list,
    tuple,
    set,
    frozenset,
    collections.abc.Sequence,
    collections.abc.MutableSequence,
    collections.abc.Iterable,
    collections.abc.Collection,
)
_DICT_ORIGINS: Tuple[object, ...] = (dict, collections.abc.Mapping, collections.abc.MutableMapping)
_object_setattr = object.__setattr__

# Building a model's validator is postponed to its first use unless DEFER_PYDANTIC_BUILD=false.
_DEFER_BUILD = os.environ.get("DEFER_PYDANTIC_BUILD", "true").lower() == "true"


class BaseModel(pydantic.BaseModel):
    """Base class of every response object.

    Unknown keys sent by the server are kept (`model_extra`, and readable as attributes), and
    `model_fields_set` tells a key sent as `null` apart from a key that was not sent at all.
    """

    _request_id: ClassVar[Optional[str]] = None
    """The API's id for the request that returned this object (`x-request-id`, else `cf-ray`).

    Set on the objects a call returns (not on nested ones); quote it when you contact support."""

    model_config = ConfigDict(
        extra="allow",
        defer_build=_DEFER_BUILD,
        protected_namespaces=(),
        populate_by_name=True,
        arbitrary_types_allowed=True,
    )

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> Dict[str, object]:
        """Return the model as a dictionary.

        With the defaults the result holds exactly the keys the API sent (explicit `null`s
        included), in field order, followed by unknown keys. `mode="json"` makes every value
        JSON-safe; `use_api_names` uses the wire names of aliased fields.
        """
        return self.model_dump(
            mode=mode,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            warnings=warnings,
        )

    def to_json(
        self,
        *,
        indent: Optional[int] = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> str:
        """Return the model as JSON text; same key selection as `to_dict`.

        `indent=None` gives compact output without any whitespace.
        """
        return self.model_dump_json(
            indent=indent,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            warnings=warnings,
        )

    @override
    def __str__(self) -> str:
        # pydantic's own str() drops the class name; ours reads like the repr.
        return self.__repr__()

    @classmethod
    @override
    def model_construct(cls, _fields_set: Optional[Set[str]] = None, **values: Any) -> Self:
        """Build an instance from API data without ever raising.

        Each value is validated against its field's type when it can be; a value that does not
        fit is kept as given, missing required fields read as `None` and unknown keys are kept.
        """
        instance = _build_leniently(cls, values)
        if _fields_set is not None:
            _object_setattr(instance, "__pydantic_fields_set__", set(_fields_set))
        return instance

    @classmethod
    @override
    def construct(cls, _fields_set: Optional[Set[str]] = None, **values: Any) -> Self:  # pyright: ignore[reportDeprecated]
        """Alias of `model_construct`, kept for code written against older pydantic."""
        return cls.model_construct(_fields_set, **values)


# --------------------------------------------------------------------------------------------
# TypeAdapter cache


_adapters: Dict[object, TypeAdapter[Any]] = {}
_adapters_lock = threading.RLock()


def _adapter(type_: Any) -> TypeAdapter[Any]:  # any type form: a class, a Union, an Annotated alias
    """The validator for `type_`, built once and shared by every thread."""
    try:
        return _adapters[type_]
    except KeyError:
        pass
    except TypeError:  # unhashable annotation: cannot be cached, build a fresh one
        return TypeAdapter[Any](type_)
    with _adapters_lock:
        adapter = _adapters.get(type_)
        if adapter is None:
            adapter = TypeAdapter[Any](type_)
            # Force the (possibly deferred) schema build now, while we hold the lock.
            adapter.core_schema  # noqa: B018
            _adapters[type_] = adapter
        return adapter


def validate_type(*, type_: object, value: object) -> object:
    """Strictly validate `value` as `type_` with pydantic (lax coercions still apply).

    Raises `pydantic.ValidationError` when the value does not fit.
    """
    return _adapter(type_).validate_python(value)


# --------------------------------------------------------------------------------------------
# Type inspection helpers


def _strip_annotated(type_: object) -> object:
    while get_origin(type_) is Annotated:
        type_ = get_args(type_)[0]
    return type_


def _is_model_class(type_: object) -> TypeGuard[Type[pydantic.BaseModel]]:
    return isinstance(type_, type) and issubclass(type_, pydantic.BaseModel)


def _is_json_object(value: object) -> TypeGuard[Dict[str, object]]:
    return isinstance(value, dict)


def _is_json_array(value: object) -> TypeGuard[List[object]]:
    return isinstance(value, list)


def _is_union(type_: object) -> bool:
    return get_origin(type_) in _UNION_ORIGINS


@cache
def _mentions_model(type_: object) -> bool:
    """Whether a model class appears anywhere inside `type_`."""
    type_ = _strip_annotated(type_)
    return _is_model_class(type_) or any(_mentions_model(arg) for arg in get_args(type_))


def _safe_mentions_model(type_: object) -> bool:
    try:
        return _mentions_model(type_)
    except TypeError:  # unhashable annotation: look without the cache
        type_ = _strip_annotated(type_)
        return _is_model_class(type_) or any(_safe_mentions_model(a) for a in get_args(type_))


def _literal_values(type_: object) -> FrozenSet[object]:
    """All `Literal[...]` values found in `type_`, looking through Optional/Union."""
    type_ = _strip_annotated(type_)
    if get_origin(type_) in _LITERAL_ORIGINS:
        return frozenset(get_args(type_))
    found: Set[object] = set()
    if _is_union(type_):
        for arg in get_args(type_):
            found |= _literal_values(arg)
    return frozenset(found)


@cache
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
    """`"array"` / `"object"` when `type_` (or a member of it, for a union) holds a JSON array / object."""
    if _is_model_class(type_):
        return "object"
    origin = get_origin(type_)
    if origin in _LIST_ORIGINS:
        return "array"
    if origin in _DICT_ORIGINS:
        return "object"
    return None


# --------------------------------------------------------------------------------------------
# Lenient construction


def construct_type(*, type_: object, value: object) -> object:
    """Turn decoded JSON into `type_` the forgiving way; never raises for JSON data.

    * Types that contain no model (`str`, `int`, `dict`, `object`, ...) get the value unchanged.
    * A union is first validated as a whole (pydantic's smart mode picks the member). When no
      member validates, a payload whose `object` value names exactly one member becomes that
      member; otherwise the first member that can hold the value is used; either way it is then
      built leniently.
    * A model, `List[Model]` or `Dict[str, Model]` is built leniently: every field is validated on
      its own, and a field that does not validate keeps the value as received (nested objects
      still become models).
    """
    if not _safe_mentions_model(type_):
        return value
    return _construct(type_, value)


def _construct(type_: object, value: object) -> object:
    """Validate `value` as `type_` if possible, else build it piece by piece."""
    if value is None:
        return None
    type_ = _strip_annotated(type_)
    if _is_model_class(type_) and not _is_json_object(value):
        return value
    if _is_json_object(value) and _is_union(type_):
        # A payload whose `object` names one member is that member, even if it would also
        # validate as another (decision 2): e.g. a chunk that carries an "error" key.
        tagged = _tagged_member(get_args(type_), value)
        if tagged is not None:
            return _construct(tagged, value)
    try:
        # Fast path: the whole value validates (the normal case for well-formed API data).
        return _adapter(type_).validate_python(value)
    except ValidationError:
        pass
    except Exception:  # a type pydantic cannot build a validator for: keep the data as it is
        return value
    return _construct_fallback(type_, value)


def _construct_fallback(type_: object, value: object) -> object:
    """Build `value` for a type it did not validate against, keeping whatever does not fit."""
    if _is_union(type_):
        member = _pick_union_member(get_args(type_), value)
        if member is None:
            return value
        type_ = member

    if _is_model_class(type_):
        return _build_leniently(type_, value) if _is_json_object(value) else value

    origin = get_origin(type_)
    args = get_args(type_)
    if _is_json_array(value) and origin in _LIST_ORIGINS and args and _safe_mentions_model(args[0]):
        item_type = args[0]
        return [_construct(item_type, item) for item in value]
    if (
        _is_json_object(value)
        and origin in _DICT_ORIGINS
        and len(args) == 2
        and _safe_mentions_model(args[1])
    ):
        value_type = args[1]
        return {key: _construct(value_type, item) for key, item in value.items()}
    return value


def _tagged_member(members: Tuple[object, ...], value: Dict[str, object]) -> Optional[object]:
    """The one member whose `object` literal is the payload's `object` value, if exactly one is."""
    tag = value.get("object")
    if not isinstance(tag, str):
        return None
    tagged = [
        m
        for m in (_strip_annotated(m) for m in members if m is not _NONE_TYPE)
        if _is_model_class(m) and tag in _object_tags(m)
    ]
    return tagged[0] if len(tagged) == 1 else None


def _pick_union_member(members: Tuple[object, ...], value: object) -> Optional[object]:
    """Choose the union member to build `value` as, after no member validated it."""
    candidates = [_strip_annotated(m) for m in members if m is not _NONE_TYPE]
    if _is_json_object(value):
        tagged = _tagged_member(members, value)
        if tagged is not None:
            return tagged
        wanted = "object"
    elif _is_json_array(value):
        wanted = "array"
    else:
        return None
    for member in candidates:
        if _is_union(member):
            inner = _pick_union_member(get_args(member), value)
            if inner is not None:
                return inner
        elif _container_kind(member) == wanted:
            return member
    return None


def _build_leniently(model: Type[_ModelT], data: Dict[str, object]) -> _ModelT:
    """Create a `model` instance from `data` field by field, without ever raising."""
    values: Dict[str, object] = {}
    fields_set: Set[str] = set()
    used_keys: Set[str] = set()

    for name, field in model.model_fields.items():
        key = field.alias if field.alias is not None and field.alias in data else name
        if key in data:
            used_keys.add(key)
            fields_set.add(name)
            raw = data[key]
            if raw is None:
                # JSON null: the field's default (None for a required field), but it counts as set.
                values[name] = None if field.is_required() else field.get_default(call_default_factory=True)
            else:
                values[name] = _construct(field.annotation, raw)
        elif field.is_required():
            values[name] = None
        else:
            values[name] = field.get_default(call_default_factory=True)

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

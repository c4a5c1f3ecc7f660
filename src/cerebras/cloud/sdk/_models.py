"""The SDK `BaseModel`, base class of every response object.

How API data becomes these objects (leniently, or strictly validated) lives in `_decoder`;
`construct_type` and `validate_type` are re-exported here for code that imports them from this module.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar, Dict, List, Optional, Set, Type, TypeVar, cast

import pydantic
from pydantic import ConfigDict
from typing_extensions import Literal, Self, get_args, get_origin, override

from ._decoder import (
    DICT_ORIGINS,
    LIST_ORIGINS,
    Decoder,
    build_model,
    construct_type,
    decoder_for,
    is_model_class,
    strip_annotated,
    validate_type,
)

__all__ = ["BaseModel", "construct_type", "validate_type"]

_ModelT = TypeVar("_ModelT", bound=pydantic.BaseModel)

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
        """Build an instance without validating or converting anything.

        Values are stored as given (`"19"` for an int field stays a string). Nested dicts become
        the field's model and lists of dicts lists of models; an int for a float field becomes a
        float only when the conversion is exact. Missing required fields read as `None`, unknown
        keys are kept.
        """
        instance = _construct_unconverted(cls, values)
        if _fields_set is not None:
            _object_setattr(instance, "__pydantic_fields_set__", set(_fields_set))
        return instance

    @classmethod
    @override
    def construct(cls, _fields_set: Optional[Set[str]] = None, **values: Any) -> Self:  # pyright: ignore[reportDeprecated]
        """Alias of `model_construct`, kept for code written against older pydantic."""
        return cls.model_construct(_fields_set, **values)


# --------------------------------------------------------------------------------------------
# `construct()`: models built from values as given


def _construct_unconverted(model: Type[_ModelT], data: Dict[str, Any]) -> _ModelT:
    return build_model(model, data, lambda field, raw: _unconverted(field.annotation, raw))


def _unconverted(type_: object, value: object) -> object:
    """`value` for a field of `type_`: only containers of models are rebuilt, scalars stay as given."""
    if value is None:
        return None
    type_ = strip_annotated(type_)
    decoder = decoder_for(type_)
    if decoder.members:
        member = _member_for_value(decoder, value)
        return value if member is None else _unconverted(member, value)
    if type_ is float and type(value) is int:
        return _exact_float(value)
    origin = get_origin(type_)
    args = get_args(type_)
    if isinstance(value, dict):
        mapping = cast(Dict[str, Any], value)
        if is_model_class(type_):
            return _construct_unconverted(type_, mapping)
        if origin in DICT_ORIGINS and len(args) == 2:
            return {k: _unconverted(args[1], v) for k, v in mapping.items()}
        return mapping
    if isinstance(value, list):
        items: List[Any] = value  # pyright: ignore[reportUnknownVariableType]
        if origin in LIST_ORIGINS and args:
            return [_unconverted(args[0], v) for v in items]
        return items
    return value


def _member_for_value(decoder: Decoder, value: object) -> Optional[object]:
    """The union member whose shape fits `value` (decided by rule for tagged objects), if any."""
    shape: object = value  # not narrowed by the check below
    tagged = decoder.member_for(cast(Dict[str, object], value)) if isinstance(value, dict) else None
    if tagged is not None:
        return tagged
    return next((member for member in decoder.members if _fits(member, shape)), None)


def _fits(member: object, value: object) -> bool:
    if isinstance(value, dict):
        return is_model_class(member) or get_origin(member) in DICT_ORIGINS
    if isinstance(value, list):
        return get_origin(member) in LIST_ORIGINS
    return member is float and type(value) is int


def _exact_float(value: int) -> object:
    # An int beyond 2**53 has no exact float; it stays the int it is.
    converted = float(value)
    return converted if converted == value else value

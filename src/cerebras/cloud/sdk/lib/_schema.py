"""Turn a pydantic model into a JSON schema that Cerebras accepts in strict mode.

Strict mode (`"strict": true` on a `json_schema` response format or a tool) constrains decoding to
the schema, but accepts only a subset of JSON Schema. `to_strict_json_schema` starts from
pydantic's own schema and rewrites it:

* every object gets `"additionalProperties": false` and lists *all* its properties in `required`.
  A field that may be `None` (`Optional[...]`) stays nullable through `anyOf` with `{"type": "null"}`;
  a field that merely has a default becomes required: the model has to supply a value.
* `$ref`s are replaced by the definitions they point to and `$defs` is dropped. Inlining keeps the
  schema self-contained and makes recursion explicit: a model that contains itself, directly or
  not, cannot be inlined and is refused with a `ValueError` naming the models involved.
* validation keywords strict mode does not enforce (`minLength`, `maxLength`, `pattern`, `format`,
  `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`, `minItems`,
  `maxItems`, `uniqueItems`, `minProperties`, `maxProperties`) and non-null `default`s are removed
  and described in words at the end of the node's `description` (e.g. "minimum length: 3"), so
  the model still sees them. Pydantic still checks them when the reply is parsed.
* `title` and `discriminator` are dropped, `oneOf` becomes `anyOf`, `const` becomes a one-value
  `enum`, and a lone `allOf` is merged into its node.
* free-form mappings (`Dict[str, X]`, `dict`) cannot be described with closed objects, so they are
  refused with a `ValueError` naming the field.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Tuple, Type, cast

import pydantic

__all__ = ["to_strict_json_schema"]

JSONSchema = Dict[str, Any]

# keyword -> how its value is said in a description
_DESCRIBED: Tuple[Tuple[str, str], ...] = (
    ("minLength", "minimum length: {}"),
    ("maxLength", "maximum length: {}"),
    ("pattern", "must match the regular expression {}"),
    ("format", "format: {}"),
    ("minimum", "minimum: {}"),
    ("exclusiveMinimum", "greater than {}"),
    ("maximum", "maximum: {}"),
    ("exclusiveMaximum", "less than {}"),
    ("multipleOf", "multiple of {}"),
    ("minItems", "minimum number of items: {}"),
    ("maxItems", "maximum number of items: {}"),
    ("minProperties", "minimum number of properties: {}"),
    ("maxProperties", "maximum number of properties: {}"),
)
_DROPPED = frozenset({"title", "discriminator", "$schema"})


def to_strict_json_schema(model: Type[pydantic.BaseModel]) -> JSONSchema:
    """The JSON schema of `model`, rewritten for Cerebras strict mode (see the module docs).

    Returns a new dict on every call. Raises `TypeError` for anything but a pydantic model class,
    and `ValueError` for recursive models and free-form mapping fields.
    """
    if not is_model_class(model):
        raise TypeError(f"Expected a pydantic model class, got {model!r}")
    return copy.deepcopy(_strict_schema(model))


@lru_cache(maxsize=256)
def _strict_schema(model: Type[pydantic.BaseModel]) -> JSONSchema:
    raw = model.model_json_schema()
    defs = cast(Dict[str, JSONSchema], raw.pop("$defs", {}))
    return _Rewriter(model.__name__, defs).node(raw, path=model.__name__, stack=())


class _Rewriter:
    """One rewrite of one model's schema; `stack` holds the definitions being inlined."""

    def __init__(self, model_name: str, defs: Mapping[str, JSONSchema]) -> None:
        self._model_name = model_name
        self._defs = defs

    def node(self, schema: Mapping[str, Any], *, path: str, stack: Tuple[str, ...]) -> JSONSchema:
        node: JSONSchema = dict(schema)
        ref = node.pop("$ref", None)
        if isinstance(ref, str):
            node = self._inline(ref, node, path=path, stack=stack)
            stack = (*stack, ref)
        all_of = node.get("allOf")
        if isinstance(all_of, list) and len(cast(List[object], all_of)) == 1:
            del node["allOf"]
            (only,) = cast(List[Mapping[str, Any]], all_of)
            return self.node({**only, **node}, path=path, stack=stack)

        notes: List[str] = []
        out: JSONSchema = {}
        for key, value in node.items():
            if key in _DROPPED:
                continue
            if key == "default":
                if value is not None:
                    notes.append(f"default: {json.dumps(value, ensure_ascii=False, default=str)}")
            elif key == "const":
                out["enum"] = [value]
            elif key in ("anyOf", "oneOf"):
                branches = cast(List[Mapping[str, Any]], value)
                out["anyOf"] = [self.node(b, path=path, stack=stack) for b in branches]
            elif key == "properties":
                properties = cast(Mapping[str, Mapping[str, Any]], value)
                out["properties"] = {
                    name: self.node(sub, path=f"{path}.{name}", stack=stack)
                    for name, sub in properties.items()
                }
            elif key == "items" and isinstance(value, Mapping):
                out["items"] = self.node(cast(Mapping[str, Any], value), path=f"{path}[]", stack=stack)
            elif key == "prefixItems" and isinstance(value, list):
                items = cast(List[Mapping[str, Any]], value)
                out["prefixItems"] = [
                    self.node(s, path=f"{path}[{i}]", stack=stack) for i, s in enumerate(items)
                ]
            elif key == "additionalProperties":
                if isinstance(value, Mapping):
                    raise self._free_form(path)
            elif any(key == k for k, _ in _DESCRIBED):
                continue
            else:
                out[key] = value
        notes = [text.format(_show(node[key])) for key, text in _DESCRIBED if key in node] + notes
        if node.get("uniqueItems") is True:
            notes.append("items must be unique")
        out.pop("uniqueItems", None)

        if out.get("type") == "object" or "properties" in out:
            if "properties" not in out:
                raise self._free_form(path)
            out["type"] = "object"
            out["required"] = list(cast(Dict[str, object], out["properties"]))
            out["additionalProperties"] = False
        if notes:
            said = "; ".join(notes)
            description = out.get("description")
            out["description"] = f"{description} ({said})" if description else said
        return out

    def _inline(self, ref: str, siblings: JSONSchema, *, path: str, stack: Tuple[str, ...]) -> JSONSchema:
        prefix = "#/$defs/"
        target = self._defs.get(ref[len(prefix) :]) if ref.startswith(prefix) else None
        if target is None:
            raise ValueError(f"{self._model_name}: cannot resolve the schema reference {ref!r} at {path}")
        if ref in stack:
            cycle = [_def_title(self._defs, r) for r in stack[stack.index(ref) :]] + [
                _def_title(self._defs, ref)
            ]
            raise ValueError(
                f"{self._model_name} is recursive ({' -> '.join(cycle)}), which strict JSON schemas "
                "cannot express here: the schema is expanded inline. Give the nesting a fixed depth "
                "(separate models per level) or use a non-strict response format."
            )
        # Keywords written next to the reference (a field's description, default...) win.
        return {**target, **siblings}

    def _free_form(self, path: str) -> ValueError:
        return ValueError(
            f"{self._model_name}: {path} is a free-form mapping (dict). Strict JSON schemas need every "
            "key of an object declared; use a model with named fields, or a list of key/value models."
        )


def is_model_class(value: object) -> bool:
    """Whether `value` is a pydantic model class (not an instance)."""
    return isinstance(value, type) and issubclass(value, pydantic.BaseModel)


def _def_title(defs: Mapping[str, JSONSchema], ref: str) -> str:
    name = ref.rsplit("/", 1)[-1]
    title = defs.get(name, {}).get("title")
    return title if isinstance(title, str) else name


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def strict_schema_name(model: Type[pydantic.BaseModel], name: Optional[str] = None) -> str:
    """A name for the schema or tool: `name` when given, else the class name with characters
    outside letters, digits, `_` and `-` replaced by `_` (generic models: `Page[int]` -> `Page_int_`)."""
    if name is not None:
        return name
    return "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in model.__name__)

"""JSON Schema helpers of the mock server: deterministic example documents, and a validator.

:func:`example_from_schema` answers chat requests whose ``response_format`` is ``json_schema`` and
invents tool-call arguments: a JSON document that satisfies the schema in the most boring way
possible (optionally taking values from ``name=value`` hints), so examples and tests get a stable,
valid answer. :func:`validate` checks a value against a schema (the subset of JSON Schema that
request bodies and tool parameters use) and reports the first problem with the path to it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union, cast

__all__ = ["SchemaError", "as_list", "example_from_schema", "validate"]

_MAX_DEPTH = 32

_STRING_FORMATS: Dict[str, str] = {
    "date-time": "2024-01-01T00:00:00Z", "date": "2024-01-01", "time": "00:00:00Z", "duration": "P1D",
    "email": "user@example.com", "idn-email": "user@example.com", "hostname": "example.com",
    "idn-hostname": "example.com", "ipv4": "127.0.0.1", "ipv6": "::1", "uri": "https://example.com",
    "iri": "https://example.com", "uri-reference": "https://example.com", "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}  # fmt: skip


def as_list(value: object) -> Optional[List[Any]]:
    """``value`` typed as ``List[Any]`` when it is a list, else ``None``."""
    if isinstance(value, list):
        result: List[Any] = cast(Any, value)
        return result
    return None


def example_from_schema(schema: Mapping[str, Any], hints: Optional[Mapping[str, str]] = None) -> Any:
    """Build a small, deterministic JSON value that satisfies ``schema``.

    The rules are deliberately simple: strings become ``"example"`` (or a fitting value for a
    known ``format``), integers and numbers ``0`` (moved into ``minimum``/``maximum`` bounds),
    booleans ``true``, arrays hold one item (or ``minItems`` items, distinct ones when
    ``uniqueItems`` asks for it), enums give their first value, ``const`` its value, objects get
    every declared property, and for unions (``anyOf``, ``oneOf``, a list of types) the first
    non-null alternative is used. Local ``$ref`` pointers (``#/$defs/...``, ``#/definitions/...``)
    are followed, so schemas produced by pydantic work as they are.

    ``hints`` maps a property path (``"city"``, or ``"address.city"`` in a nested object) to raw
    text; the property takes the first reading of that text valid for it (the text parsed as
    JSON, the text itself, or, for arrays, its comma-separated parts), else its example value.
    """
    return _Builder(schema, hints or {}).build(schema, 0)


def resolve_ref(root: Any, ref: str) -> Optional[Any]:
    """The node a local JSON pointer (``#/$defs/Name``) designates in ``root``, or ``None``."""
    if not ref.startswith("#"):
        return None
    node: Any = root
    for raw_part in ref[1:].split("/"):
        if not raw_part:
            continue
        part = raw_part.replace("~1", "/").replace("~0", "~")
        items = as_list(node)
        if items is not None:
            if not part.isdigit() or int(part) >= len(items):
                return None
            node = items[int(part)]
        elif isinstance(node, Mapping) and part in node:
            node = cast(Mapping[str, Any], node)[part]
        else:
            return None
    return node


class _Builder:
    def __init__(self, root: Mapping[str, Any], hints: Mapping[str, str]) -> None:
        self._root = root
        self._hints = hints

    def build(self, schema: Any, depth: int, path: str = "", variant: int = 0) -> Any:
        if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
            return None if depth > _MAX_DEPTH else "example"
        node = cast(Mapping[str, Any], schema)

        if path in self._hints:
            hinted = self._from_hint(self._hints[path], node)
            if hinted is not _NO_VALUE:
                return hinted

        ref = node.get("$ref")
        if isinstance(ref, str):
            target = resolve_ref(self._root, ref)
            if target is not None:
                return self.build(target, depth + 1, path, variant)

        if "const" in node:
            return node["const"]
        values = as_list(node.get("enum"))
        if values:
            non_null = [v for v in values if v is not None] or values
            return non_null[variant % len(non_null)]

        for key in ("anyOf", "oneOf"):
            alternatives = as_list(node.get(key))
            if alternatives:
                choice = _first_non_null(alternatives)
                return self.build(_merge_siblings(node, choice), depth + 1, path, variant)

        parts = as_list(node.get("allOf"))
        if parts:
            return self._build_all_of(node, parts, depth)

        kind = _pick_type(node)
        if kind == "object":
            return self._build_object(node, depth, path)
        if kind == "array":
            return self._build_array(node, depth, path)
        if kind == "string":
            return _build_string(node, variant)
        if kind == "integer":
            return _build_integer(node, variant)
        if kind == "number":
            return _build_number(node, variant)
        if kind == "boolean":
            return variant % 2 == 0
        if kind == "null":
            return None
        return "example"

    def _from_hint(self, raw: str, node: Mapping[str, Any]) -> Any:
        candidates: List[Any] = [_json_or_text(raw), raw]
        if "," in raw:
            parts = [p.strip() for p in raw.split(",")]
            candidates += [[_json_or_text(p) for p in parts], parts]
        for candidate in candidates:
            if validate(candidate, node, root=self._root) is None:
                return candidate
        return _NO_VALUE

    def _build_all_of(self, node: Mapping[str, Any], parts: List[Any], depth: int) -> Any:
        rest = {k: v for k, v in node.items() if k != "allOf"}
        values = [self.build(part, depth + 1) for part in parts]
        if rest:
            values.append(self.build(rest, depth + 1))
        dicts = [cast(Dict[str, Any], v) for v in values if isinstance(v, dict)]
        if dicts and len(dicts) == len(values):
            return {k: v for d in dicts for k, v in d.items()}
        return values[0]

    def _build_object(self, node: Mapping[str, Any], depth: int, path: str) -> Dict[str, Any]:
        result: Dict[str, Any] = {}
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            for name, sub in cast(Mapping[str, Any], properties).items():
                result[name] = self.build(sub, depth + 1, f"{path}.{name}" if path else name)
        for name in as_list(node.get("required")) or []:
            if isinstance(name, str) and name not in result:
                result[name] = "example"
        return result

    def _build_array(self, node: Mapping[str, Any], depth: int, path: str) -> List[Any]:
        items: List[Any] = []
        prefix = node.get("prefixItems")
        items.extend(self.build(sub, depth + 1) for sub in as_list(prefix) or [])
        item_schema = node.get("items")
        tuple_items = as_list(item_schema)
        if tuple_items is not None:  # draft-07 tuple form
            items.extend(self.build(sub, depth + 1) for sub in tuple_items)
            item_schema = None
        target = max(int(_number(node, "minItems") or 0), len(items), 1)
        max_items = node.get("maxItems")
        if isinstance(max_items, int) and not isinstance(max_items, bool):
            target = min(target, max(max_items, 0))
        unique = node.get("uniqueItems") is True
        while len(items) < target and item_schema is not False:
            variant = len(items) if unique else 0
            sub: Any = item_schema if item_schema is not None else {}
            items.append(self.build(sub, depth + 1, f"{path}.{len(items)}", variant))
        return items[:target]


def _first_non_null(options: List[Any]) -> Any:
    def is_null(option: Any) -> bool:
        return isinstance(option, Mapping) and cast(Mapping[str, Any], option).get("type") == "null"

    return next((option for option in options if not is_null(option)), options[0])


def _merge_siblings(node: Mapping[str, Any], choice: Any) -> Any:
    """Apply keywords written next to ``anyOf``/``oneOf`` (``properties``, ``required``, ``type``,
    ``items``) to the chosen alternative; the alternative's own keywords win."""
    if not isinstance(choice, Mapping):
        return choice
    merged = {k: v for k, v in node.items() if k in ("properties", "required", "type", "items")}
    merged.update(cast(Mapping[str, Any], choice))
    return merged


def _pick_type(node: Mapping[str, Any]) -> Optional[str]:
    declared = node.get("type")
    if isinstance(declared, str):
        return declared
    declared_list = as_list(declared)
    if declared_list is not None:
        names = [t for t in declared_list if isinstance(t, str)]
        return next((name for name in names if name != "null"), names[0] if names else None)
    if "properties" in node or "required" in node or "additionalProperties" in node:
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    return None


def _build_string(node: Mapping[str, Any], variant: int = 0) -> str:
    fmt = node.get("format")
    text = _STRING_FORMATS.get(fmt, "example") if isinstance(fmt, str) else "example"
    if variant and fmt is None:
        text = f"example{variant + 1}"
    min_len = int(_number(node, "minLength") or 0)
    if len(text) < min_len:
        text = text + "x" * (min_len - len(text))
    max_len = node.get("maxLength")
    if isinstance(max_len, int) and not isinstance(max_len, bool) and len(text) > max_len:
        text = text[: max(max_len, 0)]
    return text


def _bounds(node: Mapping[str, Any]) -> Tuple[Optional[float], Optional[float], bool, bool]:
    def num(key: str) -> Optional[float]:
        value = node.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        return None

    low, high = num("minimum"), num("maximum")
    low_excl, high_excl = False, False
    ex_low, ex_high = num("exclusiveMinimum"), num("exclusiveMaximum")
    if ex_low is not None and (low is None or ex_low >= low):
        low, low_excl = ex_low, True
    if ex_high is not None and (high is None or ex_high <= high):
        high, high_excl = ex_high, True
    return low, high, low_excl, high_excl


def _fits(value: float, node: Mapping[str, Any]) -> bool:
    low, high, low_excl, high_excl = _bounds(node)
    if low is not None and (value < low or (low_excl and value <= low)):
        return False
    return high is None or not (value > high or (high_excl and value >= high))


def _shifted(value: float, variant: int, node: Mapping[str, Any], fractions: bool) -> float:
    """``value`` moved by ``variant`` steps (for distinct array items), staying within bounds."""
    if not variant:
        return value
    candidates: List[float] = [value + variant, value - variant]
    if fractions:
        candidates += [value + variant / 1000, value - variant / 1000]
    return next((c for c in candidates if _fits(c, node)), value)


def _build_integer(node: Mapping[str, Any], variant: int = 0) -> int:
    low, high, low_excl, high_excl = _bounds(node)
    value = 0
    if low is not None:
        start = math.floor(low) + 1 if low_excl else math.ceil(low)
        value = max(value, start)
    if high is not None:
        end = math.ceil(high) - 1 if high_excl else math.floor(high)
        value = min(value, end)
    return int(_shifted(value, variant, node, fractions=False))


def _build_number(node: Mapping[str, Any], variant: int = 0) -> Union[float, int]:
    low, high, low_excl, high_excl = _bounds(node)
    value: float = 0
    if low is not None and (value < low or (low_excl and value <= low)):
        value = low + 1 if low_excl else low
        if high is not None and value >= high:
            value = (low + high) / 2
    if high is not None and (value > high or (high_excl and value >= high)):
        value = high - 1 if high_excl else high
        if low is not None and value <= low:
            value = (low + high) / 2
    value = _shifted(value, variant, node, fractions=True)
    return int(value) if float(value).is_integer() else value


# ---------------------------------------------------------------------------------------------
# validation

_NO_VALUE: Any = object()


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


@dataclass(frozen=True)
class SchemaError:
    """The first problem :func:`validate` found: where it is (``path``, dotted like
    ``messages.0.role``; ``""`` for the value itself), a readable ``message`` naming that path, and
    a ``code``: ``missing_required_parameter``, ``invalid_type`` or ``invalid_value``."""

    path: str
    message: str
    code: str


def validate(value: Any, schema: Any, *, root: Any = None, path: str = "") -> Optional[SchemaError]:
    """Check ``value`` against ``schema``: ``None`` when valid, else the first problem found.

    Supported: ``type`` (``integer`` excludes ``1.0``), ``const``, ``enum``, ``anyOf``/``oneOf``/
    ``allOf``, local ``$ref`` (resolved in ``root``, default ``schema``), ``properties``/``required``/
    ``additionalProperties``, ``items``/``prefixItems``/``minItems``/``maxItems``/``uniqueItems``,
    numeric bounds, ``multipleOf``, ``minLength``/``maxLength``/``pattern``; other keywords are
    ignored. In a union of objects told apart by a ``const`` member (``role``, ``type``), only the
    alternative that member selects is reported on."""
    return _Validator(root if root is not None else schema).check(value, schema, path, 0)


_TYPE_NAMES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"))


def json_type(value: Any) -> str:
    """The JSON type name of a decoded JSON value."""
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "object"
    kind: type = type(value)  # pyright: ignore[reportUnknownVariableType]
    return next((name for cls, name in _TYPE_NAMES if isinstance(value, cls)), kind.__name__)


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, ``1`` is ``1.0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if json_type(a) in ("integer", "number") and json_type(b) in ("integer", "number"):
        return bool(a == b)
    return json_type(a) == json_type(b) and bool(a == b)


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _where(path: str) -> str:
    return f"'{path}'" if path else "the value"


def _join(path: str, key: Union[str, int]) -> str:
    return f"{path}.{key}" if path else str(key)


def _missing(path: str) -> SchemaError:
    return SchemaError(path, f"Missing required parameter: '{path}'.", "missing_required_parameter")


def _number(node: Mapping[str, Any], key: str) -> Optional[float]:
    value: Any = node.get(key)
    return float(value) if json_type(value) in ("integer", "number") else None


class _Validator:
    def __init__(self, root: Any) -> None:
        self._root = root

    def deref(self, schema: Any) -> Any:
        """``schema`` with a bare ``{"$ref": ...}`` replaced by its target (repeatedly)."""
        for _ in range(_MAX_DEPTH):
            if not isinstance(schema, Mapping):
                return schema
            node = cast(Mapping[str, Any], schema)
            ref = node.get("$ref")
            target = resolve_ref(self._root, ref) if isinstance(ref, str) and len(node) == 1 else None
            if target is None:
                return node
            schema = target
        return schema

    def check(self, value: Any, schema: Any, path: str, depth: int) -> Optional[SchemaError]:
        if schema is False:
            return SchemaError(
                path, f"Invalid value for {_where(path)}: no value is allowed here.", "invalid_value"
            )
        if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
            return None
        node = cast(Mapping[str, Any], schema)
        ref = node.get("$ref")
        if isinstance(ref, str):
            target = resolve_ref(self._root, ref)
            error = self.check(value, target, path, depth + 1) if target is not None else None
            if error is not None:
                return error
        if "const" in node and not _same(value, node["const"]):
            return self._bad(path, f"expected {_show(node['const'])}", value)
        options = as_list(node.get("enum"))
        if options is not None and not any(_same(value, o) for o in options):
            return self._bad(path, "expected one of " + ", ".join(_show(o) for o in options), value)
        declared = node.get("type")
        types = [declared] if isinstance(declared, str) else as_list(declared)
        actual = json_type(value)
        if types and actual not in types and not (actual == "integer" and "number" in types):
            expected = " or ".join(str(t) for t in types)
            return SchemaError(
                path, f"Invalid type for {_where(path)}: expected {expected}, got {actual}.", "invalid_type"
            )
        for key in ("anyOf", "oneOf"):
            alternatives = as_list(node.get(key))
            if alternatives:
                error = self._check_union(value, alternatives, path, depth, key == "oneOf")
                if error is not None:
                    return error
        for part in as_list(node.get("allOf")) or []:
            error = self.check(value, part, path, depth + 1)
            if error is not None:
                return error
        if isinstance(value, Mapping):
            return self._check_object(cast(Mapping[str, Any], value), node, path, depth)
        array = as_list(value)
        if array is not None:
            return self._check_array(array, node, path, depth)
        if json_type(value) in ("integer", "number"):
            return self._check_number(value, node, path)
        if isinstance(value, str):
            return self._check_string(value, node, path)
        return None

    @staticmethod
    def _bad(path: str, expected: str, value: Any) -> SchemaError:
        return SchemaError(
            path, f"Invalid value for {_where(path)}: {expected}, got {_show(value)}.", "invalid_value"
        )

    def _describe(self, schema: Any) -> str:
        node = self.deref(schema)
        if not isinstance(node, Mapping):
            return "any value"
        node = cast(Mapping[str, Any], node)
        if "const" in node:
            return _show(node["const"])
        options = as_list(node.get("enum"))
        if options is not None:
            return "one of " + ", ".join(_show(o) for o in options)
        alternatives = as_list(node.get("anyOf")) or as_list(node.get("oneOf"))
        if alternatives:
            return " or ".join(dict.fromkeys(self._describe(a) for a in alternatives))
        declared = node.get("type")
        types = [declared] if isinstance(declared, str) else as_list(declared) or []
        return " or ".join(str(t) for t in types) or "a value matching the schema"

    def _discriminate(self, value: Mapping[str, Any], alternatives: List[Any], path: str) -> Any:
        """For objects told apart by a ``const`` property: the alternatives it selects, or an error."""
        nodes = [cast(Mapping[str, Any], n) for n in map(self.deref, alternatives) if isinstance(n, Mapping)]
        if len(nodes) < len(alternatives) or not all(isinstance(n.get("properties"), Mapping) for n in nodes):
            return alternatives
        props = [cast(Mapping[str, Any], n["properties"]) for n in nodes]
        keys = [k for k, sub in props[0].items() if isinstance(sub, Mapping) and "const" in sub]
        for key in keys:
            if not all(isinstance(p.get(key), Mapping) and "const" in p[key] for p in props):
                continue
            consts = [p[key]["const"] for p in props]
            if key not in value:
                if all(key in (as_list(n.get("required")) or []) for n in nodes):
                    return _missing(_join(path, key))
                return alternatives
            chosen = [n for n, c in zip(nodes, consts) if _same(value[key], c)]
            if not chosen:
                expected = "expected one of " + ", ".join(_show(c) for c in consts)
                return self._bad(_join(path, key), expected, value[key])
            return chosen
        return alternatives

    def _check_union(
        self, value: Any, alternatives: List[Any], path: str, depth: int, exactly_one: bool
    ) -> Optional[SchemaError]:
        if isinstance(value, Mapping):
            picked = self._discriminate(cast(Mapping[str, Any], value), alternatives, path)
            if isinstance(picked, SchemaError):
                return picked
            if len(picked) < len(alternatives):
                errors = [self.check(value, a, path, depth + 1) for a in picked]
                return None if any(e is None for e in errors) else errors[0]
        errors = [self.check(value, a, path, depth + 1) for a in alternatives]
        passed = sum(e is None for e in errors)
        if passed:
            if exactly_one and passed > 1:
                return self._bad(path, "expected exactly one of the 'oneOf' alternatives to match", value)
            return None
        found = [e for e in errors if e is not None]
        deeper = [e for e in found if e.path != path]
        typed = [e for e in found if e.code != "invalid_type"]  # alternatives of the value's type
        if deeper:  # the alternative that got furthest into the value
            return max(deeper, key=lambda e: e.path.count("."))
        if len(typed) == 1:
            return typed[0]
        expected = " or ".join(dict.fromkeys(self._describe(a) for a in alternatives))
        code = "invalid_type" if all(e.code == "invalid_type" for e in found) else "invalid_value"
        return SchemaError(
            path, f"Invalid value for {_where(path)}: expected {expected}, got {_show(value)}.", code
        )

    def _check_object(
        self, value: Mapping[str, Any], node: Mapping[str, Any], path: str, depth: int
    ) -> Optional[SchemaError]:
        for name in as_list(node.get("required")) or []:
            if isinstance(name, str) and name not in value:
                return _missing(_join(path, name))
        properties = node.get("properties")
        props: Mapping[str, Any] = (
            cast(Mapping[str, Any], properties) if isinstance(properties, Mapping) else {}
        )
        for name, sub in props.items():
            if name in value:
                error = self.check(value[name], sub, _join(path, name), depth + 1)
                if error is not None:
                    return error
        extra = node.get("additionalProperties", True)
        for name in value:
            if name not in props and extra is not True:
                where = _join(path, str(name))
                if extra is False:
                    return SchemaError(where, f"Unknown parameter: '{where}'.", "unknown_parameter")
                error = self.check(value[name], extra, where, depth + 1)
                if error is not None:
                    return error
        return None

    def _check_array(
        self, value: List[Any], node: Mapping[str, Any], path: str, depth: int
    ) -> Optional[SchemaError]:
        prefix = as_list(node.get("prefixItems")) or []
        items = node.get("items")
        for i, item in enumerate(value):
            sub = prefix[i] if i < len(prefix) else items
            tuple_items = as_list(sub)
            if tuple_items is not None:  # draft-07 tuple form
                sub = tuple_items[i] if i < len(tuple_items) else None
            error = self.check(item, sub, _join(path, i), depth + 1)
            if error is not None:
                return error
        low, high = _number(node, "minItems"), _number(node, "maxItems")
        if low is not None and len(value) < low:
            return self._bad(path, f"expected at least {low:g} items", value)
        if high is not None and len(value) > high:
            return self._bad(path, f"expected at most {high:g} items", value)
        if node.get("uniqueItems") is True:
            seen: List[Any] = []
            for item in value:
                if any(_same(item, other) for other in seen):
                    return self._bad(path, "expected unique items", value)
                seen.append(item)
        return None

    def _check_number(self, value: Any, node: Mapping[str, Any], path: str) -> Optional[SchemaError]:
        number = float(value)
        low, high = _number(node, "minimum"), _number(node, "maximum")
        ex_low, ex_high = _number(node, "exclusiveMinimum"), _number(node, "exclusiveMaximum")
        if low is not None and number < low:
            return self._bad(path, f"expected a value >= {low:g}", value)
        if high is not None and number > high:
            return self._bad(path, f"expected a value <= {high:g}", value)
        if ex_low is not None and number <= ex_low:
            return self._bad(path, f"expected a value > {ex_low:g}", value)
        if ex_high is not None and number >= ex_high:
            return self._bad(path, f"expected a value < {ex_high:g}", value)
        step = _number(node, "multipleOf")
        if step and abs(number / step - round(number / step)) > 1e-9:
            return self._bad(path, f"expected a multiple of {step:g}", value)
        return None

    def _check_string(self, value: str, node: Mapping[str, Any], path: str) -> Optional[SchemaError]:
        low, high = _number(node, "minLength"), _number(node, "maxLength")
        if low is not None and len(value) < low:
            return self._bad(path, f"expected at least {low:g} characters", value)
        if high is not None and len(value) > high:
            return self._bad(path, f"expected at most {high:g} characters", value)
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            try:
                matched = re.search(pattern, value) is not None
            except re.error:
                matched = True
            if not matched:
                return self._bad(path, f"expected text matching {_show(pattern)}", value)
        return None

"""Deterministic example documents for JSON Schemas.

The mock server uses :func:`example_from_schema` to answer chat requests whose ``response_format``
is ``json_schema``: instead of echoing, it replies with a JSON document that satisfies the schema in
the most boring way possible, so structured-output examples and tests get a stable, valid answer.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union, cast

__all__ = ["as_list", "example_from_schema"]

_MAX_DEPTH = 32

_STRING_FORMATS: Dict[str, str] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "127.0.0.1",
    "ipv6": "::1",
    "uri": "https://example.com",
    "iri": "https://example.com",
    "uri-reference": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


def as_list(value: object) -> Optional[List[Any]]:
    """``value`` typed as ``List[Any]`` when it is a list, else ``None``."""
    if isinstance(value, list):
        result: List[Any] = cast(Any, value)
        return result
    return None


def example_from_schema(schema: Mapping[str, Any]) -> Any:
    """Build a small, deterministic JSON value that satisfies ``schema``.

    The rules are deliberately simple: strings become ``"example"`` (or a fitting value for a
    known ``format``), integers and numbers ``0`` (moved into ``minimum``/``maximum`` bounds),
    booleans ``true``, arrays hold one item (or ``minItems`` items), enums give their first value,
    ``const`` its value, objects get every declared property, and for unions (``anyOf``, ``oneOf``,
    a list of types) the first non-null alternative is used. Local ``$ref`` pointers (``#/$defs/...``,
    ``#/definitions/...``) are followed, so schemas produced by pydantic work as they are.
    """
    return _Builder(schema).build(schema, 0)


class _Builder:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self._root = root

    def build(self, schema: Any, depth: int) -> Any:
        if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
            return None if depth > _MAX_DEPTH else "example"
        node = cast(Mapping[str, Any], schema)

        ref = node.get("$ref")
        if isinstance(ref, str):
            target = self._resolve(ref)
            if target is not None:
                return self.build(target, depth + 1)

        if "const" in node:
            return node["const"]
        values = as_list(node.get("enum"))
        if values:
            non_null = [v for v in values if v is not None]
            return non_null[0] if non_null else values[0]

        for key in ("anyOf", "oneOf"):
            options = node.get(key)
            alternatives = as_list(options)
            if alternatives:
                choice = _first_non_null(alternatives)
                return self.build(_merge_siblings(node, choice), depth + 1)

        all_of = node.get("allOf")
        parts = as_list(all_of)
        if parts:
            return self._build_all_of(node, parts, depth)

        kind = _pick_type(node)
        if kind == "object":
            return self._build_object(node, depth)
        if kind == "array":
            return self._build_array(node, depth)
        if kind == "string":
            return _build_string(node)
        if kind == "integer":
            return _build_integer(node)
        if kind == "number":
            return _build_number(node)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return "example"

    def _resolve(self, ref: str) -> Optional[Any]:
        if not ref.startswith("#"):
            return None
        node: Any = self._root
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

    def _build_all_of(self, node: Mapping[str, Any], parts: List[Any], depth: int) -> Any:
        rest = {k: v for k, v in node.items() if k != "allOf"}
        values = [self.build(part, depth + 1) for part in parts]
        if rest:
            values.append(self.build(rest, depth + 1))
        dicts = [cast(Dict[str, Any], v) for v in values if isinstance(v, dict)]
        if dicts and len(dicts) == len(values):
            merged: Dict[str, Any] = {}
            for d in dicts:
                merged.update(d)
            return merged
        return values[0]

    def _build_object(self, node: Mapping[str, Any], depth: int) -> Dict[str, Any]:
        result: Dict[str, Any] = {}
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            for name, sub in cast(Mapping[str, Any], properties).items():
                result[name] = self.build(sub, depth + 1)
        for name in as_list(node.get("required")) or []:
            if isinstance(name, str) and name not in result:
                result[name] = "example"
        return result

    def _build_array(self, node: Mapping[str, Any], depth: int) -> List[Any]:
        items: List[Any] = []
        prefix = node.get("prefixItems")
        items.extend(self.build(sub, depth + 1) for sub in as_list(prefix) or [])
        item_schema = node.get("items")
        tuple_items = as_list(item_schema)
        if tuple_items is not None:  # draft-07 tuple form
            items.extend(self.build(sub, depth + 1) for sub in tuple_items)
            item_schema = None
        target = max(_as_int(node.get("minItems"), 0), len(items), 1)
        max_items = node.get("maxItems")
        if isinstance(max_items, int) and not isinstance(max_items, bool):
            target = min(target, max(max_items, 0))
        while len(items) < target and item_schema is not False:
            items.append(self.build(item_schema if item_schema is not None else {}, depth + 1))
        return items[:target]


def _first_non_null(options: List[Any]) -> Any:
    for option in options:
        if not _is_null_schema(option):
            return option
    return options[0]


def _is_null_schema(option: Any) -> bool:
    return isinstance(option, Mapping) and cast(Mapping[str, Any], option).get("type") == "null"


def _merge_siblings(node: Mapping[str, Any], choice: Any) -> Any:
    """Apply keywords written next to ``anyOf``/``oneOf`` (``properties``, ``required``, ``type``,
    ``items``) to the chosen alternative; the alternative's own keywords win."""
    if not isinstance(choice, Mapping):
        return choice
    merged: Dict[str, Any] = {
        k: v for k, v in node.items() if k in ("properties", "required", "type", "items")
    }
    merged.update(cast(Mapping[str, Any], choice))
    return merged


def _pick_type(node: Mapping[str, Any]) -> Optional[str]:
    declared = node.get("type")
    if isinstance(declared, str):
        return declared
    declared_list = as_list(declared)
    if declared_list is not None:
        names = [t for t in declared_list if isinstance(t, str)]
        for name in names:
            if name != "null":
                return name
        return names[0] if names else None
    if "properties" in node or "required" in node or "additionalProperties" in node:
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    return None


def _as_int(value: Any, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return default


def _build_string(node: Mapping[str, Any]) -> str:
    fmt = node.get("format")
    text = _STRING_FORMATS.get(fmt, "example") if isinstance(fmt, str) else "example"
    min_len = _as_int(node.get("minLength"), 0)
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


def _build_integer(node: Mapping[str, Any]) -> int:
    low, high, low_excl, high_excl = _bounds(node)
    value = 0
    if low is not None:
        start = math.floor(low) + 1 if low_excl else math.ceil(low)
        value = max(value, start)
    if high is not None:
        end = math.ceil(high) - 1 if high_excl else math.floor(high)
        value = min(value, end)
    return value


def _build_number(node: Mapping[str, Any]) -> Union[float, int]:
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
    return int(value) if float(value).is_integer() else value

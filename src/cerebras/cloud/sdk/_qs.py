"""Query-string encoding: lists repeat the key, nested mappings use `key[sub]`."""

from __future__ import annotations

from typing import Any, List, Mapping, Tuple
from urllib.parse import urlencode

from ._types import NotGiven, Omit


class Querystring:
    """Turns a params mapping into `(key, value)` pairs or an encoded query string."""

    array_format = "repeat"
    nested_format = "brackets"

    def stringify(self, params: Mapping[str, object]) -> str:
        return urlencode(self.stringify_items(params))

    def stringify_items(self, params: Mapping[str, object]) -> List[Tuple[str, str]]:
        items: List[Tuple[str, str]] = []
        for key, value in params.items():
            _flatten(key, value, items)
        return items


def _scalar(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _flatten(key: str, value: Any, out: List[Tuple[str, str]]) -> None:
    if value is None or isinstance(value, (NotGiven, Omit)):
        return
    if isinstance(value, Mapping):
        for sub_key, sub_value in value.items():  # pyright: ignore[reportUnknownVariableType]
            _flatten(f"{key}[{sub_key}]", sub_value, out)
    elif isinstance(value, (list, tuple)):
        for item in value:  # pyright: ignore[reportUnknownVariableType]
            _flatten(key, item, out)
    else:
        out.append((key, _scalar(value)))


querystring = Querystring()

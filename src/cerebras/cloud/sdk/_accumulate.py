"""Assemble streamed chunks into the object a non-streamed request would have returned.

A stream delivers one completion as many small objects. `ChatCompletionAccumulator` and
`TextCompletionAccumulator` fold them back together, key by key, following a small description
(`_Spec`) of how each key combines:

* text keys (`content`, `reasoning`, tool-call `arguments`, ...) are concatenated;
* list keys (log-probability entries, token ids) are concatenated;
* nested objects (`logprobs`, a delta's tool call's `function`) are merged the same way, recursively;
* indexed lists (`choices`, `tool_calls`) are merged item by item, matched on their `index`;
* any other key keeps the last non-null value seen (or the first, for tool calls, whose id and
  name arrive once). Keys the server never sent stay unset, so `to_dict()` of the result shows
  only what arrived (plus the keys the response model requires).

`add()` only records fragments; the joining happens in `result()`, which can be called at any time
and as often as wanted (each call builds a fresh snapshot).
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union, cast

import pydantic

from ._decoder import construct_type
from ._exceptions import CerebrasError
from .types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
from .types.completion import CompletionResponse

__all__ = [
    "ChatCompletionAccumulator",
    "CompletionAccumulator",
    "TextCompletionAccumulator",
    "accumulator_for",
]


class _Spec:
    """How the keys of one kind of JSON object combine across chunks."""

    __slots__ = ("defaults", "fixed", "indexed", "keep_first", "lists", "nested", "rename", "text")

    def __init__(
        self,
        *,
        text: Tuple[str, ...] = (),
        lists: Tuple[str, ...] = (),
        nested: Optional[Mapping[str, _Spec]] = None,
        indexed: Optional[Mapping[str, _Spec]] = None,
        keep_first: bool = False,
        rename: Optional[Mapping[str, str]] = None,
        defaults: Optional[Mapping[str, object]] = None,
        fixed: Optional[Mapping[str, object]] = None,
    ) -> None:
        self.text = frozenset(text)
        self.lists = frozenset(lists)
        self.nested: Mapping[str, _Spec] = nested or {}
        self.indexed: Mapping[str, _Spec] = indexed or {}
        self.keep_first = keep_first
        # output name of a key (a chunk's `delta` becomes the response's `message`)
        self.rename: Mapping[str, str] = rename or {}
        # required keys of the response model, written when no chunk carried them
        self.defaults: Mapping[str, object] = defaults or {}
        # keys whose value is always this one (`object`)
        self.fixed: Mapping[str, object] = fixed or {}


_CHAT_LOGPROBS = _Spec(lists=("content", "refusal"))
_CHAT_FUNCTION = _Spec(text=("arguments",), keep_first=True)
_CHAT_TOOL_CALL = _Spec(
    nested={"function": _CHAT_FUNCTION}, keep_first=True, defaults={"type": "function", "function": {}}
)
_CHAT_MESSAGE = _Spec(
    text=("content", "reasoning"),
    lists=("tokens",),
    indexed={"tool_calls": _CHAT_TOOL_CALL},
    defaults={"role": "assistant"},
)
_CHAT_CHOICE = _Spec(
    text=("text",),
    lists=("tokens",),
    nested={"delta": _CHAT_MESSAGE, "logprobs": _CHAT_LOGPROBS, "reasoning_logprobs": _CHAT_LOGPROBS},
    rename={"delta": "message"},
    defaults={"message": {"role": "assistant"}},
)
_CHAT = _Spec(
    indexed={"choices": _CHAT_CHOICE},
    defaults={"choices": []},
    fixed={"object": "chat.completion"},
)

_TEXT_LOGPROBS = _Spec(lists=("text_offset", "token_logprobs", "tokens", "top_logprobs"))
_TEXT_CHOICE = _Spec(text=("text",), lists=("tokens",), nested={"logprobs": _TEXT_LOGPROBS})
_TEXT = _Spec(
    indexed={"choices": _TEXT_CHOICE},
    defaults={"choices": []},
    fixed={"object": "text_completion"},
)


def _set_items(obj: object) -> Iterator[Tuple[str, object]]:
    """The keys that arrived in `obj` (a model or a raw JSON object) with their values."""
    if isinstance(obj, pydantic.BaseModel):
        arrived = obj.model_fields_set
        for key, value in obj.__dict__.items():
            if key in arrived:
                yield key, value
        extra = obj.model_extra
        if extra:
            yield from extra.items()
    elif isinstance(obj, Mapping):
        yield from cast(Mapping[str, object], obj).items()


def _get(obj: object, key: str) -> object:
    if isinstance(obj, pydantic.BaseModel):
        return getattr(obj, key, None)
    if isinstance(obj, Mapping):
        return cast(Mapping[str, object], obj).get(key)
    return None


def _plain(value: object) -> object:
    """`value` as plain JSON-like data, keeping only the keys that arrived."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(exclude_unset=True, by_alias=True, warnings=False)
    if isinstance(value, list):
        return [_plain(item) for item in cast(List[object], value)]
    if isinstance(value, dict):  # raw JSON kept for an unknown key: copied, so results never share it
        return {k: _plain(v) for k, v in cast(Dict[str, object], value).items()}
    return value


class _Merged:
    """One JSON object being assembled from fragments according to its `_Spec`."""

    __slots__ = ("_children", "_lists", "_parts", "_spec", "_values")

    def __init__(self, spec: _Spec) -> None:
        self._spec = spec
        self._values: Dict[str, object] = {}
        self._parts: Dict[str, Optional[List[object]]] = {}
        self._children: Dict[str, Optional[_Merged]] = {}
        self._lists: Dict[str, _IndexedList] = {}

    def add(self, obj: object) -> None:
        spec = self._spec
        for key, value in _set_items(obj):
            if key in spec.text or key in spec.lists:
                parts = self._parts.get(key)
                if isinstance(value, str) if key in spec.text else isinstance(value, list):
                    if parts is None:
                        parts = self._parts[key] = []
                    if isinstance(value, str):
                        parts.append(value)
                    else:
                        parts.extend(cast(List[object], value))
                elif key not in self._parts:
                    self._parts[key] = None  # sent, but only as null (or junk) so far
            elif key in spec.nested:
                child = self._children.get(key)
                if value is None:
                    self._children.setdefault(key, None)
                    continue
                if child is None:
                    child = self._children[key] = _Merged(spec.nested[key])
                child.add(value)
            elif key in spec.indexed:
                items = self._lists.get(key)
                if items is None:
                    items = self._lists[key] = _IndexedList(spec.indexed[key])
                items.add(value)
            elif key in spec.fixed:
                continue
            elif value is None:
                self._values.setdefault(key, None)
            elif not spec.keep_first or self._values.get(key) is None:
                self._values[key] = value

    def first_id(self) -> object:
        """The `id` this object received, if any."""
        return self._values.get("id")

    def build(self) -> Dict[str, object]:
        spec = self._spec
        out: Dict[str, object] = dict(spec.fixed)
        for key, value in self._values.items():
            out[key] = _plain(value)
        for key, parts in self._parts.items():
            if parts is None:
                out[key] = None
            elif key in spec.text:
                out[key] = "".join(cast(List[str], parts))
            else:
                out[key] = [_plain(part) for part in parts]
        for key, child in self._children.items():
            out[spec.rename.get(key, key)] = None if child is None else child.build()
        for key, items in self._lists.items():
            out[key] = items.build()
        for key, default in spec.defaults.items():
            if out.get(key) is None:
                out[key] = _fresh(default)
        return out


def _fresh(default: object) -> object:
    # Defaults are small literals; containers are copied so results never share them.
    if isinstance(default, dict):
        return {k: _fresh(v) for k, v in cast(Dict[str, object], default).items()}
    if isinstance(default, list):
        return [_fresh(v) for v in cast(List[object], default)]
    return default


class _IndexedList:
    """A list whose items arrive in fragments, matched on their `index` key.

    A fragment without an integer `index` continues the item the previous fragment belonged to,
    unless it carries an `id` different from that item's, in which case it starts a new item.
    """

    __slots__ = ("_items", "_last", "_spec")

    def __init__(self, spec: _Spec) -> None:
        self._spec = spec
        self._items: Dict[int, _Merged] = {}
        self._last: Optional[int] = None

    def add(self, value: object) -> None:
        if not isinstance(value, list):
            return
        for fragment in cast(List[object], value):
            position = self._position(fragment)
            item = self._items.get(position)
            if item is None:
                item = self._items[position] = _Merged(self._spec)
            item.add(fragment)
            self._last = position

    def _position(self, fragment: object) -> int:
        index = _get(fragment, "index")
        if isinstance(index, int) and not isinstance(index, bool):
            return index
        last = self._last
        if last is not None:
            new_id = _get(fragment, "id")
            if new_id is None or new_id == self._items[last].first_id():
                return last
        return max(self._items, default=-1) + 1

    def build(self) -> List[Dict[str, object]]:
        return [self._items[position].build() for position in sorted(self._items)]


class _Accumulator:
    """What both accumulators share: the envelope, the chunk count and building the result."""

    _spec: _Spec
    _chunk_type: Any
    _result_type: Any

    def __init__(self) -> None:
        self._merged = _Merged(self._spec)
        self._count = 0

    @property
    def chunk_count(self) -> int:
        """How many chunks were added so far."""
        return self._count

    def _add(self, chunk: object) -> None:
        if not isinstance(chunk, self._chunk_type):
            raise TypeError(
                f"{type(self).__name__} accepts {self._chunk_type.__name__} chunks, "
                f"got {type(chunk).__name__}"
            )
        self._merged.add(chunk)
        self._count += 1

    def _result(self) -> Any:
        if not self._count:
            raise CerebrasError("No chunk has been added yet, so there is no completion to assemble.")
        return construct_type(type_=self._result_type, value=self._merged.build())


class ChatCompletionAccumulator(_Accumulator):
    """Folds the `ChatChunkResponse` chunks of one streamed chat completion into a `ChatCompletionResponse`.

    ```py
    acc = ChatCompletionAccumulator()
    for chunk in client.chat.completions.create(..., stream=True):
        acc.add(chunk)
    completion = acc.result()
    ```

    Per choice (matched on `index`, listed in index order): `delta.content` and
    `delta.reasoning` are concatenated into `message.content` / `message.reasoning`; the role is
    the last one sent (`"assistant"` if none was); tool-call fragments are joined on their
    `index`, taking `id`, `type` and `function.name` from the first fragment that has them and
    concatenating `function.arguments`; `finish_reason` is the last non-null value; the `content`
    and `refusal` lists of `logprobs` and `reasoning_logprobs` are concatenated. Top-level fields
    (`id`, `created`, `model`, `system_fingerprint`, `service_tier`, `usage`, `time_info`, and
    unknown keys) keep the last non-null value, wherever in the stream it arrived.

    Keys no chunk carried are left unset on the result, so `to_dict()` looks like a
    non-streamed response: a delta that only ever carried `"content": ""` gives `content == ""`.
    """

    _spec = _CHAT
    _chunk_type = ChatChunkResponse
    _result_type = ChatCompletionResponse

    def add(self, chunk: ChatChunkResponse) -> None:
        """Record one chunk; cheap, the joining is done by `result()`."""
        self._add(chunk)

    def result(self) -> ChatCompletionResponse:
        """The completion assembled from every chunk added so far (a new object on each call).

        Raises `CerebrasError` when no chunk was added.
        """
        return cast(ChatCompletionResponse, self._result())


class TextCompletionAccumulator(_Accumulator):
    """Folds the chunks of one streamed text completion into a single `CompletionResponse`.

    Per choice (matched on `index`): `text` and `tokens` are concatenated, as are the four lists
    of `logprobs` (`text_offset`, `token_logprobs`, `tokens`, `top_logprobs`); `finish_reason` and
    every other key keep the last non-null value. Top-level fields work as in
    `ChatCompletionAccumulator`.
    """

    _spec = _TEXT
    _chunk_type = CompletionResponse
    _result_type = CompletionResponse

    def add(self, chunk: CompletionResponse) -> None:
        """Record one chunk; cheap, the joining is done by `result()`."""
        self._add(chunk)

    def result(self) -> CompletionResponse:
        """The completion assembled from every chunk added so far (a new object on each call).

        Raises `CerebrasError` when no chunk was added.
        """
        return cast(CompletionResponse, self._result())


CompletionAccumulator = Union[ChatCompletionAccumulator, TextCompletionAccumulator]
"""Either accumulator."""


def accumulator_for(chunk: object) -> CompletionAccumulator:
    """A new, empty accumulator suited to chunks like `chunk` (chat or text completion)."""
    if isinstance(chunk, ChatChunkResponse):
        return ChatCompletionAccumulator()
    if isinstance(chunk, CompletionResponse):
        return TextCompletionAccumulator()
    raise TypeError(
        "Only chat completion chunks (ChatChunkResponse) and text completion chunks "
        f"(CompletionResponse) can be assembled into a completion, got {type(chunk).__name__}"
    )

"""A cheap, deterministic estimate of the tokens a completion request is admitted on.

The API admits a request on its input tokens plus the output it may produce. Without the
model's tokenizer the input is estimated from the text: a quarter of its characters, rounded up,
plus `MESSAGE_OVERHEAD` tokens per chat message (role and framing). The output is
`max_completion_tokens`, else `max_tokens`, else `DEFAULT_COMPLETION_TOKENS`, for each choice
(`n`) of each prompt. The runner corrects the budget with the `usage` each response reports, so
the estimate only has to be good enough to keep the requests in flight under the limit.
"""

from __future__ import annotations

import collections.abc as abc
from typing import Any, List, Mapping, cast

__all__ = ["DEFAULT_COMPLETION_TOKENS", "MESSAGE_OVERHEAD", "estimate_tokens"]

DEFAULT_COMPLETION_TOKENS = 1024
"""Output tokens reserved for a request that sets neither `max_completion_tokens` nor `max_tokens`."""

MESSAGE_OVERHEAD = 4
"""Tokens counted for each chat message on top of its text."""


def _chars(value: object) -> int:
    """The length of every string inside `value` (content parts, tool calls, nested lists)
    together. Counted in place rather than by collecting the strings: it runs for every request."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, abc.Mapping):  # not `typing.Mapping`: its isinstance is several times slower
        items: Any = cast(Mapping[str, Any], value).values()
    elif isinstance(value, (list, tuple)):
        items = cast(List[Any], value)
    else:
        return 0
    total = 0
    for item in items:
        total += len(item) if isinstance(item, str) else _chars(item)
    return total


def _items(value: object) -> List[Any]:
    return list(cast(List[Any], value)) if isinstance(value, (list, tuple)) else []


def _ids(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return 1
    return sum(_ids(item) for item in _items(value))


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else -1


def estimate_tokens(
    body: Mapping[str, Any], *, default_completion_tokens: int = DEFAULT_COMPLETION_TOKENS
) -> int:
    """The estimated tokens of a chat (`messages`) or text (`prompt`) completion body."""
    messages: object = body.get("messages")
    raw: object = body.get("prompt")
    listed = _items(messages)
    if isinstance(messages, (list, tuple)):
        prompt = -(-_chars(listed) // 4) + MESSAGE_OVERHEAD * len(listed)
        prompts = 1
    else:
        # A prompt of token ids (a list of ints, or a list of such lists) is counted id by id.
        prompt = -(-_chars(raw) // 4) + _ids(raw)
        items = _items(raw)
        prompts = len(items) if items and all(isinstance(item, (str, list)) for item in items) else 1
    n = _count(body.get("n"))
    limit = _count(body.get("max_completion_tokens"))
    if limit < 0:
        limit = _count(body.get("max_tokens"))
    output = limit if limit >= 0 else default_completion_tokens
    return max(1, prompt) + prompts * max(1, n) * output

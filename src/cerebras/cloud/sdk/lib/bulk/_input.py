"""The runner's input: Batch API request lines (`custom_id`, `method`, `url`, `body`), read lazily.

The rules are the Batch API's (`lib.batch_input`), except that `url` may also be
`/v1/completions` and a run has no minimum or maximum number of lines. A line that is not JSON,
or breaks a rule, or repeats an earlier `custom_id`, raises `BatchInputError` naming the line.
Blank lines are skipped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple, Union

from ..batch_input import BatchInputError, check_request
from ._estimate import estimate_tokens
from ._idset import IdSet

__all__ = ["ENDPOINTS", "BulkRequest", "check_input_file", "read_input_file", "to_request"]

ENDPOINTS: Tuple[str, ...] = ("/v1/chat/completions", "/v1/completions")
"""The endpoints a bulk run may call: chat and text completions."""

StrPath = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class BulkRequest:
    """One checked input line: the request to send and its token estimate."""

    custom_id: str
    url: str
    body: Dict[str, Any]
    tokens: int
    line: Optional[int] = None


def to_request(
    request: object, *, line: Optional[int], seen: Optional[IdSet], default_completion_tokens: int
) -> BulkRequest:
    """Check one line (and, with `seen`, that its `custom_id` is new) and estimate its tokens."""
    custom_id, _, body = check_request(request, endpoints=ENDPOINTS, line=line)
    if seen is not None and not seen.add(custom_id):
        raise BatchInputError("duplicate custom_id, used on an earlier line", line=line, custom_id=custom_id)
    fields: Mapping[str, Any] = request  # type: ignore[assignment]  # checked to be a mapping
    body = dict(body)
    tokens = estimate_tokens(body, default_completion_tokens=default_completion_tokens)
    return BulkRequest(custom_id, str(fields["url"]), body, tokens, line)


def read_input_file(path: StrPath) -> Iterator[Tuple[int, Any]]:
    """`(line number, decoded JSON)` for each non-blank line of a JSONL file, one at a time."""
    with open(path, "rb") as file:
        for number, raw in enumerate(file, start=1):
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw)
            except ValueError as exc:
                reason = (
                    f"not valid JSON ({exc})"
                    if isinstance(exc, json.JSONDecodeError)
                    else f"not UTF-8 ({exc})"
                )
                raise BatchInputError(reason, line=number) from None


def check_input_file(path: StrPath, *, default_completion_tokens: int, finished: IdSet) -> Tuple[int, int]:
    """Check every line of an input file before anything is sent; return how many requests it
    holds and how many of those are in `finished` already."""
    seen = IdSet()
    count = done = 0
    for number, value in read_input_file(path):
        request = to_request(
            value, line=number, seen=seen, default_completion_tokens=default_completion_tokens
        )
        count += 1
        done += request.custom_id in finished
    return count, done

"""Reading and validating a batch input file (JSONL, one chat completion request per line)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple, cast

__all__ = ["BATCH_ENDPOINT", "BatchLine", "BatchRules", "read_input"]

BATCH_ENDPOINT = "/v1/chat/completions"


@dataclass
class BatchRules:
    """What a batch input file must satisfy to leave ``validating``.

    ``min_requests``/``max_requests``: the documented 10..50,000 requests per file.
    ``single_model``: every line must name the same model. The docs only show this rule through a
    failed batch, so it can be switched off.
    """

    min_requests: int = 10
    max_requests: int = 50_000
    single_model: bool = True


@dataclass
class BatchLine:
    """One request of a batch: its line number in the file (from 1), ``custom_id`` and body."""

    number: int
    custom_id: str
    body: Dict[str, Any]


def _line(number: int, raw: bytes) -> Tuple[Optional[BatchLine], Optional[str]]:
    """The request on one line, or why the line is invalid."""
    where = f"Line {number}"
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, f"{where}: not valid JSON."
    if not isinstance(value, dict):
        return None, f"{where}: each line must be a JSON object."
    item = cast(Dict[str, Any], value)
    for key in ("custom_id", "method", "url", "body"):
        if key not in item:
            return None, f"{where}: missing required field '{key}'."
    custom_id, method, url, body = item["custom_id"], item["method"], item["url"], item["body"]
    if not isinstance(custom_id, str) or not custom_id:
        return None, f"{where}: 'custom_id' must be a non-empty string."
    if method != "POST":
        return None, f"{where}: 'method' must be 'POST', got {method!r}."
    if url != BATCH_ENDPOINT:
        return None, f"{where}: 'url' must be '{BATCH_ENDPOINT}', got {url!r}."
    if not isinstance(body, dict):
        return None, f"{where}: 'body' must be a JSON object."
    return BatchLine(number, custom_id, cast(Dict[str, Any], body)), None


def read_input(content: bytes, rules: BatchRules) -> Tuple[List[BatchLine], Optional[str]]:
    """The requests of an input file and the first reason it is invalid (``None`` when valid).

    Blank lines are skipped. The reason names the offending line: not JSON, a missing field,
    ``method`` other than POST, ``url`` other than ``/v1/chat/completions``, a repeated
    ``custom_id``, a second model (with ``rules.single_model``); or the file holds fewer than
    ``rules.min_requests`` or more than ``rules.max_requests`` requests.
    """
    lines: List[BatchLine] = []
    seen: Dict[str, int] = {}
    first_model: Optional[Tuple[str, int]] = None
    for number, raw in enumerate(content.split(b"\n"), start=1):
        if not raw.strip():
            continue
        line, problem = _line(number, raw)
        if line is None:
            return lines, problem
        if line.custom_id in seen:
            return lines, (
                f"Line {number}: custom_id {line.custom_id!r} is already used on line {seen[line.custom_id]}; "
                "custom_id values must be unique."
            )
        seen[line.custom_id] = number
        model = line.body.get("model")
        if rules.single_model and isinstance(model, str):
            if first_model is None:
                first_model = (model, number)
            elif model != first_model[0]:
                return lines, (
                    f"Line {number}: model {model!r} differs from {first_model[0]!r} (line {first_model[1]}); "
                    "a batch input file may use only one model."
                )
        lines.append(line)
    if len(lines) < rules.min_requests:
        return (
            lines,
            f"The input file holds {len(lines)} requests; a batch needs at least {rules.min_requests}.",
        )
    if len(lines) > rules.max_requests:
        return (
            lines,
            f"The input file holds {len(lines)} requests; a batch allows at most {rules.max_requests}.",
        )
    return lines, None

"""Scripting the mock server from a shell: fault options and JSON script files.

Both ``python -m cerebras.cloud.sdk.testing`` and ``cerebras --mock`` turn their options into a list
of :class:`Step` objects, in the order they were given, and apply them to a
:class:`~cerebras.cloud.sdk.testing.MockCerebrasServer` through its public ``add_*`` methods only.

Options (``N`` is a positive count, or ``*`` for every request; the default is 1)::

    --fail STATUS[xN]          add_error(STATUS, times=N)                e.g. --fail 429x2
    --delay SECONDS[xN]        add_delay(SECONDS, times=N)               e.g. --delay 1.5
    --chunk-delay SECONDS[xN]  add_delay(0, chunk_delay=SECONDS, times=N)
    --disconnect               add_disconnect()  (close the connection before answering)
    --script FILE              the steps listed in FILE

A script file holds a JSON list of steps (or ``{"steps": [...]}``). Each step is an object naming
one kind with its main value, plus keyword arguments of the matching ``add_*`` method::

    [
      {"error": 429, "times": 2, "headers": {"retry-after-ms": "10"}},
      {"delay": 1.5},
      {"reply": "Scripted answer.", "reasoning": "Thinking..."},
      {"disconnect": "mid_stream", "after_chunks": 2},
      {"stream_error": 3, "message": "Stream broke."},
      {"json": {"id": "m1", "object": "model"}, "route": "models"}
    ]

Standard library only, like the rest of this package.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, cast

__all__ = [
    "FAULT_OPTIONS",
    "ScriptFileError",
    "Step",
    "apply_steps",
    "load_script",
    "parse_steps",
    "steps_from_options",
]

FAULT_OPTIONS: Tuple[str, ...] = ("--fail", "--delay", "--chunk-delay", "--disconnect", "--script")
"""The shell options both launchers accept, in the order :func:`steps_from_options` knows them."""


class ScriptFileError(ValueError):
    """A fault option or a script file step is invalid; the message names the culprit."""


@dataclass
class Step:
    """One call to make on the server: ``getattr(server, method)(*args, **kwargs)``."""

    method: str
    args: Tuple[Any, ...] = ()
    kwargs: Dict[str, Any] = field(default_factory=lambda: {})
    source: str = ""  # where it came from, for error messages ("--fail 429x2", "file.json: step 3")

    def apply(self, server: Any) -> Any:
        try:
            return getattr(server, self.method)(*self.args, **self.kwargs)
        except (TypeError, ValueError) as exc:
            raise ScriptFileError(f"{self.source}: {exc}") from None


def apply_steps(server: Any, steps: Iterable[Step]) -> None:
    """Queue every step on ``server`` (a :class:`MockCerebrasServer`), in order."""
    for step in steps:
        step.apply(server)


# ------------------------------------------------------------------------------------------------
# value checks (each returns the value, or raises ValueError with a short reason)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _seconds(value: Any) -> float:
    if not _is_number(value) or value < 0:
        raise ValueError("must be a number of seconds, 0 or more")
    return float(value)


def _status(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 599:
        raise ValueError("must be an HTTP status code (100 to 599)")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be a whole number, 0 or more")
    return value


def _times(value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a positive whole number, or null for every request")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _optional_text(value: Any) -> Optional[str]:
    return None if value is None else _text(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _optional_flag(value: Any) -> Optional[bool]:
    return None if value is None else _flag(value)


def _object(value: Any) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("must be a JSON object")
    return cast("Dict[str, Any]", value)


def _headers(value: Any) -> Dict[str, str]:
    headers = _object(value)
    for name, item in headers.items():
        if not isinstance(item, (str, int, float)) or isinstance(item, bool):
            raise ValueError(f"header {name!r} must be a string or a number")
    return {name: str(item) for name, item in headers.items()}


def _list(value: Any) -> List[Any]:
    if not isinstance(value, list):
        raise ValueError("must be a JSON list")
    return cast("List[object]", value)


def _objects(value: Any) -> List[Dict[str, Any]]:
    items = _list(value)
    if not all(isinstance(item, dict) for item in items):
        raise ValueError("must be a list of JSON objects")
    return cast("List[Dict[str, Any]]", items)


def _sse(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        items = cast("List[object]", value)
        if all(isinstance(item, str) for item in items):
            return items
    raise ValueError("must be a string or a list of strings")


def _anything(value: Any) -> Any:
    return value


def _stage(value: Any) -> str:
    if value is True:
        return "before_headers"
    stage = value.replace("-", "_") if isinstance(value, str) else value
    if stage not in _STAGES:
        raise ValueError("must be true or one of 'before_headers', 'mid_body', 'mid_stream'")
    return cast(str, stage)


_STAGES = ("before_headers", "mid_body", "mid_stream")

Check = Callable[[Any], Any]

_COMMON: Dict[str, Check] = {"route": _optional_text, "times": _times, "delay": _seconds, "headers": _headers}
_ERROR_FIELDS: Dict[str, Check] = {
    "message": _optional_text,
    "type": _optional_text,
    "code": _optional_text,
    "param": _optional_text,
    "body": _anything,
}


@dataclass(frozen=True)
class _Kind:
    method: str
    main: Check  # the check of the kind key's value
    positional: bool  # whether that value is passed positionally (else as `keyword`)
    keyword: str
    options: Dict[str, Check]


_KINDS: Dict[str, _Kind] = {
    "reply": _Kind(
        "add_reply",
        _optional_text,
        False,
        "content",
        {
            "tool_calls": _objects,
            "reasoning": _optional_text,
            "finish_reason": _optional_text,
            "usage": _object,
            "time_info": _object,
            "model": _optional_text,
            "stream": _optional_flag,
            "chunk_delay": _seconds,
            **_COMMON,
        },
    ),
    "json": _Kind(
        "add_json", _anything, True, "body", {"status": _status, "content_type": _optional_text, **_COMMON}
    ),
    "raw": _Kind(
        "add_raw", _text, True, "body", {"status": _status, "content_type": _optional_text, **_COMMON}
    ),
    "stream": _Kind(
        "add_stream",
        _list,
        True,
        "events",
        {
            "done": _flag,
            "status": _status,
            "content_type": _optional_text,
            "chunk_delay": _seconds,
            **_COMMON,
        },
    ),
    "raw_sse": _Kind(
        "add_raw_sse",
        _sse,
        True,
        "data",
        {"status": _status, "content_type": _optional_text, "chunk_delay": _seconds, **_COMMON},
    ),
    "error": _Kind(
        "add_error", _status, True, "status", {**_ERROR_FIELDS, "content_type": _optional_text, **_COMMON}
    ),
    "delay": _Kind(
        "add_delay",
        _seconds,
        True,
        "seconds",
        {"chunk_delay": _seconds, "route": _optional_text, "times": _times, "headers": _headers},
    ),
    "disconnect": _Kind(
        "add_disconnect",
        _stage,
        True,
        "stage",
        {"after_chunks": _count, "chunk_delay": _seconds, **_COMMON},
    ),
    "stream_error": _Kind(
        "add_stream_error",
        _count,
        True,
        "after_chunks",
        {
            "status_code": _status,
            **_ERROR_FIELDS,
            "event": _optional_text,
            "content": _optional_text,
            "done": _flag,
            "chunk_delay": _seconds,
            **_COMMON,
        },
    ),
}

_KIND_NAMES = ", ".join(repr(name) for name in _KINDS)


# ------------------------------------------------------------------------------------------------
# script files


def _kind_of(step: Mapping[str, Any], where: str) -> str:
    kinds = [key for key in step if key in _KINDS]
    if len(kinds) > 1 and "delay" in kinds:  # "delay" doubles as an option of every other kind
        kinds.remove("delay")
    if not kinds:
        raise ScriptFileError(f"{where}: a step needs one of the keys {_KIND_NAMES}")
    if len(kinds) > 1:
        raise ScriptFileError(f"{where}: a step has one kind, found {', '.join(repr(k) for k in kinds)}")
    return kinds[0]


def _parse_step(step: Any, where: str) -> Step:
    if not isinstance(step, dict):
        raise ScriptFileError(f"{where}: a step must be a JSON object, not {_json_type(step)}")
    fields = cast("Dict[str, Any]", step)
    name = _kind_of(fields, where)
    kind = _KINDS[name]
    where = f"{where} ({name!r})"
    try:
        main = kind.main(fields[name])
    except ValueError as exc:
        raise ScriptFileError(f"{where}: {name!r} {exc}") from None
    args: Tuple[Any, ...] = (main,) if kind.positional else ()
    kwargs: Dict[str, Any] = {} if kind.positional else {kind.keyword: main}
    for key, value in fields.items():
        if key == name:
            continue
        check = kind.options.get(key)
        if check is None:
            allowed = ", ".join(sorted(kind.options))
            raise ScriptFileError(f"{where}: unknown key {key!r} (allowed: {allowed})")
        try:
            kwargs[key] = check(value)
        except ValueError as exc:
            raise ScriptFileError(f"{where}: {key!r} {exc}") from None
    return Step(kind.method, args, kwargs, where)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def parse_steps(data: Any, source: str = "script") -> List[Step]:
    """Validate decoded script data (a list of steps, or ``{"steps": [...]}``) into steps.

    Raises :class:`ScriptFileError` naming ``source`` and the (1-based) number of the bad step.
    """
    if isinstance(data, dict):
        top = cast("Dict[str, Any]", data)
        extra = sorted(key for key in top if key != "steps")
        if extra or "steps" not in top:
            raise ScriptFileError(f"{source}: expected a list of steps, or an object with only a 'steps' key")
        data = top["steps"]
    if not isinstance(data, list):
        raise ScriptFileError(f"{source}: expected a list of steps, not {_json_type(data)}")
    items = cast("List[object]", data)
    return [_parse_step(step, f"{source}: step {number}") for number, step in enumerate(items, 1)]


def load_script(path: str) -> List[Step]:
    """Read and validate a JSON script file; raises :class:`ScriptFileError` with a clear reason."""
    try:
        with open(path, encoding="utf-8") as file:
            text = file.read()
    except OSError as exc:
        raise ScriptFileError(f"cannot read script file {path!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ScriptFileError(f"{path}: not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScriptFileError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    return parse_steps(data, path)


# ------------------------------------------------------------------------------------------------
# shell options

_REPEAT_RE = re.compile(r"^(?P<value>.+?)(?:[xX](?P<times>\d+|\*))?$")


def _split_times(option: str, text: str) -> Tuple[str, Optional[int]]:
    match = _REPEAT_RE.match(text.strip())
    if match is None:
        raise ScriptFileError(f"{option}: missing value")
    times_text = match.group("times")
    if times_text is None:
        return match.group("value"), 1
    if times_text == "*":
        return match.group("value"), None
    times = int(times_text)
    if times < 1:
        raise ScriptFileError(f"{option} {text}: the count after 'x' must be at least 1 (or '*')")
    return match.group("value"), times


def _option_seconds(option: str, text: str) -> Tuple[float, Optional[int]]:
    value, times = _split_times(option, text)
    try:
        seconds = float(value)
    except ValueError:
        raise ScriptFileError(f"{option} {text}: expected SECONDS[xN], e.g. 1.5 or 0.2x3") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ScriptFileError(f"{option} {text}: seconds must be 0 or more")
    return seconds, times


def parse_option(option: str, text: Optional[str]) -> List[Step]:
    """The steps one shell option stands for (``--script`` reads its file)."""
    source = option if text is None else f"{option} {text}"
    if option == "--disconnect":
        return [Step("add_disconnect", ("before_headers",), {}, source)]
    if text is None:
        raise ScriptFileError(f"{option}: missing value")
    if option == "--script":
        return load_script(text)
    if option == "--fail":
        value, times = _split_times(option, text)
        try:
            number = int(value)
        except ValueError:
            raise ScriptFileError(f"{source}: expected STATUS[xN], e.g. 500 or 429x2") from None
        try:
            status = _status(number)
        except ValueError as exc:
            raise ScriptFileError(f"{source}: the status {exc}") from None
        return [Step("add_error", (status,), {"times": times}, source)]
    if option == "--delay":
        seconds, times = _option_seconds(option, text)
        return [Step("add_delay", (seconds,), {"times": times}, source)]
    if option == "--chunk-delay":
        seconds, times = _option_seconds(option, text)
        return [Step("add_delay", (0.0,), {"chunk_delay": seconds, "times": times}, source)]
    raise ScriptFileError(f"unknown option {option!r}")


def steps_from_options(given: Sequence[Tuple[str, Optional[str]]]) -> List[Step]:
    """Turn ``(option, value)`` pairs, in command-line order, into steps."""
    steps: List[Step] = []
    for option, text in given:
        steps.extend(parse_option(option, text))
    return steps

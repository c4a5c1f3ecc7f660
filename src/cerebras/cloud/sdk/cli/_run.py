"""The commands of the ``cerebras`` command line.

Imported only after the arguments were parsed and a request is to be made: this is where the client
(and with it pydantic and the models) gets loaded.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import logging
import re
import sys
import traceback
from contextlib import ExitStack
from typing import (
    TYPE_CHECKING,
    Callable,
    Dict,
    Generator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
    cast,
)

import httpx

from .._client import Cerebras
from .._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    CerebrasError,
)
from .._types import NOT_GIVEN, NotGiven, Omit, omit
from ..types.chat.chat_completion import ChatCompletionResponse, ErrorChunkResponse
from ..types.completion import CompletionResponse
from ..types.completion import ErrorChunkResponse as TextErrorChunkResponse
from . import _EMPTY_MESSAGE, EXIT_API_STATUS, EXIT_CONNECTION, EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE
from ._bulk import BULK_COMMANDS
from ._platform import PLATFORM_COMMANDS
from ._term import Console

if TYPE_CHECKING:
    from ..types.chat.completion_create_params import Message
    from . import Settings

__all__ = ["describe_error", "run"]


Command = Callable[[Cerebras, argparse.Namespace, "Settings", Console], int]


def run(options: argparse.Namespace, settings: Settings, console: Console) -> int:
    """Run the parsed command; returns the exit status. API errors are reported on stderr."""
    with ExitStack() as stack:
        api_key = settings.api_key
        base_url = settings.base_url
        if settings.mock:
            from ..testing import MockCerebrasServer
            from ..testing._script_file import ScriptFileError, apply_steps

            mock = MockCerebrasServer()
            try:
                apply_steps(mock, getattr(options, "mock_steps", None) or [])
            except ScriptFileError as exc:
                console.error(str(exc))
                return EXIT_USAGE
            server = stack.enter_context(mock)
            base_url = server.base_url
            api_key = api_key or "mock-key"

        timeout: Union[float, NotGiven] = settings.timeout if settings.timeout is not None else NOT_GIVEN
        max_retries = settings.max_retries if settings.max_retries is not None else 2
        try:
            client = Cerebras(
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                warm_tcp_connection=False,
            )
        except (TypeError, ValueError) as exc:
            console.error(_redact(f"invalid setting: {_one_line(str(exc))}", api_key))
            return EXIT_USAGE
        stack.callback(client.close)

        command = _COMMANDS[str(options.command)]
        retries = _RetryNotes(console, max_retries)
        try:
            with retries.watching():
                return command(client, options, settings, console)
        except CerebrasError as exc:
            status, message = describe_error(exc, attempts=retries.count + 1, timeout=client.timeout)
            if settings.debug and status == EXIT_UNEXPECTED:
                traceback.print_exc()
            console.error(_redact(message, api_key))
            return status


# ------------------------------------------------------------------------------------------------
# retries

# The client announces each retry with an INFO record on this logger ("Retrying request to %s in
# %f seconds", the path and the delay), just before it waits.
_RETRY_LOGGER = "cerebras.cloud.sdk._base_client"


class _RetryNotes(logging.Handler):
    """Counts the client's retries and says on stderr that one is coming, so that a slow failure is
    not silent: ``cerebras: attempt 1 of 3 failed; retrying in 0.5 s``."""

    def __init__(self, console: Console, max_retries: int) -> None:
        super().__init__(logging.INFO)
        self.console = console
        self.max_retries = max_retries
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if not str(record.msg).startswith("Retrying request"):
            return
        self.count += 1
        args = record.args if isinstance(record.args, tuple) else ()
        delay = args[1] if len(args) > 1 and isinstance(args[1], (int, float)) else None
        wait = f"; retrying in {_seconds(float(delay))}" if delay is not None else "; retrying"
        try:
            self.console.note(f"attempt {self.count} of {self.max_retries + 1} failed{wait}")
        except (OSError, ValueError):
            pass

    @contextlib.contextmanager
    def watching(self) -> Generator[None, None, None]:
        logger = logging.getLogger(_RETRY_LOGGER)
        level = logger.level
        if not logger.isEnabledFor(logging.INFO):
            logger.setLevel(logging.INFO)
        logger.addHandler(self)
        try:
            yield
        finally:
            logger.removeHandler(self)
            logger.setLevel(level)


def _seconds(value: float) -> str:
    """``0.47 s``, ``5 s``, ``60 s``: seconds without noise."""
    return f"{value:.3g} s" if value < 10 else f"{value:.0f} s"


# ------------------------------------------------------------------------------------------------
# errors


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _redact(text: str, api_key: Optional[str]) -> str:
    if api_key and len(api_key) >= 6:
        text = text.replace(api_key, "<redacted>")
    return text


def _status_details(body: object, request_id: Optional[str]) -> Tuple[Optional[str], List[str]]:
    """The message and the ``type``/``code``/request id notes of an error body."""
    message: Optional[str] = None
    notes: List[str] = []
    if isinstance(body, Mapping):
        fields = cast("Mapping[str, object]", body)
        text = fields.get("message")
        if isinstance(text, str) and text.strip():
            message = text
        for key in ("type", "code"):
            value = fields.get(key)
            if value is not None and value != "":
                notes.append(f"{key}: {value}")
    if request_id:
        notes.append(f"request id: {request_id}")
    return message, notes


def _url(request: Optional[httpx.Request]) -> Optional[str]:
    """``METHOD URL`` of a request, without any user name or password in the URL."""
    if request is None:
        return None
    url = _USERINFO.sub(r"\1", str(request.url))
    return f"{request.method} {url}"


_USERINFO = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@")


_TIMEOUT_KINDS: Tuple[Tuple[type, str], ...] = (
    (httpx.ConnectTimeout, "connect"),
    (httpx.ReadTimeout, "read"),
    (httpx.WriteTimeout, "write"),
    (httpx.PoolTimeout, "pool"),
)


def _timeout_limit(exc: APITimeoutError, timeout: object) -> Optional[str]:
    """The limit that ran out: ``the 0.2 s limit`` or ``the 5 s connect limit``."""
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        return f"the {_seconds(float(timeout))} limit"
    if isinstance(timeout, httpx.Timeout):
        phases = {
            "connect": timeout.connect,
            "read": timeout.read,
            "write": timeout.write,
            "pool": timeout.pool,
        }
        for error_type, phase in _TIMEOUT_KINDS:
            value = phases[phase]
            if isinstance(exc.__cause__, error_type) and value is not None:
                return f"the {_seconds(value)} {phase} limit"
        values = {value for value in phases.values() if value is not None}
        if len(values) == 1:
            return f"the {_seconds(values.pop())} limit"
    return None


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"


def describe_error(
    exc: CerebrasError, *, attempts: Optional[int] = None, timeout: object = None
) -> Tuple[int, str]:
    """The exit status and the one-line description of an SDK exception.

    Status errors read ``<status> <Class>: <message> (type: ..., code: ..., request id: ...)``;
    connection errors ``<Class>: Connection error: POST <url> failed after <n> attempts (<cause>)``;
    timeouts ``<Class>: Request timed out: POST <url> took longer than the <t> s limit, <n> attempts``
    (``attempts`` and ``timeout``, the client's setting, are left out when not given); others
    ``<Class>: <message>``.
    """
    name = type(exc).__name__
    if isinstance(exc, APIStatusError):
        request_id = exc.response.headers.get("x-request-id")
        message, notes = _status_details(exc.body, request_id)
        text = _one_line(message or exc.message) or "(no message)"
        suffix = f" ({', '.join(notes)})" if notes else ""
        return EXIT_API_STATUS, f"{exc.status_code} {name}: {text}{suffix}"
    if isinstance(exc, APIConnectionError):
        text = _one_line(exc.message)
        target = _url(getattr(exc, "request", None))
        tries = f"after {_attempts(attempts)}" if attempts else ""
        if isinstance(exc, APITimeoutError):
            if target:
                limit = _timeout_limit(exc, timeout)
                what = f"took longer than {limit}" if limit else "took too long"
                text = f"{text.rstrip('.')}: {target} {what}" + (f", {tries}" if tries else "")
            return EXIT_CONNECTION, f"{name}: {text}"
        cause = exc.__cause__
        detail = _one_line(str(cause)) if cause is not None else ""
        if target:
            text = f"{text.rstrip('.')}: {target} failed" + (f" {tries}" if tries else "")
        if detail and detail not in text:
            text = f"{text} ({detail})"
        return EXIT_CONNECTION, f"{name}: {text}"
    if isinstance(exc, APIResponseValidationError):
        return EXIT_UNEXPECTED, f"{exc.status_code} {name}: {_one_line(exc.message)}"
    return EXIT_UNEXPECTED, f"{name}: {_one_line(str(exc)) or '(no message)'}"


def _error_chunk(status_code: int, error: object) -> Tuple[int, str]:
    """Describe an error object that came back as a successful response's body."""
    details: object = error
    to_dict = getattr(error, "to_dict", None)
    if callable(to_dict):
        details = to_dict()
    message, notes = _status_details(details, None)
    suffix = f" ({', '.join(notes)})" if notes else ""
    return (
        EXIT_API_STATUS,
        f"{status_code} APIError: {_one_line(message or 'the API returned an error')}{suffix}",
    )


# ------------------------------------------------------------------------------------------------
# generation commands


def _read_prompt(prompt: str) -> str:
    if prompt != "-":
        return prompt
    text = sys.stdin.read()
    return text.rstrip("\r\n")


def _opt(value: Optional[float]) -> Union[float, Omit]:
    return omit if value is None else value


def _opt_int(value: Optional[int]) -> Union[int, Omit]:
    return omit if value is None else value


def _chat(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    messages: List[Message] = []
    system: Optional[str] = options.system
    if system is not None:
        messages.append({"role": "system", "content": system})
    prompt = _read_prompt(str(options.prompt))
    if not prompt.strip():
        console.error(_EMPTY_MESSAGE)
        return EXIT_USAGE
    messages.append({"role": "user", "content": prompt})
    temperature = _opt(options.temperature)
    max_tokens = _opt_int(options.max_tokens)

    if options.stream and not options.json:
        stream = client.chat.completions.create(
            model=settings.model,
            messages=messages,
            temperature=temperature,
            max_completion_tokens=max_tokens,
            stream=True,
        )
        with stream:
            for chunk in stream:
                for choice in chunk.choices or ():
                    if choice.index != 0 or choice.delta is None:
                        continue
                    console.reasoning(choice.delta.reasoning or "")
                    console.reply(choice.delta.content or "")
        console.finish_reply()
        return EXIT_OK

    completion = client.chat.completions.create(
        model=settings.model,
        messages=messages,
        temperature=temperature,
        max_completion_tokens=max_tokens,
        stream=False,
    )
    if options.json:
        console.line(completion.to_json())
        return EXIT_OK
    if isinstance(completion, ErrorChunkResponse):
        status, message = _error_chunk(completion.status_code, completion.error)
        console.error(message)
        return status
    reasoning: Optional[str] = None
    content: Optional[str] = None
    if isinstance(completion, ChatCompletionResponse):
        first = next((c for c in completion.choices if c.index == 0), None)
        if first is not None:
            reasoning, content = first.message.reasoning, first.message.content
    else:  # a chunk object, which the union allows for a non-streamed reply
        first_chunk = next((c for c in completion.choices or () if c.index == 0), None)
        if first_chunk is not None and first_chunk.delta is not None:
            reasoning, content = first_chunk.delta.reasoning, first_chunk.delta.content
    if reasoning:
        console.reasoning(reasoning)
        console.break_lines()
    console.reply(content or "")
    console.finish_reply()
    return EXIT_OK


def _complete(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    prompt = _read_prompt(str(options.prompt))
    temperature = _opt(options.temperature)
    max_tokens = _opt_int(options.max_tokens)

    if options.stream and not options.json:
        stream = client.completions.create(
            model=settings.model,
            prompt=prompt,
            temperature=temperature,
            max_tokens=max_tokens,
            stream=True,
        )
        with stream:
            for chunk in stream:
                for choice in chunk.choices:
                    if choice.index == 0:
                        console.reply(choice.text or "")
        console.finish_reply()
        return EXIT_OK

    completion = client.completions.create(
        model=settings.model,
        prompt=prompt,
        temperature=temperature,
        max_tokens=max_tokens,
        stream=False,
    )
    if options.json:
        console.line(completion.to_json())
        return EXIT_OK
    if isinstance(completion, TextErrorChunkResponse):
        status, message = _error_chunk(completion.status_code, completion.error)
        console.error(message)
        return status
    assert isinstance(completion, CompletionResponse)
    first = next((c for c in completion.choices if c.index == 0), None)
    console.reply((first.text if first is not None else None) or "")
    console.finish_reply()
    return EXIT_OK


# ------------------------------------------------------------------------------------------------
# models


def _date(value: object) -> Optional[str]:
    """``YYYY-MM-DD`` (UTC) of a Unix time; ``None`` for a missing or zero time.

    ``models list`` and ``models get`` both show ``created`` this way (``-`` when there is no date).
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.strftime("%Y-%m-%d")


def _created(value: object) -> str:
    """A model's ``created`` field as both model commands show it: ``2024-07-23``, else ``-``."""
    return _date(value) or "-"


def _cell(value: object) -> str:
    if value is None or value == "":
        return "-"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _table(rows: Sequence[Sequence[str]]) -> List[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def _models_list(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    response = client.models.list()
    if options.json:
        console.line(response.to_json())
        return EXIT_OK
    data = response.to_dict().get("data")
    rows: List[Tuple[str, str, str]] = [("ID", "OWNED BY", "CREATED")]
    if isinstance(data, list):
        for item in cast("List[object]", data):
            if not isinstance(item, Mapping):
                continue
            fields = cast("Mapping[str, object]", item)
            rows.append(
                (_cell(fields.get("id")), _cell(fields.get("owned_by")), _created(fields.get("created")))
            )
    for line in _table(rows):
        console.line(line)
    return EXIT_OK


def _models_get(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    model = client.models.retrieve(str(options.model_id))
    if options.json:
        console.line(model.to_json())
        return EXIT_OK
    fields: Dict[str, object] = model.to_dict()
    for key, value in fields.items():
        text = _created(value) if key == "created" else "null" if value is None else _cell(value)
        console.line(f"{key}: {text}")
    return EXIT_OK


_COMMANDS: Dict[str, Command] = {
    "chat": _chat,
    "complete": _complete,
    "models list": _models_list,
    "models get": _models_get,
    **PLATFORM_COMMANDS,
    **BULK_COMMANDS,
}

"""The commands of the ``cerebras`` command line.

Imported only after the arguments were parsed and a request is to be made: this is where the client
(and with it pydantic and the models) gets loaded.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import traceback
from contextlib import ExitStack
from typing import TYPE_CHECKING, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union, cast

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
from . import EXIT_API_STATUS, EXIT_CONNECTION, EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE
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

            server = stack.enter_context(MockCerebrasServer())
            base_url = server.base_url
            api_key = api_key or "mock-key"

        timeout: Union[float, NotGiven] = settings.timeout if settings.timeout is not None else NOT_GIVEN
        try:
            client = Cerebras(
                api_key=api_key,
                base_url=base_url,
                timeout=timeout,
                max_retries=settings.max_retries if settings.max_retries is not None else 2,
                warm_tcp_connection=False,
            )
        except (TypeError, ValueError) as exc:
            console.error(_redact(f"invalid setting: {_one_line(str(exc))}", api_key))
            return EXIT_USAGE
        stack.callback(client.close)

        command = _COMMANDS[str(options.command)]
        try:
            return command(client, options, settings, console)
        except CerebrasError as exc:
            status, message = describe_error(exc)
            if settings.debug and status == EXIT_UNEXPECTED:
                traceback.print_exc()
            console.error(_redact(message, api_key))
            return status


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


def describe_error(exc: CerebrasError) -> Tuple[int, str]:
    """The exit status and the one-line description of an SDK exception.

    Status errors read ``<status> <Class>: <message> (type: ..., code: ..., request id: ...)``;
    others ``<Class>: <message>``.
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
        cause = exc.__cause__
        if not isinstance(exc, APITimeoutError) and cause is not None:
            detail = _one_line(str(cause))
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
    messages.append({"role": "user", "content": _read_prompt(str(options.prompt))})
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
    """``YYYY-MM-DD`` (UTC) of a Unix time; ``None`` for a missing or zero time."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.strftime("%Y-%m-%d")


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
                (_cell(fields.get("id")), _cell(fields.get("owned_by")), _date(fields.get("created")) or "-")
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
        text = "null" if value is None else _cell(value)
        date = _date(value) if key == "created" else None
        console.line(f"{key}: {text} ({date} UTC)" if date else f"{key}: {text}")
    return EXIT_OK


_COMMANDS: Dict[str, Command] = {
    "chat": _chat,
    "complete": _complete,
    "models list": _models_list,
    "models get": _models_get,
}

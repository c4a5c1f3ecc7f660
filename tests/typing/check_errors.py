"""Calls and uses that must stay type errors, each marked with the exact pyright rule it breaks.

Never run: `test_typing.py` has pyright check this file with `reportUnnecessaryTypeIgnoreComment`
on, so each `# pyright: ignore[rule]` must suppress a real error of that rule: if a parameter type
is loosened (say `stream` starts accepting any object) the ignore becomes unnecessary and the check
fails; if the error changes to another rule, it is no longer suppressed and fails too. Keep each
statement on one line: pyright reports an argument error on the argument's line.
"""

# pyright: strict, reportUnnecessaryTypeIgnoreComment=true
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false

from __future__ import annotations

from typing import List

import httpx
import pydantic
from typing_extensions import Literal

from cerebras.cloud.sdk import AsyncCerebras, BadRequestError, Cerebras
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse, ChatCompletionResponse
from cerebras.cloud.sdk.types.chat.completion_create_params import Message
from cerebras.cloud.sdk.types.completion import CompletionResponse

M: List[Message] = [{"role": "user", "content": "hi"}]


class City(pydantic.BaseModel):
    name: str


def check_parameters(client: Cerebras) -> None:
    chat = client.chat.completions
    chat.create(model="m", messages=M, stream="yes")  # pyright: ignore[reportCallIssue, reportArgumentType]
    chat.create(model="m", messages=M, stream=1)  # pyright: ignore[reportCallIssue, reportArgumentType]
    chat.create(model="m", messages=5)  # pyright: ignore[reportArgumentType]
    chat.create(model="m", messages=[{"role": "wizard", "content": "hi"}])  # pyright: ignore[reportArgumentType]
    chat.create(model="m", messages=[{"role": "user"}])  # pyright: ignore[reportArgumentType]
    chat.create(model="m", messages=["hi"])  # pyright: ignore[reportArgumentType]
    chat.create(model=1, messages=M)  # pyright: ignore[reportArgumentType]
    chat.create(messages=M)  # pyright: ignore[reportCallIssue]
    chat.create("m", M)  # pyright: ignore[reportCallIssue]
    chat.create(model="m", messages=M, unknown_param=1)  # pyright: ignore[reportCallIssue]
    chat.create(model="m", messages=M, temperature="hot")  # pyright: ignore[reportArgumentType]
    chat.create(model="m", messages=M, response_format={"type": "yaml"})  # pyright: ignore[reportArgumentType]
    chat.create(model="m", messages=M, reasoning_effort="extreme")  # pyright: ignore[reportArgumentType]
    chat.create(model="m", messages=M, timeout="slow")  # pyright: ignore[reportArgumentType]

    text = client.completions
    text.create(model="m", prompt="p", stream="no")  # pyright: ignore[reportCallIssue, reportArgumentType]
    text.create(model="m", prompt=3.5)  # pyright: ignore[reportArgumentType]
    text.create(prompt="p")  # pyright: ignore[reportCallIssue]

    client.models.retrieve(123)  # pyright: ignore[reportArgumentType]
    client.models.list(format="xml")  # pyright: ignore[reportArgumentType]
    client.with_raw_response.models.list(format="xml")  # pyright: ignore[reportArgumentType]
    client.with_streaming_response.chat.completions.create(model=1, messages=M)  # pyright: ignore[reportArgumentType]


def check_client_options(client: Cerebras) -> None:
    client.with_options(max_retries="3")  # pyright: ignore[reportArgumentType]
    client.copy(timeout="slow")  # pyright: ignore[reportArgumentType]
    Cerebras(timeout="slow")  # pyright: ignore[reportArgumentType]
    Cerebras(http_client=httpx.AsyncClient())  # pyright: ignore[reportArgumentType]
    AsyncCerebras(http_client=httpx.Client())  # pyright: ignore[reportArgumentType]
    Cerebras(default_headers={"X": 1})  # pyright: ignore[reportArgumentType]


def check_results(client: Cerebras, bad: BadRequestError) -> None:
    chat = client.chat.completions
    _a: ChatCompletionResponse = chat.create(model="m", messages=M, stream=True)  # pyright: ignore[reportAssignmentType]
    _b: ChatChunkResponse = chat.create(model="m", messages=M)  # pyright: ignore[reportAssignmentType]
    _c = chat.create(model="m", messages=M, stream=True).choices  # pyright: ignore[reportAttributeAccessIssue]
    _d = chat.create(model="m", messages=M).choices  # pyright: ignore[reportAttributeAccessIssue]
    text_final = client.completions.create(model="m", prompt="p", stream=True).get_final_completion()
    _e = text_final.choices[0].message  # pyright: ignore[reportAttributeAccessIssue]
    _f: CompletionResponse = chat.create(model="m", messages=M, stream=True).get_final_completion()  # pyright: ignore[reportAssignmentType]
    parsed = chat.parse(model="m", messages=M, response_format=City)
    _g = parsed.choices[0].message.parsed.name  # pyright: ignore[reportOptionalMemberAccess]
    _h = chat.create(model="m", messages=M, stream=True).text_stream.lower()  # pyright: ignore[reportAttributeAccessIssue]
    _i = client.with_streaming_response.models.list().parse()  # pyright: ignore[reportAttributeAccessIssue]
    _j: Literal[401] = bad.status_code  # pyright: ignore[reportAssignmentType]
    _k: bool = client.is_closed  # pyright: ignore[reportAssignmentType]


async def check_async_results(client: AsyncCerebras) -> None:
    chat = client.chat.completions
    _a = chat.create(model="m", messages=M).choices  # pyright: ignore[reportAttributeAccessIssue]
    for _ in chat.create(model="m", messages=M, stream=True):  # pyright: ignore[reportGeneralTypeIssues]
        pass
    stream = await chat.create(model="m", messages=M, stream=True)
    for _ in stream:  # pyright: ignore[reportGeneralTypeIssues]
        pass
    _b = stream.get_final_completion().choices  # pyright: ignore[reportAttributeAccessIssue]

"""Static return types of the resource methods (decision 1), checked by running pyright on this file.

The `check_*_types` functions are never called: they only exist for the type checker. Every
`assert_type` in them is an error for pyright if the overloads stop giving that exact type.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Union

import pytest
from typing_extensions import assert_type

from cerebras.cloud.sdk import APIResponse, AsyncAPIResponse, AsyncCerebras, AsyncStream, Cerebras, Stream
from cerebras.cloud.sdk._response import AsyncResponseContextManager, ResponseContextManager
from cerebras.cloud.sdk.types import Completion, ModelListResponse, ModelRetrieveResponse
from cerebras.cloud.sdk.types.chat import ChatCompletion
from cerebras.cloud.sdk.types.chat.chat_completion import ChatChunkResponse
from cerebras.cloud.sdk.types.completion import CompletionResponse


def check_sync_types(client: Cerebras, flag: bool) -> None:
    chat = client.chat.completions
    assert_type(chat.create(model="m", messages=[]), ChatCompletion)
    assert_type(chat.create(model="m", messages=[], stream=False), ChatCompletion)
    assert_type(chat.create(model="m", messages=[], stream=None), ChatCompletion)
    assert_type(chat.create(model="m", messages=[], stream=True), Stream[ChatChunkResponse])
    assert_type(
        chat.create(model="m", messages=[], stream=flag),
        Union[ChatCompletion, Stream[ChatChunkResponse]],
    )

    text = client.completions
    assert_type(text.create(model="m", prompt="p"), Completion)
    assert_type(text.create(model="m", prompt=[1, 2], stream=False), Completion)
    assert_type(text.create(model="m", prompt="p", stream=True), Stream[CompletionResponse])
    assert_type(
        text.create(model="m", prompt="p", stream=flag), Union[Completion, Stream[CompletionResponse]]
    )

    assert_type(client.models.list(), ModelListResponse)
    assert_type(client.models.list(format="openrouter"), ModelListResponse)
    assert_type(client.models.retrieve("llama3.1-8b"), ModelRetrieveResponse)

    # with_raw_response, at every level
    assert_type(
        client.with_raw_response.chat.completions.create(model="m", messages=[]), APIResponse[ChatCompletion]
    )
    assert_type(
        client.chat.with_raw_response.completions.create(model="m", messages=[], stream=True),
        APIResponse[Stream[ChatChunkResponse]],
    )
    assert_type(
        client.chat.completions.with_raw_response.create(model="m", messages=[]), APIResponse[ChatCompletion]
    )
    assert_type(client.with_raw_response.completions.create(model="m", prompt="p"), APIResponse[Completion])
    assert_type(
        client.completions.with_raw_response.create(model="m", prompt="p", stream=True),
        APIResponse[Stream[CompletionResponse]],
    )
    assert_type(client.with_raw_response.models.list(), APIResponse[ModelListResponse])
    assert_type(client.models.with_raw_response.retrieve("m"), APIResponse[ModelRetrieveResponse])
    raw = client.with_raw_response.chat.completions.create(model="m", messages=[], stream=True)
    assert_type(raw.parse(), Stream[ChatChunkResponse])

    # with_streaming_response
    assert_type(
        client.with_streaming_response.chat.completions.create(model="m", messages=[]),
        ResponseContextManager[APIResponse[ChatCompletion]],
    )
    assert_type(
        client.chat.completions.with_streaming_response.create(model="m", messages=[], stream=True),
        ResponseContextManager[APIResponse[Stream[ChatChunkResponse]]],
    )
    assert_type(
        client.with_streaming_response.completions.create(model="m", prompt="p"),
        ResponseContextManager[APIResponse[Completion]],
    )
    assert_type(
        client.with_streaming_response.models.retrieve("m"),
        ResponseContextManager[APIResponse[ModelRetrieveResponse]],
    )
    with client.with_streaming_response.models.list() as response:
        assert_type(response, APIResponse[ModelListResponse])
        assert_type(response.parse(), ModelListResponse)

    # Iterating a stream gives chunks.
    for item in chat.create(model="m", messages=[], stream=True):
        assert_type(item, ChatChunkResponse)
    with text.create(model="m", prompt="p", stream=True) as stream:
        for piece in stream:
            assert_type(piece, CompletionResponse)


async def check_async_types(client: AsyncCerebras, flag: bool) -> None:
    chat = client.chat.completions
    assert_type(await chat.create(model="m", messages=[]), ChatCompletion)
    assert_type(await chat.create(model="m", messages=[], stream=False), ChatCompletion)
    assert_type(await chat.create(model="m", messages=[], stream=True), AsyncStream[ChatChunkResponse])
    assert_type(
        await chat.create(model="m", messages=[], stream=flag),
        Union[ChatCompletion, AsyncStream[ChatChunkResponse]],
    )

    text = client.completions
    assert_type(await text.create(model="m", prompt="p"), Completion)
    assert_type(await text.create(model="m", prompt="p", stream=True), AsyncStream[CompletionResponse])

    assert_type(await client.models.list(), ModelListResponse)
    assert_type(await client.models.retrieve("m"), ModelRetrieveResponse)

    assert_type(
        await client.with_raw_response.chat.completions.create(model="m", messages=[]),
        AsyncAPIResponse[ChatCompletion],
    )
    assert_type(
        await client.chat.completions.with_raw_response.create(model="m", messages=[], stream=True),
        AsyncAPIResponse[AsyncStream[ChatChunkResponse]],
    )
    assert_type(
        await client.with_raw_response.completions.create(model="m", prompt="p"), AsyncAPIResponse[Completion]
    )
    assert_type(await client.with_raw_response.models.list(), AsyncAPIResponse[ModelListResponse])

    assert_type(
        client.with_streaming_response.chat.completions.create(model="m", messages=[], stream=True),
        AsyncResponseContextManager[AsyncAPIResponse[AsyncStream[ChatChunkResponse]]],
    )
    assert_type(
        client.with_streaming_response.models.retrieve("m"),
        AsyncResponseContextManager[AsyncAPIResponse[ModelRetrieveResponse]],
    )
    async with client.with_streaming_response.completions.create(model="m", prompt="p") as response:
        assert_type(response, AsyncAPIResponse[Completion])
        assert_type(await response.parse(), Completion)

    async for item in await chat.create(model="m", messages=[], stream=True):
        assert_type(item, ChatChunkResponse)


# ------------------------------------------------------------------ the test that runs pyright

HERE = Path(__file__).resolve()
PROJECT_ROOT = HERE.parent.parent


def _pyright(target: Path) -> dict[str, object]:
    exe = shutil.which("pyright")
    if exe is None:
        pytest.skip("pyright is not installed")
    proc = subprocess.run(
        [exe, "--outputjson", "--pythonpath", sys.executable, str(target)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    try:
        report: dict[str, object] = json.loads(proc.stdout)
    except ValueError:
        pytest.skip(f"pyright did not run: {proc.stdout[-500:]} {proc.stderr[-500:]}")
    return report


def _errors(report: dict[str, object]) -> list[str]:
    diagnostics = report.get("generalDiagnostics", [])
    assert isinstance(diagnostics, list)
    return [
        f"{d['range']['start']['line'] + 1}: {d['message']}"  # type: ignore[index]
        for d in diagnostics  # pyright: ignore[reportUnknownVariableType]
        if d.get("severity") == "error"  # type: ignore[union-attr]
    ]


def test_pyright_confirms_the_overloads(tmp_path: Path) -> None:
    # A deliberately wrong expectation first: it proves the checker runs and sees our types.
    wrong = tmp_path / "wrong_expectation.py"
    wrong.write_text(
        "from typing_extensions import assert_type\n"
        "from cerebras.cloud.sdk import Cerebras, Stream\n"
        "from cerebras.cloud.sdk.types.chat import ChatCompletion\n"
        "def f(client: Cerebras) -> None:\n"
        "    assert_type(client.chat.completions.create(model='m', messages=[], stream=True), ChatCompletion)\n"
        "    assert_type(client.chat.completions.create(model='m', messages=[]), Stream[ChatCompletion])\n"
    )
    wrong_errors = _errors(_pyright(wrong))
    assert len(wrong_errors) == 2, wrong_errors
    assert all("assert_type" in e for e in wrong_errors), wrong_errors

    report = _pyright(HERE)
    summary = report["summary"]
    assert isinstance(summary, dict)
    assert summary["filesAnalyzed"] == 1
    assert _errors(report) == []

"""A whole batch job against the bundled mock, in process: upload the JSONL input, create the
batch, move the mock's clock, wait, read the typed results and the output file, clean up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List

import httpx
import pytest

from cerebras.cloud.sdk import AsyncCerebras, BadRequestError, Cerebras
from cerebras.cloud.sdk.testing import MockCerebrasServer
from cerebras.cloud.sdk.types import Batch, BatchResult, FileObject

from ._support import resolve

pytestmark = pytest.mark.anyio


def request_line(n: int) -> bytes:
    body = {"model": "llama3.1-8b", "messages": [{"role": "user", "content": f"question {n}"}]}
    line = {"custom_id": f"req-{n:03d}", "method": "POST", "url": "/v1/chat/completions", "body": body}
    return json.dumps(line).encode() + b"\n"


async def test_upload_create_wait_results(flavor: str, tmp_path: Path) -> None:
    server = MockCerebrasServer(time_scale=0)  # the mock's clock moves only when advanced
    options: Any = {"api_key": "csk-test", "base_url": "http://127.0.0.1:4010", "warm_tcp_connection": False}
    client: Any
    if flavor == "sync":
        client = Cerebras(**options, http_client=httpx.Client(transport=server.transport()))
    else:
        client = AsyncCerebras(**options, http_client=httpx.AsyncClient(transport=server.async_transport()))
    path = tmp_path / "questions.jsonl"
    path.write_bytes(b"".join(request_line(n) for n in range(12)))

    uploaded = await resolve(
        client.files.create(
            file=path, purpose="batch", expires_after={"anchor": "created_at", "seconds": 7200}
        )
    )
    assert isinstance(uploaded, FileObject)
    assert uploaded.filename == "questions.jsonl" and uploaded.bytes == path.stat().st_size
    assert uploaded.expires_at == uploaded.created_at + 7200

    created = await resolve(
        client.batches.create(
            input_file_id=uploaded.id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
            metadata={"project": "tests"},
        )
    )
    assert isinstance(created, Batch) and created.status == "validating"
    with pytest.raises(BadRequestError) as too_early:
        await resolve(client.batches.results(created.id))
    assert "batch_not_ready" in str(too_early.value)

    server.clock.advance(3600)
    seen: List[str] = []
    done = await resolve(
        client.batches.wait(created.id, timeout=5, on_progress=lambda b: seen.append(b.status))
    )
    assert done.status == "completed" and seen[-1] == "completed"
    assert done.request_counts is not None and done.request_counts.completed == 12

    stream = await resolve(client.batches.results(done.id))
    if flavor == "sync":
        with stream as lines:
            results = list(lines)
    else:
        async with stream as lines:
            results = [r async for r in lines]
    assert all(isinstance(r, BatchResult) for r in results)
    assert sorted(r.custom_id for r in results) == [f"req-{n:03d}" for n in range(12)]
    assert {r.status for r in results} == {"succeeded"}
    assert all(r.response is not None and r.response.choices[0].message.content for r in results)

    if done.output_file_id is not None:
        output = await resolve(client.files.content(done.output_file_id))
        assert len(output.splitlines()) == 12

    listing = client.batches.list(limit=1)
    batches = [b async for b in listing] if flavor != "sync" else list(listing)
    assert created.id in [b.id for b in batches]
    assert (await resolve(client.files.delete(uploaded.id))).deleted is True
    if flavor == "sync":
        client.close()
    else:
        await client.close()

"""Static return types of `client.files`, `client.batches` and the pages, pinned with `assert_type`.

Never run: `test_typing.py` has pyright check this file (strict).
"""

# pyright: strict, reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator, List, Optional

from typing_extensions import assert_type

from cerebras.cloud.sdk import APIResponse, AsyncAPIResponse, AsyncCerebras, BatchWaitTimeout, Cerebras
from cerebras.cloud.sdk.pagination import AsyncCursorPage, AsyncPaginator, SyncCursorPage
from cerebras.cloud.sdk.resources._lines import AsyncLineStream, LineStream
from cerebras.cloud.sdk.types import Batch, BatchResult, FileDeleted, FileObject
from cerebras.cloud.sdk.types.chat.chat_completion import ChatCompletionResponse


def check_files(client: Cerebras, path: Path) -> None:
    assert_type(client.files.create(file=path, purpose="batch"), FileObject)
    assert_type(client.files.create(file=b"{}", purpose="batch"), FileObject)
    assert_type(
        client.files.create(file=("a.jsonl", b"{}", "application/jsonl"), purpose="batch"), FileObject
    )
    assert_type(
        client.files.create(
            file="a.jsonl", purpose="batch", expires_after={"anchor": "created_at", "seconds": 3600}
        ),
        FileObject,
    )
    page = client.files.list(limit=10, after="file-1")
    assert_type(page, SyncCursorPage[FileObject])
    assert_type(page.data, List[FileObject])
    assert_type(iter(page), Iterator[FileObject])
    assert_type(page.get_next_page(), SyncCursorPage[FileObject])
    assert_type(page.next_page_params(), Optional[Dict[str, object]])
    assert_type(client.files.retrieve("file-1"), FileObject)
    assert_type(client.files.delete("file-1"), FileDeleted)
    assert_type(client.files.content("file-1"), bytes)
    assert_type(client.files.retrieve_content("file-1"), bytes)
    with client.files.content_lines("file-1") as lines:
        assert_type(lines, LineStream[str])
        assert_type(next(lines), str)
    assert_type(client.files.with_raw_response.list(), APIResponse[SyncCursorPage[FileObject]])
    assert_type(client.files.with_raw_response.content("f").parse(), bytes)


def check_batches(client: Cerebras) -> None:
    batch = client.batches.create(
        input_file_id="file-1", endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert_type(batch, Batch)
    assert_type(client.batches.retrieve("b"), Batch)
    assert_type(client.batches.cancel("b"), Batch)
    assert_type(client.batches.list(), SyncCursorPage[Batch])
    for result in client.batches.results("b"):
        assert_type(result, BatchResult)
        assert_type(result.response, Optional[ChatCompletionResponse])
    assert_type(client.batches.retrieve_results("b"), LineStream[BatchResult])
    assert_type(client.batches.wait("b", timeout=60.0, on_progress=lambda b: None), Batch)
    try:
        client.batches.wait("b")
    except BatchWaitTimeout as exc:
        assert_type(exc.batch, Batch)


async def check_async(client: AsyncCerebras) -> None:
    assert_type(await client.files.create(file=b"{}", purpose="batch"), FileObject)
    listing = client.files.list(limit=5)
    assert_type(listing, AsyncPaginator[FileObject, AsyncCursorPage[FileObject]])
    page = await listing
    assert_type(page, AsyncCursorPage[FileObject])
    assert_type(await page.get_next_page(), AsyncCursorPage[FileObject])
    async for item in client.files.list():
        assert_type(item, FileObject)
    async for batch in client.batches.list():
        assert_type(batch, Batch)
    lines = await client.files.content_lines("f")
    assert_type(lines, AsyncLineStream[str])
    async with await client.batches.results("b") as results:
        async for result in results:
            assert_type(result, BatchResult)
    assert_type(await client.batches.wait("b"), Batch)
    raw = await client.batches.with_raw_response.retrieve("b")
    assert_type(raw, AsyncAPIResponse[Batch])

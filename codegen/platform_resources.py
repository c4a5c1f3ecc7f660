"""The Files and Batch APIs' resources, declared once: `resources/files.py` and `resources/batches.py`
are generated from this table (by `generate_resources.py`, through `platform_render.py`).

Request parameters come from the params TypedDicts (`types/file_create_params.py`, ...), named by
each method's `params`; path parameters, routes, summaries and `wait`'s own parameters are declared
here. Each method is one of a few kinds; the generated code only describes the request, and what is
more than a request lives in small hand-written modules it calls:

* `plain`: one request, one parsed answer (JSON body, query, multipart form or none);
* `page`: a list, returned as a cursor page that fetches the next pages (`_pagination.paginate`);
* `lines`: the body streamed line by line, as text or models (`resources/_lines.py`);
* `alias`: another name for a method, with the same parameters;
* `wait`: `batches.wait`, a polling loop (`resources/_batch_wait.py`), with its own parameters.
"""

from __future__ import annotations

from typing import Dict, Optional

from platform_render import Method, OwnParam, Resource, load_params, render_resource

__all__ = ["RESOURCES", "load_params", "render_platform"]

FILE_ID = "The file's id, e.g. `file-abc123` (sent as one percent-encoded path segment)."
BATCH_ID = "The batch's id, e.g. `batch_abc123` (sent as one percent-encoded path segment)."

WAIT_PARAMS = [
    OwnParam(
        "timeout",
        "Optional[float]",
        "None",
        "give up after this many seconds (raising `BatchWaitTimeout`, whose `batch` is the last state seen); None waits as long as it takes.",
    ),
    OwnParam(
        "poll_interval",
        "float",
        "1.0",
        "seconds before the second poll; each next pause is 1.5 times longer (less up to 10 % of jitter).",
    ),
    OwnParam("max_poll_interval", "float", "30.0", "the longest pause between two polls, in seconds."),
    OwnParam(
        "on_progress",
        "Optional[Callable[[Batch], None]]",
        "None",
        "called with the batch after every poll, the last one included.",
    ),
]
WAIT_DOC = """Poll the batch until it is completed, failed, expired or cancelled, and return it.

        The batch goes on running on the server if this gives up (or is interrupted): call it again
        with the same id to go on waiting."""

RESOURCES = [
    Resource(
        module="resources/files.py",
        name="Files",
        doc="`client.files`: upload, list, look up, download and delete files (`/v1/files`, private preview).",
        resource_doc="The Files API: JSONL files for the Batch API",
        path_params={"file_id": FILE_ID},
        models={"FileObject": "file_object", "FileDeleted": "file_deleted"},
        runtime_imports=[
            "from ._checks import check_expires_after, check_limit",
            "from ._file_input import upload_files",
            "from ._lines import open_lines, open_lines_async",
        ],
        methods=[
            Method(
                "create",
                "Upload a file (`POST /v1/files`, multipart/form-data), streamed from disk when given a path.\n\n"
                "        A missing path, or an `expires_after` out of range, raises before anything is sent; a\n"
                "        retry sends the whole file again.",
                "post",
                "/v1/files",
                "FileObject",
                params=("types/file_create_params.py", "FileCreateParams"),
                send="multipart",
                checks={"expires_after": "check_expires_after"},
            ),
            Method(
                "list",
                "List the files, a page at a time (`GET /v1/files`).",
                path="/v1/files",
                returns="FileObject",
                kind="page",
                params=("types/file_list_params.py", "FileListParams"),
                send="query",
                checks={"limit": "check_limit"},
            ),
            Method(
                "retrieve",
                "Look up one file (`GET /v1/files/{file_id}`).",
                path="/v1/files/{file_id}",
                returns="FileObject",
            ),
            Method(
                "delete",
                "Delete a file at once (`DELETE /v1/files/{file_id}`).",
                "delete",
                "/v1/files/{file_id}",
                "FileDeleted",
            ),
            Method(
                "content",
                "Download a file's content, whole (`GET /v1/files/{file_id}/content`).\n\n"
                "        For a large file use `content_lines()`, or `with_streaming_response.content()` and its\n"
                "        `iter_bytes()`.",
                path="/v1/files/{file_id}/content",
                returns="bytes",
            ),
            Method(
                "retrieve_content",
                "`content()` under the name Cerebras's docs and samples use: the same call.",
                kind="alias",
                alias_of="content",
                returns="bytes",
            ),
            Method(
                "content_lines",
                "Read a file's content line by line, streamed: memory stays flat however large the file.\n\n"
                "        Lines come without their line end; blank lines are skipped. Use the result in a `with`\n"
                "        block (or call `close()`) when you may stop before the end.",
                path="/v1/files/{file_id}/content",
                returns="str",
                kind="lines",
            ),
        ],
    ),
    Resource(
        module="resources/batches.py",
        name="Batches",
        doc="`client.batches`: create, follow, cancel and read the results of batch jobs (`/v1/batches`, private preview).",
        resource_doc="The Batch API: many chat completions from one uploaded JSONL file",
        path_params={"batch_id": BATCH_ID},
        models={"Batch": "batch", "BatchResult": "batch_result"},
        runtime_imports=[
            "from ._batch_wait import TERMINAL_BATCH_STATUSES, BatchWaitTimeout, async_wait_for_batch, wait_for_batch",
            "from ._checks import check_limit",
            "from ._lines import open_lines, open_lines_async",
        ],
        reexports=["BatchWaitTimeout", "TERMINAL_BATCH_STATUSES"],
        methods=[
            Method(
                "create",
                "Create a batch from an uploaded JSONL file (`POST /v1/batches`); it starts as `validating`.",
                "post",
                "/v1/batches",
                "Batch",
                params=("types/batch_create_params.py", "BatchCreateParams"),
                send="json",
            ),
            Method(
                "retrieve",
                "Look up a batch: its status and request counts (`GET /v1/batches/{batch_id}`).",
                path="/v1/batches/{batch_id}",
                returns="Batch",
            ),
            Method(
                "list",
                "List the batches, a page at a time (`GET /v1/batches`).",
                path="/v1/batches",
                returns="Batch",
                kind="page",
                params=("types/batch_list_params.py", "BatchListParams"),
                send="query",
                checks={"limit": "check_limit"},
            ),
            Method(
                "cancel",
                "Cancel a batch (`DELETE /v1/batches/{batch_id}`): it goes `cancelling`, then `cancelled`.\n\n"
                "        Requests already completed are kept, and their results can be read.",
                "delete",
                "/v1/batches/{batch_id}",
                "Batch",
            ),
            Method(
                "results",
                "Read a batch's results, one `BatchResult` per request, streamed line by line.\n\n"
                "        Results exist once the batch is complete (or its window has passed); asked earlier, the API\n"
                "        answers with an error status (the bundled mock: 400 `batch_not_ready`). A line that is not\n"
                "        valid JSON raises `LineDecodeError` naming its line number. Use the result in a `with`\n"
                "        block (or call `close()`) when you may stop before the end.",
                path="/v1/batches/{batch_id}/results",
                returns="BatchResult",
                kind="lines",
            ),
            Method(
                "retrieve_results",
                "`results()` under the name Cerebras's docs use: the same call.",
                kind="alias",
                alias_of="results",
                returns="BatchResult",
            ),
            Method(
                "wait",
                WAIT_DOC,
                path="/v1/batches/{batch_id}",
                returns="Batch",
                kind="wait",
                own_params=WAIT_PARAMS,
            ),
        ],
    ),
]


def render_platform(sources: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Generated text keyed by path relative to the SDK package; `sources` overrides params modules
    (keyed by their path relative to the SDK package, e.g. `types/file_create_params.py`)."""
    return {r.module: render_resource(r, sources or {}) for r in RESOURCES}

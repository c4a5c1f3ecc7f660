"""The ``files`` and ``batches`` commands (imported with ``_run``, after parsing)."""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Generator, List, Mapping, Optional, TextIO

from .._client import Cerebras
from .._exceptions import CerebrasError
from . import EXIT_API_STATUS, EXIT_OK, EXIT_USAGE
from ._term import Console

if TYPE_CHECKING:
    from ..types.batch import Batch
    from . import Settings

__all__ = ["EXIT_WAIT_TIMEOUT", "PLATFORM_COMMANDS"]

EXIT_WAIT_TIMEOUT = 5
"""``batches wait`` (or ``create --wait``) gave up after ``--max-wait``; the batch goes on."""

Command = Callable[[Cerebras, argparse.Namespace, "Settings", Console], int]


def _when(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return "-"
    moment = datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _table(rows: List[List[str]]) -> List[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def _fields(console: Console, fields: Mapping[str, object]) -> None:
    for key, value in fields.items():
        if key.endswith("_at") or key == "created_at":
            text = _when(value) if value is not None else "null"
        elif value is None:
            text = "null"
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        console.line(f"{key}: {text}")


def _show(console: Console, model: Any, as_json: bool) -> None:
    if as_json:
        console.line(model.to_json())
    else:
        _fields(console, model.to_dict())


# ------------------------------------------------------------------------------------------------ files


def _files_upload(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    path = str(options.path)
    if options.purpose == "batch" and not options.no_check:
        from ..lib.batch_input import BatchInputError, check_batch_input

        try:
            summary = check_batch_input(path)
        except OSError as exc:
            console.error(f"cannot read {path}: {exc.strerror or exc}")
            return EXIT_USAGE
        except BatchInputError as exc:
            console.error(f"{path}: {exc} (nothing was uploaded; --no-check uploads anyway)")
            return EXIT_USAGE
        console.note(f"{path}: {summary.requests} requests, {summary.bytes:,} bytes; uploading")
    expires: Any = {}
    if options.expires_after is not None:
        expires = {"expires_after": {"anchor": "created_at", "seconds": options.expires_after}}
    uploaded = client.files.create(file=path, purpose=options.purpose, **expires)
    if options.json:
        console.line(uploaded.to_json())
    else:
        console.line(uploaded.id)
    return EXIT_OK


def _files_list(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    limit: Any = {"limit": options.limit} if options.limit else {}
    files = list(client.files.list(**limit))
    if options.json:
        console.line(json.dumps([f.to_dict() for f in files], ensure_ascii=False, indent=2))
        return EXIT_OK
    rows = [["ID", "FILENAME", "BYTES", "PURPOSE", "CREATED (UTC)"]]
    rows += [[f.id, f.filename, f"{f.bytes:,}", f.purpose, _when(f.created_at)] for f in files]
    for line in _table(rows):
        console.line(line)
    return EXIT_OK


def _files_get(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    _show(console, client.files.retrieve(str(options.file_id)), options.json)
    return EXIT_OK


def _files_content(
    client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console
) -> int:
    file_id = str(options.file_id)
    with client.files.with_streaming_response.content(file_id) as response, _output(options.output) as out:
        for chunk in response.iter_bytes():
            out.write(chunk)
    return EXIT_OK


def _files_delete(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    deleted = client.files.delete(str(options.file_id))
    if options.json:
        console.line(deleted.to_json())
    else:
        console.line(f"{deleted.id}: {'deleted' if deleted.deleted else 'not deleted'}")
    return EXIT_OK if deleted.deleted else EXIT_API_STATUS


@contextlib.contextmanager
def _output(path: Optional[str]) -> Generator[Any, None, None]:
    """A binary sink: the file at `path` (written whole or not at all), else standard output."""
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    partial = path + ".part"
    with open(partial, "wb") as sink:
        yield sink
    os.replace(partial, path)


# ------------------------------------------------------------------------------------------------ batches


def _batches_create(
    client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console
) -> int:
    file_id = options.file_id
    if options.upload is not None:
        from ..lib.batch_input import BatchInputError, check_batch_input

        try:
            summary = check_batch_input(options.upload)
        except OSError as exc:
            console.error(f"cannot read {options.upload}: {exc.strerror or exc}")
            return EXIT_USAGE
        except BatchInputError as exc:
            console.error(f"{options.upload}: {exc} (nothing was uploaded)")
            return EXIT_USAGE
        file_id = client.files.create(file=options.upload, purpose="batch").id
        console.note(f"uploaded {options.upload} ({summary.requests} requests) as {file_id}")
    metadata: Dict[str, str] = {}
    items: List[Dict[str, str]] = options.metadata or []
    for item in items:
        metadata.update(item)
    extra: Any = {"metadata": metadata} if metadata else {}
    batch = client.batches.create(
        input_file_id=str(file_id), endpoint="/v1/chat/completions", completion_window="24h", **extra
    )
    if not options.wait:
        if options.json:
            console.line(batch.to_json())
        else:
            console.line(batch.id)
        return EXIT_OK
    console.note(f"created {batch.id}; waiting for it to finish")
    return _wait(client, batch.id, console, as_json=options.json, interval=1.0, max_wait=None)


def _batches_get(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    _show(console, client.batches.retrieve(str(options.batch_id)), options.json)
    return EXIT_OK


def _batches_list(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    limit: Any = {"limit": options.limit} if options.limit else {}
    batches = list(client.batches.list(**limit))
    if options.json:
        console.line(json.dumps([b.to_dict() for b in batches], ensure_ascii=False, indent=2))
        return EXIT_OK
    rows = [["ID", "STATUS", "DONE", "FAILED", "TOTAL", "CREATED (UTC)"]]
    for b in batches:
        counts = b.request_counts
        done, failed, total = (counts.completed, counts.failed, counts.total) if counts else ("-", "-", "-")
        rows.append([b.id, b.status, str(done), str(failed), str(total), _when(b.created_at)])
    for line in _table(rows):
        console.line(line)
    return EXIT_OK


def _batches_cancel(
    client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console
) -> int:
    batch = client.batches.cancel(str(options.batch_id))
    if options.json:
        console.line(batch.to_json())
    else:
        console.line(f"{batch.id}: {batch.status}")
    return EXIT_OK


def _batches_wait(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    return _wait(
        client,
        str(options.batch_id),
        console,
        as_json=options.json,
        interval=options.interval,
        max_wait=options.max_wait,
    )


def _batches_results(
    client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console
) -> int:
    counts: Dict[str, int] = {}
    with client.batches.results(str(options.batch_id)) as results, _output(options.output) as out:
        for result in results:
            counts[result.status] = counts.get(result.status, 0) + 1
            out.write(result.to_json(indent=None).encode("utf-8") + b"\n")
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no results"
    console.note(f"{options.batch_id}: {summary}")
    return EXIT_OK


# ------------------------------------------------------------------------------------------------ waiting


class _Progress:
    """What ``wait`` shows: a live tqdm bar on a terminal (when tqdm is installed), else one line
    per change of status or counts, so a log file stays short."""

    def __init__(self, err: TextIO) -> None:
        self._err = err
        self._bar: Any = None
        self._last: Optional[str] = None
        self._started = time.monotonic()
        if err.isatty():
            try:
                # By name: tqdm is optional (the `progress` extra) and ships no type information.
                tqdm: Any = importlib.import_module("tqdm").tqdm
            except ImportError:
                pass
            else:
                self._bar = tqdm(total=0, file=err, unit="req", dynamic_ncols=True, leave=True)

    def update(self, batch: Batch) -> None:
        counts = batch.request_counts
        done = (counts.completed + counts.failed) if counts else 0
        total = counts.total if counts else 0
        failed = counts.failed if counts else 0
        if self._bar is not None:
            self._bar.total = total or None
            self._bar.n = done
            self._bar.set_description_str(f"{batch.id} {batch.status}")
            self._bar.set_postfix_str(f"{failed} failed" if failed else "")
            self._bar.refresh()
            return
        line = f"{batch.status}: {done}/{total} done, {failed} failed"
        if line != self._last:
            elapsed = time.monotonic() - self._started
            self._err.write(f"cerebras: {batch.id} {line} ({elapsed:.0f} s)\n")
            self._err.flush()
            self._last = line

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _wait(
    client: Cerebras,
    batch_id: str,
    console: Console,
    *,
    as_json: bool,
    interval: float,
    max_wait: Optional[float],
) -> int:
    from ..resources.batches import BatchWaitTimeout

    progress = _Progress(sys.stderr)
    try:
        batch = client.batches.wait(
            batch_id, timeout=max_wait, poll_interval=interval, on_progress=progress.update
        )
    except BatchWaitTimeout as exc:
        progress.close()
        console.error(f"{batch_id} is still {exc.batch.status} after {max_wait:g} s; it goes on running")
        return EXIT_WAIT_TIMEOUT
    except CerebrasError:
        progress.close()
        raise
    progress.close()
    if as_json:
        console.line(batch.to_json())
    else:
        console.line(f"{batch.id}: {batch.status}")
        if batch.errors:
            console.error(
                f"{batch.id}: {batch.errors if isinstance(batch.errors, str) else json.dumps(batch.errors)}"
            )
    return EXIT_OK if batch.status == "completed" else EXIT_API_STATUS


PLATFORM_COMMANDS: Dict[str, Command] = {
    "files upload": _files_upload,
    "files list": _files_list,
    "files get": _files_get,
    "files content": _files_content,
    "files delete": _files_delete,
    "batches create": _batches_create,
    "batches get": _batches_get,
    "batches list": _batches_list,
    "batches cancel": _batches_cancel,
    "batches wait": _batches_wait,
    "batches results": _batches_results,
}

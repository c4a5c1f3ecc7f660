"""The ``files`` and ``batches`` commands of the parser (standard library only, like ``_parser``)."""

from __future__ import annotations

import argparse
from typing import Any, Dict

__all__ = ["add_platform_commands"]

_FILES_DESCRIPTION = """\
Manage uploaded files (the Files API, in private preview): upload a batch input file,
list, show, download or delete files."""

_BATCHES_DESCRIPTION = """\
Run batch jobs (the Batch API, in private preview): create a job from an uploaded JSONL
file (or upload one with --upload, checked first), show, list, cancel, wait for one to
finish (with a progress display) and write its results as JSONL.

workflow:
  cerebras files upload requests.jsonl            # prints the file id
  cerebras batches create file-abc123             # prints the batch id
  cerebras batches wait batch-xyz                 # until completed, failed, expired or cancelled
  cerebras batches results batch-xyz -o results.jsonl"""


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be between 1 and 100: {text!r}")
    return value


def _metadata(text: str) -> Dict[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return {key: value}


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", default=False, help="print the API's JSON")


def add_platform_commands(commands: Any, common: argparse.ArgumentParser, parsers: Dict[str, Any]) -> None:
    """Add ``files ...`` and ``batches ...`` to the ``commands`` subparsers; record each leaf
    parser in ``parsers`` under its command name (e.g. ``"batches wait"``)."""
    formatter = argparse.RawDescriptionHelpFormatter

    def leaf(group: Any, prefix: str, name: str, help: str, description: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = group.add_parser(
            name, parents=[common], formatter_class=formatter, help=help, description=description
        )
        parser.set_defaults(command=f"{prefix} {name}")
        parsers[f"{prefix} {name}"] = parser
        return parser

    files = commands.add_parser(
        "files",
        parents=[common],
        formatter_class=formatter,
        help="upload, list, download and delete files",
        description=_FILES_DESCRIPTION,
    )
    group = files.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    group.required = True

    upload = leaf(group, "files", "upload", "upload a file (purpose: batch)", "Upload PATH and print its id.")
    upload.add_argument("path", metavar="PATH", help="the file to upload (JSONL for batch input)")
    upload.add_argument("--purpose", default="batch", help="the file's purpose (default: batch)")
    upload.add_argument(
        "--expires-after",
        type=int,
        metavar="SECONDS",
        default=None,
        help="delete the file this many seconds after upload (3600 to 2592000; default: 7 days)",
    )
    upload.add_argument(
        "--no-check",
        action="store_true",
        default=False,
        help="upload a batch file without checking it first (custom ids, line count, size)",
    )
    _json_flag(upload)

    listing = leaf(group, "files", "list", "print a table of the files", "Print a table of your files.")
    listing.add_argument("--limit", type=_limit, default=None, help="files per request (1 to 100)")
    _json_flag(listing)

    get = leaf(
        group, "files", "get", "print one file's fields", "Print one file's fields as 'key: value' lines."
    )
    get.add_argument("file_id", metavar="ID", help="the file id")
    _json_flag(get)

    content = leaf(
        group,
        "files",
        "content",
        "download a file's content",
        "Write a file's content to standard output, or to --output. It is streamed, never held whole.",
    )
    content.add_argument("file_id", metavar="ID", help="the file id")
    content.add_argument("-o", "--output", metavar="PATH", default=None, help="write here instead of stdout")

    delete = leaf(group, "files", "delete", "delete a file", "Delete a file at once.")
    delete.add_argument("file_id", metavar="ID", help="the file id")
    _json_flag(delete)

    batches = commands.add_parser(
        "batches",
        parents=[common],
        formatter_class=formatter,
        help="create, watch and read batch jobs",
        description=_BATCHES_DESCRIPTION,
    )
    group = batches.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    group.required = True

    create = leaf(
        group,
        "batches",
        "create",
        "create a batch job",
        "Create a batch job from an uploaded file (FILE_ID), or check and upload PATH first (--upload).",
    )
    source = create.add_mutually_exclusive_group(required=True)
    source.add_argument("file_id", metavar="FILE_ID", nargs="?", default=None, help="an uploaded file's id")
    source.add_argument(
        "--upload", metavar="PATH", default=None, help="check and upload this JSONL file first"
    )
    create.add_argument(
        "--metadata",
        type=_metadata,
        action="append",
        metavar="KEY=VALUE",
        default=None,
        help="attach metadata (repeatable)",
    )
    create.add_argument("--wait", action="store_true", default=False, help="then wait for it to finish")
    _json_flag(create)

    get = leaf(group, "batches", "get", "print one batch's fields", "Print one batch's status and fields.")
    get.add_argument("batch_id", metavar="ID", help="the batch id")
    _json_flag(get)

    listing = leaf(group, "batches", "list", "print a table of the batches", "Print a table of your batches.")
    listing.add_argument("--limit", type=_limit, default=None, help="batches per request (1 to 100)")
    _json_flag(listing)

    cancel = leaf(group, "batches", "cancel", "cancel a batch", "Cancel a batch; finished requests are kept.")
    cancel.add_argument("batch_id", metavar="ID", help="the batch id")
    _json_flag(cancel)

    wait = leaf(
        group,
        "batches",
        "wait",
        "wait until a batch finishes",
        "Poll a batch until it is completed, failed, expired or cancelled, showing its progress\n"
        "(a live line on a terminal, one line per change otherwise). Exit status 0 when it\n"
        "completed, 3 when it failed, expired or was cancelled, 5 after --max-wait.",
    )
    wait.add_argument("batch_id", metavar="ID", help="the batch id")
    wait.add_argument(
        "--max-wait", type=_positive_float, metavar="SECONDS", default=None, help="give up after SECONDS"
    )
    wait.add_argument(
        "--interval", type=_positive_float, default=1.0, help="first poll interval (default 1 s)"
    )
    _json_flag(wait)

    results = leaf(
        group,
        "batches",
        "results",
        "write a batch's results as JSONL",
        "Write a finished batch's results, one JSON line per request, to standard output or --output.\n"
        "They are streamed, never held whole; a summary goes to standard error.",
    )
    results.add_argument("batch_id", metavar="ID", help="the batch id")
    results.add_argument("-o", "--output", metavar="PATH", default=None, help="write here instead of stdout")

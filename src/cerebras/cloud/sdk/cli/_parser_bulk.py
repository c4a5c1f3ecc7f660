"""The ``batch`` commands of the parser: one input file, run locally or on the Batch API."""

from __future__ import annotations

import argparse
from typing import Any, Dict

__all__ = ["add_bulk_commands"]

_BATCH_DESCRIPTION = """\
One JSONL input file (Batch API lines: custom_id, method, url, body), two ways to run it:
locally with this machine's own pacing under your rate limits (run), or on the Batch API
(submit). Both write results in the same JSONL format (results for a submitted batch).

examples:
  cerebras batch run requests.jsonl -o results.jsonl --concurrency 32 --tpm 60000
  cerebras batch submit requests.jsonl --wait       # prints the batch id
  cerebras batch results batch-xyz -o results.jsonl"""

_RUN_DESCRIPTION = """\
Send every request of INPUT from this machine, paced under the rate limits the API reports
(and any given here), and append one result line per request to OUTPUT. Killed or stopped,
the same command resumes: requests already in OUTPUT are not sent again. A request that
fails after its retries (the global --max-retries, default 8) becomes an error line. A bad
input line stops the run before anything is sent. Exit status 0 when every request
succeeded, 3 when some failed or the API rejected the key (the run stops, nothing is lost)."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number: {text!r}")
    return value


def add_bulk_commands(commands: Any, common: argparse.ArgumentParser, parsers: Dict[str, Any]) -> None:
    """Add ``batch run``, ``batch submit`` and ``batch results`` to the ``commands`` subparsers."""
    formatter = argparse.RawDescriptionHelpFormatter
    batch = commands.add_parser(
        "batch",
        parents=[common],
        formatter_class=formatter,
        help="run a JSONL file of requests locally, or submit it to the Batch API",
        description=_BATCH_DESCRIPTION,
    )
    group = batch.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    group.required = True

    def leaf(name: str, help: str, description: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = group.add_parser(
            name, parents=[common], formatter_class=formatter, help=help, description=description
        )
        parser.set_defaults(command=f"batch {name}")
        parsers[f"batch {name}"] = parser
        return parser

    run = leaf("run", "run the requests from here, resumably", _RUN_DESCRIPTION)
    run.add_argument("input", metavar="INPUT.jsonl", help="the requests, one JSON line each")
    run.add_argument(
        "-o", "--output", metavar="OUTPUT.jsonl", required=True, help="results (appended; resumes)"
    )
    run.add_argument(
        "--concurrency",
        type=_positive_int,
        default=None,
        metavar="N",
        help="requests in flight at most (default 16)",
    )
    for flag, what in (
        ("rpm", "requests per minute"),
        ("tpm", "tokens per minute"),
        ("rph", "requests per hour"),
        ("tph", "tokens per hour"),
        ("rpd", "requests per day"),
        ("tpd", "tokens per day"),
    ):
        run.add_argument(f"--{flag}", type=_positive_int, default=None, metavar="N", help=f"at most N {what}")
    run.add_argument(
        "--no-progress", action="store_true", default=False, help="no progress bar, no summary line"
    )

    submit = leaf(
        "submit",
        "upload the file and create a batch job",
        "Check INPUT against the Batch API's rules, upload it with the Files API and create a batch;\n"
        "print the batch id (or wait for it to finish with --wait).",
    )
    submit.add_argument("input", metavar="INPUT.jsonl", help="the requests, one JSON line each")
    submit.add_argument("--wait", action="store_true", default=False, help="then wait for it to finish")
    submit.add_argument("--json", action="store_true", default=False, help="print the API's JSON")

    results = leaf(
        "results",
        "write a batch's results as JSONL",
        "Write a finished batch's results, one JSON line per request (the format of 'batch run'),\n"
        "to standard output or --output; a summary goes to standard error.",
    )
    results.add_argument("batch_id", metavar="BATCH_ID", help="the batch id")
    results.add_argument(
        "-o", "--output", metavar="OUTPUT.jsonl", default=None, help="write here instead of stdout"
    )

"""The ``batch`` commands (imported with ``_run``, after parsing): run a file locally with the bulk
runner, or hand it to the Batch API."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Callable, Dict

from .._client import Cerebras
from . import EXIT_API_STATUS, EXIT_OK, EXIT_USAGE
from ._platform import PLATFORM_COMMANDS
from ._term import Console

if TYPE_CHECKING:
    from . import Settings

__all__ = ["BULK_COMMANDS"]

Command = Callable[[Cerebras, argparse.Namespace, "Settings", Console], int]


def _batch_run(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    from ..lib.bulk import (
        DEFAULT_CONCURRENCY,
        DEFAULT_MAX_RETRIES,
        BatchInputError,
        Limits,
        RunStopped,
        run_file,
    )

    limits = Limits(
        rpm=options.rpm, tpm=options.tpm, rph=options.rph, tph=options.tph, rpd=options.rpd, tpd=options.tpd
    )
    try:
        summary = run_file(
            client,
            options.input,
            options.output,
            concurrency=options.concurrency or DEFAULT_CONCURRENCY,
            limits=limits,
            max_retries=settings.max_retries if settings.max_retries is not None else DEFAULT_MAX_RETRIES,
            progress=False if options.no_progress else None,
        )
    except OSError as exc:
        console.error(f"{exc.filename or options.input}: {exc.strerror or exc}")
        return EXIT_USAGE
    except BatchInputError as exc:
        console.error(f"{options.input}: {exc} (nothing was sent)")
        return EXIT_USAGE
    except RunStopped as exc:
        console.error(str(exc))
        return EXIT_API_STATUS
    return EXIT_OK if summary.failed == 0 else EXIT_API_STATUS


def _batch_submit(client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console) -> int:
    create = argparse.Namespace(
        upload=options.input, file_id=None, metadata=None, wait=options.wait, json=options.json
    )
    return PLATFORM_COMMANDS["batches create"](client, create, settings, console)


def _batch_results(
    client: Cerebras, options: argparse.Namespace, settings: Settings, console: Console
) -> int:
    return PLATFORM_COMMANDS["batches results"](client, options, settings, console)


BULK_COMMANDS: Dict[str, Command] = {
    "batch run": _batch_run,
    "batch submit": _batch_submit,
    "batch results": _batch_results,
}

"""Run many completion requests under the account's rate limits, resumably.

* `run_file` / `arun_file`: a Batch API input file (JSONL) in, a results file out; resumable.
* `iter_results` / `aiter_results`: results in completion order from an iterable of requests.
* `RateBudget` (with `Limits`) paces requests and estimated tokens; sans-IO, so other executors
  (a Ray actor) can share one.
"""

from ..batch_input import BatchInputError
from ._budget import RateBudget
from ._engine import DEFAULT_CONCURRENCY, DEFAULT_MAX_RETRIES
from ._estimate import DEFAULT_COMPLETION_TOKENS, MESSAGE_OVERHEAD, estimate_tokens
from ._input import ENDPOINTS
from ._limits import Limits
from ._results import BulkError, BulkProgress, BulkResult, BulkSummary, RunStopped
from ._run import aiter_results, arun_file, iter_results, run_file

__all__ = [
    "DEFAULT_COMPLETION_TOKENS",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_RETRIES",
    "ENDPOINTS",
    "MESSAGE_OVERHEAD",
    "BatchInputError",
    "BulkError",
    "BulkProgress",
    "BulkResult",
    "BulkSummary",
    "Limits",
    "RateBudget",
    "RunStopped",
    "aiter_results",
    "arun_file",
    "estimate_tokens",
    "iter_results",
    "run_file",
]

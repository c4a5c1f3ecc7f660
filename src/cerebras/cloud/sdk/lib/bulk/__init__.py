"""Run many completion requests under the account's rate limits, resumably.

* `RateBudget` (with `Limits`) paces requests and estimated tokens, sans-IO.
"""

from ._budget import RateBudget
from ._limits import Limits

__all__ = ["Limits", "RateBudget"]

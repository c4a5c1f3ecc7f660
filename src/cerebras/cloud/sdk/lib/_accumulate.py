"""The accumulators live in the core (streams assemble their final completion with them); lib
exports them under its own names."""

from .._accumulate import (
    ChatCompletionAccumulator,
    CompletionAccumulator,
    TextCompletionAccumulator,
    accumulator_for,
)

__all__ = [
    "ChatCompletionAccumulator",
    "CompletionAccumulator",
    "TextCompletionAccumulator",
    "accumulator_for",
]

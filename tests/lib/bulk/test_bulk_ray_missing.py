"""Without the [ray] extra, the Ray integration imports, and its first call names the extra."""

from __future__ import annotations

import importlib.util

import pytest

from cerebras.cloud.sdk.lib.bulk.ray import read_requests, run_requests, shared_budget

pytestmark = pytest.mark.skipif(importlib.util.find_spec("ray") is not None, reason="Ray is installed")


@pytest.mark.parametrize(
    "call",
    [
        lambda: read_requests("requests.jsonl"),
        lambda: run_requests(object()),
        lambda: shared_budget(),
    ],
)
def test_each_entry_point_says_which_extra_it_needs(call: object) -> None:
    with pytest.raises(ImportError, match=r"cerebras_cloud_sdk\[ray\]"):
        call()  # type: ignore[operator]

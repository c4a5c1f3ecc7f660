"""Without the [ray] extra, the Ray integration imports, and its first call names the extra; the
UDF checks its options before it needs Ray."""

from __future__ import annotations

import importlib.util

import pytest

from cerebras.cloud.sdk.lib.bulk.ray import CerebrasRequests, read_requests, run_requests, shared_budget

without_ray = pytest.mark.skipif(importlib.util.find_spec("ray") is not None, reason="Ray is installed")


@without_ray
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


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"concurrency": 0}, "concurrency"),
        ({"max_retries": -1}, "max_retries"),
        ({"concurrency": True}, "concurrency"),
    ],
)
def test_the_udf_rejects_bad_options_when_built(options: dict, named: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=named):
        CerebrasRequests(budget=object(), **options)

"""In-process measurements, run by ``run.py`` in a fresh child process per task.

The same file runs under our venv and under an interpreter with the official package
(``--official``): both expose ``cerebras.cloud.sdk.Cerebras``/``AsyncCerebras`` with the
same arguments, so nothing here depends on which SDK is installed. The SDK is imported
lazily; if that (or a first request) fails, the floor is still measured and the error is
reported, so the floors can be developed before the SDK exists.

Two floors exist for the CPU figures (see README "Floors"): the *honest* floor, the least a
competent user of plain httpx writes for the same request bytes and the same parsed data (client
built once with the headers, URL built once, `content=` with the params serialised per request,
`json.loads`; streams: `iter_bytes()` split on newlines, `json.loads` per decoded `data:` line); and the
*legacy* floor measured before (per-request `headers=` and `json=`, URL string, `iter_lines()`),
which does extra work the SDK does not and so made the SDK's ratio look better.

Each task prints one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import sys
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Optional

MODEL = "llama3.1-8b"
MESSAGES = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Explain in two sentences why low latency matters for chat applications."},
]
PARAMS: Dict[str, Any] = {
    "model": MODEL,
    "messages": MESSAGES,
    "max_completion_tokens": 256,
    "temperature": 0.2,
}
STREAM_PARAMS: Dict[str, Any] = {**PARAMS, "stream": True, "stream_options": {"include_usage": True}}
CONCURRENCY = 50


def floor_headers(is_async: bool) -> Dict[str, str]:
    """The headers the SDK sends (only the version differs), so both put the same bytes on the wire."""
    return {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "User-Agent": ("AsyncCerebras" if is_async else "Cerebras") + "/Python 1.91.0",
        "X-Stainless-Lang": "python",
        "X-Stainless-Package-Version": "1.91.0",
        "X-Stainless-OS": "Linux",
        "X-Stainless-Arch": "x64",
        "X-Stainless-Runtime": platform.python_implementation(),
        "X-Stainless-Runtime-Version": platform.python_version(),
        "Authorization": "Bearer k",
        "X-Stainless-Async": "async:asyncio" if is_async else "false",
        "x-stainless-retry-count": "0",
        "x-stainless-read-timeout": "60",
    }


def dumps(params: Dict[str, Any]) -> bytes:
    """The request body as the SDK (and httpx's `json=`) encodes it: compact UTF-8 JSON."""
    return json.dumps(params, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def rss_kb() -> int:
    """Resident set size from /proc (Linux), in KiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def sdk_kwargs(base: str) -> Dict[str, Any]:
    return {"api_key": "k", "base_url": base, "warm_tcp_connection": False, "max_retries": 0}


def _err(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


# --------------------------------------------------------------------------- sync


class SyncPair:
    """The floors (plain httpx + json.loads) and the SDK doing one unit of sync work each."""

    def __init__(self, base: str, stream: bool) -> None:
        import httpx

        self.url = base + "/v1/chat/completions"
        self.stream = stream
        # Honest floor: configured once, like the SDK's client (which caches its headers and URLs).
        self.http = httpx.Client(headers=floor_headers(False))
        self.url_obj = httpx.URL(self.url)
        # Legacy floor: its own client, headers passed (and merged) on every request.
        self.http_legacy = httpx.Client()
        self.headers = floor_headers(False)
        self.sdk: Any = None
        self.sdk_error: Optional[str] = None
        try:
            from cerebras.cloud.sdk import Cerebras

            self.sdk = Cerebras(**sdk_kwargs(base))
            self.run_sdk()  # smoke test + warm-up
        except Exception as exc:
            self.sdk_error = _err(exc)
            self.sdk = None

    def run_floor(self) -> int:
        if not self.stream:
            r = self.http.post(self.url_obj, content=dumps(PARAMS))
            if r.status_code >= 400:
                raise RuntimeError(r.status_code)
            json.loads(r.content)
            return 1
        n = 0
        with self.http.stream("POST", self.url_obj, content=dumps(STREAM_PARAMS)) as r:
            if r.status_code >= 400:
                raise RuntimeError(r.status_code)
            buf = b""
            for chunk in r.iter_bytes():
                lines = (buf + chunk if buf else chunk).split(b"\n")
                buf = lines.pop()
                for line in lines:
                    if line.startswith(b"data: "):
                        data = line[6:]
                        if data == b"[DONE]":
                            continue  # keep reading so the connection goes back to the pool
                        d = json.loads(data.decode())  # str: json.loads(bytes) sniffs the encoding
                        if d["choices"]:
                            d["choices"][0]["delta"].get("content")
                        n += 1
        return n

    def run_floor_legacy(self) -> int:
        if not self.stream:
            r = self.http_legacy.post(self.url, json=PARAMS, headers=self.headers)
            if r.status_code >= 400:
                raise RuntimeError(r.status_code)
            json.loads(r.content)
            return 1
        n = 0
        with self.http_legacy.stream("POST", self.url, json=STREAM_PARAMS, headers=self.headers) as r:
            if r.status_code >= 400:
                raise RuntimeError(r.status_code)
            for line in r.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        continue
                    d = json.loads(data)
                    if d["choices"]:
                        d["choices"][0]["delta"].get("content")
                    n += 1
        return n

    def run_sdk(self) -> int:
        completions = self.sdk.chat.completions
        if not self.stream:
            completions.create(**PARAMS)
            return 1
        n = 0
        for chunk in completions.create(**STREAM_PARAMS):
            if chunk.choices:
                chunk.choices[0].delta.content  # noqa: B018 - touch what users read
            n += 1
        return n

    def close(self) -> None:
        self.http.close()
        self.http_legacy.close()
        if self.sdk is not None:
            self.sdk.close()


def measure_sync(pair: SyncPair, rounds: int, per_round: int, legacy: bool) -> Dict[str, List[float]]:
    """Alternate floor/SDK rounds (order flips each round); CPU seconds per unit."""
    out: Dict[str, List[float]] = {"floor": [], "floor_legacy": [], "sdk": []}
    runners: Dict[str, Callable[[], int]] = {"floor": pair.run_floor}
    if legacy:
        runners["floor_legacy"] = pair.run_floor_legacy
    if pair.sdk is not None:
        runners["sdk"] = pair.run_sdk
    for _ in range(2):  # warm-up: connections, lazy imports, caches
        for fn in runners.values():
            fn()
    names = list(runners)
    for i in range(rounds):
        for name in names if i % 2 == 0 else names[::-1]:
            fn = runners[name]
            gc.collect()
            units = 0
            t0 = time.process_time()
            for _ in range(per_round):
                units += fn()
            out[name].append((time.process_time() - t0) / units)
    return out


# -------------------------------------------------------------------------- async


class AsyncPair:
    """Async twin of :class:`SyncPair`; ``concurrency`` requests run at once."""

    def __init__(self, base: str, stream: bool, concurrency: int) -> None:
        self.base = base
        self.url = base + "/v1/chat/completions"
        self.stream = stream
        self.concurrency = concurrency
        self.headers = floor_headers(True)
        self.sdk: Any = None
        self.sdk_error: Optional[str] = None

    async def setup(self) -> None:
        import httpx

        self.http = httpx.AsyncClient(headers=self.headers)  # honest floor, see SyncPair
        self.url_obj = httpx.URL(self.url)
        self.http_legacy = httpx.AsyncClient()
        try:
            from cerebras.cloud.sdk import AsyncCerebras

            self.sdk = AsyncCerebras(**sdk_kwargs(self.base))
            await self.run_sdk()
        except Exception as exc:
            self.sdk_error = _err(exc)
            self.sdk = None

    async def _floor_one(self) -> int:
        if not self.stream:
            r = await self.http.post(self.url_obj, content=dumps(PARAMS))
            if r.status_code >= 400:
                raise RuntimeError(r.status_code)
            json.loads(r.content)
            return 1
        n = 0
        async with self.http.stream("POST", self.url_obj, content=dumps(STREAM_PARAMS)) as r:
            if r.status_code >= 400:
                raise RuntimeError(r.status_code)
            buf = b""
            async for chunk in r.aiter_bytes():
                lines = (buf + chunk if buf else chunk).split(b"\n")
                buf = lines.pop()
                for line in lines:
                    if line.startswith(b"data: "):
                        data = line[6:]
                        if data == b"[DONE]":
                            continue
                        d = json.loads(data.decode())  # str: json.loads(bytes) sniffs the encoding
                        if d["choices"]:
                            d["choices"][0]["delta"].get("content")
                        n += 1
        return n

    async def _floor_legacy_one(self) -> int:
        if not self.stream:
            r = await self.http_legacy.post(self.url, json=PARAMS, headers=self.headers)
            if r.status_code >= 400:
                raise RuntimeError(r.status_code)
            json.loads(r.content)
            return 1
        n = 0
        async with self.http_legacy.stream("POST", self.url, json=STREAM_PARAMS, headers=self.headers) as r:
            if r.status_code >= 400:
                raise RuntimeError(r.status_code)
            async for line in r.aiter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data == "[DONE]":
                        continue
                    d = json.loads(data)
                    if d["choices"]:
                        d["choices"][0]["delta"].get("content")
                    n += 1
        return n

    async def _sdk_one(self) -> int:
        completions = self.sdk.chat.completions
        if not self.stream:
            await completions.create(**PARAMS)
            return 1
        n = 0
        async for chunk in await completions.create(**STREAM_PARAMS):
            if chunk.choices:
                chunk.choices[0].delta.content  # noqa: B018
            n += 1
        return n

    async def _batch(self, one: Callable[[], Any]) -> int:
        if self.concurrency == 1:
            return await one()
        return sum(await asyncio.gather(*(one() for _ in range(self.concurrency))))

    async def run_floor(self) -> int:
        return await self._batch(self._floor_one)

    async def run_floor_legacy(self) -> int:
        return await self._batch(self._floor_legacy_one)

    async def run_sdk(self) -> int:
        return await self._batch(self._sdk_one)

    async def close(self) -> None:
        await self.http.aclose()
        await self.http_legacy.aclose()
        if self.sdk is not None:
            await self.sdk.close()


async def measure_async(pair: AsyncPair, rounds: int, per_round: int, legacy: bool) -> Dict[str, Any]:
    await pair.setup()
    out: Dict[str, Any] = {"floor": [], "floor_legacy": [], "sdk": []}
    runners = {"floor": pair.run_floor}
    if legacy:
        runners["floor_legacy"] = pair.run_floor_legacy
    if pair.sdk is not None:
        runners["sdk"] = pair.run_sdk
    for _ in range(2):
        for fn in runners.values():
            await fn()
    names = list(runners)
    batches = max(1, per_round // pair.concurrency)
    for i in range(rounds):
        for name in names if i % 2 == 0 else names[::-1]:
            fn = runners[name]
            gc.collect()
            units = 0
            t0 = time.process_time()
            for _ in range(batches):
                units += await fn()
            out[name].append((time.process_time() - t0) / units)
    out["sdk_error"] = pair.sdk_error
    await pair.close()
    return out


# -------------------------------------------------------------------------- tasks


def task_cpu(args: argparse.Namespace) -> Dict[str, Any]:
    base = f"http://127.0.0.1:{args.port}"
    stream = args.kind == "stream"
    if args.mode == "sync":
        pair = SyncPair(base, stream)
        res: Dict[str, Any] = dict(measure_sync(pair, args.rounds, args.per_round, args.legacy_floor))
        res["sdk_error"] = pair.sdk_error
        pair.close()
        return res
    conc = CONCURRENCY if args.mode == "async50" else 1
    pair = AsyncPair(base, stream, conc)
    return asyncio.run(measure_async(pair, args.rounds, args.per_round, args.legacy_floor))


def task_extra_client(args: argparse.Namespace) -> Dict[str, Any]:
    """Cost of one more client in a process that already has one (time and memory)."""
    import httpx

    base = f"http://127.0.0.1:{args.port}"
    makers: Dict[str, Callable[[], Any]] = {"floor": httpx.Client}
    sdk_error = None
    try:
        from cerebras.cloud.sdk import Cerebras

        def make_sdk() -> Any:
            c = Cerebras(**sdk_kwargs(base))
            c.chat.completions  # noqa: B018 - first touch creates the resource
            return c

        make_sdk()
        makers["sdk"] = make_sdk
    except Exception as exc:
        sdk_error = _err(exc)
    keep = [make() for make in makers.values()]  # "already has one"
    names = list(makers)
    out: Dict[str, Any] = {"time_floor": [], "time_sdk": [], "mem_floor": [], "mem_sdk": []}
    for i in range(args.rounds):
        for name in names if i % 2 == 0 else names[::-1]:
            gc.collect()
            t0 = time.perf_counter()
            obj = makers[name]()
            out["time_" + name].append(time.perf_counter() - t0)
            keep.append(obj)
    # tracemalloc slows allocation down a lot, so memory is measured in a separate pass.
    tracemalloc.start()
    for i in range(args.rounds):
        for name in names if i % 2 == 0 else names[::-1]:
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            obj = makers[name]()
            gc.collect()
            out["mem_" + name].append(tracemalloc.get_traced_memory()[0] - before)
            keep.append(obj)
    tracemalloc.stop()
    out["sdk_error"] = sdk_error
    for obj in keep:
        obj.close()
    return out


def task_rss(args: argparse.Namespace) -> Dict[str, Any]:
    """RSS after ``count`` sequential requests on one client (fresh process)."""
    base = f"http://127.0.0.1:{args.port}"
    if args.side == "floor":
        import httpx

        http = httpx.Client(headers=floor_headers(False))
        url = httpx.URL(base + "/v1/chat/completions")

        def one() -> None:
            json.loads(http.post(url, content=dumps(PARAMS)).content)

        close = http.close
    else:
        from cerebras.cloud.sdk import Cerebras

        client = Cerebras(**sdk_kwargs(base))

        def one() -> None:
            client.chat.completions.create(**PARAMS)

        close = client.close
    before = rss_kb()
    for _ in range(args.count):
        one()
    gc.collect()
    after = rss_kb()
    close()
    return {"rss_before_kb": before, "rss_kb": after}


def main(argv: Optional[List[str]] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("task", choices=["cpu", "extra-client", "rss"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mode", choices=["sync", "async", "async50"], default="sync")
    p.add_argument("--kind", choices=["json", "stream"], default="json")
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--per-round", type=int, default=100)
    p.add_argument("--side", choices=["floor", "sdk"], default="floor")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--legacy-floor", action="store_true", help="also measure the legacy floor (cpu)")
    args = p.parse_args(argv)
    task = {"cpu": task_cpu, "extra-client": task_extra_client, "rss": task_rss}[args.task]
    print(json.dumps(task(args)), flush=True)


if __name__ == "__main__":
    sys.exit(main())

"""Benchmarks of the bulk runner (`cerebras.cloud.sdk.lib.bulk`), run by hand:

    python benchmarks/bench_bulk.py rate       # 30 rpm / 60,000 tpm (time-scaled mock), 2,000 requests
    python benchmarks/bench_bulk.py resume     # kill -9 at ~50% of a CLI run, then resume
    python benchmarks/bench_bulk.py memory     # 1,000,000-line input against the fast server: peak RSS growth
    python benchmarks/bench_bulk.py nolimits   # runner req/s vs a plain asyncio + httpx loop
    python benchmarks/bench_bulk.py ray        # 4 Ray workers, one shared limit (needs the [ray] extra)
    python benchmarks/bench_bulk.py all

Each prints its figures and whether they meet the targets (exit status 1 on a miss):
rate: at most 1% of the requests get a 429 and throughput is at least 90% of the binding limit;
resume: every custom_id exactly once, no request sent again after its result was written;
memory: peak RSS grows by less than 100 MB; nolimits: runner/plain >= 0.9; ray: the total rate is
within 5% of the limit and at most 1% of the requests get a 429.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

HERE = Path(__file__).resolve().parent
MODEL = "llama3.1-8b"


def line(i: int, **body: Any) -> Dict[str, Any]:
    return {
        "custom_id": f"r-{i}",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {"model": MODEL, "messages": [{"role": "user", "content": f"request {i}"}], **body},
    }


def write_input(path: Path, count: int, **body: Any) -> Path:
    with path.open("w") as file:
        for i in range(count):
            file.write(json.dumps(line(i, **body), separators=(",", ":")) + "\n")
    return path


# ---------------------------------------------------------------------------------------------- rate


def bench_rate(args: argparse.Namespace) -> bool:
    from cerebras.cloud.sdk import AsyncCerebras
    from cerebras.cloud.sdk.lib.bulk import arun_file
    from cerebras.cloud.sdk.testing import MockCerebrasServer, RateLimits

    rpm, tpm, count, scale = 30, 60_000, args.requests, args.time_scale
    # ~110 tokens per request on admission: 60,000 tpm would allow ~545 a minute, so rpm binds.
    server = MockCerebrasServer(time_scale=scale, rate_limits=RateLimits(rpm=rpm, tpm=tpm)).start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            source = write_input(Path(folder) / "in.jsonl", count, max_completion_tokens=100)

            async def go() -> Any:
                async with AsyncCerebras(api_key="bench", base_url=server.base_url) as client:
                    return await arun_file(
                        client, source, Path(folder) / "out.jsonl", concurrency=16, progress=False
                    )

            started = server.clock.now()
            summary = asyncio.run(go())
            mock_minutes = (server.clock.now() - started) / 60
        sent = len(server.requests_to("chat"))
    finally:
        server.stop()
    share_429 = summary.rate_limited / sent
    rate = count / mock_minutes
    steady = (count - rpm) / mock_minutes  # without the first, free, full bucket
    print(f"rate: {count} requests, rpm={rpm} tpm={tpm}, time_scale={scale}: {summary.succeeded} succeeded")
    print(f"  429s: {summary.rate_limited} of {sent} sent ({share_429:.2%}; target <= 1%)")
    print(f"  throughput: {rate:.2f} req/mock-minute ({rate / rpm:.1%} of the binding {rpm} rpm); ")
    print(f"  steady state (the first {rpm} not counted): {steady:.2f} ({steady / rpm:.1%}; target >= 90%)")
    print(f"  wall time {summary.elapsed:.1f} s")
    return share_429 <= 0.01 and steady >= 0.9 * rpm and summary.succeeded == count


# -------------------------------------------------------------------------------------------- resume


def bench_resume(args: argparse.Namespace) -> bool:
    from cerebras.cloud.sdk.testing import MockCerebrasServer

    count = args.requests
    server = MockCerebrasServer().start()
    server.add_delay(0.002, times=None)
    try:
        with tempfile.TemporaryDirectory() as folder:
            source, output = write_input(Path(folder) / "in.jsonl", count), Path(folder) / "out.jsonl"
            command = [sys.executable, "-m", "cerebras.cloud.sdk", "--base-url", server.base_url]
            command += ["batch", "run", str(source), "-o", str(output), "--concurrency", "16"]
            env = {**os.environ, "CEREBRAS_API_KEY": "bench"}
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while not output.exists() or output.read_bytes().count(b"\n") < count // 2:
                time.sleep(0.001)
            process.send_signal(signal.SIGKILL)
            process.wait()
            before = output.read_bytes()
            torn = not before.endswith(b"\n")
            written = {json.loads(raw)["custom_id"] for raw in before.split(b"\n")[:-1]}
            first_run = [r.json["messages"][0]["content"] for r in server.requests_to("chat")]  # type: ignore[index]
            server.clear_requests()
            finished = subprocess.run(command, env=env, capture_output=True, text=True)
            final = [json.loads(raw)["custom_id"] for raw in output.read_text().splitlines()]
            second_run = [r.json["messages"][0]["content"] for r in server.requests_to("chat")]  # type: ignore[index]
    finally:
        server.stop()
    written_texts = {f"request {cid[2:]}" for cid in written}
    resent = [text for text in second_run if text in written_texts]
    once = sorted(final) == sorted(f"r-{i}" for i in range(count))
    print(
        f"resume: {count} requests, killed (SIGKILL) with {len(written)} results written (torn last line: {torn})"
    )
    print(
        f"  first run sent {len(first_run)}, the resumed run sent {len(second_run)} (exit {finished.returncode})"
    )
    print(f"  every custom_id exactly once: {once} ({len(final)} lines)")
    print(f"  requests sent again after their result was written: {len(resent)} (target 0)")
    in_flight = set(first_run) - written_texts  # sent, no result written before the kill
    print(
        f"  in flight at the kill (sent, no result written), sent again: {len(in_flight & set(second_run))}"
    )
    return once and not resent and finished.returncode == 0


# -------------------------------------------------------------------------------------------- memory


def _start_fast_server() -> Tuple[subprocess.Popen, str]:  # type: ignore[type-arg]
    process = subprocess.Popen([sys.executable, str(HERE / "server.py")], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    port = process.stdout.readline().split()[1]
    return process, f"http://127.0.0.1:{port}"


def _start_mock_server() -> Tuple[subprocess.Popen, str]:  # type: ignore[type-arg]
    """The bundled mock in its own process, its limits set far above what a run can use (a plain
    loop ignores the x-ratelimit-* headers; the runner obeys them, so they must not bind)."""
    command = [sys.executable, "-m", "cerebras.cloud.sdk.testing", "--rpd", str(10**12), "--tpm", str(10**12)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    found = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
    assert found, "the mock did not print its base URL"
    return process, found.group(0)


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for text in status:
            if text.startswith("VmRSS:"):
                return int(text.split()[1])
    return 0


def _memory_child(source: str, output: str, base_url: str) -> None:
    from cerebras.cloud.sdk import AsyncCerebras
    from cerebras.cloud.sdk.lib.bulk import arun_file

    async def go() -> Any:
        async with AsyncCerebras(api_key="bench", base_url=base_url, warm_tcp_connection=False) as client:
            return await arun_file(client, source, output, concurrency=32, progress=False)

    baseline = _rss_kb()
    summary = asyncio.run(go())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    print(
        json.dumps(
            {"baseline_kb": baseline, "peak_kb": peak, "done": summary.done, "elapsed": summary.elapsed}
        )
    )


def bench_memory(args: argparse.Namespace) -> bool:
    count = args.lines
    server, base_url = _start_fast_server()
    try:
        with tempfile.TemporaryDirectory() as folder:
            source, output = Path(folder) / "in.jsonl", Path(folder) / "out.jsonl"
            write_input(source, count, max_completion_tokens=10)
            size = source.stat().st_size
            code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import bench_bulk as b; b._memory_child(*sys.argv[1:])"
            child = subprocess.run(
                [sys.executable, "-c", code, str(source), str(output), base_url],
                capture_output=True,
                text=True,
            )
            if child.returncode != 0:
                print(child.stderr)
                return False
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            lines = output.read_bytes().count(b"\n")
    finally:
        server.terminate()
        server.wait()
    growth = (figures["peak_kb"] - figures["baseline_kb"]) / 1024
    print(
        f"memory: {count:,} lines ({size / 1e6:.0f} MB) in, {lines:,} result lines out, {figures['elapsed']:.0f} s"
    )
    print(
        f"  RSS before the run {figures['baseline_kb'] / 1024:.1f} MB, peak {figures['peak_kb'] / 1024:.1f} MB"
    )
    print(f"  peak growth: {growth:.1f} MB (target < 100 MB)")
    return growth < 100 and lines == count


# ------------------------------------------------------------------------------------------ nolimits


def _sdk_headers(base_url: str) -> List[Tuple[bytes, bytes]]:
    """The headers the runner's client sends on a chat request, caught by an httpx MockTransport
    (all but `host` and `content-length`, which httpx sets per request)."""
    import httpx

    from cerebras.cloud.sdk import AsyncCerebras

    caught: List[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        caught.append(request)
        return httpx.Response(200, json={})

    async def one() -> None:
        transport = httpx.MockTransport(answer)
        async with AsyncCerebras(
            api_key="bench",
            base_url=base_url,
            http_client=httpx.AsyncClient(transport=transport),
            max_retries=0,
        ) as client:
            await client.post("/v1/chat/completions", cast_to=httpx.Response, body=line(0)["body"])

    asyncio.run(one())
    return [(k, v) for k, v in caught[0].headers.raw if k.lower() not in (b"host", b"content-length")]


async def _plain_loop(base_url: str, count: int, concurrency: int, headers: Any = None) -> float:
    """The floor: plain asyncio + httpx, client and URL built once, `content=` with the SDK's JSON
    encoding, `json.loads` of each answer. `headers=None` sends only the two the API needs."""
    import httpx

    url = httpx.URL(base_url + "/v1/chat/completions")
    if headers is None:
        headers = {"authorization": "Bearer bench", "content-type": "application/json"}
    todo = iter(range(count))
    async with httpx.AsyncClient(headers=headers, limits=httpx.Limits(max_connections=concurrency)) as client:

        async def worker() -> None:
            for i in todo:
                body = json.dumps(line(i)["body"], separators=(",", ":"), ensure_ascii=False)
                response = await client.post(url, content=body)
                json.loads(response.content)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return count / (time.perf_counter() - started)


async def _runner(base_url: str, count: int, concurrency: int) -> float:
    from cerebras.cloud.sdk import AsyncCerebras
    from cerebras.cloud.sdk.lib.bulk import aiter_results

    def requests() -> Iterator[Dict[str, Any]]:
        return (line(i) for i in range(count))

    async with AsyncCerebras(api_key="bench", base_url=base_url, warm_tcp_connection=False) as client:
        started = time.perf_counter()
        done = 0
        async for result in aiter_results(client, requests(), concurrency=concurrency):
            done += result.status == "succeeded"
        assert done == count
        return count / (time.perf_counter() - started)


def bench_nolimits(args: argparse.Namespace) -> bool:
    server, base_url = _start_fast_server() if args.server == "fast" else _start_mock_server()
    # The floor sends the SDK's headers (benchmarks/README.md, "honest floor": the same bytes on
    # the wire); the loop with only the two headers the API needs is shown for reference.
    same_bytes = _sdk_headers(base_url)
    runs: Dict[str, List[float]] = {"plain, 2 headers": [], "plain, SDK headers": [], "bulk runner": []}
    try:
        for _ in range(args.rounds):  # alternating, so that load on the machine hits all three
            runs["plain, 2 headers"].append(
                asyncio.run(_plain_loop(base_url, args.requests, args.concurrency))
            )
            runs["plain, SDK headers"].append(
                asyncio.run(_plain_loop(base_url, args.requests, args.concurrency, same_bytes))
            )
            runs["bulk runner"].append(asyncio.run(_runner(base_url, args.requests, args.concurrency)))
    finally:
        server.terminate()
        server.wait()
    where = "benchmarks/server.py" if args.server == "fast" else "the bundled mock (own process)"
    print(
        f"nolimits: against {where}, {args.requests} requests, concurrency {args.concurrency}, {args.rounds} rounds"
    )
    for name, rates in runs.items():
        print(f"  {name + ':':20s} {statistics.median(rates):,.0f} req/s  {[round(x) for x in rates]}")
    ratios = {}
    for floor in ("plain, SDK headers", "plain, 2 headers"):
        paired = [r / p for r, p in zip(runs["bulk runner"], runs[floor])]
        ratios[floor] = statistics.median(runs["bulk runner"]) / statistics.median(runs[floor])
        print(
            f"  runner / {floor}: {ratios[floor]:.2f} (median of the per-round ratios "
            f"{statistics.median(paired):.2f})"
        )
    print("  target: runner / plain with the SDK's headers >= 0.9")
    return ratios["plain, SDK headers"] >= 0.9


# ----------------------------------------------------------------------------------------------- ray


def bench_ray(args: argparse.Namespace) -> bool:
    import ray

    from cerebras.cloud.sdk.lib.bulk.ray import read_requests, run_requests, shared_budget
    from cerebras.cloud.sdk.testing import MockCerebrasServer, RateLimits

    rpm, count, scale, workers = args.rpm, args.requests, args.ray_time_scale, 4
    ray.init(num_cpus=4, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    ray.data.DataContext.get_current().enable_progress_bars = False
    # The limit is the mock's own (rpm, time-scaled); the workers learn it from the x-ratelimit-*
    # headers only, through the one budget actor they share.
    server = MockCerebrasServer(time_scale=scale, rate_limits=RateLimits(rpm=rpm)).start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            source = write_input(Path(folder) / "in.jsonl", count, max_completion_tokens=20)
            options = {"api_key": "bench", "base_url": server.base_url}
            results = run_requests(read_requests(str(source)), workers=workers, client_options=options)
            rows = list(results.iter_rows())
        stats = ray.get(shared_budget().stats.remote())
        sent = server.requests_to("chat")
    finally:
        server.stop()
        ray.shutdown()
    succeeded = sum(row["status"] == "succeeded" for row in rows)
    limited = stats["rate_limited"]
    times = sorted(request.received_at for request in sent)
    # The first full bucket (rpm requests) goes at once; the rate that must match the limit is
    # the one after it, from the request after the burst to the last.
    admitted = len(times) - limited  # a 429 is a request the server did not take
    steady = (admitted - rpm - 1) / ((times[-1] - times[rpm]) * scale / 60)
    print(f"ray: {count} requests, {workers} workers sharing one budget, mock rpm={rpm}, time_scale={scale}")
    print(
        f"  rows back: {len(rows)} ({succeeded} succeeded); sent {len(sent)}, 429s {limited} ({limited / len(sent):.2%}; target <= 1%)"
    )
    print(
        f"  total rate after the first full bucket: {steady:.2f} req/mock-minute = {steady / rpm:.1%} of the limit (target 95%-105%)"
    )
    return (
        len(rows) == count
        and succeeded == count
        and limited <= 0.01 * len(sent)
        and abs(steady / rpm - 1) <= 0.05
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=["rate", "resume", "memory", "nolimits", "ray", "all"])
    parser.add_argument(
        "--requests",
        type=int,
        default=None,
        help="requests (rate: 2000, resume: 2000, nolimits: 5000, ray: 2000)",
    )
    parser.add_argument("--time-scale", type=float, default=400.0, help="rate: mock seconds per real second")
    parser.add_argument("--lines", type=int, default=1_000_000, help="memory: input lines")
    parser.add_argument("--concurrency", type=int, default=16, help="nolimits: requests in flight")
    parser.add_argument("--rounds", type=int, default=3, help="nolimits: alternating rounds")
    parser.add_argument(
        "--server", choices=["mock", "fast"], default="mock", help="nolimits: the bundled mock, or server.py"
    )
    parser.add_argument("--rpm", type=int, default=120, help="ray: the mock's requests per minute")
    parser.add_argument(
        "--ray-time-scale", type=float, default=15.0, help="ray: mock seconds per real second"
    )
    args = parser.parse_args()
    ok = True
    # `all` leaves out ray: it needs the [ray] extra.
    for which, default in (
        ("rate", 2000),
        ("resume", 2000),
        ("nolimits", 5000),
        ("memory", None),
        ("ray", 2000),
    ):
        if which == "ray" and args.which != "ray":
            continue
        if args.which in (which, "all"):
            run = argparse.Namespace(**{**vars(args), "requests": args.requests or default})
            ok = {
                "rate": bench_rate,
                "resume": bench_resume,
                "memory": bench_memory,
                "nolimits": bench_nolimits,
                "ray": bench_ray,
            }[which](run) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the SDK against its floor (plain httpx + pydantic doing the same work).

Usage::

    python benchmarks/run.py [--quick] [--json PATH] [--official PYTHON] [--check] [--legacy-floor]

The CPU floors are the *honest* ones (README "Floors"): the least plain-httpx code for the same
request bytes and parsed data. ``--legacy-floor`` adds rows against the floor used before, which
did extra per-request work and so flattered the SDK.

Every figure is measured next to its floor in the same run, in interleaved rounds
(floor/SDK order flips every round) because the machine is small and noisy. The table
shows medians, the ratio SDK/floor (median of the per-round ratios, which cancels slow
drift), the target and the spread (inter-quartile range as % of the median).

Process state matters for imports and memory, so those run in fresh child processes;
CPU figures come from one child per variant that alternates floor and SDK rounds
against a loopback server (``server.py``) running in its own process.

With ``--official PYTHON`` the SDK-side measurements are repeated with an interpreter
that has the official ``cerebras_cloud_sdk`` installed; its ratio is taken against a
floor measured with that same interpreter. If the SDK cannot be imported or used, its
cells say "unavailable" and the floors are still measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
WORKER = str(HERE / "worker.py")
SERVER = str(HERE / "server.py")


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    unit: str
    scale: float  # raw sample * scale = value in `unit`
    target: Optional[Tuple[str, float]]  # ("ratio", x) | ("max", value in `unit`) | None = report only


ROWS = [
    Row("import", "import (aiohttp installed)", "ms", 1e3, ("ratio", 0.9)),
    Row("import_noaio", "import (aiohttp blocked)", "ms", 1e3, ("ratio", 0.9)),
    Row("construct", "import + client + .chat.completions", "ms", 1e3, ("ratio", 1.2)),
    Row("first_client", "first Cerebras() after import", "ms", 1e3, ("ratio", 1.05)),
    Row("first_client_nowarm", "first Cerebras() after import, no warm-up", "ms", 1e3, None),
    Row("extra_time", "one more client: time", "ms", 1e3, ("max", 5.0)),
    Row("extra_mem", "one more client: tracemalloc", "KB", 1 / 1024, ("max", 100.0)),
    Row("req_sync", "CPU/request sync", "us", 1e6, ("ratio", 1.15)),
    Row("req_async", "CPU/request async", "us", 1e6, ("ratio", 1.15)),
    Row("req_async50", "CPU/request async, 50 concurrent", "us", 1e6, ("ratio", 1.15)),
    Row("chunk_sync", "CPU/chunk stream sync", "us", 1e6, ("ratio", 1.15)),
    Row("chunk_async", "CPU/chunk stream async", "us", 1e6, ("ratio", 1.15)),
    Row("rss_import", "RSS after import", "MB", 1 / 1024, ("ratio", 1.1)),
    Row("rss_import_noaio", "RSS after import (aiohttp blocked)", "MB", 1 / 1024, ("ratio", 1.1)),
    Row("rss_1000", "RSS after 1000 requests", "MB", 1 / 1024, None),
]
# The CPU rows against the legacy floor (before the honest one; see README "Floors"), with
# --legacy-floor: the same SDK samples, paired with the legacy floor of the same round.
CPU_KEYS = ("req_sync", "req_async", "req_async50", "chunk_sync", "chunk_async")
LEGACY = "_legacy"
ROWS += [
    Row(r.key + LEGACY, r.label + " [legacy floor]", r.unit, r.scale, None) for r in ROWS if r.key in CPU_KEYS
]
GROUPS = {
    "import": ("import", "import_noaio", "construct", "rss_import", "rss_import_noaio"),
    "first": ("first_client", "first_client_nowarm"),
    "client": ("extra_time", "extra_mem"),
    "cpu": ("req_sync", "req_async", "req_async50"),
    "stream": ("chunk_sync", "chunk_async"),
    "rss": ("rss_1000",),
}


@dataclass(frozen=True)
class Plan:
    """Sample counts; the full plan stays under ~5 minutes on 2 cores (SDK side included)."""

    import_rounds: int
    extra_procs: int
    extra_rounds: int
    cpu_rounds: int
    req_per_round: int
    req50_per_round: int
    streams_per_round: int
    rss_samples: int
    rss_requests: int = 1000


FULL = Plan(20, 3, 15, 16, 150, 500, 2, 3)
QUICK = Plan(6, 1, 8, 5, 60, 150, 1, 1)

# --------------------------------------------------------------------------- samples

# (row key, impl, side) -> raw samples; impl is "ours" or "official", side "floor" or "sdk".
Samples = Dict[Tuple[str, str, str], List[float]]


class Results:
    def __init__(self) -> None:
        self.samples: Samples = {}
        self.errors: Dict[Tuple[str, str], str] = {}  # (row, impl) -> why the SDK side is missing
        self.notes: List[str] = []
        self.extra: Dict[str, Any] = {}

    def add(self, row: str, impl: str, side: str, values: Sequence[float]) -> None:
        self.samples.setdefault((row, impl, side), []).extend(values)

    def get(self, row: str, impl: str, side: str) -> List[float]:
        return self.samples.get((row, impl, side), [])

    def fail(self, row: str, impl: str, error: str) -> None:
        self.errors.setdefault((row, impl), error)


_T0 = time.monotonic()


def log(msg: str) -> None:
    print(f"[{time.monotonic() - _T0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def child_env() -> Dict[str, str]:
    """Children must not pick up the user's Cerebras settings (keys, custom headers, URLs)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREBRAS_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode, as for a normal install
    return env


def run_child(argv: List[str], cwd: str, timeout: float = 300) -> Dict[str, Any]:
    """Run a child that prints a JSON object on its last stdout line."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=child_env(), timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"timed out after {timeout:g} s") from None
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        err = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        raise RuntimeError(err[:300])
    return json.loads(lines[-1])


# --------------------------------------------------------------------------- imports

# Makes packages look "not installed": every meta-path finder is wrapped so it returns
# None for them, hence `import` raises ModuleNotFoundError and importlib.util.find_spec()
# returns None, exactly as if they were absent.
_HIDE = """
class _Hide:
    def __init__(self, inner):
        self._inner = inner
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {names!r}:
            return None
        find = getattr(self._inner, "find_spec", None)
        return find(name, path, target) if find is not None else None
    def __getattr__(self, attr):
        return getattr(self._inner, attr)
sys.meta_path[:] = [_Hide(f) for f in sys.meta_path]
"""
NO_AIOHTTP = _HIDE.format(names=("aiohttp", "httpx_aiohttp"))
# httpcore imports trio, if installed, when the first client is built (~35 ms). trio is
# only a dev dependency here, so hide it: the figure should match a user's install.
NO_TRIO = _HIDE.format(names=("trio",))

_CHILD = """
import sys, time
{block}
{setup}
c0, t0 = time.process_time(), time.perf_counter()
{stmts}
t1, c1 = time.perf_counter(), time.process_time()
nmod = len(sys.modules)
flags = {{m: m in sys.modules for m in ("aiohttp", "httpx_aiohttp", "h2", "anyio", "pydantic")}}
import json
rss = -1
with open("/proc/self/status") as f:
    for line in f:
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
print(json.dumps({{"s": t1 - t0, "cpu_s": c1 - c0, "rss_kb": rss, "modules": nmod, "loaded": flags}}))
"""

_FLOOR_IMPORT = "import httpx\nfrom pydantic import BaseModel"
_SDK_IMPORT = "from cerebras.cloud.sdk import Cerebras"


def import_snippets(base: str) -> Dict[Tuple[str, str], str]:
    kwargs = f'api_key="k", base_url="{base}", warm_tcp_connection=False, max_retries=0'

    def child(block: str, stmts: str, setup: str = "") -> str:
        return _CHILD.format(block=block, setup=setup, stmts=stmts)

    return {
        ("import", "floor"): child("", _FLOOR_IMPORT),
        ("import", "sdk"): child("", _SDK_IMPORT),
        ("import_noaio", "floor"): child(NO_AIOHTTP, _FLOOR_IMPORT),
        ("import_noaio", "sdk"): child(NO_AIOHTTP, _SDK_IMPORT),
        ("construct", "floor"): child(NO_TRIO, _FLOOR_IMPORT + "\nc = httpx.Client()"),
        ("construct", "sdk"): child(NO_TRIO, f"{_SDK_IMPORT}\nc = Cerebras({kwargs})\nc.chat.completions"),
        # The first client of a process, imports done (untimed): a user's `Cerebras()` with its
        # defaults (the warm-up request to the loopback server included), and without the warm-up.
        ("first_client", "floor"): child(NO_TRIO, "c = httpx.Client()", setup=_FLOOR_IMPORT),
        ("first_client", "sdk"): child(
            NO_TRIO, f'c = Cerebras(api_key="k", base_url="{base}")', setup=_SDK_IMPORT
        ),
        ("first_client_nowarm", "floor"): child(NO_TRIO, "c = httpx.Client()", setup=_FLOOR_IMPORT),
        ("first_client_nowarm", "sdk"): child(
            NO_TRIO,
            f'c = Cerebras(api_key="k", base_url="{base}", warm_tcp_connection=False)',
            setup=_SDK_IMPORT,
        ),
    }


def bench_imports(
    res: Results, impls: Dict[str, str], plan: Plan, base: str, tmp: str, rows: Sequence[str]
) -> None:
    snippets = import_snippets(base)
    # Each round runs every (row, interpreter, side) child once, floor/SDK order flipping.
    order = [(row, impl, side) for row in rows for impl in impls for side in ("floor", "sdk")]
    for rnd in range(plan.import_rounds + 1):  # round 0 warms the disk and bytecode caches
        log(f"  imports: round {rnd}/{plan.import_rounds}")
        for row, impl, side in order if rnd % 2 == 0 else order[::-1]:
            if side == "sdk" and (row, impl) in res.errors:
                continue
            try:
                out = run_child([impls[impl], "-c", snippets[(row, side)]], cwd=tmp, timeout=120)
            except Exception as exc:
                if side == "floor":
                    raise
                res.fail(row, impl, str(exc))
                continue
            if rnd == 0:
                if impl == "ours" and side == "sdk" and row == "import":
                    res.extra["ours_import_loaded"] = out["loaded"]
                if impl == "official" and side == "sdk" and row == "import":
                    res.extra["official_import_loaded"] = out["loaded"]
                continue
            res.add(row, impl, side, [out["s"]])
            res.add(row + "_modules", impl, side, [out["modules"]])  # diagnostics only
            res.add(row + "_cpu", impl, side, [out["cpu_s"]])  # ditto: CPU time is less noisy
            if row in ("import", "import_noaio"):
                res.add("rss_" + row, impl, side, [out["rss_kb"]])
    for impl in impls:
        for row in ("import", "import_noaio"):
            if (row, impl) in res.errors:
                res.fail("rss_" + row, impl, res.errors[(row, impl)])


# ---------------------------------------------------------------------- worker tasks


def bench_extra_client(res: Results, impls: Dict[str, str], plan: Plan, port: int) -> None:
    for p in range(plan.extra_procs):
        for impl in list(impls) if p % 2 == 0 else list(impls)[::-1]:
            log(f"  one more client: {impl} process {p + 1}/{plan.extra_procs}")
            argv = [
                impls[impl],
                WORKER,
                "extra-client",
                "--port",
                str(port),
                "--rounds",
                str(plan.extra_rounds),
            ]
            try:
                out = run_child(argv, cwd=str(HERE), timeout=180)
            except Exception as exc:  # e.g. the SDK hangs: report it, keep going
                for key in ("extra_time", "extra_mem"):
                    res.fail(key, impl, str(exc))
                continue
            for key, metric in (("extra_time", "time_"), ("extra_mem", "mem_")):
                res.add(key, impl, "floor", out[metric + "floor"])
                res.add(key, impl, "sdk", out[metric + "sdk"])
                if out["sdk_error"]:
                    res.fail(key, impl, out["sdk_error"])


CPU_VARIANTS = (
    ("req_sync", "sync", "json"),
    ("req_async", "async", "json"),
    ("req_async50", "async50", "json"),
    ("chunk_sync", "sync", "stream"),
    ("chunk_async", "async", "stream"),
)


def bench_cpu(
    res: Results, impls: Dict[str, str], plan: Plan, port: int, only: Sequence[str], legacy: bool
) -> None:
    for key, mode, kind in CPU_VARIANTS:
        if key not in only:
            continue
        if kind == "stream":
            per_round = plan.streams_per_round
        else:
            per_round = plan.req50_per_round if mode == "async50" else plan.req_per_round
        for impl, python in impls.items():
            log(f"  {key}: {impl}")
            argv = [python, WORKER, "cpu", "--port", str(port), "--mode", mode, "--kind", kind]
            argv += ["--rounds", str(plan.cpu_rounds), "--per-round", str(per_round)]
            if legacy:
                argv.append("--legacy-floor")
            try:
                out = run_child(argv, cwd=str(HERE), timeout=240)
            except Exception as exc:
                res.fail(key, impl, str(exc))
                res.fail(key + LEGACY, impl, str(exc))
                continue
            res.add(key, impl, "floor", out["floor"])
            res.add(key, impl, "sdk", out["sdk"])
            if legacy:
                res.add(key + LEGACY, impl, "floor", out["floor_legacy"])
                res.add(key + LEGACY, impl, "sdk", out["sdk"])
            if out["sdk_error"]:
                res.fail(key, impl, out["sdk_error"])
                res.fail(key + LEGACY, impl, out["sdk_error"])


def bench_rss(res: Results, impls: Dict[str, str], plan: Plan, port: int) -> None:
    order = [(impl, side) for impl in impls for side in ("floor", "sdk")]
    for s in range(plan.rss_samples):
        for impl, side in order if s % 2 == 0 else order[::-1]:
            if side == "sdk" and ("rss_1000", impl) in res.errors:
                continue
            log(f"  rss after {plan.rss_requests} requests: {impl}/{side} {s + 1}/{plan.rss_samples}")
            argv = [impls[impl], WORKER, "rss", "--port", str(port), "--side", side]
            try:
                out = run_child([*argv, "--count", str(plan.rss_requests)], cwd=str(HERE))
            except Exception as exc:
                if side == "floor":
                    raise
                res.fail("rss_1000", impl, str(exc))
                continue
            res.add("rss_1000", impl, side, [out["rss_kb"]])
            res.add("rss_client_built", impl, side, [out["rss_before_kb"]])  # diagnostics only


# ---------------------------------------------------------------------------- server


class LoopbackServer:
    """``server.py`` in its own process, so its CPU never counts against the client."""

    def __init__(self, pin_cpu: Optional[int], events_per_chunk: int = 1) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--events-per-chunk", str(events_per_chunk)],
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        if pin_cpu is not None:
            os.sched_setaffinity(self.proc.pid, {pin_cpu})
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            self.stop()
            raise RuntimeError("benchmark server did not start")
        self.port = int(line[1])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ------------------------------------------------------------------------ statistics


def median(xs: Sequence[float]) -> Optional[float]:
    return statistics.median(xs) if xs else None


def spread_pct(xs: Sequence[float]) -> Optional[float]:
    """Inter-quartile range as % of the median (0 with fewer than 2 samples)."""
    if not xs:
        return None
    if len(xs) < 2:
        return 0.0
    q1, _, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    med = statistics.median(xs)
    return 100.0 * (q3 - q1) / med if med else 0.0


def paired_ratio(sdk: Sequence[float], floor: Sequence[float]) -> Optional[float]:
    """Median of per-round sdk/floor ratios (samples of a round were taken side by side)."""
    pairs = [s / f for s, f in zip(sdk, floor) if f]
    return statistics.median(pairs) if pairs else None


def summarize(res: Results, row: Row, impls: Sequence[str]) -> Dict[str, Any]:
    out: Dict[str, Any] = {"key": row.key, "metric": row.label, "unit": row.unit}
    if row.target:
        out["target"] = {"kind": row.target[0], "value": row.target[1]}
    for impl in impls:
        sdk, floor = res.get(row.key, impl, "sdk"), res.get(row.key, impl, "floor")
        m_sdk, m_floor = median(sdk), median(floor)
        entry: Dict[str, Any] = {
            "value": None if m_sdk is None else m_sdk * row.scale,
            "floor": None if m_floor is None else m_floor * row.scale,
            "ratio": paired_ratio(sdk, floor),
            "ratio_of_medians": m_sdk / m_floor if m_sdk is not None and m_floor else None,
            "spread_pct": spread_pct(sdk),
            "floor_spread_pct": spread_pct(floor),
            "samples": [x * row.scale for x in sdk],
            "floor_samples": [x * row.scale for x in floor],
            "error": res.errors.get((row.key, impl)) if not sdk else None,
            "ok": None,
        }
        if entry["value"] is not None and row.target:
            kind, limit = row.target
            got = entry["ratio"] if kind == "ratio" else entry["value"]
            entry["ok"] = got is not None and got <= limit
        out[impl] = entry
    return out


# ----------------------------------------------------------------------------- table


def fmt(v: Optional[float], unit: str = "") -> str:
    if v is None:
        return "unavailable"
    if abs(v) >= 100:
        s = f"{v:.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.2f}"
    return f"{s} {unit}".rstrip()


def fmt_pct(v: Optional[float]) -> str:
    return "-" if v is None else f"{v:.0f}"


def render(summary: List[Dict[str, Any]], with_official: bool) -> str:
    head = ["metric", "ours", "floor", "ratio"]
    if with_official:
        head += ["official", "off. ratio"]
    head += ["target", "ok (ours/off.)" if with_official else "ok"]
    head.append("spread % (ours/floor" + ("/off.)" if with_official else ")"))
    body = []
    for s in summary:
        ours, unit = s["ours"], s["unit"]
        t = s.get("target")
        target = (
            "report"
            if not t
            else (f"<= {t['value']}x" if t["kind"] == "ratio" else f"<= {t['value']:g} {unit}")
        )
        ratio = "-" if ours["ratio"] is None else f"{ours['ratio']:.2f}x"
        cells = [s["metric"], fmt(ours["value"], unit), fmt(ours["floor"], unit), ratio]
        spreads = [fmt_pct(ours["spread_pct"]), fmt_pct(ours["floor_spread_pct"])]
        oks = [ours["ok"]]
        if with_official:
            off = s["official"]
            off_ratio = "-" if off["ratio"] is None else f"{off['ratio']:.2f}x"
            cells += [fmt(off["value"], unit), off_ratio]
            spreads.append(fmt_pct(off["spread_pct"]))
            oks.append(off["ok"])
        ok = "/".join("-" if o is None else ("ok" if o else "MISS") for o in oks)
        cells += [target, ok, "/".join(spreads)]
        body.append(cells)
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in [head, *body]]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ main


def interpreter_info(python: str, tmp: str) -> Dict[str, Any]:
    code = (
        "import json, platform, sys\n"
        "from importlib import metadata\n"
        "v = {}\n"
        "for d in ('httpx', 'httpcore', 'h11', 'pydantic', 'pydantic_core', 'anyio', 'aiohttp',"
        " 'httpx_aiohttp', 'cerebras_cloud_sdk'):\n"
        "    try:\n"
        "        v[d] = metadata.version(d)\n"
        "    except Exception:\n"
        "        v[d] = None\n"
        "print(json.dumps({'executable': sys.executable, 'python': platform.python_version(), 'versions': v}))\n"
    )
    return run_child([python, "-c", code], cwd=tmp)


class CpuPinning:
    """Server on one CPU, client children on the others, while they talk to each other.

    Stops client and server from migrating onto the same core mid-measurement. Import
    children do not use the server, so they may run on any CPU (less hurt by other load).
    """

    def __init__(self, enabled: bool) -> None:
        cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        self.all = set(cpus)
        self.server_cpu: Optional[int] = cpus[-1] if enabled and len(cpus) >= 2 else None

    def clients_apart(self, apart: bool) -> None:
        """Children started after this call inherit the parent's affinity."""
        if self.server_cpu is not None:
            os.sched_setaffinity(0, self.all - {self.server_cpu} if apart else self.all)


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="SDK performance vs. plain httpx/pydantic floors.")
    ap.add_argument("--quick", action="store_true", help="fewer samples (CI smoke, < 2 minutes)")
    ap.add_argument("--json", metavar="PATH", help="write all results and raw samples here")
    ap.add_argument("--official", metavar="PYTHON", help="interpreter with the official SDK installed")
    ap.add_argument("--only", metavar="GROUPS", help="comma list of: " + ",".join(GROUPS))
    ap.add_argument("--check", action="store_true", help="exit 1 if one of our figures misses its target")
    ap.add_argument("--no-pin", action="store_true", help="do not pin server/client processes to CPUs")
    ap.add_argument(
        "--legacy-floor",
        action="store_true",
        help="also report the CPU rows against the legacy floor (json=, per-request headers, iter_lines)",
    )
    ap.add_argument(
        "--events-per-chunk",
        type=int,
        default=1,
        metavar="N",
        help="SSE events the server packs into one HTTP chunk (default 1, one per event)",
    )
    args = ap.parse_args(argv)

    plan = QUICK if args.quick else FULL
    groups = args.only.split(",") if args.only else list(GROUPS)
    unknown = set(groups) - set(GROUPS)
    if unknown:
        ap.error("unknown group(s): " + ", ".join(sorted(unknown)))
    only = [k for g in groups for k in GROUPS[g]]
    if args.legacy_floor:
        only += [k + LEGACY for k in only if k in CPU_KEYS]
    impls = {"ours": sys.executable}
    if args.official:
        if shutil.which(args.official) is None and not os.access(args.official, os.X_OK):
            ap.error(f"--official: {args.official} is not an executable")
        impls["official"] = args.official

    started = time.monotonic()
    res = Results()
    tmp = tempfile.mkdtemp(prefix="cerebras-bench-")  # empty cwd for `-c` children
    server = None
    try:
        info = {impl: interpreter_info(py, tmp) for impl, py in impls.items()}
        if "official" in info:
            for dist in ("httpx", "httpcore", "pydantic", "pydantic_core"):
                a, b = info["ours"]["versions"][dist], info["official"]["versions"][dist]
                if a != b:
                    res.notes.append(f"{dist} differs: ours {a}, official interpreter {b}")
        pinning = CpuPinning(not args.no_pin)
        server = LoopbackServer(pinning.server_cpu, args.events_per_chunk)
        base = f"http://127.0.0.1:{server.port}"
        log(f"server on {base}; plan: {'quick' if args.quick else 'full'}; groups: {','.join(groups)}")
        import_rows = [
            r for g in ("import", "first") if g in groups for r in GROUPS[g] if not r.startswith("rss")
        ]
        if import_rows:
            bench_imports(res, impls, plan, base, tmp, import_rows)
        pinning.clients_apart(True)
        if "client" in groups:
            bench_extra_client(res, impls, plan, server.port)
        bench_cpu(res, impls, plan, server.port, only, args.legacy_floor)
        if "rss" in groups:
            bench_rss(res, impls, plan, server.port)
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    summary = [summarize(res, row, list(impls)) for row in ROWS if row.key in only]
    for impl, key in (("ours", "ours_import_loaded"), ("official", "official_import_loaded")):
        loaded = res.extra.get(key) or {}
        eager = [m for m in ("aiohttp", "httpx_aiohttp", "h2") if loaded.get(m)]
        if eager:
            res.notes.append(f"{impl}: `import cerebras.cloud.sdk` also imports {', '.join(eager)}")
    missing: Dict[Tuple[str, str], List[str]] = {}  # one note per distinct error
    for (row, impl), err in sorted(res.errors.items()):
        if row in only and not res.get(row, impl, "sdk"):
            missing.setdefault((impl, err), []).append(row)
    for (impl, err), rows in missing.items():
        res.notes.append(f"{impl} unavailable for {', '.join(rows)}: {err}")
    elapsed = time.monotonic() - started

    print(render(summary, "official" in impls))
    print(
        f"\nmedians; ratio = median of per-round SDK/floor ratios; spread = IQR as % of median; "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {elapsed:.0f} s"
    )
    for note in res.notes:
        print("note:", note)
    if args.json:
        doc = {
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "plan": plan.__dict__,
            "quick": args.quick,
            "elapsed_s": elapsed,
            "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
            "interpreters": info,
            "rows": summary,
            # Medians of side figures (modules imported, RSS before the first request).
            "diagnostics": {
                f"{row}/{impl}/{side}": median(v)
                for (row, impl, side), v in res.samples.items()
                if row not in {r.key for r in ROWS}
            },
            "modules_loaded_by_import": {k: v for k, v in res.extra.items() if k.endswith("_loaded")},
            "notes": res.notes,
        }
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
    if args.check and any(s["ours"]["ok"] is False for s in summary):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

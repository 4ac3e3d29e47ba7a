"""Load bench of `airace serve` on loopback: a cached API endpoint against a trivial floor.

Starts the real server (`airace serve --port 0`, a fresh AIRACE_HOME with the curated
catalog) as a subprocess bound to 127.0.0.1, then runs 20 concurrent httpx clients for 10 s
against a cached endpoint and, in the same run, against /api/v1/health (the floor: routing,
HTTP and the client itself). Prints p50/p95/p99 latency and throughput for both. Timings
are printed, never asserted; the client shares the machine's cores with the server.

    .venv/bin/python bench/bench_web.py [--clients 20] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

CACHED = "/api/v1/cadence?as_of=2026-03-03&window=14M&labs=deepseek,openai&sensitivity=true"
FLOOR = "/api/v1/health"
SERVE = "import sys; from airace.cli.serve import serve; serve(sys.argv[1:])"


def start(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """The server process and its URL, read from the one line it prints when ready."""
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, "--host", "127.0.0.1", "--port", "0"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not match:
        proc.kill()
        raise SystemExit(f"the server did not start: {line.strip()}")
    return proc, match.group(0)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), to separate server cost from load."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def load(base: str, path: str, clients: int, seconds: float) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as client:
        await client.get(path)  # fill the cache
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - t0)
                errors += response.status_code != 200

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": quantile(latencies, 0.50) * 1000,
        "p95": quantile(latencies, 0.95) * 1000,
        "p99": quantile(latencies, 0.99) * 1000,
        "mean": statistics.fmean(latencies) * 1000,
    }


# wrk's Lua hook: one line with requests, non-2xx/3xx responses, p50/p95/p99 (ms), seconds.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("AIRACE %d %d %.3f %.3f %.3f %.3f\\n", summary.requests,
    summary.errors.status + summary.errors.timeout, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
"""


def load_wrk(base: str, path: str, clients: int, seconds: float) -> dict[str, float]:
    """The same load from wrk (a C client), so the client's own CPU does not dominate."""
    import shutil

    import httpx

    wrk = shutil.which("wrk")
    assert wrk is not None
    httpx.get(base + path, timeout=60)  # fill the cache, as the httpx client does
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    try:
        out = subprocess.run(
            [wrk, "-t2", f"-c{clients}", f"-d{seconds:g}s", "-s", script.name, base + path],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("AIRACE "))
    requests, errors, p50, p95, p99, duration = (float(v) for v in line.split()[1:])
    return {
        "requests": requests,
        "errors": errors,
        "rps": requests / duration,
        "p50": p50,
        "p95": p95,
        "p99": p99,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--client",
        choices=("auto", "wrk", "httpx"),
        default="auto",
        help="load generator: wrk (C, Debian package) when installed, else "
        "httpx (Python; its own CPU use inflates the latencies)",
    )
    args = parser.parse_args()
    import shutil

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "httpx"
    with tempfile.TemporaryDirectory(prefix="airace-bench-web-") as home:
        env = {**os.environ, "AIRACE_HOME": home}
        env.pop("AIRACE_CATALOG", None)
        subprocess.run(
            [sys.executable, "-m", "airace", "data", "build"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        proc, base = start(env)
        try:
            print(
                f"server {base}, {args.clients} clients ({client}), {args.seconds:g} s per endpoint"
            )
            print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
            head = (
                "endpoint",
                "requests",
                "req/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "server CPU ms/req",
            )
            print("{:<10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>17} errors".format(*head))
            for label, path in (("cached", CACHED), ("floor", FLOOR)):
                before = cpu_seconds(proc.pid)
                if client == "wrk":
                    r = load_wrk(base, path, args.clients, args.seconds)
                else:
                    r = asyncio.run(load(base, path, args.clients, args.seconds))
                after = cpu_seconds(proc.pid)
                cpu = "n/a"
                if before is not None and after is not None and r["requests"]:
                    cpu = f"{(after - before) * 1000 / r['requests']:.2f}"
                print(
                    f"{label:<10} {r['requests']:>8.0f} {r['rps']:>8.0f} {r['p50']:>8.1f} "
                    f"{r['p95']:>8.1f} {r['p99']:>8.1f} {cpu:>17} {r['errors']:.0f}"
                )
            print(f"cached endpoint: {CACHED}")
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()

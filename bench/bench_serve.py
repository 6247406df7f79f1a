"""Issue 6 benchmark: `cupola serve` under load (wrk, loopback only).

    python -m bench.bench_serve [--size 1000000] [--duration 60] [--connections 32]

Builds (once) a scaled archive from bench.corpus (real NASA fields recombined under new ids), starts a
real `cupola serve` on 127.0.0.1 and drives it with Debian's `wrk` for ``--duration`` seconds at
``--connections`` concurrent connections, on two workloads per endpoint:

* cached: a fixed set of real queries, each asked once before the run (repeat questions, the common case
  for a public archive: the answer comes from the response cache),
* uncached: every request a different query (search + page building on every request).

Targets (issue 6): at 1M records, 0 errors, >= 1,000 req/s for cached or simple queries, p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.bench_core import STEPS_OFF, make_queries
from bench.corpus import OUT, build

LUA = """
local paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def archive_for(size: int) -> Path:
    from cupola.archive import Archive
    from cupola.ingest import ingest

    workdir = OUT / f"serve-archive-{size}"
    done = workdir / "bench-complete"
    if done.exists():
        return workdir
    shutil.rmtree(workdir, ignore_errors=True)
    corpus = build(size)
    started = time.perf_counter()
    with Archive.open(workdir) as archive:
        report = ingest(archive, [corpus], options=STEPS_OFF)
    assert report.added == size, report.to_dict()
    print(f"built a {size:,}-record archive in {time.perf_counter() - started:.0f} s", flush=True)
    done.write_text("ok")
    return workdir


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(archive: Path, port: int, workers: int = 1) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "cupola.cli", "--archive", str(archive), "serve",
                                "--port", str(port), "--workers", str(workers)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(process.stderr.read().decode()) from None
            if time.monotonic() > deadline:
                raise SystemExit("server did not start") from None
            time.sleep(0.5)


def paths_for(endpoint: str, queries: list[str]) -> list[str]:
    if endpoint == "/search":
        return [f"/search?{urllib.parse.urlencode({'q': q})}" for q in queries]
    return [f"/api/v1/search?{urllib.parse.urlencode({'q': q, 'limit': 20})}" for q in queries]


def warm(base: str, paths: list[str]) -> list[float]:
    took = []
    for path in paths:
        started = time.perf_counter()
        with urllib.request.urlopen(base + path, timeout=60) as response:
            response.read()
        took.append((time.perf_counter() - started) * 1000)
    return took


def wrk(base: str, paths: list[str], duration: int, connections: int, threads: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path_file = Path(folder) / "paths.txt"
        path_file.write_text("\n".join(paths) + "\n")
        script = Path(folder) / "cycle.lua"
        script.write_text(LUA % path_file)
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
                              "--timeout", "10s", "--latency", "-s", str(script), base],
                             capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(out: str) -> dict:
    result = {"req_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    for pct in ("50", "99"):
        match = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+(?:us|ms|s))", out)
        result[f"p{pct}_ms"] = _ms(match.group(1)) if match else None
    errors = 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        errors += int(non_2xx.group(1))
    result["errors"] = errors
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200, help="distinct queries in the cached workload")
    parser.add_argument("--workers", type=int, default=1, help="`cupola serve --workers`")
    parser.add_argument("--only", choices=("cached", "uncached"), help="run one workload only")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found: apt-get install -y wrk")
    archive = archive_for(args.size)
    corpus = build(args.size)
    cached_queries = make_queries(corpus, args.queries, seed=11)
    unique_queries = make_queries(corpus, 60_000, seed=23)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(archive, port, args.workers)
    results = {}
    try:
        for endpoint in ("/search", "/api/v1/search"):
            if args.only != "uncached":
                cached = paths_for(endpoint, cached_queries)
                cold = warm(base, cached)
                results[f"{endpoint} cached"] = wrk(base, cached, args.duration, args.connections, args.threads)
                results[f"{endpoint} cached"]["first_ask_p50_ms"] = sorted(cold)[len(cold) // 2]
            if args.only != "cached":
                unique = [f"{p}&page={1 + n % 3}" for n, p in enumerate(paths_for(endpoint, unique_queries))]
                results[f"{endpoint} uncached"] = wrk(base, unique, args.duration, args.connections, args.threads)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"== cupola serve --workers {args.workers}, {args.size:,} records, {args.connections} connections, "
          f"{args.duration} s per run "
          f"(wrk, loopback; server and load generator share this machine's cores)")
    for name, r in results.items():
        ok = r["errors"] == 0 and r["req_per_s"] >= 1000 and (r["p99_ms"] or 1e9) <= 100
        print(f"{name:24s} {r['req_per_s']:8,.0f} req/s  p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms  "
              f"errors {r['errors']}  ({r['req_per_s'] / 1000:.2f}x the 1,000 req/s target, "
              f"p99 {r['p99_ms'] / 100:.2f}x the 100 ms budget){'  meets targets' if ok else ''}")
    (OUT / f"bench-serve-{args.size}-w{args.workers}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
